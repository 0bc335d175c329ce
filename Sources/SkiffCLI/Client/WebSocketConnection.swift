#if canImport(Glibc)
import Glibc
#endif

/// The client side of a WebSocket (RFC 6455) over an already upgraded connection: masked
/// frames out, frames in; enough for Kubernetes' channel protocol.
struct WebSocketConnection {
  let connection: UnixHTTPConnection
  var buffer: [UInt8]

  init(connection: UnixHTTPConnection, buffered: [UInt8]) {
    self.connection = connection
    self.buffer = buffered
  }

  enum Opcode: UInt8 {
    case continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10
  }

  struct Frame {
    var opcode: UInt8
    var payload: [UInt8]
  }

  func send(_ opcode: Opcode, _ payload: [UInt8]) throws(ClientError) {
    var frame: [UInt8] = [0x80 | opcode.rawValue]
    let count = payload.count
    if count < 126 {
      frame.append(0x80 | UInt8(count))
    } else if count < 65536 {
      frame += [0x80 | 126, UInt8(count >> 8), UInt8(count & 0xff)]
    } else {
      frame.append(0x80 | 127)
      for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((UInt64(count) >> UInt64(shift)) & 0xff)) }
    }
    let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
    frame += mask
    for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i % 4]) }
    try connection.send(frame)
  }

  /// One whole frame from what has been read so far, if complete.
  mutating func nextFrame() -> Frame? {
    guard buffer.count >= 2 else { return nil }
    let opcode = buffer[0] & 0x0f
    let masked = buffer[1] & 0x80 != 0
    var length = Int(buffer[1] & 0x7f)
    var offset = 2
    if length == 126 {
      guard buffer.count >= 4 else { return nil }
      length = Int(buffer[2]) << 8 | Int(buffer[3])
      offset = 4
    } else if length == 127 {
      guard buffer.count >= 10 else { return nil }
      length = 0
      for i in 2..<10 { length = length << 8 | Int(buffer[i]) }
      offset = 10
    }
    var mask: [UInt8] = []
    if masked {
      guard buffer.count >= offset + 4 else { return nil }
      mask = Array(buffer[offset..<offset + 4])
      offset += 4
    }
    guard buffer.count >= offset + length else { return nil }
    var payload = Array(buffer[offset..<offset + length])
    if masked { for i in payload.indices { payload[i] ^= mask[i % 4] } }
    buffer.removeSubrange(0..<(offset + length))
    return Frame(opcode: opcode, payload: payload)
  }

  /// Reads what the socket has (blocking until something arrives); false at end of stream.
  mutating func receive() -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65536)
    let n = chunk.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
    if n <= 0 { return false }
    buffer += chunk[0..<n]
    return true
  }
}
