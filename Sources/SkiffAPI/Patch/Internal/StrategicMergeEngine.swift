// A port of k8s.io/apimachinery pkg/util/strategicpatch/patch.go.

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

/// The strategic merge algorithm. `options` tell applying a patch to an object (the API
/// server) from merging two patches into one (kubectl's three-way merge).
struct Engine {
  static let directiveMarker = "$patch"
  static let deleteDirective: JSONValue = "delete"
  static let replaceDirective: JSONValue = "replace"
  static let mergeDirective: JSONValue = "merge"
  static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList"
  static let retainKeysDirective = "$retainKeys"
  static let setElementOrderPrefix = "$setElementOrder"

  var options: MergeOptions

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
