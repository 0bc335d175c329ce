/// JSON Merge Patch (RFC 7386, `application/merge-patch+json`): the patch is an object
/// whose members replace the target's, `null` deletes a member, objects merge
/// recursively and everything else (arrays included) is replaced whole.
///
/// This is the patch type for custom resources (Istio's VirtualService, ...), which have
/// no strategic merge information. It behaves as the API server's evanphx/json-patch v4:
/// where a patch value replaces a missing or non-object value, `null` members are removed
/// from objects inside it, arrays included.
public enum MergePatch {
  /// Applies `patch` to `target` (RFC 7386 `MergePatch(Target, Patch)`).
  public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
    guard case .object(let patchObject) = patch else { return pruningNulls(patch) }
    guard case .object(var object) = target else { return pruningNulls(patch) }
    merge(patchObject, into: &object)
    return .object(object)
  }

  /// A merge patch that turns `original` into `modified` (evanphx `CreateMergePatch`):
  /// changed and added members, `null` for removed ones, nested objects diffed
  /// recursively, arrays whole. Keys are in Go's order, as kubectl would send them.
  public static func create(from original: JSONValue, to modified: JSONValue) -> JSONValue {
    guard case .object(let o) = original, case .object(let m) = modified else {
      return sameValue(original, modified) ? .object(JSONObject()) : modified
    }
    return JSONValue.object(diff(o, m)).sortingKeysAsGo()
  }

  // MARK: v4 merge.go

  static func merge(_ patch: JSONObject, into doc: inout JSONObject) {
    for (key, value) in patch {
      if value.isNull {
        doc[key] = nil
      } else if let current = doc[key], !current.isNull {
        doc[key] = merged(current, value)
      } else {
        doc[key] = pruningNulls(value)
      }
    }
  }

  static func merged(_ current: JSONValue, _ patch: JSONValue) -> JSONValue {
    guard case .object(var object) = current else { return pruningNulls(patch) }
    guard case .object(let patchObject) = patch else { return patch }
    merge(patchObject, into: &object)
    return .object(object)
  }

  /// Removes null members of objects, recursively through objects and arrays; null array
  /// items stay.
  static func pruningNulls(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object):
      var pruned = JSONObject()
      for (key, member) in object where !member.isNull { pruned[key] = pruningNulls(member) }
      return .object(pruned)
    case .array(let items): return .array(items.map(pruningNulls))
    default: return value
    }
  }

  /// evanphx `getDiff`. Go decodes every number as float64 here, so 1 and 1.0 are equal.
  static func diff(_ a: JSONObject, _ b: JSONObject) -> JSONObject {
    var into = JSONObject()
    for (key, bv) in b {
      guard let av = a[key] else {
        into[key] = bv
        continue
      }
      switch (av, bv) {
      case (.object(let ao), .object(let bo)):
        let d = diff(ao, bo)
        if !d.isEmpty { into[key] = .object(d) }
      default:
        if !sameValue(av, bv) { into[key] = bv }
      }
    }
    for key in a.keys where b[key] == nil { into[key] = .null }
    return into
  }

  /// evanphx `matchesValue`: deep equality with numbers compared as float64.
  static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
    case (.int(let x), .int(let y)): return Double(x) == Double(y)
    case (.array(let x), .array(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
    case (.object(let x), .object(let y)):
      return x.count == y.count && y.allSatisfy { key, value in x[key].map { sameValue($0, value) } ?? false }
    default: return a == b
    }
  }
}
