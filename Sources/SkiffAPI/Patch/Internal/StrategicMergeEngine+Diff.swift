// A port of k8s.io/apimachinery pkg/util/strategicpatch/patch.go: computing patches (diffMaps, diffLists).

extension Engine {
  /// A patch that turns `original` into `modified` under `options`.
  func diffMaps(_ original: JSONObject, _ modified: JSONObject, _ schema: MergeKeys, _ options: DiffOptions) throws(PatchError) -> JSONObject {
    var patch = JSONObject()
    var retainKeysList: [JSONValue] = []
    for (key, modifiedValue) in modified {
      if options.buildRetainKeysDirective && !modifiedValue.isNull { retainKeysList.append(.string(key)) }
      guard let originalValue = original[key] else {
        if !options.ignoreChangesAndAdditions { patch[key] = modifiedValue }
        continue
      }
      if key == Self.directiveMarker {
        guard case .string(let o) = originalValue, case .string(let m) = modifiedValue else {
          throw PatchError(.internalError, "invalid value for special key: \(Self.directiveMarker)")
        }
        if o != m { patch[key] = modifiedValue }
        continue
      }
      if GoKind(originalValue) != GoKind(modifiedValue) {
        if !options.ignoreChangesAndAdditions { patch[key] = modifiedValue }
        continue
      }
      switch (originalValue, modifiedValue) {
      case (.object(let o), .object(let m)):
        try handleMapDiff(key, o, m, &patch, schema, options)
      case (.array(let o), .array(let m)):
        try handleSliceDiff(key, o, m, &patch, schema, options)
      default:
        replaceIfNotEqual(key, originalValue, modifiedValue, &patch, options)
      }
    }
    if !options.ignoreDeletions {
      for key in original.keys where modified[key] == nil { patch[key] = .null }
    }
    if !retainKeysList.isEmpty && (!patch.isEmpty || hasAdditionalNewField(original, modified)) {
      patch[Self.retainKeysDirective] = .array(sortScalars(retainKeysList))
    }
    return patch
  }

  func handleMapDiff(
    _ key: String, _ original: JSONObject, _ modified: JSONObject, _ patch: inout JSONObject,
    _ schema: MergeKeys, _ options: DiffOptions
  ) throws(PatchError) {
    let subschema = schema[field: key]
    let strategy = subschema.strategy ?? PatchStrategy()
    var options = options
    options.buildRetainKeysDirective = strategy.retainKeys
    if strategy.replace {
      if !options.ignoreChangesAndAdditions { patch[key] = .object(modified) }
      return
    }
    let value = try diffMaps(original, modified, subschema, options)
    if !value.isEmpty { patch[key] = .object(value) }
  }

  func handleSliceDiff(
    _ key: String, _ original: [JSONValue], _ modified: [JSONValue], _ patch: inout JSONObject,
    _ schema: MergeKeys, _ options: DiffOptions
  ) throws(PatchError) {
    let subschema = schema[field: key]
    let strategy = subschema.strategy ?? PatchStrategy()
    guard strategy.merge else {
      replaceIfNotEqual(key, .array(original), .array(modified), &patch, options)
      return
    }
    var options = options
    options.buildRetainKeysDirective = strategy.retainKeys
    let (add, delete, order) = try diffLists(original, modified, subschema, strategy.mergeKey ?? "", options)
    if !add.isEmpty { patch[key] = .array(add) }
    if !delete.isEmpty { patch[Self.deleteFromPrimitiveListPrefix + "/" + key] = .array(delete) }
    if !order.isEmpty { patch[Self.setElementOrderPrefix + "/" + key] = .array(order) }
  }

  func replaceIfNotEqual(_ key: String, _ original: JSONValue, _ modified: JSONValue, _ patch: inout JSONObject, _ options: DiffOptions) {
    if options.ignoreChangesAndAdditions || original == modified { return }
    patch[key] = modified
  }

  func hasAdditionalNewField(_ original: JSONObject, _ modified: JSONObject) -> Bool {
    original.contains { key, value in !value.isNull && modified[key] == nil }
  }

