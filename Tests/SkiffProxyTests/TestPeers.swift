import NIOCore
import NIOPosix
import Synchronization

@testable import SkiffProxy

/// A small h2c upstream for scenarios, answering each request as `behaviour` says. Built on the
/// same `HTTP2Connection` (server role); the gRPC scenarios use grpc-swift servers instead.
final class TestUpstream: Sendable {
  enum Behaviour: Sendable {
    /// 200, `x-upstream: <name>`, the request body echoed, trailers `grpc-status: 0`.
    case echo
    /// A trailers-only gRPC response with this status.
    case grpcStatus(Int)
    /// RST_STREAM with this code once the request has arrived.
    case reset(HTTP2ErrorCode)
    /// 200 and `bytes` of body, as fast as flow control lets it go.
    case largeBody(Int)
    /// Nothing at all (for timeouts).
    case silent
    /// Plain 503 with a body.
    case unavailable
    /// Like `.echo`, then a final GOAWAY: the connection drains and closes.
    case echoThenGoAway
    /// 200 and one DATA frame, then RST_STREAM with this code (a failure mid-response).
    case resetAfterHeaders(HTTP2ErrorCode)
    /// Like `.echo`, after a delay.
    case echoAfter(Duration)
  }

  let name: String
  let behaviour: Behaviour
  let requestCount = Atomic<Int>(0)
  let connectionCount = Atomic<Int>(0)
  /// Bytes queued in this upstream's own send queues at their largest (a blocked sender).
  let queuedPeak = Atomic<Int>(0)
  /// Streams the proxy reset (RST_STREAM received).
  let resetsReceived = Atomic<Int>(0)
  let channel: any Channel
  var port: Int { channel.localAddress!.port! }
  var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: port) }

  private init(name: String, behaviour: Behaviour, channel: any Channel) {
    self.name = name
    self.behaviour = behaviour
    self.channel = channel
  }

  static func start(
    name: String, behaviour: Behaviour = .echo, group: any EventLoopGroup, host: String = "127.0.0.1",
    settings: HTTP2Settings = HTTP2Settings()
  ) async throws -> TestUpstream {
    let box = Mutex<TestUpstream?>(nil)
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let upstream = box.withLock { $0! }
          upstream.connectionCount.wrappingAdd(1, ordering: .relaxed)
          let connection = TestUpstreamConnection(upstream: upstream, settings: settings)
          try channel.pipeline.syncOperations.addHandler(connection.handler)
          // The handler holds its delegate weakly: the pipeline keeps the connection alive.
          try channel.pipeline.syncOperations.addHandler(Retainer(connection))
        }
      }
      .bind(host: host, port: 0).get()
    let upstream = TestUpstream(name: name, behaviour: behaviour, channel: channel)
    box.withLock { $0 = upstream }
    return upstream
  }

  func stop() async {
    try? await channel.close()
  }
}

/// Keeps an object alive as long as its channel's pipeline.
final class Retainer: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  let object: AnyObject
  init(_ object: AnyObject) { self.object = object }
}

final class TestUpstreamConnection: HTTP2ConnectionDelegate {
  let upstream: TestUpstream
  let handler: HTTP2ConnectionHandler
  var bodies: [Int32: ByteBuffer] = [:]

  init(upstream: TestUpstream, settings: HTTP2Settings) {
    self.upstream = upstream
    handler = HTTP2ConnectionHandler(connection: HTTP2Connection(role: .server, settings: settings))
    handler.delegate = self
  }

  func http2Connection(_ handler: HTTP2ConnectionHandler, received action: HTTP2Connection.Action) {
    switch action {
    case .streamHeaders(let id, _, let end):
      upstream.requestCount.wrappingAdd(1, ordering: .relaxed)
      bodies[id] = ByteBuffer()
      if end { respond(id) }
    case .streamData(let id, var data, let end):
      let n = data.readableBytes
      bodies[id]?.writeBuffer(&data)
      handler.connection.consume(streamID: id, count: n)
      if end { respond(id) }
    case .streamTrailers(let id, _):
      respond(id)
    case .streamClosed(let id, _):
      bodies[id] = nil
    case .streamReset:
      upstream.resetsReceived.wrappingAdd(1, ordering: .relaxed)
    case .dataFlushed:
      break
    default:
      break
    }
    let queued = handler.connection.queuedOutboundBytes
    var peak = upstream.queuedPeak.load(ordering: .relaxed)
    while queued > peak {
      let (exchanged, original) = upstream.queuedPeak.compareExchange(expected: peak, desired: queued, ordering: .relaxed)
      if exchanged { break }
      peak = original
    }
  }

  func http2ConnectionClosed(_ handler: HTTP2ConnectionHandler, error: (any Error)?) {}

  func respond(_ id: Int32) {
    respond(id, upstream.behaviour)
  }

