/// Strategic merge patch (`application/strategic-merge-patch+json`), Kubernetes' own
/// patch type: a JSON merge patch whose lists merge item by item where the kind's schema
/// says so (``MergeKeys``: containers by `name`, ports by `containerPort`, ...).
///
/// Directives inside the patch:
/// - `null` deletes a field; lists without a merge strategy are replaced whole;
/// - `{"$patch": "replace"}` in an object replaces it instead of merging, `"delete"`
///   removes it; a list item `{"name": "x", "$patch": "delete"}` removes the item `x`,
///   an item `{"$patch": "replace"}` makes the list's other items replace the list;
/// - `"$retainKeys": [...]` clears the object's fields not listed;
/// - `"$deleteFromPrimitiveList/<field>": [...]` removes those scalars from `<field>`;
/// - `"$setElementOrder/<field>": [...]` orders the merged list (items by merge key).
///
/// A port of k8s.io/apimachinery `pkg/util/strategicpatch` (patch.go): the same
/// algorithm, item order and error messages.
public enum StrategicMergePatch {
  /// Applies `patch` to `original` as the API server does (`StrategicMergeMapPatch`).
  ///
  /// - Parameter keys: the kind's strategic information (``MergeKeys/for(object:)``).
  /// - Throws: ``PatchError``: `.badRequest` for malformed directives, `.internalError`
  ///   for items without their merge key and other errors the server does not classify.
  public static func apply(_ patch: JSONValue, to original: JSONValue, keys: MergeKeys) throws(PatchError) -> JSONValue {
    guard case .object(let o) = original, case .object(let p) = patch else { throw .badJSONDoc }
    let engine = Engine(options: MergeOptions(mergeParallelList: true, ignoreUnmatchedNulls: true))
    return .object(try engine.mergeMap(o, p, keys))
  }

  /// Applies `patch` to `original` with the strategic information of `original`'s kind.
  ///
  /// - Throws: ``PatchError`` `.unsupportedMediaType` for kinds without strategic merge
  ///   support (custom resources), worded as the API server answers.
  public static func apply(_ patch: JSONValue, to original: JSONValue) throws(PatchError) -> JSONValue {
    guard let keys = MergeKeys.for(object: original) else { throw PatchRequest.unsupported(strategic: false) }
    return try apply(patch, to: original, keys: keys)
  }

  /// The two-way patch from `original` to `modified` (`CreateTwoWayMergePatch`): applied
  /// to `original` it gives `modified`. Keys are in Go's order, as kubectl sends them.
  public static func create(from original: JSONValue, to modified: JSONValue, keys: MergeKeys) throws(PatchError) -> JSONValue {
    guard case .object(let o) = original, case .object(let m) = modified else { throw .badJSONDoc }
    let engine = Engine(options: MergeOptions())
    return JSONValue.object(try engine.diffMaps(o, m, keys, DiffOptions(setElementOrder: true))).sortingKeysAsGo()
  }
}

// MARK: - The algorithm (apimachinery pkg/util/strategicpatch/patch.go)

struct DiffOptions {
  /// Generate the `$setElementOrder` parallel lists.
  var setElementOrder = false
  var ignoreChangesAndAdditions = false
  var ignoreDeletions = false
  /// Emit `$retainKeys` for this object (its field has the retainKeys strategy).
  var buildRetainKeysDirective = false
}

struct MergeOptions {
  /// Apply parallel lists (`$deleteFromPrimitiveList`) instead of keeping them: true when
  /// applying a patch, false when merging two patches (kubectl's three-way merge).
  var mergeParallelList = false
  /// Drop nulls that match nothing instead of keeping them as deletions.
  var ignoreUnmatchedNulls = false
}

/// The kind of Go value `json.Unmarshal` gives; strategic merge compares these with
/// `reflect.TypeOf`.
enum GoKind: Equatable {
  case null, bool, int, float, string, slice, map

  init(_ value: JSONValue) {
    switch value {
    case .null: self = .null
    case .bool: self = .bool
    case .int: self = .int
    case .double: self = .float
    case .string: self = .string
    case .array: self = .slice
    case .object: self = .map
    }
  }
}

