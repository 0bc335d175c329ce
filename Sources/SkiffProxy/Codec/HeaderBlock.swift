/// One HTTP/2 header block (request or response headers, or trailers), kept as the bytes that
/// came off the wire: names and values sit in one byte array, indexed by offsets, so forwarding
/// a block from one connection to another copies bytes and never builds a `String` per field.
///
/// Names are lower-case, as HTTP/2 requires; pseudo-headers (`:method`, `:path`, `:status`, ...)
/// come first. Lookups compare bytes.
public struct HeaderBlock: Sendable, Equatable {
  @usableFromInline struct Field: Sendable, Equatable {
    var nameStart: UInt32
    var nameLength: UInt32
    var valueStart: UInt32
    var valueLength: UInt32
    var neverIndex: Bool
  }

  @usableFromInline var bytes: [UInt8]
  @usableFromInline var fields: [Field]

  /// An empty block; `capacity` is a hint of how many bytes its fields will take.
  public init(capacity: Int = 0) {
    bytes = []
    fields = []
    if capacity > 0 {
      bytes.reserveCapacity(capacity)
      fields.reserveCapacity(8)
    }
  }

  /// A block with these fields, in this order.
  public init(_ fields: [(String, String)]) {
    self.init(capacity: fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count })
    for (name, value) in fields { add(name: name, value: value) }
  }

  /// How many fields the block has.
  public var count: Int { fields.count }
  public var isEmpty: Bool { fields.isEmpty }

  /// Appends a field. `name` should be lower-case (HTTP/2 rejects upper-case names).
  public mutating func add(name: String, value: String, neverIndex: Bool = false) {
    var name = name
    var value = value
    name.withUTF8 { n in value.withUTF8 { v in add(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v), neverIndex: neverIndex) } }
  }

  /// Appends a field from raw bytes.
  public mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, neverIndex: Bool = false) {
    let nameStart = UInt32(bytes.count)
    bytes.append(contentsOf: name)
    let valueStart = UInt32(bytes.count)
    bytes.append(contentsOf: value)
    fields.append(
      Field(
        nameStart: nameStart, nameLength: UInt32(name.count), valueStart: valueStart,
        valueLength: UInt32(value.count), neverIndex: neverIndex))
  }

  /// The first value of the field `name` (lower-case), or nil.
  public subscript(name: String) -> String? {
    guard let index = firstIndex(of: name) else { return nil }
    return value(at: index)
  }

  /// Every value of the field `name`, in order.
  public func values(of name: String) -> [String] {
    var result: [String] = []
    var name = name
    name.withUTF8 { n in
      for index in fields.indices where matches(index, UnsafeRawBufferPointer(n)) {
        result.append(value(at: index))
      }
    }
    return result
  }

  /// Whether a field named `name` is present.
  public func contains(_ name: String) -> Bool { firstIndex(of: name) != nil }

  /// Removes every field named `name`.
  public mutating func remove(_ name: String) {
    var name = name
    let doomed = name.withUTF8 { n in fields.indices.filter { matches($0, UnsafeRawBufferPointer(n)) } }
    guard !doomed.isEmpty else { return }
    var kept = HeaderBlock(capacity: bytes.count)
    for index in fields.indices where !doomed.contains(index) {
      withField(at: index) { n, v, never in kept.add(name: n, value: v, neverIndex: never) }
    }
    self = kept
  }

  /// The name of the field at `index`.
  public func name(at index: Int) -> String {
    let field = fields[index]
    return String(decoding: bytes[Int(field.nameStart)..<Int(field.nameStart + field.nameLength)], as: UTF8.self)
  }

  /// The value of the field at `index`.
  public func value(at index: Int) -> String {
    let field = fields[index]
    return String(decoding: bytes[Int(field.valueStart)..<Int(field.valueStart + field.valueLength)], as: UTF8.self)
  }

  /// The fields as strings, in order (for tests and logs; the proxy forwards bytes).
  public var pairs: [(name: String, value: String)] {
    fields.indices.map { (name(at: $0), value(at: $0)) }
  }

  func firstIndex(of name: String) -> Int? {
    var name = name
    return name.withUTF8 { n in fields.indices.first { matches($0, UnsafeRawBufferPointer(n)) } }
  }

  func matches(_ index: Int, _ name: UnsafeRawBufferPointer) -> Bool {
    let field = fields[index]
    guard Int(field.nameLength) == name.count else { return false }
    return bytes.withUnsafeBytes { all in
      memcmpEqual(all.baseAddress! + Int(field.nameStart), name.baseAddress, name.count)
    }
  }

  func withField<R>(at index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Bool) -> R) -> R {
    let field = fields[index]
    return bytes.withUnsafeBytes { all in
      body(
        UnsafeRawBufferPointer(rebasing: all[Int(field.nameStart)..<Int(field.nameStart + field.nameLength)]),
        UnsafeRawBufferPointer(rebasing: all[Int(field.valueStart)..<Int(field.valueStart + field.valueLength)]),
        field.neverIndex)
    }
  }

  /// The number of bytes of names and values (HPACK's header list size is this plus 32 a field).
  public var byteCount: Int { bytes.count }
}

extension HeaderBlock: CustomStringConvertible {
  public var description: String {
    "[" + pairs.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
  }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer?, _ count: Int) -> Bool {
  guard count > 0, let b else { return true }
  var i = 0
  while i < count {
    if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
    i += 1
  }
  return true
}
