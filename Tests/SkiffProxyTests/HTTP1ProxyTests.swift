import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import SkiffTestSupport
import Testing

@testable import SkiffProxy

/// An HTTP/1.1 server for the scenarios: answers every request with `x-upstream: <name>` and
/// the request's body echoed (or `hello from <name>`), after `delay` if set.
final class HTTP1TestUpstream: Sendable {
  let name: String
  let channel: any Channel
  let connections = Atomic<Int>(0)
  let requests = Atomic<Int>(0)
  var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: channel.localAddress!.port!) }

  private init(name: String, channel: any Channel) {
    self.name = name
    self.channel = channel
  }

  static func start(name: String, delay: Duration? = nil, group: any EventLoopGroup) async throws -> HTTP1TestUpstream {
    let box = Mutex<HTTP1TestUpstream?>(nil)
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let upstream = box.withLock { $0! }
          upstream.connections.wrappingAdd(1, ordering: .relaxed)
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(Responder(upstream: upstream, delay: delay))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    let upstream = HTTP1TestUpstream(name: name, channel: channel)
    box.withLock { $0 = upstream }
    return upstream
  }

  func stop() async { try? await channel.close() }

  final class Responder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let upstream: HTTP1TestUpstream
    let delay: Duration?
    var body = ByteBuffer()
    var keepAlive = true

    init(upstream: HTTP1TestUpstream, delay: Duration?) {
      self.upstream = upstream
      self.delay = delay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head):
        body.clear()
        keepAlive = head.isKeepAlive
      case .body(var chunk):
        body.writeBuffer(&chunk)
      case .end:
        upstream.requests.wrappingAdd(1, ordering: .relaxed)
        let reply = body.readableBytes > 0 ? body : ByteBuffer(string: "hello from \(upstream.name)")
        var headers = HTTPHeaders([("x-upstream", upstream.name), ("content-length", String(reply.readableBytes))])
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let respond = { [self] in
          context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
          context.write(wrapOutboundOut(.body(.byteBuffer(reply))), promise: nil)
          context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        if let delay {
          let bound = NIOLoopBound(respond, eventLoop: context.eventLoop)
          context.eventLoop.scheduleTask(in: .nanoseconds(Int64(delay.components.seconds) * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)) {
            bound.value()
          }
        } else {
          respond()
        }
      }
    }
  }
}

/// A keep-alive HTTP/1.1 client: one request at a time over one connection.
final class HTTP1TestClient: Sendable {
  struct Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String
  }

  let channel: any Channel
  let collector: Collector

  final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let state = Mutex<(head: HTTPResponseHead?, body: [UInt8], done: [Response], closed: Bool)>((nil, [], [], false))
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      state.withLock { s in
        switch unwrapInboundIn(data) {
        case .head(let head): s.head = head
        case .body(let chunk): s.body += chunk.readableBytesView
        case .end:
          s.done.append(Response(status: Int(s.head!.status.code), headers: s.head!.headers, body: String(decoding: s.body, as: UTF8.self)))
          s.head = nil
          s.body = []
        }
      }
    }
    func channelInactive(context: ChannelHandlerContext) { state.withLock { $0.closed = true } }
  }

  private init(channel: any Channel, collector: Collector) {
    self.channel = channel
    self.collector = collector
  }

  static func connect(to address: SocketAddress, group: any EventLoopGroup) async throws -> HTTP1TestClient {
    let collector = Collector()
    let channel = try await ClientBootstrap(group: group)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(collector)
        }
      }
      .connect(to: address).get()
    return HTTP1TestClient(channel: channel, collector: collector)
  }

  /// Sends a request and waits for its response (nil if none came within 10 s).
  func send(
    _ method: HTTPMethod = .GET, _ path: String, host: String = "web.default.svc.cluster.local", body: String? = nil,
    close: Bool = false
  ) async throws -> Response? {
    let before = collector.state.withLock { $0.done.count }
    var headers = HTTPHeaders([("host", host), ("user-agent", "http1-test/1.0")])
    if close { headers.add(name: "connection", value: "close") }
    if let body { headers.add(name: "content-length", value: String(body.utf8.count)) }
    channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)), promise: nil)
    if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
    try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
    guard try await eventually({ self.collector.state.withLock { $0.done.count > before || $0.closed } }) else { return nil }
    return collector.state.withLock { $0.done.count > before ? $0.done[before] : nil }
  }

  func close() async { try? await channel.close() }

  var isClosed: Bool { collector.state.withLock { $0.closed } }
}