/// What a Go caller's view of a list holds after apimachinery edits a slice sharing its
/// backing array: deleting with `append(s[:i], s[i+1:]...)` shifts the items left in
/// place, and appending to the shortened slice writes into the freed slots. The order
/// of a merged list depends on it (`mergePatchIntoOriginal` orders server-only items by
/// that view), so the port reproduces it to give the API server's item order.
struct GoSliceView {
  private(set) var visible: [JSONValue]
  private var length: Int

  init(_ list: [JSONValue]) {
    visible = list
    length = list.count
  }

  mutating func remove(at index: Int) {
    if index + 1 < length { visible.replaceSubrange(index..<(length - 1), with: visible[(index + 1)..<length]) }
    length -= 1
  }

  /// Appends past the original length reallocate (or land beyond the view) unseen.
  mutating func append(_ item: JSONValue) {
    if length < visible.count { visible[length] = item }
    length += 1
  }
}

struct Engine {
  static let directiveMarker = "$patch"
  static let deleteDirective: JSONValue = "delete"
  static let replaceDirective: JSONValue = "replace"
  static let mergeDirective: JSONValue = "merge"
  static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList"
  static let retainKeysDirective = "$retainKeys"
  static let setElementOrderPrefix = "$setElementOrder"

  var options: MergeOptions

  // MARK: Diff

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

  // MARK: Merge

  /// Merges `patch` into `original` (apimachinery `mergeMap`).
  func mergeMap(_ original: JSONObject, _ patch: JSONObject, _ schema: MergeKeys) throws(PatchError) -> JSONObject {
    var original = original
    var patch = patch
    if let directive = patch[Self.directiveMarker] {
      if directive == Self.replaceDirective {
        patch[Self.directiveMarker] = nil
        return patch
      }
      if directive == Self.deleteDirective { return JSONObject() }
      throw .badPatchType(directive, patch)
    }
    try applyRetainKeysDirective(&original, &patch)
    try mergePatchIntoOriginal(&original, &patch, schema)

    for (patchKey, patchValue) in patch {
      var key = patchKey
      var isDeleteList = false
      if key.hasPrefix(Self.deleteFromPrimitiveListPrefix) {
        if !options.mergeParallelList {
          original[key] = patchValue
          continue
        }
        key = try extractKey(key, Self.deleteFromPrimitiveListPrefix)
        isDeleteList = true
      }
      if patchValue.isNull {
        original[key] = nil
        if options.ignoreUnmatchedNulls { continue }
      }
      guard let originalValue = original[key], GoKind(originalValue) == GoKind(patchValue) else {
        if !isDeleteList { original[key] = takingPatchValue(patchValue) }
        continue
      }
      switch (originalValue, patchValue) {
      case (.object(let o), .object(let p)):
        let subschema = schema[field: key]
        if subschema.strategy?.replace == true {
          original[key] = patchValue
        } else {
          original[key] = .object(try mergeMap(o, p, subschema))
        }
      case (.array(let o), .array(let p)):
        let subschema = schema[field: key]
        original[key] = .array(try mergeSliceHandler(o, p, subschema, field: key, isDeleteList: isDeleteList).merged)
      default:
        let (value, keep) = removeDirectives(patchValue)
        original[key] = keep ? Optional(value) : Optional.none
      }
    }
    return original
  }

  /// A patch value that lands where the original has nothing of its type.
  func takingPatchValue(_ patchValue: JSONValue) -> JSONValue? {
    let value = options.ignoreUnmatchedNulls ? discardingNulls(patchValue) : patchValue
    let (cleaned, keep) = removeDirectives(value)
    return keep ? Optional(cleaned) : Optional.none
  }

