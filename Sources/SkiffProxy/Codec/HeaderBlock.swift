/// One HTTP/2 header block (request or response headers, or trailers), kept as the bytes that
/// came off the wire: every field is a small record (name length, value length, flags) followed
/// by its name and value, all in one byte array, so a block costs one allocation and forwarding
/// it from one connection to another copies bytes and never builds a `String` per field.
///
/// Names are lower-case, as HTTP/2 requires; pseudo-headers (`:method`, `:path`, `:status`, ...)
/// come first. Lookups compare bytes.
///
/// `@unchecked Sendable`: its storage is a class (`HeaderBlockStorage`) that a block writes
/// only while it holds the sole reference (`isKnownUniquelyReferenced`) or before handing it
/// out (`init(records:)`); storage that another value or thread can see is never written again.
public struct HeaderBlock: @unchecked Sendable, Equatable {
  /// Each field: name length (UInt32), value length (UInt32), flags (UInt8), name, value.
  /// nil while empty. Shared between copies, copied before a write to a shared one.
  var storage: HeaderBlockStorage?

  static let recordHeader = 9
  static let neverIndexFlag: UInt8 = 1

  /// An empty block; `capacity` is a hint of how many bytes its fields will take.
  public init(capacity: Int = 0) {
    if capacity > 0 { storage = HeaderBlockStorage.make(capacity: capacity + 8 * Self.recordHeader) }
  }

  /// A block from records laid out as `storage` keeps them (`HeaderBlockBuilder`).
  init(records: UnsafeRawBufferPointer, count: Int) {
    guard records.count > 0 else { return }
    let storage = HeaderBlockStorage.make(capacity: records.count)
    storage.append(records)
    storage.header.fields = count
    self.storage = storage
  }

  /// How many fields the block has.
  public var count: Int { storage?.header.fields ?? 0 }

