// A port of k8s.io/apimachinery pkg/util/strategicpatch/patch.go: list order ($setElementOrder, normalizeElementOrder).

extension Engine {
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
}
