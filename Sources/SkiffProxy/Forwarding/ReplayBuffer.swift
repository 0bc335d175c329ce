import NIOCore

/// A request's body chunks, kept to replay on a retry. A unary call's body is one chunk, which
/// sits inline; only a second chunk allocates an array.
struct ReplayBuffer {
  private var first: ByteBuffer?
  private var rest: [ByteBuffer] = []

  var isEmpty: Bool { first == nil }
  var count: Int { first == nil ? 0 : 1 + rest.count }

  mutating func append(_ chunk: ByteBuffer) {
    if first == nil { first = chunk } else { rest.append(chunk) }
  }

  /// Calls `body` with each chunk and whether it is the last.
  func forEach(_ body: (ByteBuffer, _ isLast: Bool) -> Void) {
    guard let first else { return }
    body(first, rest.isEmpty)
    for (i, chunk) in rest.enumerated() { body(chunk, i == rest.count - 1) }
  }

  mutating func removeAll() {
    first = nil
    rest = []
  }
}
