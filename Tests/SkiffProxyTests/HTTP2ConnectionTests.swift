import NIOCore
import Testing

@testable import SkiffProxy

/// A client and a server `HTTP2Connection` wired back to back in memory: what one writes, the
/// other receives. No sockets.
final class Pair {
  let client: HTTP2Connection
  let server: HTTP2Connection
  var clientEvents: [HTTP2Connection.Action] = []
  var serverEvents: [HTTP2Connection.Action] = []
  var clientClosed = false
  var serverClosed = false

  init(clientSettings: HTTP2Settings = HTTP2Settings(), serverSettings: HTTP2Settings = HTTP2Settings()) {
    client = HTTP2Connection(role: .client, settings: clientSettings)
    server = HTTP2Connection(role: .server, settings: serverSettings)
  }

  /// Moves bytes both ways until neither side has anything to say.
  func pump(maxRounds: Int = 1000) {
    for _ in 0..<maxRounds {
      let toServer = drain(client.flush(), into: &clientEvents, closed: &clientClosed)
      for bytes in toServer { serverEvents += server.receive(bytes) }
      let toClient = drain(server.flush(), into: &serverEvents, closed: &serverClosed)
      for bytes in toClient { clientEvents += client.receive(bytes) }
      if toServer.isEmpty && toClient.isEmpty { return }
    }
  }

  func drain(_ actions: [HTTP2Connection.Action], into events: inout [HTTP2Connection.Action], closed: inout Bool) -> [ByteBuffer] {
    var writes: [ByteBuffer] = []
    for action in actions {
      switch action {
      case .write(let bytes): writes.append(bytes)
      case .close: closed = true
      default: events.append(action)
      }
    }
    // Coalesce, as a socket would.
    guard writes.count > 1 else { return writes }
    var all = ByteBuffer()
    for var w in writes { all.writeBuffer(&w) }
    return [all]
  }

  /// Body bytes received per stream, and whether each ended.
  static func bodies(_ events: [HTTP2Connection.Action]) -> [Int32: (bytes: [UInt8], ended: Bool)] {
    var result: [Int32: (bytes: [UInt8], ended: Bool)] = [:]
    for case .streamData(let id, let data, let end) in events {
      var entry = result[id] ?? ([], false)
      entry.bytes += data.readableBytesView
      entry.ended = entry.ended || end
      result[id] = entry
    }
    return result
  }

  /// Consumes everything received so far (as an application that processed it).
  static func consumeAll(_ connection: HTTP2Connection, _ events: [HTTP2Connection.Action]) {
    for case .streamData(let id, let data, _) in events {
      connection.consume(streamID: id, count: data.readableBytes)
    }
  }
}

func grpcRequest(path: String = "/helloworld.Greeter/SayHello") -> HeaderBlock {
  HeaderBlock([
    (":method", "POST"), (":scheme", "http"), (":authority", "greeter:8080"), (":path", path),
    ("content-type", "application/grpc"), ("te", "trailers"),
  ])
}

func bytes(_ count: Int, seed: UInt8 = 0) -> ByteBuffer {
  ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
}

/// Frames in raw bytes: (type, flags, stream id, payload).
func frames(in buffer: ByteBuffer) -> [(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8])] {
  var buffer = buffer
  var result: [(UInt8, UInt8, UInt32, [UInt8])] = []
  // Skip a client preface if present.
  if buffer.readableBytesView.starts(with: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)) { buffer.moveReaderIndex(forwardBy: 24) }
  while buffer.readableBytes >= 9 {
    let length = Int(buffer.readInteger(as: UInt8.self)!) << 16 | Int(buffer.readInteger(as: UInt16.self)!)
    let type = buffer.readInteger(as: UInt8.self)!
    let flags = buffer.readInteger(as: UInt8.self)!
    let stream = buffer.readInteger(as: UInt32.self)! & 0x7fff_ffff
    guard let payload = buffer.readBytes(length: length) else { break }
    result.append((type, flags, stream, payload))
  }
  return result
}

/// The error code of the GOAWAY in `buffer`, if it has one.
func goAwayCode(in buffer: ByteBuffer) -> UInt32? {
  for frame in frames(in: buffer) where frame.type == 7 && frame.payload.count >= 8 {
    return frame.payload[4..<8].reduce(0) { $0 << 8 | UInt32($1) }
  }
  return nil
}

