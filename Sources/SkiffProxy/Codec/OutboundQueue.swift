import NIOCore

/// Body bytes queued for one stream, in order. Most streams queue one buffer at a time (a
/// unary call's message), so the first sits inline and only a second one allocates a ring.
struct OutboundQueue {
  private var first: ByteBuffer?
  private var rest: CircularBuffer<ByteBuffer>?

  var isEmpty: Bool { first == nil }

  mutating func append(_ buffer: ByteBuffer) {
    if first == nil {
      first = buffer
    } else if rest == nil {
      var ring = CircularBuffer<ByteBuffer>(initialCapacity: 4)
      ring.append(buffer)
      rest = ring
    } else {
      rest!.append(buffer)
    }
  }

  /// Takes up to `limit` bytes from the front: the whole first buffer if it fits, else a slice
  /// of it (the remainder stays first). Call only when not empty.
  mutating func take(upTo limit: Int) -> ByteBuffer {
    if first!.readableBytes > limit { return first!.readSlice(length: limit)! }
    let taken = first!
    first = rest?.popFirst()
    return taken
  }

  mutating func removeAll() {
    first = nil
    rest = nil
  }
}
