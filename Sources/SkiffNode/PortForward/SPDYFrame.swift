/// A SPDY/3.1 frame (draft-mbelshe-httpbis-spdy-00 §2.2, §2.6; flow control of 3.1).
///
/// Header blocks stay compressed here: they share one zlib stream per direction, so only the
/// session, which sees frames in order, can decode them (`SPDYHeaderCodec`).
enum SPDYFrame: Equatable, Sendable {
  case data(streamID: UInt32, fin: Bool, payload: [UInt8])
  case synStream(streamID: UInt32, associatedTo: UInt32, priority: UInt8, fin: Bool, unidirectional: Bool, headerBlock: [UInt8])
  case synReply(streamID: UInt32, fin: Bool, headerBlock: [UInt8])
  case rstStream(streamID: UInt32, status: UInt32)
  case settings(clear: Bool, [Setting])
  case ping(id: UInt32)
  case goAway(lastGoodStreamID: UInt32, status: UInt32)
  case headers(streamID: UInt32, fin: Bool, headerBlock: [UInt8])
  case windowUpdate(streamID: UInt32, delta: UInt32)
  /// A control frame type this side does not know; the spec says to ignore it.
  case unknown(type: UInt16, flags: UInt8, payload: [UInt8])

  struct Setting: Equatable, Sendable {
    var flags: UInt8
    var id: UInt32
    var value: UInt32

    /// SETTINGS_INITIAL_WINDOW_SIZE.
    static let initialWindowSize: UInt32 = 7
  }

  /// RST_STREAM status codes (§2.6.3) used here.
  enum Status {
    static let protocolError: UInt32 = 1
    static let invalidStream: UInt32 = 2
    static let refusedStream: UInt32 = 3
    static let cancel: UInt32 = 5
    static let flowControlError: UInt32 = 7
  }

  static let version: UInt16 = 3
  static let flagFin: UInt8 = 0x01
  static let flagUnidirectional: UInt8 = 0x02
  /// The largest frame accepted: the length field allows 16 MiB, nothing here needs more than this.
  static let maxLength = 1 << 20

  /// The bytes of this frame on the wire.
  func encoded() -> [UInt8] {
    var out: [UInt8] = []
    func control(_ type: UInt16, flags: UInt8, _ body: [UInt8]) {
      out.append32(UInt32(0x8000 | Self.version) << 16 | UInt32(type))
      out.append32(UInt32(flags) << 24 | UInt32(body.count))
      out += body
    }
    switch self {
    case .data(let id, let fin, let payload):
      out.append32(id & 0x7FFF_FFFF)
      out.append32(UInt32(fin ? Self.flagFin : 0) << 24 | UInt32(payload.count))
      out += payload
    case .synStream(let id, let associated, let priority, let fin, let unidirectional, let block):
      var body: [UInt8] = []
      body.append32(id & 0x7FFF_FFFF)
      body.append32(associated & 0x7FFF_FFFF)
      body += [(priority & 0x7) << 5, 0]
      control(1, flags: (fin ? Self.flagFin : 0) | (unidirectional ? Self.flagUnidirectional : 0), body + block)
    case .synReply(let id, let fin, let block):
      var body: [UInt8] = []
      body.append32(id & 0x7FFF_FFFF)
      control(2, flags: fin ? Self.flagFin : 0, body + block)
    case .rstStream(let id, let status):
      var body: [UInt8] = []
      body.append32(id & 0x7FFF_FFFF)
      body.append32(status)
      control(3, flags: 0, body)
    case .settings(let clear, let settings):
      var body: [UInt8] = []
      body.append32(UInt32(settings.count))
      for setting in settings {
        body.append32(UInt32(setting.flags) << 24 | (setting.id & 0xFF_FFFF))
        body.append32(setting.value)
      }
      control(4, flags: clear ? 1 : 0, body)
    case .ping(let id):
      var body: [UInt8] = []
      body.append32(id)
      control(6, flags: 0, body)
    case .goAway(let last, let status):
      var body: [UInt8] = []
      body.append32(last & 0x7FFF_FFFF)
      body.append32(status)
      control(7, flags: 0, body)
    case .headers(let id, let fin, let block):
      var body: [UInt8] = []
      body.append32(id & 0x7FFF_FFFF)
      control(8, flags: fin ? Self.flagFin : 0, body + block)
    case .windowUpdate(let id, let delta):
      var body: [UInt8] = []
      body.append32(id & 0x7FFF_FFFF)
      body.append32(delta & 0x7FFF_FFFF)
      control(9, flags: 0, body)
    case .unknown(let type, let flags, let payload):
      control(type, flags: flags, payload)
    }
    return out
  }
}

/// Why a byte stream is not SPDY/3.1 (the session answers with GOAWAY and closes).
struct SPDYProtocolError: Error, Equatable, CustomStringConvertible {
  var description: String
}

