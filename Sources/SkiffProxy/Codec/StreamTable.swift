/// Per-stream objects keyed by HTTP/2 stream id, found without hashing: ids of one side grow by
/// two per stream (RFC 9113 §5.1.1), so `id / 2` modulo a power of two spreads the streams open
/// at once over distinct slots. A stream whose slot is taken by an older one that is still
/// open (rare: it needs a long-lived stream and a table's worth of newer ones) goes to a small
/// dictionary; the table doubles when it is half full. Lookups run several times per frame.
struct StreamTable<Value: AnyObject> {
  private struct Slot {
    var id: Int32
    var value: Value?
  }
  private var slots: [Slot] = []
  private var overflow: [Int32: Value] = [:]
  private(set) var count = 0

  init() {}

  var isEmpty: Bool { count == 0 }

  @inline(__always)
  private func slot(_ id: Int32) -> Int { Int(truncatingIfNeeded: id >> 1) & (slots.count - 1) }

  subscript(id: Int32) -> Value? {
    get {
      if !slots.isEmpty {
        let index = slot(id)
        if slots[index].id == id, let value = slots[index].value { return value }
      }
      return overflow.isEmpty ? nil : overflow[id]
    }
    set {
      if let newValue { insert(newValue, for: id) } else { _ = remove(id) }
    }
  }

  /// The value for `id` without taking a reference: valid while the table holds it.
  @inline(__always)
  func unretained(_ id: Int32) -> Unmanaged<Value>? {
    if !slots.isEmpty {
      let index = slot(id)
      if slots[index].id == id, let value = slots[index].value { return Unmanaged.passUnretained(value) }
    }
    guard !overflow.isEmpty, let value = overflow[id] else { return nil }
    return Unmanaged.passUnretained(value)
  }

  mutating func insert(_ value: Value, for id: Int32) {
    if (count + 1) * 2 > slots.count { grow() }
    let index = slot(id)
    if slots[index].value == nil {
      slots[index] = Slot(id: id, value: value)
      count += 1
    } else if slots[index].id == id {
      slots[index].value = value
    } else {
      if overflow.updateValue(value, forKey: id) == nil { count += 1 }
    }
  }

  @discardableResult
  mutating func remove(_ id: Int32) -> Value? {
    if !slots.isEmpty {
      let index = slot(id)
      if slots[index].id == id, let value = slots[index].value {
        slots[index].value = nil
        count -= 1
        return value
      }
    }
    guard !overflow.isEmpty, let value = overflow.removeValue(forKey: id) else { return nil }
    count -= 1
    return value
  }

  /// Every entry, in increasing stream id order.
  var sorted: [(id: Int32, value: Value)] {
    var all: [(id: Int32, value: Value)] = []
    all.reserveCapacity(count)
    for slot in slots {
      if let value = slot.value { all.append((slot.id, value)) }
    }
    for (id, value) in overflow { all.append((id, value)) }
    all.sort { $0.id < $1.id }
    return all
  }

  /// Empties the table like `removeAll()`, first handing `recycle` each value in a slot that
  /// no one else references (for reuse).
  mutating func removeAll(recycling recycle: (Value) -> Void) {
    guard count > 0 else { return }
    for index in slots.indices where slots[index].value != nil {
      if isKnownUniquelyReferenced(&slots[index].value!) { recycle(slots[index].value!) }
      slots[index].value = nil
    }
    overflow = [:]
    count = 0
  }

  /// Empties the table, keeping its slots for the next streams.
  mutating func removeAll() {
    guard count > 0 else { return }
    for index in slots.indices where slots[index].value != nil { slots[index].value = nil }
    overflow = [:]
    count = 0
  }

  private mutating func grow() {
    let entries = sorted
    slots = [Slot](repeating: Slot(id: 0, value: nil), count: Swift.max(8, slots.count * 2))
    overflow = [:]
    count = 0
    for entry in entries { insert(entry.value, for: entry.id) }
  }
}
