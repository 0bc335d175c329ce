/// Reads a Decodable type's shape by running its `init(from:)` against a decoder that holds
/// no data: every `decode(_:forKey:)` the initializer makes names a field and its type, in
/// declaration order. This is how the OpenAPI schemas are generated from Skiff's own types,
/// so they cannot drift from what the API server decodes.
struct SchemaProbe {
  /// The schema of `type`, with every struct it reaches recorded in `registry` and
  /// referenced from here.
  static func schema(of type: any Decodable.Type, registry: SchemaRegistry) -> JSONValue {
    if let described = type as? any OpenAPISchemaProviding.Type { return described.openAPISchema }
    if let wrapper = type as? any SchemaTransparentWrapper.Type {
      return schema(of: wrapper.wrappedDecodable, registry: registry)
    }
    switch type {
    case is String.Type: return ["type": "string"]
    case is Bool.Type: return ["type": "boolean"]
    case is Int32.Type, is UInt16.Type, is UInt8.Type, is Int16.Type: return ["type": "integer", "format": "int32"]
    case is Int.Type, is Int64.Type, is UInt32.Type, is UInt64.Type, is UInt.Type:
      return ["type": "integer", "format": "int64"]
    case is Double.Type, is Float.Type: return ["type": "number", "format": "double"]
    default: break
    }
    if let array = type as? any SchemaProbeArray.Type {
      return ["type": "array", "items": schema(of: array.elementDecodable, registry: registry)]
    }
    if let map = type as? any SchemaProbeMap.Type {
      return ["type": "object", "additionalProperties": schema(of: map.valueDecodable, registry: registry)]
    }
    let name = registry.name(for: type)
    if !registry.has(name) {
      registry.begin(name)
      let recorder = Recorder(registry: registry)
      _ = try? type.init(from: ProbeDecoder(recorder: recorder))
      registry.finish(name, recorder.schema(typeName: name), docs: type)
    }
    // A type that decoded as one value (a raw-value enum) is that value's schema, not a ref.
    if let inline = registry.inlineSchema(name) { return inline }
    return ["$ref": .string("#/components/schemas/\(name)")]
  }

  /// What one initializer run asked for.
  final class Recorder {
    let registry: SchemaRegistry
    var properties: [(String, JSONValue)] = []
    var required: [String] = []
    /// Set when the type decoded itself from a single value (enums, wrappers).
    var single: JSONValue?

    init(registry: SchemaRegistry) { self.registry = registry }

    func field(_ key: String, _ type: any Decodable.Type, required isRequired: Bool) {
      guard !properties.contains(where: { $0.0 == key }) else { return }
      properties.append((key, SchemaProbe.schema(of: type, registry: registry)))
      // `@ZeroDefault` marks the fields Kubernetes requires (they decode to zero when absent
      // so that validation can name them).
      if isRequired || type is any SchemaTransparentWrapper.Type { required.append(key) }
    }

    func schema(typeName: String) -> RecordedSchema {
      if let single, properties.isEmpty { return .inline(single) }
      return .object(properties: properties, required: required)
    }
  }
}

/// The result of probing one type.
enum RecordedSchema {
  case object(properties: [(String, JSONValue)], required: [String])
  case inline(JSONValue)
}

/// A type with a hand-written schema (int-or-string, quantities, timestamps, free JSON).
public protocol OpenAPISchemaProviding {
  static var openAPISchema: JSONValue { get }
}

/// A property wrapper whose schema is its wrapped value's.
protocol SchemaTransparentWrapper {
  static var wrappedDecodable: any Decodable.Type { get }
}

extension ZeroDefault: SchemaTransparentWrapper {
  static var wrappedDecodable: any Decodable.Type { Value.self }
}

protocol SchemaProbeArray {
  static var elementDecodable: any Decodable.Type { get }
}

extension Array: SchemaProbeArray where Element: Decodable {
  static var elementDecodable: any Decodable.Type { Element.self }
}

protocol SchemaProbeMap {
  static var valueDecodable: any Decodable.Type { get }
}

extension Dictionary: SchemaProbeMap where Key == String, Value: Decodable {
  static var valueDecodable: any Decodable.Type { Value.self }
}