/// Cuts a byte stream into frames; bytes may arrive in any pieces (WebSocket messages do not
/// align with frames).
struct SPDYFrameDecoder {
  private var buffer: [UInt8] = []
  private var start = 0

  mutating func append(_ bytes: some Collection<UInt8>) {
    if start > 0 && start == buffer.count {
      buffer.removeAll(keepingCapacity: true)
      start = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// The next whole frame, nil until one has arrived, or why the stream is not SPDY.
  mutating func next() throws(SPDYProtocolError) -> SPDYFrame? {
    guard buffer.count - start >= 8 else { return nil }
    let word0 = buffer.read32(at: start)
    let word1 = buffer.read32(at: start + 4)
    let flags = UInt8(word1 >> 24)
    let length = Int(word1 & 0xFF_FFFF)
    guard length <= SPDYFrame.maxLength else {
      throw SPDYProtocolError(description: "frame of \(length) bytes is larger than \(SPDYFrame.maxLength)")
    }
    guard buffer.count - start >= 8 + length else { return nil }
    let body = Array(buffer[(start + 8)..<(start + 8 + length)])
    start += 8 + length
    if start > 65536 {
      buffer.removeFirst(start)
      start = 0
    }
    if word0 & 0x8000_0000 == 0 {
      return .data(streamID: word0 & 0x7FFF_FFFF, fin: flags & SPDYFrame.flagFin != 0, payload: body)
    }
    let version = UInt16(word0 >> 16) & 0x7FFF
    guard version == SPDYFrame.version else {
      throw SPDYProtocolError(description: "unsupported SPDY version \(version)")
    }
    return try Self.control(type: UInt16(word0 & 0xFFFF), flags: flags, body)
  }

  private static func control(type: UInt16, flags: UInt8, _ body: [UInt8]) throws(SPDYProtocolError) -> SPDYFrame {
    func need(_ n: Int, _ name: String, exact: Bool = true) throws(SPDYProtocolError) {
      if exact ? body.count != n : body.count < n {
        throw SPDYProtocolError(description: "\(name) frame of \(body.count) bytes, expected \(exact ? "" : "at least ")\(n)")
      }
    }
    let fin = flags & SPDYFrame.flagFin != 0
    switch type {
    case 1:
      try need(10, "SYN_STREAM", exact: false)
      return .synStream(
        streamID: body.read32(at: 0) & 0x7FFF_FFFF, associatedTo: body.read32(at: 4) & 0x7FFF_FFFF,
        priority: body[8] >> 5, fin: fin, unidirectional: flags & SPDYFrame.flagUnidirectional != 0,
        headerBlock: Array(body[10...]))
    case 2:
      try need(4, "SYN_REPLY", exact: false)
      return .synReply(streamID: body.read32(at: 0) & 0x7FFF_FFFF, fin: fin, headerBlock: Array(body[4...]))
    case 3:
      try need(8, "RST_STREAM")
      return .rstStream(streamID: body.read32(at: 0) & 0x7FFF_FFFF, status: body.read32(at: 4))
    case 4:
      try need(4, "SETTINGS", exact: false)
      let count = Int(body.read32(at: 0))
      guard count <= (body.count - 4) / 8, body.count == 4 + 8 * count else {
        throw SPDYProtocolError(description: "SETTINGS frame of \(body.count) bytes cannot hold \(count) entries")
      }
      let settings = (0..<count).map { i in
        let word = body.read32(at: 4 + 8 * i)
        return SPDYFrame.Setting(flags: UInt8(word >> 24), id: word & 0xFF_FFFF, value: body.read32(at: 8 + 8 * i))
      }
      return .settings(clear: fin, settings)
    case 6:
      try need(4, "PING")
      return .ping(id: body.read32(at: 0))
    case 7:
      // SPDY/2's GOAWAY had no status; accept both.
      try need(4, "GOAWAY", exact: false)
      return .goAway(lastGoodStreamID: body.read32(at: 0) & 0x7FFF_FFFF, status: body.count >= 8 ? body.read32(at: 4) : 0)
    case 8:
      try need(4, "HEADERS", exact: false)
      return .headers(streamID: body.read32(at: 0) & 0x7FFF_FFFF, fin: fin, headerBlock: Array(body[4...]))
    case 9:
      try need(8, "WINDOW_UPDATE")
      return .windowUpdate(streamID: body.read32(at: 0) & 0x7FFF_FFFF, delta: body.read32(at: 4) & 0x7FFF_FFFF)
    default:
      return .unknown(type: type, flags: flags, payload: body)
    }
  }
}

extension [UInt8] {
  mutating func append32(_ value: UInt32) {
    append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
  }

  func read32(at offset: Int) -> UInt32 {
    UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
  }
}
