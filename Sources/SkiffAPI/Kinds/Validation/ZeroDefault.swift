/// A required field that decodes to its zero value when a manifest leaves it out, as Go's
/// decoder does, so validation reports it (`spec.containers[0].name: Required value`)
/// together with every other error instead of the decode stopping at it.
@propertyWrapper
public struct ZeroDefault<Value: GoZeroValue & Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
  public var wrappedValue: Value

  public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

  public init(from decoder: any Decoder) throws {
    wrappedValue = try decoder.singleValueContainer().decode(Value.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(wrappedValue)
  }
}

extension ZeroDefault: ZeroWhenAbsent {
  static var zeroValue: ZeroDefault<Value> { ZeroDefault(wrappedValue: Value.goZero) }
}

/// A type with Go's zero value: `""`, `0`.
public protocol GoZeroValue {
  static var goZero: Self { get }
}

extension String: GoZeroValue {
  public static var goZero: String { "" }
}

extension Int32: GoZeroValue {
  public static var goZero: Int32 { 0 }
}

extension Int64: GoZeroValue {
  public static var goZero: Int64 { 0 }
}

extension IntOrString: GoZeroValue {
  public static var goZero: IntOrString { .int(0) }
}