  func discardingNulls(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object):
      var out = JSONObject()
      for (key, member) in object where !member.isNull { out[key] = discardingNulls(member) }
      return .object(out)
    case .array(let items): return .array(items.map(discardingNulls))
    default: return value
    }
  }

  /// The value without `$patch` directives, and whether it stays at all.
  func removeDirectives(_ value: JSONValue) -> (JSONValue, Bool) {
    switch value {
    case .object(let object):
      if object[Self.directiveMarker] != nil { return (.null, false) }
      var out = JSONObject()
      for (key, member) in object {
        let (v, keep) = removeDirectives(member)
        if keep { out[key] = v }
      }
      return (.object(out), true)
    case .array(let items):
      return (.array(items.compactMap { item in
        let (v, keep) = removeDirectives(item)
        return keep ? Optional(v) : Optional.none
      }), true)
    default:
      return (value, true)
    }
  }

  func extractKey(_ key: String, _ prefix: String) throws(PatchError) -> String {
    let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0] == prefix else {
      if prefix == Self.deleteFromPrimitiveListPrefix { throw .badPatchFormatForPrimitiveList }
      throw .badPatchFormatForSetElementOrderList
    }
    return String(parts[1])
  }

  func applyRetainKeysDirective(_ original: inout JSONObject, _ patch: inout JSONObject) throws(PatchError) {
    guard let retainKeys = patch[Self.retainKeysDirective] else { return }
    patch[Self.retainKeysDirective] = nil
    if !options.mergeParallelList {
      // Merging two patches: both must retain the same keys.
      if let inOriginal = original[Self.retainKeysDirective] {
        if inOriginal != retainKeys {
          throw PatchError(.internalError, "\(inOriginal.goDescription) and \(retainKeys.goDescription) are not deep equal: this may happen when calculating the 3-way diff patch")
        }
      } else {
        original[Self.retainKeysDirective] = retainKeys
      }
      return
    }
    guard case .array(let list) = retainKeys else { throw .badPatchFormatForRetainKeys }
    let retained = Set(list)
    for (key, value) in patch {
      if value.isNull || key.hasPrefix(Self.deleteFromPrimitiveListPrefix) || key.hasPrefix(Self.setElementOrderPrefix) {
        continue
      }
      if !retained.contains(.string(key)) { throw .badPatchFormatForRetainKeys }
    }
    for key in original.keys where !retained.contains(.string(key)) { original[key] = nil }
  }

  /// Applies each `$setElementOrder/<field>` with its list (apimachinery
  /// `mergePatchIntoOriginal`): the order is `$setElementOrder`, then the patch list's,
  /// then the live list's.
  func mergePatchIntoOriginal(_ original: inout JSONObject, _ patch: inout JSONObject, _ schema: MergeKeys) throws(PatchError) {
    for key in patch.keys where key.hasPrefix(Self.setElementOrderPrefix) {
      let orderValue = patch[key]!
      if !options.mergeParallelList {
        if let inOriginal = original[key] {
          if inOriginal != orderValue { throw .badPatchFormatForSetElementOrderList }
        } else {
          original[key] = orderValue
        }
      }
      patch[key] = nil
      guard case .array(let order) = orderValue else {
        throw .badArgType(expected: "[]interface {}", orderValue)
      }
      let field = try extractKey(key, Self.setElementOrderPrefix)
      let originalList = original[field]
      let patchList = patch[field]
      var originalItems: [JSONValue] = []
      var patchItems: [JSONValue] = []
      if let originalList {
        guard case .array(let items) = originalList else { throw .badArgType(expected: "[]interface {}", originalList) }
        originalItems = items
      }
      if let patchList {
        guard case .array(let items) = patchList else { throw .badArgType(expected: "[]interface {}", patchList) }
        patchItems = items
      }
      let subschema = schema[field: field]
      let mergeKey = subschema.strategy?.mergeKey ?? ""
      try validatePatchWithSetOrderList(patchItems, order, mergeKey)

      let merged: [JSONValue]
      // Go's merge may have overwritten the original list in place (see GoSliceView).
      var serverOrder = originalItems
      switch (originalList != nil, patchList != nil) {
      case (true, false): merged = originalItems
      case (false, true): merged = removeDirectives(.array(patchItems)).0.arrayValue ?? []
      case (true, true):
        (merged, serverOrder) = try mergeSliceHandler(originalItems, patchItems, subschema, field: field, isDeleteList: false)
      case (false, false): continue
      }

      let (inOrder, serverOnly) = try partition(merged, by: order, mergeKey)
      let kind = try sliceElementKind(originalItems, patchItems)
      original[field] = .array(try normalizeElementOrder(inOrder, serverOnly, order, serverOrder, mergeKey, kind))
      patch[field] = nil
    }
  }

  /// The relative order of the patch list's items (deletions aside) must match the
  /// `$setElementOrder` list's, and every item must be in it.
  func validatePatchWithSetOrderList(_ patchList: [JSONValue], _ order: [JSONValue], _ mergeKey: String) throws(PatchError) {
    if order.isEmpty || patchList.isEmpty { return }
    let nonDelete = mergeKey.isEmpty ? patchList : try extractToDeleteItems(patchList).keep
    var pi = 0
    var oi = 0
    while pi < nonDelete.count && oi < order.count {
      if case .object(let o) = nonDelete[pi], o[Self.directiveMarker] != nil {
        pi += 1
        continue
      }
      if try mergeKeyValueEqual(nonDelete[pi], order[oi], mergeKey) { pi += 1 }
      oi += 1
    }
    if pi < nonDelete.count && oi >= order.count {
      throw PatchError(.internalError, "The order in patch list:\n\(JSONValue.array(patchList).goDescription)\n doesn't match \(Self.setElementOrderPrefix) list:\n\(JSONValue.array(order).goDescription)\n")
    }
  }

  /// The merged list, and what the original list holds afterwards in Go.
  func mergeSliceHandler(_ original: [JSONValue], _ patch: [JSONValue], _ schema: MergeKeys, field: String, isDeleteList: Bool)
    throws(PatchError) -> (merged: [JSONValue], original: [JSONValue])
  {
    let strategy = schema.strategy ?? PatchStrategy()
    // Deletion lists apply whatever the field's strategy.
    guard strategy.merge || isDeleteList else { return (patch, original) }
    return try mergeSlice(original, patch, schema, strategy.mergeKey ?? "", field: field, isDeleteList: isDeleteList)
  }

  func mergeSlice(_ original: [JSONValue], _ patch: [JSONValue], _ schema: MergeKeys, _ mergeKey: String, field: String, isDeleteList: Bool)
    throws(PatchError) -> (merged: [JSONValue], original: [JSONValue])
  {
    if original.isEmpty && patch.isEmpty { return (original, original) }
    let kind = try sliceElementKind(original, patch)
    var view = GoSliceView(original)
    var original = original
    var patch = patch
    let merged: [JSONValue]
    if kind != .map {
      if options.mergeParallelList && isDeleteList {
        let doomed = Set(patch)
        return (original.filter { !doomed.contains($0) }, original)
      }
      merged = deduplicateScalars(original + patch)
    } else {
      if mergeKey.isEmpty {
        throw PatchError(.internalError, "cannot merge lists without merge key for \(field)")
      }
      let replaced: Bool
      (original, patch, replaced) = try mergeSliceWithSpecialElements(original, patch, mergeKey, &view)
      // After a `$patch: replace` the list merged into is the patch's, not the original.
      if replaced {
        var unrelated = GoSliceView([])
        merged = try mergeSliceWithoutSpecialElements(original, patch, mergeKey, schema, &unrelated)
      } else {
        merged = try mergeSliceWithoutSpecialElements(original, patch, mergeKey, schema, &view)
      }
    }
    let (inPatch, serverOnly) = try partition(merged, by: patch, mergeKey)
    return (try normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey, kind), view.visible)
  }

  /// Applies the `$patch` items of a patch list: `delete` removes the matching items of
  /// the original, `replace` makes the rest of the patch the whole list.
  func mergeSliceWithSpecialElements(_ original: [JSONValue], _ patch: [JSONValue], _ mergeKey: String, _ view: inout GoSliceView)
    throws(PatchError) -> ([JSONValue], [JSONValue], replaced: Bool)
  {
    var original = original
    var plain: [JSONValue] = []
    var replace = false
    for item in patch {
      guard case .object(let object) = item, let directive = object[Self.directiveMarker] else {
        plain.append(item)
        continue
      }
      switch directive {
      case Self.deleteDirective:
        guard let value = object[mergeKey] else { throw .noMergeKey(object, mergeKey) }
        while let index = try indexOfMap(in: original, key: mergeKey, value: value) {
          original.remove(at: index)
          view.remove(at: index)
        }
      case Self.replaceDirective:
        replace = true
      case Self.mergeDirective:
        throw PatchError(.internalError, "merging lists cannot yet be specified in the patch")
      default:
        throw .badPatchType(directive, object)
      }
    }
    return replace ? (plain, [], true) : (original, plain, false)
  }

  func mergeSliceWithoutSpecialElements(
    _ original: [JSONValue], _ patch: [JSONValue], _ mergeKey: String, _ schema: MergeKeys, _ view: inout GoSliceView
  ) throws(PatchError) -> [JSONValue] {
    var original = original
    for item in patch {
      guard case .object(let object) = item else { throw .badArgType(expected: "map[string]interface {}", item) }
      guard let value = object[mergeKey] else { throw .noMergeKey(object, mergeKey) }
      if let index = try indexOfMap(in: original, key: mergeKey, value: value) {
        original[index] = .object(try mergeMap(original[index].objectValue!, object, schema))
      } else {
        original.append(item)
        view.append(item)
      }
    }
    return original
  }

  func indexOfMap(in list: [JSONValue], key: String, value: JSONValue) throws(PatchError) -> Int? {
    for (i, item) in list.enumerated() {
      guard case .object(let object) = item else { throw PatchError(.internalError, "value for key \(i) is not a map") }
      if object[key] == value { return i }
    }
    return nil
  }

  // MARK: Order

  /// Splits `list` into the items present in `by` (by merge key, or by value for scalars)
  /// and the rest.
  func partition(_ list: [JSONValue], by: [JSONValue], _ mergeKey: String) throws(PatchError) -> ([JSONValue], [JSONValue]) {
    var present: [JSONValue] = []
    var others: [JSONValue] = []
    if mergeKey.isEmpty {
      let wanted = Set(by)
      for item in list { if wanted.contains(item) { present.append(item) } else { others.append(item) } }
      return (present, others)
    }
    for item in list {
      guard case .object(let object) = item else { throw .badArgType(expected: "map[string]interface {}", item) }
      guard let value = object[mergeKey] else { throw .noMergeKey(object, mergeKey) }
      if try indexOfMap(in: by, key: mergeKey, value: value) != nil { present.append(item) } else { others.append(item) }
    }
    return (present, others)
  }

  /// Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`,
  /// then interleaves them keeping both relative orders (apimachinery `mergeSortedSlice`).
  func normalizeElementOrder(
    _ patch: [JSONValue], _ serverOnly: [JSONValue], _ patchOrder: [JSONValue], _ serverOrder: [JSONValue],
    _ mergeKey: String, _ kind: GoKind
  ) throws(PatchError) -> [JSONValue] {
    let left = try normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind)
    let right = try normalizeSliceOrder(patch, patchOrder, mergeKey, kind)
    var out: [JSONValue] = []
    out.reserveCapacity(left.count + right.count)
    var i = 0
    var j = 0
    while i < left.count || j < right.count {
      if i >= left.count {
        out.append(right[j]); j += 1
      } else if j >= right.count {
        out.append(left[i]); i += 1
      } else {
        let li = index(of: left[i], in: serverOrder, mergeKey, kind)
        let ri = index(of: right[j], in: serverOrder, mergeKey, kind)
        if let li, let ri, li < ri {
          out.append(left[i]); i += 1
        } else {
          out.append(right[j]); j += 1
        }
      }
    }
    return out
  }

  /// `list` stably sorted by the position of each item in `order`; `$patch: delete`
  /// items go last.
  func normalizeSliceOrder(_ list: [JSONValue], _ order: [JSONValue], _ mergeKey: String, _ kind: GoKind) throws(PatchError) -> [JSONValue] {
    var toSort = list
    var toDelete: [JSONValue] = []
    if kind == .map {
      for item in list + order {
        guard case .object(let object) = item else { throw .badArgType(expected: "map[string]interface {}", item) }
        if object[mergeKey] == nil { throw .noMergeKey(object, mergeKey) }
      }
      (toSort, toDelete) = try extractToDeleteItems(list)
    }
    let positions = toSort.map { index(of: $0, in: order, mergeKey, kind) ?? Int.max }
    let sorted = toSort.indices.sorted { a, b in positions[a] != positions[b] ? positions[a] < positions[b] : a < b }
    return sorted.map { toSort[$0] } + toDelete
  }

  func extractToDeleteItems(_ list: [JSONValue]) throws(PatchError) -> (keep: [JSONValue], delete: [JSONValue]) {
    var keep: [JSONValue] = []
    var delete: [JSONValue] = []
    for item in list {
      guard case .object(let object) = item else { throw .badArgType(expected: "map[string]interface {}", item) }
      if object[Self.directiveMarker] == Self.deleteDirective { delete.append(item) } else { keep.append(item) }
    }
    return (keep, delete)
  }

  func index(of item: JSONValue, in list: [JSONValue], _ mergeKey: String, _ kind: GoKind) -> Int? {
    if kind == .map {
      let value = item[mergeKey]
      return list.firstIndex { $0[mergeKey] == value }
    }
    return list.firstIndex(of: item)
  }

  func mergeKeyValueEqual(_ left: JSONValue, _ right: JSONValue, _ mergeKey: String) throws(PatchError) -> Bool {
    if mergeKey.isEmpty { return left == right }
    guard case .object(let l) = left else { throw .badArgType(expected: "map[string]interface {}", left) }
    guard case .object(let r) = right else { throw .badArgType(expected: "map[string]interface {}", right) }
    guard let lv = l[mergeKey] else { throw .noMergeKey(l, mergeKey) }
    guard let rv = r[mergeKey] else { throw .noMergeKey(r, mergeKey) }
    return lv == rv
  }

  // MARK: Lists of scalars

  /// Scalars sorted by their Go %v text.
  func sortScalars(_ list: [JSONValue]) -> [JSONValue] {
    list.map { ($0, $0.goDescription) }.enumerated()
      .sorted { a, b in a.element.1 != b.element.1 ? goLess(a.element.1, b.element.1) : a.offset < b.offset }
      .map(\.element.0)
  }

  /// Maps sorted by the %v text of their merge key.
  func sortMapsByField(_ list: [JSONValue], _ field: String) -> [JSONValue] {
    list.map { ($0, ($0[field] ?? .null).goDescription) }.enumerated()
      .sorted { a, b in a.element.1 != b.element.1 ? goLess(a.element.1, b.element.1) : a.offset < b.offset }
      .map(\.element.0)
  }

  /// apimachinery's `deduplicateScalars`, whose swap-with-last changes the order the same way.
  func deduplicateScalars(_ list: [JSONValue]) -> [JSONValue] {
    var s = list
    var length = s.count - 1
    var i = 0
    while i < length {
      var j = i + 1
      while j <= length {
        if s[i] == s[j] {
          s[j] = s[length]
          s.removeLast()
          length -= 1
          j -= 1
        }
        j += 1
      }
      i += 1
    }
    return s
  }

  /// The kind shared by all items of the lists; lists of lists and mixed lists are errors.
  func sliceElementKind(_ lists: [JSONValue]...) throws(PatchError) -> GoKind {
    var kind: GoKind?
    for list in lists {
      for item in list {
        let k = GoKind(item)
        if let kind {
          if kind != k {
            throw PatchError(.internalError, "list element types are not identical: \(JSONValue.array(lists.map(JSONValue.array)).goDescription)")
          }
        } else {
          if k == .slice { throw .noListOfLists }
          kind = k
        }
      }
    }
    guard let kind else { throw PatchError(.internalError, "no elements in any of the given slices") }
    return kind
  }
}
