/// The patch types of a Kubernetes PATCH request, by `Content-Type`.
public enum PatchType: String, Sendable, CaseIterable {
  /// RFC 6902 JSON Patch (``JSONPatch``).
  case json = "application/json-patch+json"
  /// RFC 7386 JSON Merge Patch (``MergePatch``).
  case merge = "application/merge-patch+json"
  /// Kubernetes' strategic merge patch (``StrategicMergePatch``); built-in kinds only.
  case strategicMerge = "application/strategic-merge-patch+json"
  /// Server-side apply (field management); not handled by this module.
  case applyYAML = "application/apply-patch+yaml"

  /// The type named by a `Content-Type` header, parameters (`; charset=utf-8`) ignored.
  public init?(contentType: String) {
    let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
    self.init(rawValue: mediaType)
  }

  /// The types the API server takes for a kind, in the order its error lists them:
  /// custom resources do not take strategic merge patches.
  public static func accepted(strategicMerge: Bool) -> [PatchType] {
    strategicMerge ? [.json, .merge, .strategicMerge, .applyYAML] : [.json, .merge, .applyYAML]
  }
}

/// A PATCH request's body applied to the stored object, with the API server's checks and
/// answers (apiserver `pkg/endpoints/handlers/patch.go`).
public enum PatchRequest {
  /// Applies `body`, a patch of the type `contentType` names, to `current`.
  ///
  /// - Parameter keys: the kind's strategic information, nil for custom resources (which
  ///   then refuse strategic merge patches with 415, as Kubernetes does).
  /// - Throws: ``PatchError``; its `status` is the server's answer: 415 for a type the kind
  ///   does not take (`the body of the request was in an unknown format - accepted media
  ///   types include: ...`), 400 for a body that is not JSON or not a patch, 413 for a JSON
  ///   Patch of more than 10000 operations, 422 for a patch that does not apply.
  ///   Server-side apply (`application/apply-patch+yaml`) is left to the caller and
  ///   throws here.
  public static func apply(
    contentType: String, body: some Collection<UInt8>, to current: JSONValue, keys: MergeKeys?
  ) throws(PatchError) -> JSONValue {
    let accepted = PatchType.accepted(strategicMerge: keys != nil)
    guard let type = PatchType(contentType: contentType), accepted.contains(type) else {
      throw unsupported(strategic: keys != nil)
    }
    switch type {
    case .applyYAML:
      throw PatchError(.unsupportedMediaType, "server-side apply (\(type.rawValue)) is not handled by PatchRequest")
    case .json:
      let patch = try parse(body)
      try validateOperations(patch)
      return try JSONPatch.apply(patch, to: current)
    case .merge:
      let patch = try parse(body)
      switch patch {
      case .object: return MergePatch.apply(patch, to: current)
      case .null: throw PatchError(.badRequest, "Invalid JSON Patch")
      default: throw PatchError(.badRequest, "error decoding patch: \(mapDecodingError(patch))")
      }
    case .strategicMerge:
      let patch = try parse(body)
      switch patch {
      case .object: return try StrategicMergePatch.apply(patch, to: current, keys: keys ?? .empty)
      case .null: return try StrategicMergePatch.apply(.object(JSONObject()), to: current, keys: keys ?? .empty)
      default: throw PatchError(.badRequest, mapDecodingError(patch))
      }
    }
  }

  static func parse(_ body: some Collection<UInt8>) throws(PatchError) -> JSONValue {
    guard let patch = try? JSONValue(parsing: body) else { throw PatchError(.badRequest, "invalid JSON patch") }
    return patch
  }

  /// 415 for a patch type the kind does not take.
  static func unsupported(strategic: Bool) -> PatchError {
    let types = PatchType.accepted(strategicMerge: strategic).map(\.rawValue).joined(separator: ", ")
    return PatchError(.unsupportedMediaType, "the body of the request was in an unknown format - accepted media types include: \(types)")
  }

  static func mapDecodingError(_ value: JSONValue) -> String {
    "json: cannot unmarshal \(value.goJSONKind) into Go value of type map[string]interface {}"
  }

  /// The server's typed decoding of a JSON Patch (`[]jsonPatchOp`) and its size limit.
  static func validateOperations(_ patch: JSONValue) throws(PatchError) {
    func decodingError(_ text: String) -> PatchError { PatchError(.badRequest, "error decoding patch: \(text)") }
    guard case .array(let operations) = patch else {
      if patch.isNull { return }
      throw decodingError("json: cannot unmarshal \(patch.goJSONKind) into Go value of type []handlers.jsonPatchOp")
    }
    for operation in operations {
      switch operation {
      case .null: continue
      case .object(let fields):
        for name in ["op", "path", "from"] {
          if let value = fields[name], !value.isNull, value.stringValue == nil {
            throw decodingError("json: cannot unmarshal \(value.goJSONKind) into Go struct field jsonPatchOp.\(name) of type string")
          }
        }
      default:
        throw decodingError("json: cannot unmarshal \(operation.goJSONKind) into Go value of type handlers.jsonPatchOp")
      }
    }
    if operations.count > JSONPatch.maxOperations {
      throw PatchError(.requestEntityTooLarge, "The allowed maximum operations in a JSON patch is \(JSONPatch.maxOperations), got \(operations.count)")
    }
  }
}