  /// Calls `body` with the records of every field.
  func withUnsafeRecords<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    // `self` keeps the storage alive: no reference taken for the call (lookups run several
    // times per request).
    guard let storage = storage.map(Unmanaged.passUnretained) else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    return storage._withUnsafeGuaranteedRef { storage in
      storage.withUnsafeMutablePointers { header, bytes in
        body(UnsafeRawBufferPointer(start: bytes, count: header.pointee.used))
      }
    }
  }

  public static func == (lhs: HeaderBlock, rhs: HeaderBlock) -> Bool {
    lhs.count == rhs.count && lhs.withUnsafeRecords { l in rhs.withUnsafeRecords { r in equalBytes(l, r) } }
  }

  /// A block with these fields, in this order.
  public init(_ fields: [(String, String)]) {
    self.init(capacity: fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count })
    for (name, value) in fields { add(name: name, value: value) }
  }

  public var isEmpty: Bool { count == 0 }

  /// Appends a field. `name` should be lower-case (HTTP/2 rejects upper-case names).
  public mutating func add(name: String, value: String, neverIndex: Bool = false) {
    var name = name
    var value = value
    name.withUTF8 { n in value.withUTF8 { v in add(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v), neverIndex: neverIndex) } }
  }

  /// Appends a field from raw bytes.
  public mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, neverIndex: Bool = false) {
    let extra = Self.recordHeader + name.count + value.count
    let used = storage?.header.used ?? 0
    let capacity = storage?.header.capacity ?? 0
    if storage == nil || !isKnownUniquelyReferenced(&storage!) || used + extra > capacity {
      let grown = HeaderBlockStorage.make(capacity: Swift.max(used + extra, 2 * capacity, 64))
      if let storage {
        withUnsafeRecords { grown.append($0) }
        grown.header.fields = storage.header.fields
      }
      storage = grown
    }
    var record = (UInt32(truncatingIfNeeded: name.count).littleEndian, UInt32(truncatingIfNeeded: value.count).littleEndian)
    withUnsafeBytes(of: &record) { storage!.append($0) }
    var flags = neverIndex ? Self.neverIndexFlag : 0
    withUnsafeBytes(of: &flags) { storage!.append($0) }
    storage!.append(name)
    storage!.append(value)
    storage!.header.fields += 1
  }

  /// Calls `body` with each field's name, value and never-index flag, in order, until it
  /// returns false. The buffers are valid only during the call.
  func forEachField(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Bool) -> Bool) {
    withUnsafeRecords { all in
      var offset = 0
      while let field = Self.field(in: all, at: offset) {
        guard body(field.name, field.value, field.neverIndex) else { return }
        offset = field.next
      }
    }
  }

  /// The field whose record starts at `offset` of `all` (nil at the end).
  @inline(__always)
  static func field(in all: UnsafeRawBufferPointer, at offset: Int)
    -> (name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, neverIndex: Bool, next: Int)?
  {
    guard offset < all.count, let base = all.baseAddress else { return nil }
    let nameLength = Int(UInt32(littleEndian: all.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    let valueLength = Int(UInt32(littleEndian: all.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
    let nameStart = offset + recordHeader
    return (
      UnsafeRawBufferPointer(start: base + nameStart, count: nameLength),
      UnsafeRawBufferPointer(start: base + nameStart + nameLength, count: valueLength),
      all[offset + 8] & neverIndexFlag != 0, nameStart + nameLength + valueLength
    )
  }

  /// Calls `body` with the value of the first field named `name` (lower-case), or nil.
  func withFirstValue<R>(of name: String, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    var name = name
    return name.withUTF8 { n in
      let wanted = UnsafeRawBufferPointer(n)
      return withUnsafeRecords { all in
        var offset = 0
        while let field = Self.field(in: all, at: offset) {
          if equalBytes(field.name, wanted) { return body(field.value) }
          offset = field.next
        }
        return body(nil)
      }
    }
  }

  /// The first value of the field `name` (lower-case), or nil.
  public subscript(name: String) -> String? {
    withFirstValue(of: name) { value in value.map { String(decoding: $0, as: UTF8.self) } }
  }

  /// The first value of the field `name` read as a decimal integer (what `Int(self[name])`
  /// gives), without making a `String`: `:status` and `grpc-status` on every response.
  public func integer(_ name: String) -> Int? {
    withFirstValue(of: name) { value -> Int? in
      guard let value else { return nil }
      return parseDecimal(value)
    }
  }

  /// Whether the first value of the field `name` starts with `prefix` (as `String.hasPrefix`).
  public func value(of name: String, hasPrefix prefix: String) -> Bool {
    var prefix = prefix
    return withFirstValue(of: name) { value -> Bool in
      guard let value else { return false }
      let asBytes = prefix.withUTF8 { p -> Bool? in
        let p = UnsafeRawBufferPointer(p)
        // Bytes decide alone when the prefix is ASCII and the value has no non-ASCII byte
        // right after it (a combining mark there would change the last character).
        guard !p.contains(where: { $0 >= 0x80 }) else { return nil }
        guard value.count >= p.count, equalBytes(UnsafeRawBufferPointer(rebasing: value[..<p.count]), p) else { return false }
        if value.count > p.count && value[p.count] >= 0x80 { return nil }
        return true
      }
      return asBytes ?? String(decoding: value, as: UTF8.self).hasPrefix(prefix)
    }
  }

  /// Every value of the field `name`, in order.
  public func values(of name: String) -> [String] {
    var result: [String] = []
    var name = name
    name.withUTF8 { n in
      forEachField { fieldName, value, _ in
        if equalBytes(fieldName, UnsafeRawBufferPointer(n)) { result.append(String(decoding: value, as: UTF8.self)) }
        return true
      }
    }
    return result
  }

  /// Whether a field named `name` is present.
  public func contains(_ name: String) -> Bool { withFirstValue(of: name) { $0 != nil } }

  /// Removes every field named `name`.
  public mutating func remove(_ name: String) {
    guard contains(name) else { return }
    var kept = HeaderBlock(capacity: storage?.header.used ?? 0)
    var name = name
    name.withUTF8 { n in
      forEachField { fieldName, value, never in
        if !equalBytes(fieldName, UnsafeRawBufferPointer(n)) { kept.add(name: fieldName, value: value, neverIndex: never) }
        return true
      }
    }
    self = kept
  }

  /// The name of the field at `index`.
  public func name(at index: Int) -> String { pairs[index].name }

  /// The value of the field at `index`.
  public func value(at index: Int) -> String { pairs[index].value }

  /// The fields as strings, in order (for tests and logs; the proxy forwards bytes).
  public var pairs: [(name: String, value: String)] {
    var result: [(name: String, value: String)] = []
    result.reserveCapacity(count)
    forEachField { name, value, _ in
      result.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
      return true
    }
    return result
  }

  /// The number of bytes of names and values (HPACK's header list size is this plus 32 a field).
  public var byteCount: Int { (storage?.header.used ?? 0) - count * Self.recordHeader }
}

extension HeaderBlock: CustomStringConvertible {
  public var description: String {
    "[" + pairs.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
  }
}

@inline(__always)
func equalBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
  guard a.count == b.count else { return false }
  guard a.count > 0 else { return true }
  return memcmpEqual(a.baseAddress!, b.baseAddress, a.count)
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

/// `Int(text)` for ASCII text: an optional sign, then decimal digits, nil on anything else or
/// overflow (`Int(String)` accepts only ASCII digits too).
func parseDecimal(_ text: UnsafeRawBufferPointer) -> Int? {
  var index = 0
  var negative = false
  if let first = text.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
    negative = first == UInt8(ascii: "-")
    index = 1
  }
  guard index < text.count else { return nil }
  var value = 0
  while index < text.count {
    let digit = Int(text[index]) &- 48
    guard digit >= 0 && digit <= 9 else { return nil }
    let (times10, o1) = value.multipliedReportingOverflow(by: 10)
    let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
    guard !o1, !o2 else { return nil }
    value = next
    index += 1
  }
  return value
}

/// A header block's bytes, tail-allocated in one object. A concrete class, not an array:
/// making an `[UInt8]` looked up its generic metadata in the runtime on every allocation
/// (three blocks per proxied request).
/// Written only as `HeaderBlock` says (see its `Sendable` note).
final class HeaderBlockStorage: ManagedBuffer<HeaderBlockStorage.Counts, UInt8> {
  struct Counts {
    var capacity: Int
    var used: Int
    var fields: Int
  }

  static func make(capacity: Int) -> HeaderBlockStorage {
    let buffer = create(minimumCapacity: capacity) { _ in Counts(capacity: capacity, used: 0, fields: 0) }
    return unsafeDowncast(buffer, to: HeaderBlockStorage.self)
  }

  /// Appends `bytes` (the caller made room).
  func append(_ bytes: UnsafeRawBufferPointer) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    withUnsafeMutablePointers { header, elements in
      precondition(header.pointee.used + bytes.count <= header.pointee.capacity)
      UnsafeMutableRawPointer(elements + header.pointee.used).copyMemory(from: source, byteCount: bytes.count)
      header.pointee.used += bytes.count
    }
  }
}
