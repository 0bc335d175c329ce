/// kubectl apply's client-side three-way merge: the patch `kubectl apply` sends for an
/// object that already exists (kubectl `pkg/cmd/apply/patcher.go`).
///
/// - `original`: the configuration applied last time, from the live object's
///   `kubectl.kubernetes.io/last-applied-configuration` annotation (nil when absent);
/// - `modified`: the configuration in the file, carrying its own new annotation
///   (``LastAppliedConfiguration/annotated(_:)``), and with `metadata.namespace` set as
///   kubectl sets it;
/// - `current`: the live object.
///
/// Fields removed from the file since the last apply are deleted (`null`, `$patch: delete`
/// for items of merged lists, `$deleteFromPrimitiveList`); fields changed or added are
/// set; fields only the server or controllers set (in `current`, never in `original`)
/// are left alone. Built-in kinds get a strategic merge patch
/// (`strategicpatch.CreateThreeWayMergePatch`, with `$setElementOrder` lists keeping the
/// file's item order); custom resources a JSON merge patch
/// (`jsonmergepatch.CreateThreeWayJSONMergePatch`).
public enum ThreeWayMerge {
  /// A computed patch and the content type to send it with.
  public struct Patch: Sendable, Equatable {
    /// `.strategicMerge` for built-in kinds, `.merge` for custom resources.
    public var type: PatchType
    /// The patch, keys in the order kubectl's JSON has them (sorted).
    public var patch: JSONValue

    /// No change: kubectl prints `<kind>/<name> unchanged` and sends nothing.
    public var isEmpty: Bool { patch == .object(JSONObject()) }

    /// The patch as kubectl sends it (Go's `json.Marshal`).
    public var json: String { patch.goJSONString() }
  }

  /// The patch for `modified`'s kind: strategic merge for built-in kinds, JSON merge for
  /// the rest (as kubectl decides when the kind is not in its scheme).
  public static func patch(original: JSONValue?, modified: JSONValue, current: JSONValue) throws(PatchError) -> Patch {
    try patch(original: original, modified: modified, current: current, keys: MergeKeys.for(object: modified))
  }

  /// The patch with explicit strategic information; `keys == nil` computes a JSON merge
  /// patch.
  ///
  /// - Throws: ``PatchError``: `.badRequest` when a document is not an object;
  ///   `.conflict` or `.preconditionFailed` from the JSON merge patch checks kubectl makes;
  ///   strategic merge errors (an item without its merge key, ...).
  public static func patch(original: JSONValue?, modified: JSONValue, current: JSONValue, keys: MergeKeys?) throws(PatchError) -> Patch {
    guard case .object(let m) = modified, case .object(let c) = current else { throw .badJSONDoc }
    var o = JSONObject()
    if let original {
      guard case .object(let object) = original else { throw .badJSONDoc }
      o = object
    }
    if let keys {
      return Patch(type: .strategicMerge, patch: try strategic(o, m, c, keys))
    }
    return Patch(type: .merge, patch: try jsonMerge(o, m, c))
  }

  /// apimachinery `CreateThreeWayMergePatch` with kubectl's `overwrite` (no conflict check):
  /// the deletions from original to modified, merged with the changes and additions from
  /// current to modified.
  static func strategic(_ original: JSONObject, _ modified: JSONObject, _ current: JSONObject, _ keys: MergeKeys) throws(PatchError) -> JSONValue {
    let engine = Engine(options: MergeOptions())
    let delta = try engine.diffMaps(current, modified, keys, DiffOptions(setElementOrder: true, ignoreDeletions: true))
    let deletions = try engine.diffMaps(original, modified, keys, DiffOptions(setElementOrder: true, ignoreChangesAndAdditions: true))
    return JSONValue.object(try engine.mergeMap(deletions, delta, keys)).sortingKeysAsGo()
  }

  /// apimachinery `CreateThreeWayJSONMergePatch` with kubectl's preconditions.
  static func jsonMerge(_ original: JSONObject, _ modified: JSONObject, _ current: JSONObject) throws(PatchError) -> JSONValue {
    let addAndChange = keepingNulls(false, in: MergePatch.diff(current, modified))
    let deletions = keepingNulls(true, in: MergePatch.diff(original, modified))
    if hasConflicts(.object(addAndChange), .object(deletions)) {
      throw PatchError(.conflict, "patch:\n\(JSONValue.object(addAndChange).goJSONString())\nconflicts with changes made from original to current:\n\(JSONValue.object(deletions).goJSONString())\n")
    }
    let patch = MergePatch.apply(.object(addAndChange), to: .object(deletions))
    if patch["apiVersion"] != nil || patch["kind"] != nil || patch["metadata"]?["name"] != nil {
      throw PatchError(.preconditionFailed, "At least one of apiVersion, kind and name was changed")
    }
    return patch.sortingKeysAsGo()
  }

  /// jsonmergepatch `keepOrDeleteNullInObj`: only the nulls (deletions), or everything
  /// but the nulls (additions and changes). An empty object set explicitly is a value.
  static func keepingNulls(_ keepNull: Bool, in object: JSONObject) -> JSONObject {
    var filtered = JSONObject()
    for (key, value) in object {
      switch value {
      case .null:
        if keepNull { filtered[key] = .null }
      case .object(let nested):
        if nested.isEmpty {
          if !keepNull { filtered[key] = value }
          continue
        }
        let sub = keepingNulls(keepNull, in: nested)
        if !sub.isEmpty { filtered[key] = .object(sub) }
      default:
        if !keepNull { filtered[key] = value }
      }
    }
    return filtered
  }

  /// mergepatch `HasConflicts`: the two patches set a key to different values.
  static func hasConflicts(_ left: JSONValue, _ right: JSONValue) -> Bool {
    switch (left, right) {
    case (.object(let l), .object(let r)):
      return l.contains { key, value in r[key].map { hasConflicts(value, $0) } ?? false }
    case (.object, _): return true
    case (.array(let l), .array(let r)):
      return l.count != r.count || zip(l, r).contains { hasConflicts($0, $1) }
    case (.array, _): return true
    default: return !MergePatch.sameValue(left, right)
    }
  }
}