@Suite struct HTTP2ConnectionTests {
  @Test func requestAndResponseWithTrailersPassThrough() throws {
    let pair = Pair()
    let id = try #require(pair.client.submitRequest(grpcRequest(), endStream: false))
    pair.client.sendData(streamID: id, bytes(12), endStream: true)
    pair.pump()

    guard case .streamHeaders(let sid, let headers, false)? = pair.serverEvents.first(where: { if case .streamHeaders = $0 { return true } else { return false } }) else {
      Issue.record("no request headers: \(pair.serverEvents)")
      return
    }
    #expect(sid == id)
    #expect(headers[":path"] == "/helloworld.Greeter/SayHello")
    #expect(headers["te"] == "trailers")
    #expect(Pair.bodies(pair.serverEvents)[id]?.bytes == Array(bytes(12).readableBytesView))
    #expect(Pair.bodies(pair.serverEvents)[id]?.ended == true)

    pair.server.submitResponse(streamID: id, headers: HeaderBlock([(":status", "200"), ("content-type", "application/grpc")]), endStream: false)
    pair.server.sendData(streamID: id, bytes(7), endStream: false)
    pair.server.sendTrailers(streamID: id, HeaderBlock([("grpc-status", "0"), ("grpc-message", "ok")]))
    pair.pump()

    var sawHeaders = false
    var trailers: HeaderBlock?
    var closed = false
    for event in pair.clientEvents {
      switch event {
      case .streamHeaders(id, let h, false): sawHeaders = h[":status"] == "200"
      case .streamTrailers(id, let t): trailers = t
      case .streamClosed(id, .noError): closed = true
      default: break
      }
    }
    #expect(sawHeaders)
    #expect(trailers?["grpc-status"] == "0")
    #expect(trailers?["grpc-message"] == "ok")
    #expect(Pair.bodies(pair.clientEvents)[id]?.bytes.count == 7)
    #expect(closed)
    #expect(pair.serverEvents.contains { if case .streamClosed(id, _) = $0 { return true } else { return false } })
  }

  @Test func trailersOnlyResponse() throws {
    let pair = Pair()
    let id = try #require(pair.client.submitRequest(grpcRequest(), endStream: true))
    pair.pump()
    let reply = LocalReply.noHealthyUpstream.response(grpc: true)
    pair.server.submitResponse(streamID: id, headers: reply.headers, endStream: true)
    pair.pump()
    guard case .streamHeaders(id, let headers, true)? = pair.clientEvents.first(where: { if case .streamHeaders = $0 { return true } else { return false } }) else {
      Issue.record("no trailers-only response: \(pair.clientEvents)")
      return
    }
    #expect(headers[":status"] == "200")
    #expect(headers["grpc-status"] == "14")
    #expect(headers["grpc-message"] == "no healthy upstream")
  }

  @Test func largeBodiesBeyondWindowsArriveIntact() throws {
    let pair = Pair()
    let size = 1 << 20 + 12345  // well past the 64 KiB stream window and the 1 MiB connection window
    let id = try #require(pair.client.submitRequest(grpcRequest(), endStream: false))
    pair.client.sendData(streamID: id, bytes(size, seed: 3), endStream: true)
    var received: [UInt8] = []
    var ended = false
    for _ in 0..<200 where !ended {
      pair.pump()
      for case .streamData(id, let data, let end) in pair.serverEvents {
        received += data.readableBytesView
        pair.server.consume(streamID: id, count: data.readableBytes)
        ended = ended || end
      }
      pair.serverEvents.removeAll()
    }
    #expect(ended)
    #expect(received == Array(bytes(size, seed: 3).readableBytesView))

    pair.server.submitResponse(streamID: id, headers: HeaderBlock([(":status", "200")]), endStream: false)
    pair.server.sendData(streamID: id, bytes(size, seed: 9), endStream: true)
    var response: [UInt8] = []
    ended = false
    for _ in 0..<200 where !ended {
      pair.pump()
      for case .streamData(id, let data, let end) in pair.clientEvents {
        response += data.readableBytesView
        pair.client.consume(streamID: id, count: data.readableBytes)
        ended = ended || end
      }
      pair.clientEvents.removeAll()
    }
    #expect(ended)
    #expect(response == Array(bytes(size, seed: 9).readableBytesView))
  }

  @Test func unconsumedDataStopsTheSenderAtTheStreamWindow() throws {
    let pair = Pair()
    let id = try #require(pair.client.submitRequest(grpcRequest(), endStream: false))
    pair.client.sendData(streamID: id, bytes(1 << 20), endStream: true)
    pair.pump()
    let first = Pair.bodies(pair.serverEvents)[id]?.bytes.count ?? 0
    // The receiver never consumed: the sender stops at the 65535-byte stream window.
    #expect(first == 65_535)
    #expect(pair.client.queuedBytes(streamID: id) == (1 << 20) - 65_535)
    // Consuming opens the window again.
    Pair.consumeAll(pair.server, pair.serverEvents)
    pair.serverEvents.removeAll()
    pair.pump()
    #expect((Pair.bodies(pair.serverEvents)[id]?.bytes.count ?? 0) > 30_000)
  }