@Suite(.serialized) struct HTTP1ProxyTests {
  let group = MultiThreadedEventLoopGroup.singleton

  @Test func requestsOfOneKeepAliveConnectionAreRoutedOneByOne() async throws {
    let a = try await HTTP1TestUpstream.start(name: "web-v1", group: group)
    let b = try await HTTP1TestUpstream.start(name: "web-v2", group: group)
    let decider = ScriptedDecider(endpoints: [a.endpoint, b.endpoint], connection: .http1)
    try await withProxy(decider: decider, group: group) { engine, address, log in
      let client = try await HTTP1TestClient.connect(to: address, group: group)
      var served: [String] = []
      for i in 0..<6 {
        let response = try #require(try await client.send(.GET, "/page/\(i)"))
        #expect(response.status == 200)
        #expect(response.body == "hello from \(response.headers.first(name: "x-upstream") ?? "?")")
        served.append(response.headers.first(name: "x-upstream") ?? "?")
      }
      // Per request, over the client's one connection: alternating, as the walkthrough's gRPC calls.
      #expect(served == ["web-v1", "web-v2", "web-v1", "web-v2", "web-v1", "web-v2"])
      let echoed = try #require(try await client.send(.POST, "/echo", body: "{\"name\":\"skiff\"}"))
      #expect(echoed.body == "{\"name\":\"skiff\"}")
      // `Connection: close`: answered, then the proxy closes the client's connection.
      #expect(try await client.send(.GET, "/last", close: true)?.status == 200)
      #expect(try await eventually { client.isClosed })
      // Upstream connections are kept alive and reused: one per server.
      #expect(a.connections.load(ordering: .relaxed) == 1)
      #expect(b.connections.load(ordering: .relaxed) == 1)
      #expect(try await eventually { log.entries.count == 8 })
      let line = log.entries[0].line
      #expect(line.contains("\"GET /page/0 HTTP/1.1\" 200 - via_upstream"), "\(line)")
      #expect(line.contains("\"http1-test/1.0\""), "\(line)")
      #expect(line.contains("\"web.default.svc.cluster.local\""), "\(line)")
      #expect(engine.stats.cluster(decider.inner.cluster)?.requestsByCode[200] == 8)
      #expect(engine.stats.prometheusText().contains("envoy_http_downstream_cx_total 1\n"))
      await client.close()
    }
    await a.stop()
    await b.stop()
  }

