/// One validation failure, as k8s.io/apimachinery `field.Error`: a field path, a type and
/// a detail, printed the way the API server prints it:
/// `spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    case invalid = "FieldValueInvalid"
    case required = "FieldValueRequired"
    case notSupported = "FieldValueNotSupported"
    case forbidden = "FieldValueForbidden"
    case duplicate = "FieldValueDuplicate"
    case notFound = "FieldValueNotFound"
    case tooLong = "FieldValueTooLong"
    case tooMany = "FieldValueTooMany"
    case internalError = "InternalError"

    /// The words that start the message (`Invalid value`).
    public var phrase: String {
      switch self {
      case .invalid: return "Invalid value"
      case .required: return "Required value"
      case .notSupported: return "Unsupported value"
      case .forbidden: return "Forbidden"
      case .duplicate: return "Duplicate value"
      case .notFound: return "Not found"
      case .tooLong: return "Too long"
      case .tooMany: return "Too many"
      case .internalError: return "Internal error"
      }
    }
  }

  public var kind: Kind
  /// `spec.replicas`, `spec.template.spec.containers[0].name`.
  public var field: String
  /// The offending value, when there is one to show.
  public var value: JSONValue?
  public var detail: String

  public init(_ kind: Kind, _ field: String, value: JSONValue? = nil, _ detail: String = "") {
    self.kind = kind
    self.field = field
    self.value = value
    self.detail = detail
  }

  public static func invalid(_ field: String, _ value: JSONValue, _ detail: String) -> FieldError {
    FieldError(.invalid, field, value: value, detail)
  }

  public static func required(_ field: String, _ detail: String = "") -> FieldError {
    FieldError(.required, field, detail)
  }

  public static func notSupported(_ field: String, _ value: JSONValue, _ supported: [String]) -> FieldError {
    FieldError(.notSupported, field, value: value, "supported values: " + supported.map { "\"\($0)\"" }.joined(separator: ", "))
  }

  public static func duplicate(_ field: String, _ value: JSONValue) -> FieldError {
    FieldError(.duplicate, field, value: value)
  }

  public static func forbidden(_ field: String, _ detail: String) -> FieldError {
    FieldError(.forbidden, field, detail)
  }

  /// The cause message without the field: `Invalid value: 70000: must be between 1 and 65535, inclusive`.
  public var message: String {
    var out = kind.phrase
    switch kind {
    case .required, .forbidden, .tooLong, .tooMany, .internalError:
      if !detail.isEmpty { out += ": " + detail }
      return out
    default:
      if let value { out += ": " + FieldError.render(value) }
      if !detail.isEmpty { out += ": " + detail }
      return out
    }
  }

  public var description: String { field.isEmpty ? message : "\(field): \(message)" }

  /// Values print as Go's `%#v`-like rendering does in these messages: numbers and bools bare,
  /// strings quoted, anything else as JSON.
  static func render(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): return "\"\(s)\""
    case .int(let i): return String(i)
    case .double(let d): return JSONValue.formatDouble(d)
    case .bool(let b): return String(b)
    case .null: return "null"
    default: return value.jsonString()
    }
  }
}

extension Array where Element == FieldError {
  /// The error list as one line, as `ErrorList.ToAggregate()` prints it:
  /// `[a: Required value, b: Invalid value: ...]` for several, the single error alone.
  public var aggregateMessage: String {
    count == 1 ? self[0].description : "[" + map(\.description).joined(separator: ", ") + "]"
  }
}