  @Test func resetStreamReachesThePeer() throws {
    let pair = Pair()
    let id = try #require(pair.client.submitRequest(grpcRequest(), endStream: false))
    pair.pump()
    pair.client.resetStream(streamID: id, code: .cancel)
    pair.pump()
    #expect(pair.serverEvents.contains { if case .streamReset(id, .cancel) = $0 { return true } else { return false } })
    #expect(pair.serverEvents.contains { if case .streamClosed(id, .cancel) = $0 { return true } else { return false } })

    // And the other way: the server refuses a stream.
    let second = try #require(pair.client.submitRequest(grpcRequest(), endStream: true))
    pair.pump()
    pair.server.resetStream(streamID: second, code: .refusedStream)
    pair.pump()
    #expect(pair.clientEvents.contains { if case .streamReset(second, .refusedStream) = $0 { return true } else { return false } })
  }

  @Test func gracefulGoAwayLetsStreamsFinishAndStopsNewOnes() throws {
    let pair = Pair()
    let id = try #require(pair.client.submitRequest(grpcRequest(), endStream: true))
    pair.pump()
    pair.server.goAway()  // shutdown notice
    pair.pump()
    pair.server.finishGoAway()
    pair.pump()
    guard let goAway = pair.clientEvents.compactMap({ e -> (Int32, HTTP2ErrorCode)? in
      if case .goAway(let last, let code, _) = e { return (last, code) } else { return nil }
    }).last else {
      Issue.record("no GOAWAY")
      return
    }
    #expect(goAway.0 == id)
    #expect(goAway.1 == .noError)
    #expect(!pair.client.canOpenStream)
    // The stream in progress still completes.
    pair.server.submitResponse(streamID: id, headers: HeaderBlock([(":status", "204")]), endStream: true)
    pair.pump()
    #expect(pair.clientEvents.contains { if case .streamHeaders(id, _, true) = $0 { return true } else { return false } })
  }

  // MARK: Malformed input

  func serverReceivingRaw(_ raw: [UInt8]) -> (writes: ByteBuffer, closed: Bool) {
    let server = HTTP2Connection(role: .server)
    var out = ByteBuffer()
    var closed = false
    var actions = server.receive(ByteBuffer(bytes: raw))
    actions += server.flush()
    for action in actions {
      if case .write(var b) = action { out.writeBuffer(&b) }
      if case .close = action { closed = true }
    }
    return (out, closed)
  }

  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
  static let emptySettings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]

  @Test func badPrefaceGetsGoAwayProtocolError() {
    let (writes, closed) = serverReceivingRaw(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
    #expect(goAwayCode(in: writes) == HTTP2ErrorCode.protocolError.rawValue)
    #expect(closed)
  }

  @Test func headersOnStreamZeroGetsGoAwayProtocolError() {
    let headersOnZero: [UInt8] = [0, 0, 1, 1, 0x05, 0, 0, 0, 0, 0x82]
    let (writes, closed) = serverReceivingRaw(Self.preface + Self.emptySettings + headersOnZero)
    #expect(goAwayCode(in: writes) == HTTP2ErrorCode.protocolError.rawValue)
    #expect(closed)
  }

  @Test func oversizedFrameGetsGoAwayFrameSizeError() {
    // A DATA frame of 16385 bytes (over the default SETTINGS_MAX_FRAME_SIZE) on stream 1.
    let length = 16_385
    let header: [UInt8] = [UInt8(length >> 16), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), 0, 0, 0, 0, 0, 1]
    let (writes, closed) = serverReceivingRaw(Self.preface + Self.emptySettings + header + [UInt8](repeating: 0, count: length))
    #expect(goAwayCode(in: writes) == HTTP2ErrorCode.frameSizeError.rawValue)
    #expect(closed)
  }

  @Test func aBrokenPeerLeavesOtherConnectionsAlone() throws {
    let healthy = Pair()
    let first = try #require(healthy.client.submitRequest(grpcRequest(), endStream: true))
    healthy.pump()
    _ = serverReceivingRaw(Array("garbage that is not HTTP/2 at all......".utf8))
    healthy.server.submitResponse(streamID: first, headers: HeaderBlock([(":status", "200")]), endStream: true)
    let second = try #require(healthy.client.submitRequest(grpcRequest(), endStream: true))
    healthy.pump()
    #expect(healthy.clientEvents.contains { if case .streamHeaders(first, _, true) = $0 { return true } else { return false } })
    #expect(healthy.serverEvents.contains { if case .streamHeaders(second, _, true) = $0 { return true } else { return false } })
    #expect(!healthy.clientClosed && !healthy.serverClosed)
  }

  @Test func headerBlockKeepsOrderAndLooksUpByName() {
    var block = HeaderBlock([(":status", "200"), ("x-a", "1"), ("x-a", "2")])
    #expect(block[":status"] == "200")
    #expect(block.values(of: "x-a") == ["1", "2"])
    block.remove("x-a")
    #expect(block.count == 1)
    #expect(!block.contains("x-a"))
  }

  @Test func grpcMessagePercentEncoding() {
    #expect(LocalReply.percentEncode("no healthy upstream") == "no healthy upstream")
    #expect(LocalReply.percentEncode("50% off\n") == "50%25 off%0A")
    #expect(LocalReply.percentEncode("é") == "%C3%A9")
  }
}
