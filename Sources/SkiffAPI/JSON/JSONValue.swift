/// A JSON document with object keys kept in order, as Kubernetes objects are stored and
/// shown (`apiVersion`, `kind`, `metadata`, `spec`, `status`).
///
/// Integers and floating-point numbers stay apart so `replicas: 1` never prints as `1.0`.
/// Equality ignores key order: two objects are equal when they hold the same members.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

/// A JSON object: string keys in insertion order, each with a value.
///
/// Members are kept in one array, searched directly while the object is small (most objects
/// of the API are: metadata, containers, managedFields entries); an index by key is built
/// once it grows past `indexThreshold` members (large ConfigMaps, label maps). Every stored
/// object keeps its tree in memory, so one allocation per object instead of a key array and a
/// hash table roughly halves what the store holds.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
  private var entries: [(key: String, value: JSONValue)] = []
  /// Positions in `entries` by key; nil while the object is small.
  private var index: [String: Int]?

  static let indexThreshold = 12

  public init() {}

  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    entries.reserveCapacity(elements.count)
    for (key, value) in elements { self[key] = value }
  }

  public init(_ pairs: [(String, JSONValue)]) {
    entries.reserveCapacity(pairs.count)
    for (key, value) in pairs { self[key] = value }
  }

  /// The keys in order.
  public var keys: [String] { entries.map(\.key) }

  private func position(of key: String) -> Int? {
    if let index { return index[key] }
    return entries.firstIndex { $0.key == key }
  }

  private mutating func reindex() {
    guard entries.count > Self.indexThreshold else {
      index = nil
      return
    }
    var built: [String: Int] = [:]
    built.reserveCapacity(entries.count)
    for (i, entry) in entries.enumerated() { built[entry.key] = i }
    index = built
  }

  /// The member named `key`; setting nil removes it, setting a new key appends it.
  public subscript(key: String) -> JSONValue? {
    get { position(of: key).map { entries[$0].value } }
    set {
      if let newValue {
        if let i = position(of: key) {
          entries[i].value = newValue
        } else {
          entries.append((key, newValue))
          if index != nil {
            index![key] = entries.count - 1
          } else if entries.count > Self.indexThreshold {
            reindex()
          }
        }
      } else if let i = position(of: key) {
        entries.remove(at: i)
        if index != nil { reindex() }
      }
    }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }

  public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
    entries.makeIterator()
  }

  /// Equal members, in any order.
  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    guard lhs.entries.count == rhs.entries.count else { return false }
    for (key, value) in lhs.entries {
      guard let other = rhs[key], other == value else { return false }
    }
    return true
  }

  /// Independent of member order, as `==` is.
  public func hash(into hasher: inout Hasher) {
    var combined = 0
    for (key, value) in entries {
      var member = Hasher()
      member.combine(key)
      member.combine(value)
      combined ^= member.finalize()
    }
    hasher.combine(entries.count)
    hasher.combine(combined)
  }
}

extension JSONValue {
  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var intValue: Int64? {
    switch self {
    case .int(let i): return i
    case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int64(d)
    default: return nil
    }
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The member `key` of an object, nil for anything else.
  public subscript(key: String) -> JSONValue? {
    get { objectValue?[key] }
    set {
      guard var object = objectValue else { return }
      object[key] = newValue
      self = .object(object)
    }
  }

  /// The value at a dotted path of object keys (`metadata.name`).
  public func value(at path: [String]) -> JSONValue? {
    var current: JSONValue? = self
    for key in path { current = current?[key] }
    return current
  }

  /// Sets the value at a path of object keys, creating objects on the way; nil removes.
  public mutating func setValue(_ value: JSONValue?, at path: [String]) {
    guard let first = path.first else {
      if let value { self = value }
      return
    }
    var object = objectValue ?? JSONObject()
    if path.count == 1 {
      object[first] = value
    } else {
      var child = object[first] ?? .object(JSONObject())
      if child.objectValue == nil { child = .object(JSONObject()) }
      child.setValue(value, at: Array(path.dropFirst()))
      object[first] = child
    }
    self = .object(object)
  }

  /// A short name of the value's JSON type, as Go's decoder names it in errors.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "bool"
    case .int, .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int64) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
  public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
  /// `metadata.name`, `metadata.namespace`, ... as strings.
  public func metadataString(_ field: String) -> String? {
    value(at: ["metadata", field])?.stringValue
  }

  /// `metadata.labels`.
  public var labels: [String: String] {
    var out: [String: String] = [:]
    for (k, v) in value(at: ["metadata", "labels"])?.objectValue ?? JSONObject() {
      if let s = v.stringValue { out[k] = s }
    }
    return out
  }
}
