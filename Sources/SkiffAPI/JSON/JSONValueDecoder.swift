/// Decodes `Decodable` types from a `JSONValue`, the way the Kubernetes API server decodes
/// objects with strict field validation: every member must be a field of the type
/// (`unknownFields` lists the rest by path), and a value of the wrong JSON type is an error
/// naming its path.
public struct JSONValueDecoder {
  public init() {}

  /// The result of a decode: the value and the members no field consumed.
  public struct Result<T> {
    public var value: T
    /// Paths of members that are not fields of the types decoded (`spec.foo`,
    /// `spec.template.spec.containers[0].bar`).
    public var unknownFields: [String]
  }

  /// Decodes `type` from `value`, collecting unknown members instead of failing on them.
  public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodeError) -> Result<T> {
    let context = DecodeContext()
    do {
      let decoded = try T(from: ValueDecoder(value: value, codingPath: [], context: context))
      return Result(value: decoded, unknownFields: context.unknownFields())
    } catch let error as JSONDecodeError {
      throw error
    } catch let error as DecodingError {
      throw JSONDecodeError(error)
    } catch {
      throw JSONDecodeError(path: "", message: String(describing: error))
    }
  }
}

/// A value that does not fit its field: `path` (`spec.replicas`) and Go's wording
/// (`cannot unmarshal string into Go struct field spec.replicas of type int32`).
public struct JSONDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  init(_ error: DecodingError) {
    switch error {
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
      .dataCorrupted(let context):
      self.init(path: fieldPath(context.codingPath), message: context.debugDescription)
    @unknown default:
      self.init(path: "", message: String(describing: error))
    }
  }

  public var description: String { message }
}

/// Kubernetes' field path notation: `spec.containers[0].ports[1].containerPort`.
public func fieldPath(_ codingPath: [any CodingKey]) -> String {
  var out = ""
  for key in codingPath {
    if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == String(index) {
      out += "[\(index)]"
    } else {
      if !out.isEmpty { out += "." }
      out += key.stringValue
    }
  }
  return out
}

struct IndexKey: CodingKey {
  var intValue: Int?
  var stringValue: String
  init(_ index: Int) {
    intValue = index
    stringValue = "Index \(index)"
  }
  init?(intValue: Int) { self.init(intValue) }
  init?(stringValue: String) { return nil }
}

/// Which members of each decoded object were read, by path.
final class DecodeContext {
  var objects: [String: [String]] = [:]
  var accessed: [String: Set<String>] = [:]
  var order: [String] = []

  func register(_ path: String, keys: [String]) {
    if objects[path] == nil {
      objects[path] = keys
      order.append(path)
    }
  }

  func access(_ path: String, _ key: String) { accessed[path, default: []].insert(key) }
  func accessAll(_ path: String) { accessed[path, default: []].formUnion(objects[path] ?? []) }

  func unknownFields() -> [String] {
    var out: [String] = []
    for path in order {
      let seen = accessed[path] ?? []
      for key in objects[path] ?? [] where !seen.contains(key) {
        out.append(path.isEmpty ? key : "\(path).\(key)")
      }
    }
    return out
  }
}

struct ValueDecoder: Decoder {
  let value: JSONValue
  let codingPath: [any CodingKey]
  let context: DecodeContext
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func mismatch(_ expected: String) -> JSONDecodeError {
    let path = fieldPath(codingPath)
    let what = path.isEmpty ? "value" : "Go struct field \(path)"
    return JSONDecodeError(path: path, message: "json: cannot unmarshal \(value.typeName) into \(what) of type \(expected)")
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .object(let object) = value else { throw mismatch("object") }
    let path = fieldPath(codingPath)
    context.register(path, keys: object.keys)
    return KeyedDecodingContainer(KeyedContainer<Key>(object: object, path: path, codingPath: codingPath, context: context))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard case .array(let items) = value else { throw mismatch("array") }
    return UnkeyedContainer(items: items, codingPath: codingPath, context: context)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
}

extension ValueDecoder: SingleValueDecodingContainer {
  func decodeNil() -> Bool { value.isNull }

  func decode(_ type: Bool.Type) throws -> Bool {
    guard case .bool(let b) = value else { throw mismatch("bool") }
    return b
  }

  func decode(_ type: String.Type) throws -> String {
    guard case .string(let s) = value else { throw mismatch("string") }
    return s
  }

  func decode(_ type: Double.Type) throws -> Double {
    switch value {
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: throw mismatch("float64")
    }
  }

  func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

  func integer<I: FixedWidthInteger>(_ type: I.Type, _ goName: String) throws -> I {
    guard let i = value.intValue else { throw mismatch(goName) }
    guard let exact = I(exactly: i) else {
      throw JSONDecodeError(
        path: fieldPath(codingPath),
        message: "json: cannot unmarshal number \(i) into Go struct field \(fieldPath(codingPath)) of type \(goName)")
    }
    return exact
  }

  func decode(_ type: Int.Type) throws -> Int { try integer(Int.self, "int64") }
  func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self, "int8") }
  func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self, "int16") }
  func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self, "int32") }
  func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self, "int64") }
  func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self, "uint64") }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self, "uint8") }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self, "uint16") }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self, "uint32") }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self, "uint64") }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    if T.self == JSONValue.self { return value as! T }
    return try T(from: self)
  }
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let object: JSONObject
  let path: String
  let codingPath: [any CodingKey]
  let context: DecodeContext

  var allKeys: [Key] {
    context.accessAll(path)
    return object.keys.compactMap { Key(stringValue: $0) }
  }

  func contains(_ key: Key) -> Bool {
    context.access(path, key.stringValue)
    return object[key.stringValue] != nil
  }

  func child(_ key: Key) throws -> ValueDecoder {
    context.access(path, key.stringValue)
    guard let value = object[key.stringValue] else {
      throw DecodingError.keyNotFound(
        key, .init(codingPath: codingPath, debugDescription: "\(fieldPath(codingPath + [key])): Required value"))
    }
    return ValueDecoder(value: value, codingPath: codingPath + [key], context: context)
  }

  func decodeNil(forKey key: Key) throws -> Bool {
    context.access(path, key.stringValue)
    return object[key.stringValue]?.isNull ?? true
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try child(key).decode(T.self)
  }

  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
    context.access(path, key.stringValue)
    guard let value = object[key.stringValue] else { return nil }
    if value.isNull && T.self != JSONValue.self { return nil }
    return try ValueDecoder(value: value, codingPath: codingPath + [key], context: context).decode(T.self)
  }

  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(Bool.self) }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decode(String.self) }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decode(Double.self) }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decode(Int.self) }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decode(Int32.self) }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decode(Int64.self) }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try child(key).container(keyedBy: NestedKey.self)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try child(key).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder {
    ValueDecoder(value: .object(object), codingPath: codingPath, context: context)
  }

  func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
  let items: [JSONValue]
  let codingPath: [any CodingKey]
  let context: DecodeContext
  var currentIndex = 0

  init(items: [JSONValue], codingPath: [any CodingKey], context: DecodeContext) {
    self.items = items
    self.codingPath = codingPath
    self.context = context
  }

  var count: Int? { items.count }
  var isAtEnd: Bool { currentIndex >= items.count }

  mutating func next() throws -> ValueDecoder {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        JSONValue.self, .init(codingPath: codingPath, debugDescription: "array ended early"))
    }
    defer { currentIndex += 1 }
    return ValueDecoder(value: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], context: context)
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, items[currentIndex].isNull else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(T.self) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try next().container(keyedBy: NestedKey.self)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
  mutating func superDecoder() throws -> any Decoder { try next() }
}
