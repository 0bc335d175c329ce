// A port of k8s.io/apimachinery pkg/util/strategicpatch/patch.go: applying and merging patches (mergeMap, mergeSlice, directives).

extension Engine {
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
}
