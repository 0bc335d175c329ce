/// A patch that cannot be decoded, applied or computed.
///
/// `message` is worded as the Go code Kubernetes runs words it (evanphx/json-patch v4,
/// apimachinery `strategicpatch`/`mergepatch`, kubectl `apply`), and `status` is the
/// `Status` the API server answers with for it.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Code: Sendable, Equatable {
    /// 400 BadRequest: the patch is not valid JSON or not of the shape its type needs.
    case badRequest
    /// 422 Invalid: a well-formed patch that does not apply to the object (a JSON Patch
    /// path that does not exist, a failed `test`, a list of lists).
    case invalid
    /// 415 UnsupportedMediaType: the patch type is not served for the kind (strategic
    /// merge patch on a custom resource).
    case unsupportedMediaType
    /// 413 RequestEntityTooLarge: a JSON Patch with more than 10000 operations.
    case requestEntityTooLarge
    /// 500: an error the API server passes through unclassified (strategic merge patch
    /// errors such as a list item without its merge key).
    case internalError
    /// Client side (kubectl apply): the live object changed a field differently from the
    /// new configuration (JSON merge patch three-way conflict).
    case conflict
    /// Client side (kubectl apply): the new configuration changes apiVersion, kind or name.
    case preconditionFailed
  }

  public var code: Code
  public var message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }

  /// What the API server answers for this error. A patch that does not apply is answered
  /// with apimachinery's generic 422 text, as the real server does (it drops the detail).
  public var status: Status {
    switch code {
    case .badRequest: return Status(code: 400, reason: "BadRequest", message: message)
    case .invalid:
      return Status(code: 422, reason: "Invalid",
                    message: "the server rejected our request due to an error in our request",
                    details: StatusDetails())
    case .unsupportedMediaType: return Status(code: 415, reason: "UnsupportedMediaType", message: message)
    case .requestEntityTooLarge:
      return Status(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: \(message)")
    case .internalError, .conflict, .preconditionFailed: return Status(code: 500, reason: "", message: message)
    }
  }
}

extension PatchError {
  // apimachinery pkg/util/mergepatch/errors.go
  static let badJSONDoc = PatchError(.badRequest, "invalid JSON document")
  static let noListOfLists = PatchError(.invalid, "lists of lists are not supported")
  static let badPatchFormatForPrimitiveList = PatchError(.badRequest, "invalid patch format of primitive list")
  static let badPatchFormatForRetainKeys = PatchError(.badRequest, "invalid patch format of retainKeys")
  static let badPatchFormatForSetElementOrderList = PatchError(
    .badRequest, "invalid patch format of setElementOrder list")

  static func noMergeKey(_ item: JSONObject, _ key: String) -> PatchError {
    PatchError(.internalError, "map: \(JSONValue.object(item).goDescription) does not contain declared merge key: \(key)")
  }

  /// `mergepatch.ErrBadArgType`: Go names the types it expected and got.
  static func badArgType(expected: String, _ actual: JSONValue?) -> PatchError {
    PatchError(.internalError, "expected a \(expected), but received a \(actual?.goTypeName ?? "%!s(<nil>)")")
  }

  static func badPatchType(_ directive: JSONValue, _ item: JSONObject) -> PatchError {
    PatchError(.internalError, "unknown patch type: \(directive.goDescription) in map: \(JSONValue.object(item).goDescription)")
  }
}

extension JSONValue {
  /// The Go type `json.Unmarshal` into `interface{}` gives the value (apimachinery's
  /// decoder keeps integers as int64).
  var goTypeName: String {
    switch self {
    case .null: return "%!s(<nil>)"
    case .bool: return "bool"
    case .int: return "int64"
    case .double: return "float64"
    case .string: return "string"
    case .array: return "[]interface {}"
    case .object: return "map[string]interface {}"
    }
  }
}