extension IntOrString: OpenAPISchemaProviding {
  public static var openAPISchema: JSONValue { ["type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true] }
}

extension Quantity: OpenAPISchemaProviding {
  public static var openAPISchema: JSONValue { ["type": "string", "format": "quantity", "x-kubernetes-int-or-string": true] }
}

extension Timestamp: OpenAPISchemaProviding {
  public static var openAPISchema: JSONValue { ["type": "string", "format": "date-time"] }
}

extension MicroTime: OpenAPISchemaProviding {
  public static var openAPISchema: JSONValue { ["type": "string", "format": "date-time"] }
}

extension JSONValue: OpenAPISchemaProviding {
  public static var openAPISchema: JSONValue { ["type": "object", "x-kubernetes-preserve-unknown-fields": true] }
}

// MARK: - The decoder

/// Answers every request with "absent" or a zero value and tells the recorder what was asked.
struct ProbeDecoder: Decoder {
  let recorder: SchemaProbe.Recorder?
  var codingPath: [any CodingKey] = []
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    KeyedDecodingContainer(ProbeKeyed<Key>(recorder: recorder))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer { ProbeUnkeyed() }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { ProbeSingle(recorder: recorder) }
}

/// A value of `type` built from no data (`""`, `0`, empty collections, structs of those).
func probeZeroValue<T: Decodable>(_ type: T.Type) throws -> T {
  let zeros: [Any] = [
    "", false, 0.0, Float(0), 0, Int8(0), Int16(0), Int32(0), Int64(0), UInt(0), UInt8(0), UInt16(0), UInt32(0), UInt64(0),
  ]
  for zero in zeros { if let value = zero as? T { return value } }
  return try T(from: ProbeDecoder(recorder: nil))
}

struct ProbeKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let recorder: SchemaProbe.Recorder?
  var codingPath: [any CodingKey] { [] }
  var allKeys: [Key] { [] }

  func contains(_ key: Key) -> Bool { false }
  func decodeNil(forKey key: Key) throws -> Bool { true }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(probing: type, key) }
  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(probing: type, key) }
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(probing: type, key) }
  func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeIfPresent(probing: type, key) }
  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(probing: type, key) }
  func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeIfPresent(probing: type, key) }

  private func decode<T: Decodable>(probing type: T.Type, _ key: Key) throws -> T {
    recorder?.field(key.stringValue, type, required: true)
    return try probeZeroValue(type)
  }

  private func decodeIfPresent<T: Decodable>(probing type: T.Type, _ key: Key) throws -> T? {
    recorder?.field(key.stringValue, type, required: false)
    return nil
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
    KeyedDecodingContainer(ProbeKeyed<NestedKey>(recorder: nil))
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { ProbeUnkeyed() }
  func superDecoder() throws -> any Decoder { ProbeDecoder(recorder: nil) }
  func superDecoder(forKey key: Key) throws -> any Decoder { ProbeDecoder(recorder: nil) }
}

struct ProbeUnkeyed: UnkeyedDecodingContainer {
  var codingPath: [any CodingKey] { [] }
  var count: Int? { 0 }
  var isAtEnd: Bool { true }
  var currentIndex: Int { 0 }

  struct Empty: Error {}

  mutating func decodeNil() throws -> Bool { true }
  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw Empty() }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
    throw Empty()
  }
  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Empty() }
  mutating func superDecoder() throws -> any Decoder { throw Empty() }
}

struct ProbeSingle: SingleValueDecodingContainer {
  let recorder: SchemaProbe.Recorder?
  var codingPath: [any CodingKey] { [] }

  func decodeNil() -> Bool { false }

  func decode<T: Decodable>(_ type: T.Type) throws -> T { try decode(probing: type) }
  func decode(_ type: Bool.Type) throws -> Bool { try decode(probing: type) }
  func decode(_ type: String.Type) throws -> String { try decode(probing: type) }
  func decode(_ type: Double.Type) throws -> Double { try decode(probing: type) }
  func decode(_ type: Float.Type) throws -> Float { try decode(probing: type) }
  func decode(_ type: Int.Type) throws -> Int { try decode(probing: type) }
  func decode(_ type: Int8.Type) throws -> Int8 { try decode(probing: type) }
  func decode(_ type: Int16.Type) throws -> Int16 { try decode(probing: type) }
  func decode(_ type: Int32.Type) throws -> Int32 { try decode(probing: type) }
  func decode(_ type: Int64.Type) throws -> Int64 { try decode(probing: type) }
  func decode(_ type: UInt.Type) throws -> UInt { try decode(probing: type) }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(probing: type) }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(probing: type) }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(probing: type) }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(probing: type) }

  private func decode<T: Decodable>(probing type: T.Type) throws -> T {
    if let recorder, recorder.single == nil {
      recorder.single = SchemaProbe.schema(of: type, registry: recorder.registry)
    }
    return try probeZeroValue(type)
  }
}
