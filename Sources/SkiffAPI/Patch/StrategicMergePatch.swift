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
