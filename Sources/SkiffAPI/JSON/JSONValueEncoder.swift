/// Encodes `Encodable` types into a `JSONValue`, keeping members in the order the type
/// encodes them (its declaration order for synthesized conformances). Optional fields that
/// are nil are left out, as Go's `omitempty` does.
public struct JSONValueEncoder {
  public init() {}

  public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
    if let json = value as? JSONValue { return json }
    let root = EncodeNode()
    try value.encode(to: ValueEncoder(node: root, codingPath: []))
    return root.resolve()
  }
}

/// A value under construction: containers hand out child nodes that fill in later.
final class EncodeNode {
  enum Content {
    case empty
    case value(JSONValue)
    case object([(String, EncodeNode)])
    case array([EncodeNode])
  }
  var content: Content = .empty

  func resolve() -> JSONValue {
    switch content {
    case .empty: return .object(JSONObject())
    case .value(let v): return v
    case .object(let members):
      var object = JSONObject()
      for (key, node) in members { object[key] = node.resolve() }
      return .object(object)
    case .array(let nodes): return .array(nodes.map { $0.resolve() })
    }
  }

  func objectChild(_ key: String) -> EncodeNode {
    let child = EncodeNode()
    if case .object(var members) = content {
      members.removeAll { $0.0 == key }
      members.append((key, child))
      content = .object(members)
    } else {
      content = .object([(key, child)])
    }
    return child
  }

  func makeObject() {
    if case .object = content { return }
    content = .object([])
  }

  func makeArray() {
    if case .array = content { return }
    content = .array([])
  }

  func arrayChild() -> EncodeNode {
    let child = EncodeNode()
    if case .array(var nodes) = content {
      nodes.append(child)
      content = .array(nodes)
    } else {
      content = .array([child])
    }
    return child
  }

  var arrayCount: Int {
    if case .array(let nodes) = content { return nodes.count }
    return 0
  }
}

struct ValueEncoder: Encoder {
  let node: EncodeNode
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    node.makeObject()
    return KeyedEncodingContainer(KeyedEncoder<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    node.makeArray()
    return UnkeyedEncoder(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { self }
}

extension ValueEncoder: SingleValueEncodingContainer {
  func encodeNil() { node.content = .value(.null) }
  func encode(_ value: Bool) { node.content = .value(.bool(value)) }
  func encode(_ value: String) { node.content = .value(.string(value)) }
  func encode(_ value: Double) { node.content = .value(.double(value)) }
  func encode(_ value: Float) { node.content = .value(.double(Double(value))) }
  func encode(_ value: Int) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: Int8) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: Int16) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: Int32) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: Int64) { node.content = .value(.int(value)) }
  func encode(_ value: UInt) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: UInt8) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: UInt16) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: UInt32) { node.content = .value(.int(Int64(value))) }
  func encode(_ value: UInt64) { node.content = .value(.int(Int64(clamping: value))) }

  func encode<T: Encodable>(_ value: T) throws {
    if let json = value as? JSONValue {
      node.content = .value(json)
      return
    }
    if let map = value as? any SortedKeyEncodable {
      try map.encodeSortedByKey(to: self)
      return
    }
    try value.encode(to: self)
  }
}

/// String-keyed maps (labels, annotations, data) encode with sorted keys, as Go encodes maps,
/// so the same object always serializes to the same text.
protocol SortedKeyEncodable {
  func encodeSortedByKey(to encoder: ValueEncoder) throws
}

extension Dictionary: SortedKeyEncodable where Key == String, Value: Encodable {
  func encodeSortedByKey(to encoder: ValueEncoder) throws {
    encoder.node.makeObject()
    for key in keys.sorted() {
      let child = ValueEncoder(node: encoder.node.objectChild(key), codingPath: encoder.codingPath)
      try child.encode(self[key]!)
    }
  }
}

struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: EncodeNode
  let codingPath: [any CodingKey]

  func encoder(_ key: Key) -> ValueEncoder {
    ValueEncoder(node: node.objectChild(key.stringValue), codingPath: codingPath + [key])
  }

  func encodeNil(forKey key: Key) { encoder(key).encodeNil() }
  func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(key).encode(value) }
  func encode(_ value: Bool, forKey key: Key) { encoder(key).encode(value) }
  func encode(_ value: String, forKey key: Key) { encoder(key).encode(value) }
  func encode(_ value: Int, forKey key: Key) { encoder(key).encode(value) }
  func encode(_ value: Int32, forKey key: Key) { encoder(key).encode(value) }
  func encode(_ value: Int64, forKey key: Key) { encoder(key).encode(value) }
  func encode(_ value: Double, forKey key: Key) { encoder(key).encode(value) }

  func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    encoder(key).container(keyedBy: NestedKey.self)
  }

  func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    encoder(key).unkeyedContainer()
  }

  func superEncoder() -> any Encoder { ValueEncoder(node: node, codingPath: codingPath) }
  func superEncoder(forKey key: Key) -> any Encoder { encoder(key) }
}

struct UnkeyedEncoder: UnkeyedEncodingContainer {
  let node: EncodeNode
  let codingPath: [any CodingKey]
  var count: Int { node.arrayCount }

  func encoder() -> ValueEncoder {
    ValueEncoder(node: node.arrayChild(), codingPath: codingPath + [IndexKey(node.arrayCount)])
  }

  func encodeNil() { encoder().encodeNil() }
  func encode<T: Encodable>(_ value: T) throws { try encoder().encode(value) }
  func encode(_ value: Bool) { encoder().encode(value) }
  func encode(_ value: String) { encoder().encode(value) }
  func encode(_ value: Int) { encoder().encode(value) }
  func encode(_ value: Int32) { encoder().encode(value) }
  func encode(_ value: Int64) { encoder().encode(value) }
  func encode(_ value: Double) { encoder().encode(value) }

  func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    encoder().container(keyedBy: NestedKey.self)
  }

  func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder().unkeyedContainer() }
  func superEncoder() -> any Encoder { encoder() }
}

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    if let ours = decoder as? ValueDecoder {
      self = ours.value
      return
    }
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int64.self) {
      self = .int(i)
    } else if let d = try? container.decode(Double.self) {
      self = .double(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      let o = try container.decode([String: JSONValue].self)
      self = .object(JSONObject(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    if let ours = encoder as? ValueEncoder {
      ours.node.content = .value(self)
      return
    }
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let b): try container.encode(b)
    case .int(let i): try container.encode(i)
    case .double(let d): try container.encode(d)
    case .string(let s): try container.encode(s)
    case .array(let a): try container.encode(a)
    case .object(let o):
      var dict: [String: JSONValue] = [:]
      for (k, v) in o { dict[k] = v }
      try container.encode(dict)
    }
  }
}
