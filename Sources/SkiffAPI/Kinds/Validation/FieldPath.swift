/// A field path as `field.Path` prints it: `spec.containers[0].ports[1].containerPort`,
/// `spec.containers[0].resources.limits[cpu]`.
struct FieldPath: Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
  let text: String

  init(_ text: String) { self.text = text }
  init(stringLiteral value: String) { text = value }

  func child(_ name: String) -> FieldPath { FieldPath(text.isEmpty ? name : "\(text).\(name)") }
  func index(_ i: Int) -> FieldPath { FieldPath("\(text)[\(i)]") }
  func key(_ key: String) -> FieldPath { FieldPath("\(text)[\(key)]") }

  var description: String { text }
}

extension FieldError {
  static func invalid(_ path: FieldPath, _ value: JSONValue, _ detail: String) -> FieldError {
    FieldError(.invalid, path.text, value: value, detail)
  }

  static func required(_ path: FieldPath, _ detail: String = "") -> FieldError {
    FieldError(.required, path.text, detail)
  }

  static func forbidden(_ path: FieldPath, _ detail: String) -> FieldError {
    FieldError(.forbidden, path.text, detail)
  }

  static func duplicate(_ path: FieldPath, _ value: JSONValue) -> FieldError {
    FieldError(.duplicate, path.text, value: value)
  }

  static func notFound(_ path: FieldPath, _ value: JSONValue, _ detail: String = "") -> FieldError {
    FieldError(.notFound, path.text, value: value, detail)
  }

  static func notSupported(_ path: FieldPath, _ value: JSONValue, _ supported: [String]) -> FieldError {
    FieldError.notSupported(path.text, value, supported)
  }

  static func tooLong(_ path: FieldPath, maxBytes: Int) -> FieldError {
    FieldError(.tooLong, path.text, "may not be more than \(maxBytes) \(maxBytes == 1 ? "byte" : "bytes")")
  }

  /// `must be greater than or equal to 0` when `value` is negative.
  static func nonNegative(_ value: Int64?, _ path: FieldPath) -> [FieldError] {
    guard let value, value < 0 else { return [] }
    return [.invalid(path, .int(value), "must be greater than or equal to 0")]
  }

  /// `field is immutable` when the value changed on update.
  static func immutable<T: Equatable & Encodable>(_ new: T, _ old: T, _ path: FieldPath) -> [FieldError] {
    guard new != old else { return [] }
    return [.invalid(path, jsonValue(new), "field is immutable")]
  }
}

/// Any encodable value as the JSON Kubernetes shows in `Invalid value: ...` (nil is `null`;
/// map keys sorted, as Go marshals maps).
func jsonValue<T: Encodable>(_ value: T) -> JSONValue {
  (try? JSONValueEncoder().encode(SingleValue(value: value))) ?? .null
}

func jsonValue<T: Encodable>(_ value: T?) -> JSONValue {
  guard let value else { return .null }
  return jsonValue(value)
}

/// Routes the root value through the encoder's single-value path, where maps get sorted keys.
private struct SingleValue<T: Encodable>: Encodable {
  let value: T

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(value)
  }
}
