/// Assembles an incoming header block field by field (nghttp2 reports one field per callback)
/// in a buffer the connection reuses, then makes the `HeaderBlock` with one allocation and one
/// copy: appending to the block's array field by field cost more than the HPACK decoding.
///
/// Owns raw memory: the owner calls `deallocate()` once (the connection's `deinit`).
struct HeaderBlockBuilder {
  private var storage: UnsafeMutableRawPointer?
  private var capacity = 0
  private var used = 0
  private var fields = 0

  /// Starts a new block.
  mutating func reset() {
    used = 0
    fields = 0
  }

  mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, neverIndex: Bool) {
    let needed = used + HeaderBlock.recordHeader + name.count + value.count
    if needed > capacity { grow(to: needed) }
    let record = storage! + used
    record.storeBytes(of: UInt32(truncatingIfNeeded: name.count).littleEndian, as: UInt32.self)
    record.storeBytes(of: UInt32(truncatingIfNeeded: value.count).littleEndian, toByteOffset: 4, as: UInt32.self)
    record.storeBytes(of: neverIndex ? HeaderBlock.neverIndexFlag : 0, toByteOffset: 8, as: UInt8.self)
    let nameStart = record + HeaderBlock.recordHeader
    if let base = name.baseAddress, name.count > 0 { nameStart.copyMemory(from: base, byteCount: name.count) }
    if let base = value.baseAddress, value.count > 0 { (nameStart + name.count).copyMemory(from: base, byteCount: value.count) }
    used = needed
    fields += 1
  }

  /// The block assembled since `reset`.
  func build() -> HeaderBlock {
    HeaderBlock(records: UnsafeRawBufferPointer(start: storage, count: used), count: fields)
  }

  private mutating func grow(to needed: Int) {
    let newCapacity = Swift.max(needed, Swift.max(512, capacity * 2))
    let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
    if let storage {
      grown.copyMemory(from: storage, byteCount: used)
      storage.deallocate()
    }
    storage = grown
    capacity = newCapacity
  }

  mutating func deallocate() {
    storage?.deallocate()
    storage = nil
    capacity = 0
    reset()
  }
}