  func respond(_ id: Int32, _ behaviour: TestUpstream.Behaviour) {
    let h2 = handler.connection
    switch behaviour {
    case .echoAfter(let delay):
      handler.context!.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay.components.attoseconds / 1_000_000_000) + delay.components.seconds * 1_000_000_000)) {
        self.respond(id, .echo)
      }
      return
    case .echo:
      h2.submitResponse(
        streamID: id, headers: HeaderBlock([(":status", "200"), ("content-type", "application/grpc"), ("x-upstream", upstream.name)]),
        endStream: false)
      h2.sendData(streamID: id, bodies[id] ?? ByteBuffer(), endStream: false)
      h2.sendTrailers(streamID: id, HeaderBlock([("grpc-status", "0"), ("x-served-by", upstream.name)]))
    case .grpcStatus(let status):
      h2.submitResponse(
        streamID: id,
        headers: HeaderBlock([(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", String(status)), ("x-upstream", upstream.name)]),
        endStream: true)
    case .reset(let code):
      h2.resetStream(streamID: id, code: code)
    case .largeBody(let size):
      h2.submitResponse(streamID: id, headers: HeaderBlock([(":status", "200"), ("x-upstream", upstream.name)]), endStream: false)
      var remaining = size
      while remaining > 0 {
        let n = min(remaining, 64 << 10)
        h2.sendData(streamID: id, bytes(n), endStream: remaining == n)
        remaining -= n
      }
    case .silent:
      return
    case .echoThenGoAway:
      h2.submitResponse(
        streamID: id, headers: HeaderBlock([(":status", "200"), ("x-upstream", upstream.name)]), endStream: false)
      h2.sendData(streamID: id, bodies[id] ?? ByteBuffer(), endStream: true)
      h2.finishGoAway()
    case .resetAfterHeaders(let code):
      h2.submitResponse(streamID: id, headers: HeaderBlock([(":status", "200"), ("x-upstream", upstream.name)]), endStream: false)
      h2.sendData(streamID: id, ByteBuffer(string: "partial"), endStream: false)
      handler.flushNow()
      h2.resetStream(streamID: id, code: code)
    case .unavailable:
      let body = ByteBuffer(string: "upstream unavailable")
      h2.submitResponse(streamID: id, headers: HeaderBlock([(":status", "503"), ("x-upstream", upstream.name)]), endStream: false)
      h2.sendData(streamID: id, body, endStream: true)
    }
    handler.scheduleFlush()
  }
}

/// An h2c client over a real socket, for scenarios that need control grpc-swift does not give
/// (many raw streams, reading slowly, watching frames).
final class TestClient: HTTP2ConnectionDelegate {
  let handler = HTTP2ConnectionHandler(connection: HTTP2Connection(role: .client))
  var channel: (any Channel)?
  var responses: [Int32: Response] = [:]
  var closed = false
  var goAway: (Int32, HTTP2ErrorCode)?
  /// Consume (open the window for) received bytes at once; false to read slowly by hand.
  var autoConsume = true
  var unconsumed: [Int32: Int] = [:]

  struct Response {
    var headers: HeaderBlock?
    var body = ByteBuffer()
    var trailers: HeaderBlock?
    var reset: HTTP2ErrorCode?
    var ended = false
    var status: String? { headers?[":status"] }
  }

  init() { handler.delegate = self }

  /// Connects on `eventLoop` (everything about this client then runs there).
  static func connect(to address: SocketAddress, on eventLoop: any EventLoop, autoRead: Bool = true) async throws -> NIOLoopBound<TestClient> {
    let client = try await eventLoop.submit { NIOLoopBound(TestClient(), eventLoop: eventLoop) }.get()
    let channel = try await ClientBootstrap(group: eventLoop)
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .channelOption(.autoRead, value: autoRead)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(client.value.handler) }
      }
      .connect(to: address).get()
    try await eventLoop.submit { client.value.channel = channel }.get()
    return client
  }

  @discardableResult
  func send(_ headers: HeaderBlock, body: ByteBuffer? = nil) -> Int32 {
    let id = handler.connection.submitRequest(headers, endStream: body == nil)!
    if let body { handler.connection.sendData(streamID: id, body, endStream: true) }
    responses[id] = Response()
    handler.scheduleFlush()
    return id
  }

  func http2Connection(_ handler: HTTP2ConnectionHandler, received action: HTTP2Connection.Action) {
    switch action {
    case .streamHeaders(let id, let headers, let end):
      responses[id, default: Response()].headers = headers
      if end { responses[id]!.ended = true }
    case .streamData(let id, var data, let end):
      let n = data.readableBytes
      responses[id, default: Response()].body.writeBuffer(&data)
      if end { responses[id]!.ended = true }
      if autoConsume { handler.connection.consume(streamID: id, count: n) } else { unconsumed[id, default: 0] += n }
    case .streamTrailers(let id, let trailers):
      responses[id, default: Response()].trailers = trailers
      responses[id]!.ended = true
    case .streamReset(let id, let code):
      responses[id, default: Response()].reset = code
    case .goAway(let last, let code, _):
      goAway = (last, code)
    default:
      break
    }
  }

  func http2ConnectionClosed(_ handler: HTTP2ConnectionHandler, error: (any Error)?) { closed = true }

  /// Gives back up to `count` bytes of window on every stream (reading slowly).
  func consume(upTo count: Int) {
    for (id, n) in unconsumed where n > 0 {
      let k = min(n, count)
      handler.connection.consume(streamID: id, count: k)
      unconsumed[id] = n - k
    }
    handler.scheduleFlush()
  }

  func close() { channel?.close(promise: nil) }
}

extension NIOLoopBound {
  /// Runs `body` with the value on its event loop.
  func run<R: Sendable>(_ body: @escaping @Sendable (Value) throws -> R) async throws -> R {
    try await eventLoop.submit { try body(self.value) }.get()
  }
}

/// Polls `condition` (on `eventLoop`) until it holds or `timeout` passes.
func eventually(
  // Generous: the whole test suite shares two cores, and a moment's starvation is not a failure.
  timeout: Duration = .seconds(30), _ condition: @escaping @Sendable () async throws -> Bool
) async throws -> Bool {
  let deadline = ContinuousClock.now + timeout
  while ContinuousClock.now < deadline {
    if try await condition() { return true }
    try await Task.sleep(for: .milliseconds(10))
  }
  return try await condition()
}