  /// The additions and changes, the deletions and the order of a merged list.
  func diffLists(
    _ original: [JSONValue], _ modified: [JSONValue], _ schema: MergeKeys, _ mergeKey: String, _ options: DiffOptions
  ) throws(PatchError) -> (patch: [JSONValue], delete: [JSONValue], order: [JSONValue]) {
    if original.isEmpty {
      if modified.isEmpty || options.ignoreChangesAndAdditions { return ([], [], []) }
      return (modified, [], [])
    }
    let kind = try sliceElementKind(original, modified)
    switch kind {
    case .map:
      var (patchList, deleteList) = try diffListsOfMaps(original, modified, schema, mergeKey, options)
      patchList = try normalizeSliceOrder(patchList, modified, mergeKey, kind)
      let orderSame = try isOrderSame(original, modified, mergeKey)
      patchList += deleteList
      var order: [JSONValue] = []
      if options.setElementOrder
        && ((!options.ignoreChangesAndAdditions && (!patchList.isEmpty || !orderSame))
          || (!options.ignoreDeletions && !patchList.isEmpty))
      {
        order = modified.map { item in .object([mergeKey: item[mergeKey] ?? .null]) }
      }
      return (patchList, [], order)
    case .slice:
      throw .noListOfLists
    default:
      let (added, deleted, sortedOriginal) = diffListsOfScalars(original, modified, options)
      let patchList = try normalizeSliceOrder(added, modified, mergeKey, kind)
      var order: [JSONValue] = []
      // Go sorts `original` in place before this comparison, so a list that is equal but
      // not sorted still gets its order sent.
      if options.setElementOrder
        && ((!options.ignoreDeletions && !deleted.isEmpty)
          || (!options.ignoreChangesAndAdditions && sortedOriginal != modified))
      {
        order = modified
      }
      return (patchList, deleted, order)
    }
  }

  func isOrderSame(_ original: [JSONValue], _ modified: [JSONValue], _ mergeKey: String) throws(PatchError) -> Bool {
    guard original.count == modified.count else { return false }
    for (o, m) in zip(original, modified) where !(try mergeKeyValueEqual(o, m, mergeKey)) { return false }
    return true
  }

  /// Scalars added and deleted (compared by Go's %v text, as apimachinery does), and the
  /// original sorted.
  func diffListsOfScalars(_ original: [JSONValue], _ modified: [JSONValue], _ options: DiffOptions)
    -> (add: [JSONValue], delete: [JSONValue], sortedOriginal: [JSONValue])
  {
    let originalScalars = sortScalars(original)
    let modifiedScalars = sortScalars(modified)
    var add: [JSONValue] = []
    var delete: [JSONValue] = []
    var oi = 0
    var mi = 0
    while oi < originalScalars.count || mi < modifiedScalars.count {
      let oIn = oi < originalScalars.count
      let mIn = mi < modifiedScalars.count
      let oText = oIn ? originalScalars[oi].goDescription : ""
      let mText = mIn ? modifiedScalars[mi].goDescription : ""
      if oIn && mIn && oText == mText {
        oi += 1
        mi += 1
      } else if !oIn || (mIn && goLess(mText, oText)) {
        if !options.ignoreChangesAndAdditions { add.append(modifiedScalars[mi]) }
        mi += 1
      } else {
        if !options.ignoreDeletions { delete.append(originalScalars[oi]) }
        oi += 1
      }
    }
    return (add, deduplicateScalars(delete), originalScalars)
  }

  func diffListsOfMaps(
    _ original: [JSONValue], _ modified: [JSONValue], _ schema: MergeKeys, _ mergeKey: String, _ options: DiffOptions
  ) throws(PatchError) -> (patch: [JSONValue], delete: [JSONValue]) {
    var patch: [JSONValue] = []
    var deletions: [JSONValue] = []
    let originalSorted = sortMapsByField(original, mergeKey)
    let modifiedSorted = sortMapsByField(modified, mergeKey)
    var oi = 0
    var mi = 0
    while oi < originalSorted.count || mi < modifiedSorted.count {
      let oIn = oi < originalSorted.count
      let mIn = mi < modifiedSorted.count
      var originalItem = JSONObject(), modifiedItem = JSONObject()
      var originalKeyValue: JSONValue = .null, modifiedKeyValue: JSONValue = .null
      var oText = "", mText = ""
      if oIn {
        (originalItem, originalKeyValue) = try mapAndMergeKeyValue(originalSorted[oi], mergeKey)
        oText = originalKeyValue.goDescription
      }
      if mIn {
        (modifiedItem, modifiedKeyValue) = try mapAndMergeKeyValue(modifiedSorted[mi], mergeKey)
        mText = modifiedKeyValue.goDescription
      }
      if oIn && mIn && oText == mText {
        var value = try diffMaps(originalItem, modifiedItem, schema, options)
        if !value.isEmpty {
          value[mergeKey] = modifiedKeyValue
          patch.append(.object(value))
        }
        oi += 1
        mi += 1
      } else if !oIn || (mIn && goLess(mText, oText)) {
        if !options.ignoreChangesAndAdditions { patch.append(.object(modifiedItem)) }
        mi += 1
      } else {
        if !options.ignoreDeletions {
          deletions.append(.object([mergeKey: originalKeyValue, Self.directiveMarker: Self.deleteDirective]))
        }
        oi += 1
      }
    }
    return (patch, deletions)
  }

  func mapAndMergeKeyValue(_ item: JSONValue, _ mergeKey: String) throws(PatchError) -> (JSONObject, JSONValue) {
    guard case .object(let object) = item else { throw .badArgType(expected: "map[string]interface {}", item) }
    guard let value = object[mergeKey] else { throw .noMergeKey(object, mergeKey) }
    return (object, value)
  }
}
