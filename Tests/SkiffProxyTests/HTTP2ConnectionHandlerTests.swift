import NIOCore
import NIOEmbedded
import Testing

@testable import SkiffProxy

/// Records what the handler reports, and answers each request with `respond`.
final class RecordingDelegate: HTTP2ConnectionDelegate {
  var actions: [HTTP2Connection.Action] = []
  var closed = false
  var respond: ((HTTP2ConnectionHandler, Int32) -> Void)?

  func http2Connection(_ handler: HTTP2ConnectionHandler, received action: HTTP2Connection.Action) {
    actions.append(action)
    if case .streamHeaders(let id, _, true) = action { respond?(handler, id) }
    if case .streamData(let id, _, true) = action { respond?(handler, id) }
  }
  func http2ConnectionClosed(_ handler: HTTP2ConnectionHandler, error: (any Error)?) { closed = true }
}

@Suite struct HTTP2ConnectionHandlerTests {
  /// A server handler in an EmbeddedChannel, and an in-memory client talking to it.
  final class Harness {
    let channel = EmbeddedChannel()
    let delegate = RecordingDelegate()
    let handler: HTTP2ConnectionHandler
    let client = HTTP2Connection(role: .client)
    var clientEvents: [HTTP2Connection.Action] = []

    init() throws {
      handler = HTTP2ConnectionHandler(connection: HTTP2Connection(role: .server), delegate: delegate)
      try channel.pipeline.syncOperations.addHandler(handler)
      try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    /// Client bytes in, server bytes out, until quiet.
    func exchange() throws {
      for _ in 0..<100 {
        var moved = false
        for action in client.flush() {
          if case .write(let bytes) = action {
            try channel.writeInbound(bytes)
            moved = true
          }
        }
        channel.embeddedEventLoop.run()
        while let out = try channel.readOutbound(as: ByteBuffer.self) {
          clientEvents += client.receive(out).filter { if case .write = $0 { return false } else { return true } }
          moved = true
        }
        if !moved { return }
      }
    }
  }

  @Test func requestReachesTheDelegateAndTheResponseIsWritten() throws {
    let h = try Harness()
    h.delegate.respond = { handler, id in
      handler.connection.submitResponse(streamID: id, headers: HeaderBlock([(":status", "200")]), endStream: false)
      handler.connection.sendData(streamID: id, ByteBuffer(string: "hi"), endStream: false)
      handler.connection.sendTrailers(streamID: id, HeaderBlock([("grpc-status", "0")]))
      handler.scheduleFlush()
    }
    let id = try #require(h.client.submitRequest(grpcRequest(), endStream: true))
    try h.exchange()
    #expect(h.delegate.actions.contains { if case .streamHeaders(id, _, true) = $0 { return true } else { return false } })
    #expect(h.clientEvents.contains { if case .streamHeaders(id, _, false) = $0 { return true } else { return false } })
    #expect(h.clientEvents.contains { if case .streamTrailers(id, let t) = $0 { return t["grpc-status"] == "0" } else { return false } })
  }

  @Test func nothingIsWrittenWhileTheChannelIsNotWritable() throws {
    let h = try Harness()
    let id = try #require(h.client.submitRequest(grpcRequest(), endStream: true))
    try h.exchange()
    h.handler.connection.submitResponse(streamID: id, headers: HeaderBlock([(":status", "200")]), endStream: false)
    h.handler.connection.sendData(streamID: id, bytes(60_000), endStream: true)
    h.channel.isWritable = false
    h.handler.scheduleFlush()
    h.channel.embeddedEventLoop.run()
    #expect(try h.channel.readOutbound(as: ByteBuffer.self) == nil)
    #expect(h.handler.connection.queuedBytes(streamID: id) == 60_000)
    // Writable again: the queued response goes out.
    h.channel.isWritable = true
    h.channel.pipeline.fireChannelWritabilityChanged()
    try h.exchange()
    #expect(h.handler.connection.queuedBytes(streamID: id) == 0)
    #expect(h.clientEvents.contains { if case .streamData(id, _, true) = $0 { return true } else { return false } })
  }

  @Test func garbageClosesTheChannelWithGoAway() throws {
    let h = try Harness()
    try h.channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
    var written = ByteBuffer()
    while var out = try h.channel.readOutbound(as: ByteBuffer.self) { written.writeBuffer(&out) }
    #expect(goAwayCode(in: written) == HTTP2ErrorCode.protocolError.rawValue)
    #expect(!h.channel.isActive)
    #expect(h.delegate.closed)
  }
}