  @Test func envoysLocalRepliesOverHTTP1() async throws {
    // No healthy upstream: 503 with Envoy's body.
    try await withProxy(decider: ScriptedDecider(endpoints: [], connection: .http1, reply: .noHealthyUpstream), group: group) {
      _, address, log in
      let client = try await HTTP1TestClient.connect(to: address, group: group)
      let response = try #require(try await client.send(.GET, "/"))
      #expect(response.status == 503)
      #expect(response.body == "no healthy upstream")
      // The connection stays usable after a local reply.
      #expect(try await client.send(.GET, "/again")?.status == 503)
      #expect(try await eventually { log.entries.count == 2 })
      #expect(log.entries[0].flags.description == "UH")
      await client.close()
    }
    // Nothing listening, default retries: UF,URX after the retries.
    let dead = try await refusedEndpoint(group: group)
    let decider = ScriptedDecider(endpoints: [dead], retry: .istioDefault, connection: .http1)
    try await withProxy(decider: decider, group: group) { _, address, log in
      let client = try await HTTP1TestClient.connect(to: address, group: group)
      let response = try #require(try await client.send(.GET, "/"))
      #expect(response.status == 503)
      #expect(response.body.hasPrefix(
        "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection failure"), "\(response.body)")
      #expect(try await eventually { log.entries.count == 1 })
      #expect(log.entries[0].flags.description == "UF,URX")
      #expect(decider.outcomes.withLock { $0.count } == 3)
      await client.close()
    }
  }

  @Test func routeTimeoutGives504UT() async throws {
    let slow = try await HTTP1TestUpstream.start(name: "slow", delay: .seconds(5), group: group)
    let decider = ScriptedDecider(endpoints: [slow.endpoint], timeout: .milliseconds(200), connection: .http1)
    try await withProxy(decider: decider, group: group) { _, address, log in
      let client = try await HTTP1TestClient.connect(to: address, group: group)
      let response = try #require(try await client.send(.GET, "/slow"))
      #expect(response.status == 504)
      #expect(response.body == "upstream request timeout")
      #expect(try await eventually { log.entries.count == 1 })
      #expect(log.entries[0].flags.description == "UT")
      await client.close()
    }
    await slow.stop()
  }

  @Test func anH2cClientOnAnHTTPPortIsServedOverHTTP2() async throws {
    let echo = try await TestUpstream.start(name: "h2", group: group)
    try await withProxy(decider: ScriptedDecider(endpoints: [echo.endpoint], connection: .http1), group: group) { _, address, _ in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      #expect(try await client.run { $0.responses[id]?.headers?["x-upstream"] } == "h2")
      try await client.run { $0.close() }
    }
    await echo.stop()
  }

  @Test func aMalformedRequestGets400AndTheProxyKeepsServing() async throws {
    let upstream = try await HTTP1TestUpstream.start(name: "web", group: group)
    try await withProxy(decider: ScriptedDecider(endpoints: [upstream.endpoint], connection: .http1), group: group) { _, address, _ in
      let raw = try await ClientBootstrap(group: group)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(into: collected)) }
        }
        .connect(to: address).get()
      try await raw.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")).get()
      #expect(try await eventually { collected.withLock { $0.eof } })
      #expect(String(decoding: collected.withLock { $0.bytes }, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
      let client = try await HTTP1TestClient.connect(to: address, group: group)
      #expect(try await client.send(.GET, "/")?.status == 200)
      await client.close()
    }
    await upstream.stop()
  }
  let collected = Collected()

  // MARK: Sniffed ports (Istio's protocol detection)

  @Test func firstBytesTellHTTP2HTTP1AndTheRest() {
    func sniff(_ text: String) -> SniffedProtocol? {
      ProtocolDetector.sniff(ByteBuffer(string: text).readableBytesView)
    }
    #expect(sniff("GET /index.html HTTP/1.1\r\nHost: web\r\n") == .http1)
    #expect(sniff("POST /x HTTP/1.0\n") == .http1)
    #expect(sniff("CONNECT db:5432 HTTP/1.1\r\n") == .http1)
    #expect(sniff("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .http2)
    // Not enough yet to tell.
    #expect(sniff("PRI * HT") == nil)
    #expect(sniff("GE") == nil)
    #expect(sniff("GET /long/path") == nil)
    // Not HTTP.
    #expect(sniff("get / HTTP/1.1\r\n") == .opaque)
    #expect(sniff("PING\r\n") == .opaque)
    #expect(sniff("GET / SPDY/3\r\n") == .opaque)
    #expect(sniff("\u{16}\u{03}\u{01}\u{02}\u{00}") == .opaque)  // a TLS ClientHello
  }

  @Test func aSniffedPortRoutesHTTPPerRequestAndSplicesTheRest() async throws {
    let a = try await HTTP1TestUpstream.start(name: "web-v1", group: group)
    let b = try await HTTP1TestUpstream.start(name: "web-v2", group: group)
    let h2 = try await TestUpstream.start(name: "h2", group: group)
    let echo = try await startEchoServer(group: group)
    let greeter = try await ServerBootstrap(group: group)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(GreetThenClose()) }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    var configuration = ProxyConfiguration()
    configuration.protocolDetectionTimeout = .milliseconds(300)
    let echoEndpoint = Endpoint(host: "127.0.0.1", port: echo.localAddress!.port!)

    // HTTP/1.1: per request, alternating.
    let decider = ScriptedDecider(
      endpoints: [a.endpoint, b.endpoint], connection: .detect, opaque: .passthrough(cluster: "outbound|80||web", endpoint: echoEndpoint))
    try await withProxy(decider: decider, configuration: configuration, group: group) { _, address, log in
      let client = try await HTTP1TestClient.connect(to: address, group: group)
      var served: [String] = []
      for _ in 0..<4 { served.append(try await client.send(.GET, "/")?.headers.first(name: "x-upstream") ?? "?") }
      #expect(served == ["web-v1", "web-v2", "web-v1", "web-v2"])
      await client.close()
      // Not HTTP: spliced to the TCP cluster, bytes read while sniffing included.
      let echoed = try await sendThenHalfClose("PING redis\r\n", to: address, group: group)
      #expect(echoed == "PING redis\r\n")
      #expect(try await eventually { log.entries.contains { $0.upstreamCluster == "outbound|80||web" && $0.bytesSent == 12 } })
    }
    // HTTP/2 with prior knowledge.
    try await withProxy(decider: ScriptedDecider(endpoints: [h2.endpoint], connection: .detect), configuration: configuration, group: group) {
      _, address, _ in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      #expect(try await client.run { $0.responses[id]?.headers?["x-upstream"] } == "h2")
      try await client.run { $0.close() }
    }
    // A server-first protocol: the client says nothing, the greeting comes after the timeout.
    let first = ScriptedDecider(
      endpoints: [], connection: .detect,
      opaque: .passthrough(cluster: "outbound|25||smtp", endpoint: Endpoint(host: "127.0.0.1", port: greeter.localAddress!.port!)))
    try await withProxy(decider: first, configuration: configuration, group: group) { _, address, _ in
      let collected = Collected()
      let channel = try await ClientBootstrap(group: group)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(into: collected)) }
        }
        .connect(to: address).get()
      #expect(try await eventually { collected.withLock { $0.eof } })
      #expect(String(decoding: collected.withLock { $0.bytes }, as: UTF8.self) == "220 smtp.example ESMTP ready\r\n")
      try? await channel.close()
    }
    await a.stop()
    await b.stop()
    await h2.stop()
    try await echo.close()
    try await greeter.close()
  }
  @Test func aWebSocketUpgradeBecomesATunnel() async throws {
    let upstream = try await ServerBootstrap(group: group)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UpgradeThenEcho()) }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    let endpoint = Endpoint(host: "127.0.0.1", port: upstream.localAddress!.port!)
    try await withProxy(decider: ScriptedDecider(endpoints: [endpoint], connection: .http1), group: group) { engine, address, log in
      // The handshake and the first frame in one write: the bytes past the request must not be lost.
      let handshake = "GET /chat HTTP/1.1\r\nHost: chat\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
      let (channel, collected) = try await collectingClient(to: address, group: group)
      try await channel.writeAndFlush(ByteBuffer(string: handshake + "hello")).get()
      #expect(try await eventually { String(decoding: collected.withLock { $0.bytes }, as: UTF8.self).hasSuffix("hello") })
      // Then a second message, and the client's FIN ends the tunnel.
      try await channel.writeAndFlush(ByteBuffer(string: " again")).get()
      try await channel.close(mode: .output).get()
      #expect(try await eventually { collected.withLock { $0.eof } })
      let text = String(decoding: collected.withLock { $0.bytes }, as: UTF8.self)
      #expect(text.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"), "\(text)")
      #expect(text.lowercased().contains("upgrade: websocket"), "\(text)")
      #expect(text.hasSuffix("\r\n\r\nhello again"), "\(text.debugDescription)")
      #expect(try await eventually { log.entries.contains { $0.responseCode == 101 } })
      #expect(log.entries.first { $0.responseCode == 101 }?.line.contains("\"GET /chat HTTP/1.1\" 101 - via_upstream") == true)
      #expect(try await eventually { engine.stats.prometheusText().contains("istio_tcp_connections_closed_total") })
    }
    try await upstream.close()
  }
}

/// An upstream that answers any request with 101 Switching Protocols, then echoes bytes (and
/// closes after the client's FIN).
final class UpgradeThenEcho: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  var head = ""
  var upgraded = false

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var bytes = unwrapInboundIn(data)
    if upgraded {
      context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
      return
    }
    head += bytes.readString(length: bytes.readableBytes) ?? ""
    let parts = head.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2 else { return }
    let rest = String(parts[1])
    upgraded = true
    var reply = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    reply += rest
    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .inputClosed? = event as? ChannelEvent { context.close(promise: nil) }
  }
}


/// A server-first protocol: greets, then closes.
final class GreetThenClose: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  func channelActive(context: ChannelHandlerContext) {
    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "220 smtp.example ESMTP ready\r\n"))).whenComplete { _ in
      context.close(promise: nil)
    }
  }
}
