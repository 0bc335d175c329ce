import GRPCCore
import NIOCore
import NIOPosix
import Synchronization
import SkiffTestSupport
import Testing
import Workloads

@testable import SkiffProxy

/// A loopback address of this test process's own (127.78.x.y), so suites running side by side
/// never share ports.
func proxyTestLoopback() -> String {
  let n = proxyLoopbackCounter.wrappingAdd(1, ordering: .relaxed).newValue
  return "127.78.\(n / 250 % 250).\(n % 250 + 1)"
}
private let proxyLoopbackCounter = Atomic<Int>(Int(getpid() % 100) * 500)

/// A decider for scenarios: a fixed answer per request, or round robin over endpoints.
final class ScriptedDecider: RouteDecider {
  let inner: RoundRobinDecider
  let connectionDecision: ConnectionDecision
  let outcomes = Mutex<[AttemptOutcome]>([])
  /// A fault-injected delay on every forwarded request.
  let delay: Duration?
  /// Answer every request with this instead of forwarding it.
  let reply: LocalReply?
  /// Where a sniffed connection that is not HTTP goes.
  let opaque: ConnectionDecision

  init(
    endpoints: [Endpoint], timeout: Duration? = nil, retry: SkiffProxy.RetryPolicy = .none, connection: ConnectionDecision = .http2,
    delay: Duration? = nil, reply: LocalReply? = nil, opaque: ConnectionDecision = .reject
  ) {
    self.opaque = opaque
    inner = RoundRobinDecider(cluster: "outbound|8080||greeter.default.svc.cluster.local", endpoints: endpoints, timeout: timeout, retry: retry)
    connectionDecision = connection
    self.delay = delay
    self.reply = reply
  }

  func decideConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision { connectionDecision }
  func decideOpaqueConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision { opaque }
  func decide(_ request: RequestHead, connection: DownstreamConnectionInfo) -> RouteDecision {
    if let reply { return .localReply(reply) }
    guard case .forward(var route) = inner.decide(request, connection: connection) else { return inner.decide(request, connection: connection) }
    route.delay = delay
    return .forward(route)
  }
  func attemptFinished(_ outcome: AttemptOutcome) { outcomes.withLock { $0.append(outcome) } }
}

/// Runs `body` with a proxy listening on a fresh loopback address.
func withProxy(
  decider: any RouteDecider, configuration: ProxyConfiguration = ProxyConfiguration(), group: any EventLoopGroup,
  _ body: (ProxyEngine, SocketAddress, MemoryAccessLog) async throws -> Void
) async throws {
  let log = MemoryAccessLog()
  let engine = ProxyEngine(group: group, decider: decider, configuration: configuration, accessLog: log)
  let address = try await engine.listen(host: proxyTestLoopback(), port: 0)
  do {
    try await body(engine, address, log)
  } catch {
    await engine.shutdown()
    throw error
  }
  await engine.shutdown()
}

/// A port on `host` that refuses connections (bound once, then closed).
func refusedEndpoint(host: String = "127.0.0.1", group: any EventLoopGroup) async throws -> Endpoint {
  Endpoint(host: host, port: try refusedPort(host: host))
}

func greeterRequest(authority: String = "greeter:8080") -> HeaderBlock {
  HeaderBlock([
    (":method", "POST"), (":scheme", "http"), (":authority", authority), (":path", "/helloworld.Greeter/SayHello"),
    ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", "test-client/1.0"),
  ])
}

func plainRequest() -> HeaderBlock {
  HeaderBlock([(":method", "GET"), (":scheme", "http"), (":authority", "web:80"), (":path", "/index.html")])
}

@Suite(.serialized) struct ProxyScenarioTests {
  let group = MultiThreadedEventLoopGroup.singleton

  // MARK: The walkthrough, part B

  @Test func oneClientConnectionIsSpreadRoundRobinOverTwoGRPCServers() async throws {
    let host = proxyTestLoopback()
    let v1 = GreeterServer(address: HostPort(host: host, port: 0), hostname: "istio-grpc-server-v1")
    let v2 = GreeterServer(address: HostPort(host: proxyTestLoopback(), port: 0), hostname: "istio-grpc-server-v2")
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await v1.serve() }
      tasks.addTask { try await v2.serve() }
      let endpoints = [
        Endpoint(host: v1.requestedAddress.host, port: try await v1.listeningPort),
        Endpoint(host: v2.requestedAddress.host, port: try await v2.listeningPort),
      ]
      try await withProxy(decider: ScriptedDecider(endpoints: endpoints), group: group) { engine, address, log in
        var replies: [String] = []
        try await runGreeterCalls(
          GreeterClientOptions(address: HostPort(host: address.ipAddress!, port: address.port!), repeatCount: 20)
        ) { replies.append($0) }
        #expect(replies.count == 20)
        // Alternating, per request, over the client's single connection.
        let servers = replies.map { $0.hasSuffix("v1") ? "v1" : "v2" }
        #expect(servers.filter { $0 == "v1" }.count == 10)
        #expect(servers.filter { $0 == "v2" }.count == 10)
        #expect(zip(servers, servers.dropFirst()).allSatisfy { $0 != $1 }, "not alternating: \(servers)")
        #expect(engine.stats.prometheusText().contains("envoy_http_downstream_cx_total 1\n"))
        // Each server saw one connection (the proxy's), with 10 calls on it.
        #expect(v1.connections.callsByPeer.values.sorted() == [10])
        #expect(v2.connections.callsByPeer.values.sorted() == [10])
        // One access-log line per call, Envoy's format.
        let lines = log.entries.map(\.line)
        #expect(lines.count == 20)
        #expect(lines.first?.contains("\"POST /helloworld.Greeter/SayHello HTTP/2\" 200 - via_upstream") == true, "\(lines.first ?? "")")
        #expect(engine.stats.cluster("outbound|8080||greeter.default.svc.cluster.local")?.requestsByCode[200] == 20)
      }
      v1.stop()
      v2.stop()
      try await tasks.waitForAll()
    }
  }

  @Test func headersTrailersAndGRPCStatusPassThroughUntouched() async throws {
    let echo = try await TestUpstream.start(name: "echo", group: group)
    let failing = try await TestUpstream.start(name: "failing", behaviour: .grpcStatus(5), group: group)
    defer { Task { await echo.stop(); await failing.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [echo.endpoint, failing.endpoint]), group: group) { _, address, _ in
      let loop = group.next()
      let client = try await TestClient.connect(to: address, on: loop)
      let (first, second) = try await client.run { c in
        (c.send(greeterRequest(), body: ByteBuffer(string: "\u{0}\u{0}\u{0}\u{0}\u{5}hello")), c.send(greeterRequest()))
      }
      #expect(try await eventually { try await client.run { $0.responses[first]?.ended == true && $0.responses[second]?.ended == true } })
      let responses = try await client.run { $0.responses }
      let echoed = try #require(responses[first])
      #expect(echoed.status == "200")
      #expect(echoed.headers?["x-upstream"] == "echo")
      #expect(String(buffer: echoed.body) == "\u{0}\u{0}\u{0}\u{0}\u{5}hello")
      #expect(echoed.trailers?["grpc-status"] == "0")
      #expect(echoed.trailers?["x-served-by"] == "echo")
      let failed = try #require(responses[second])
      #expect(failed.headers?["grpc-status"] == "5")
      #expect(failed.headers?["x-upstream"] == "failing")
      try await client.run { $0.close() }
    }
  }

  // MARK: Local replies

  @Test func noEndpointGivesEnvoysLocalReplies() async throws {
    try await withProxy(decider: ScriptedDecider(endpoints: []), group: group) { engine, address, log in
      // A real gRPC client sees UNAVAILABLE "no healthy upstream".
      do {
        try await runGreeterCalls(GreeterClientOptions(address: HostPort(host: address.ipAddress!, port: address.port!))) { _ in }
        Issue.record("the call succeeded without an upstream")
      } catch let error as RPCError {
        #expect(error.code == .unavailable)
        #expect(error.message == "no healthy upstream")
      }
      // Plain HTTP/2 gets 503 and the body.
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      let response = try await client.run { $0.responses[id]! }
      #expect(response.status == "503")
      #expect(String(buffer: response.body) == "no healthy upstream")
      try await client.run { $0.close() }
      #expect(log.entries.allSatisfy { $0.flags == .noHealthyUpstream })
      #expect(log.entries.first?.line.contains(" 200 UH no_healthy_upstream ") == true)
      #expect(engine.stats.prometheusText().contains("response_code=\"503\",grpc_response_status=\"\",response_flags=\"UH\""))
    }
  }

  @Test func connectFailureIsRetriedOnAnotherEndpoint() async throws {
    let live = try await TestUpstream.start(name: "live", group: group)
    defer { Task { await live.stop() } }
    let dead = try await refusedEndpoint(group: group)
    let decider = ScriptedDecider(endpoints: [dead, live.endpoint], retry: .istioDefault)
    try await withProxy(decider: decider, group: group) { engine, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      var ids: [Int32] = []
      for _ in 0..<4 {
        let id = try await client.run { $0.send(greeterRequest(), body: ByteBuffer(string: "x")) }
        #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
        ids.append(id)
      }
      let responses = try await client.run { $0.responses }
      for id in ids {
        #expect(responses[id]?.headers?["x-upstream"] == "live")
        #expect(responses[id]?.trailers?["grpc-status"] == "0")
      }
      #expect(live.requestCount.load(ordering: .relaxed) == 4)
      #expect((engine.stats.cluster(decider.inner.cluster)?.retries ?? 0) >= 2)
      #expect(engine.stats.cluster(decider.inner.cluster)?.connectFailures ?? 0 >= 1)
      #expect(decider.outcomes.withLock { $0.contains { $0.result == .connectFailure && $0.endpoint == dead } })
      #expect(log.entries.allSatisfy { $0.responseCode == 200 })
      try await client.run { $0.close() }
    }
  }

  @Test func connectFailureEverywhereGivesUFAndURX() async throws {
    let dead = try await refusedEndpoint(group: group)
    let decider = ScriptedDecider(endpoints: [dead], retry: .istioDefault)
    try await withProxy(decider: decider, group: group) { _, address, log in
      do {
        try await runGreeterCalls(GreeterClientOptions(address: HostPort(host: address.ipAddress!, port: address.port!))) { _ in }
        Issue.record("the call succeeded")
      } catch let error as RPCError {
        #expect(error.code == .unavailable)
        #expect(error.message.hasPrefix("upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection failure"), "\(error.message)")
      }
      #expect(log.entries.first?.flags.description == "UF,URX")
      #expect(decider.outcomes.withLock { $0.count } == 3)  // 1 try + 2 retries
    }
  }

  @Test func retriableGRPCStatusIsRetriedBeforeAnythingGoesDownstream() async throws {
    let unavailable = try await TestUpstream.start(name: "unavailable", behaviour: .grpcStatus(14), group: group)
    let healthy = try await TestUpstream.start(name: "healthy", group: group)
    defer { Task { await unavailable.stop(); await healthy.stop() } }
    let decider = ScriptedDecider(endpoints: [unavailable.endpoint, healthy.endpoint], retry: .istioDefault)
    try await withProxy(decider: decider, group: group) { _, address, _ in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(greeterRequest(), body: ByteBuffer(string: "payload")) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      let response = try await client.run { $0.responses[id]! }
      #expect(response.headers?["x-upstream"] == "healthy")
      #expect(String(buffer: response.body) == "payload")  // the body was replayed
      #expect(unavailable.requestCount.load(ordering: .relaxed) == 1)
      try await client.run { $0.close() }
    }
  }

  @Test func upstreamResetWithoutRetryIsA503UR() async throws {
    let resetting = try await TestUpstream.start(name: "resetting", behaviour: .reset(.internalError), group: group)
    defer { Task { await resetting.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [resetting.endpoint]), group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      let response = try await client.run { $0.responses[id]! }
      #expect(response.status == "503")
      #expect(String(buffer: response.body) == "upstream connect error or disconnect/reset before headers. reset reason: remote reset")
      #expect(log.entries.first?.flags == .upstreamRemoteReset)
      try await client.run { $0.close() }
    }
  }

  @Test func routeTimeoutGives504UT() async throws {
    let silent = try await TestUpstream.start(name: "silent", behaviour: .silent, group: group)
    defer { Task { await silent.stop() } }
    let decider = ScriptedDecider(endpoints: [silent.endpoint], timeout: .milliseconds(200))
    try await withProxy(decider: decider, group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let (plain, grpc) = try await client.run { ($0.send(plainRequest()), $0.send(greeterRequest())) }
      #expect(try await eventually { try await client.run { $0.responses[plain]?.ended == true && $0.responses[grpc]?.ended == true } })
      let responses = try await client.run { $0.responses }
      #expect(responses[plain]?.status == "504")
      #expect(String(buffer: responses[plain]!.body) == "upstream request timeout")
      #expect(responses[grpc]?.headers?["grpc-status"] == "14")
      #expect(responses[grpc]?.headers?["grpc-message"] == "upstream request timeout")
      #expect(log.entries.allSatisfy { $0.flags == .upstreamRequestTimeout })
      try await client.run { $0.close() }
    }
  }

  // MARK: Fault injection

  /// A VirtualService `fault.delay`: the request waits, then goes upstream; the route timeout
  /// (shorter than the delay here) starts only after it, as Envoy's fault filter runs first.
  @Test func faultDelayHoldsTheRequestThenForwardsIt() async throws {
    let live = try await TestUpstream.start(name: "live", group: group)
    defer { Task { await live.stop() } }
    let decider = ScriptedDecider(endpoints: [live.endpoint], timeout: .seconds(2), delay: .milliseconds(300))
    try await withProxy(decider: decider, group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let start = ContinuousClock.now
      let id = try await client.run { $0.send(greeterRequest(), body: ByteBuffer(string: "x")) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      let elapsed = ContinuousClock.now - start
      let response = try await client.run { $0.responses[id] }
      #expect(response?.headers?["x-upstream"] == "live")
      #expect(response?.trailers?["grpc-status"] == "0")
      #expect(elapsed >= .milliseconds(300), "answered after \(elapsed), before the injected delay ended")
      #expect(log.entries.map(\.flags) == [.delayInjected])
      #expect(log.entries.first?.flags.description == "DI")
      try await client.run { $0.close() }
    }
  }

  /// `fault.abort` with a delay: the abort's status after the delay, flags `DI,FI`; gRPC
  /// callers get the abort's own `grpcStatus` (8, RESOURCE_EXHAUSTED here), not one mapped
  /// from the HTTP status.
  @Test func faultAbortAfterADelay() async throws {
    let reply = LocalReply(
      status: 503, body: "fault filter abort", flags: .faultInjected, details: "fault_filter_abort", delay: .milliseconds(100),
      grpcStatus: 8)
    try await withProxy(decider: ScriptedDecider(endpoints: [], reply: reply), group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let start = ContinuousClock.now
      let (plain, grpc) = try await client.run { ($0.send(plainRequest()), $0.send(greeterRequest())) }
      #expect(try await eventually { try await client.run { $0.responses[plain]?.ended == true && $0.responses[grpc]?.ended == true } })
      #expect(ContinuousClock.now - start >= .milliseconds(100))
      let responses = try await client.run { $0.responses }
      #expect(responses[plain]?.status == "503")
      #expect(String(buffer: responses[plain]!.body) == "fault filter abort")
      #expect(responses[grpc]?.headers?["grpc-status"] == "8")
      #expect(responses[grpc]?.headers?["grpc-message"] == "fault filter abort")
      #expect(log.entries.map(\.flags.description) == ["DI,FI", "DI,FI"])
      #expect(log.entries.allSatisfy { $0.responseCodeDetails == "fault_filter_abort" })
      try await client.run { $0.close() }
    }
  }

  // MARK: Flow control

  @Test func slowDownstreamReaderDoesNotMakeTheProxyBuffer() async throws {
    let size = 8 << 20
    let big = try await TestUpstream.start(name: "big", behaviour: .largeBody(size), group: group)
    defer { Task { await big.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [big.endpoint]), group: group) { engine, address, _ in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { c in
        c.autoConsume = false
        return c.send(plainRequest())
      }
      // Read slowly: 64 KiB of window every 2 ms (the budget is generous: a loaded machine is slow).
      let deadline = ContinuousClock.now + .seconds(120)
      var received = 0
      while received < size && ContinuousClock.now < deadline {
        received = try await client.run { c in
          c.consume(upTo: 64 << 10)
          return c.responses[id]?.body.readableBytes ?? 0
        }
        try await Task.sleep(for: .milliseconds(2))
      }
      #expect(received == size)
      let peak = engine.stats.bufferedBytes.peak
      // One stream window (64 KiB) per direction, plus a little: nowhere near the 8 MiB body.
      #expect(peak <= 256 << 10, "the proxy held \(peak) bytes at once")
      // Meanwhile the upstream was held back by flow control (it queued most of the body itself).
      #expect(big.queuedPeak.load(ordering: .relaxed) > 4 << 20)
      try await client.run { $0.close() }
    }
  }

  @Test func clientResetIsPassedUpstream() async throws {
    let silent = try await TestUpstream.start(name: "silent", behaviour: .silent, group: group)
    defer { Task { await silent.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [silent.endpoint]), group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(greeterRequest()) }
      #expect(try await eventually { silent.requestCount.load(ordering: .relaxed) == 1 })
      try await client.run { c in
        c.handler.connection.resetStream(streamID: id, code: .cancel)
        c.handler.scheduleFlush()
      }
      #expect(try await eventually { silent.resetsReceived.load(ordering: .relaxed) == 1 })
      #expect(try await eventually { log.entries.first?.flags == .downstreamConnectionTermination })
      try await client.run { $0.close() }
    }
  }

  @Test func upstreamResetAfterTheResponseStartedResetsTheClientStream() async throws {
    let flaky = try await TestUpstream.start(name: "flaky", behaviour: .resetAfterHeaders(.refusedStream), group: group)
    defer { Task { await flaky.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [flaky.endpoint], retry: .istioDefault), group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(greeterRequest()) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.reset != nil } })
      let response = try await client.run { $0.responses[id]! }
      #expect(response.status == "200")
      #expect(response.reset == .refusedStream)  // the upstream's code, untouched
      #expect(flaky.requestCount.load(ordering: .relaxed) == 1)  // too late to retry
      #expect(try await eventually { log.entries.first?.flags == .upstreamRemoteReset })
      try await client.run { $0.close() }
    }
  }

  @Test func upstreamGoAwayDrainsThatConnectionAndNewStreamsUseAnother() async throws {
    let draining = try await TestUpstream.start(name: "draining", behaviour: .echoThenGoAway, group: group)
    defer { Task { await draining.stop() } }
    var configuration = ProxyConfiguration()
    configuration.maxConnectionsPerEndpoint = 4
    // One event loop, so both requests share the loop's pool.
    let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    try await withProxy(decider: ScriptedDecider(endpoints: [draining.endpoint]), configuration: configuration, group: loop) { engine, address, _ in
      let client = try await TestClient.connect(to: address, on: group.next())
      for _ in 0..<3 {
        let id = try await client.run { $0.send(plainRequest()) }
        #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
        #expect(try await client.run { $0.responses[id]?.headers?["x-upstream"] } == "draining")
      }
      // Each GOAWAY retired a connection: three requests, three upstream connections.
      #expect(draining.connectionCount.load(ordering: .relaxed) == 3)
      #expect(try await eventually { engine.stats.cluster("outbound|8080||greeter.default.svc.cluster.local")?.connectionsActive == 0 })
      try await client.run { $0.close() }
    }
    try await loop.shutdownGracefully()
  }

  @Test func perTryTimeoutRetriesOnAnotherEndpoint() async throws {
    let silent = try await TestUpstream.start(name: "silent", behaviour: .silent, group: group)
    let healthy = try await TestUpstream.start(name: "healthy", group: group)
    defer { Task { await silent.stop(); await healthy.stop() } }
    let retry = SkiffProxy.RetryPolicy(attempts: 2, perTryTimeout: .milliseconds(100), retryOn: [.reset], backoffBase: .milliseconds(1))
    try await withProxy(decider: ScriptedDecider(endpoints: [silent.endpoint, healthy.endpoint], retry: retry), group: group) { _, address, log in
      let client = try await TestClient.connect(to: address, on: group.next())
      let id = try await client.run { $0.send(greeterRequest(), body: ByteBuffer(string: "again")) }
      #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
      let response = try await client.run { $0.responses[id]! }
      #expect(response.headers?["x-upstream"] == "healthy")
      #expect(String(buffer: response.body) == "again")
      #expect(silent.resetsReceived.load(ordering: .relaxed) == 1)  // the timed-out attempt was cancelled
      #expect(try await eventually { log.entries.first?.flags == [] })
      try await client.run { $0.close() }
    }
  }

  @Test func fullUpstreamConnectionsMakeThePoolOpenAnother() async throws {
    var settings = HTTP2Settings()
    settings.maxConcurrentStreams = 1
    let slow = try await TestUpstream.start(name: "slow", behaviour: .echoAfter(.milliseconds(200)), group: group, settings: settings)
    defer { Task { await slow.stop() } }
    let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    try await withProxy(decider: ScriptedDecider(endpoints: [slow.endpoint]), group: loop) { _, address, _ in
      let client = try await TestClient.connect(to: address, on: group.next())
      // The first request teaches the pool the upstream's limit (SETTINGS).
      let first = try await client.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await client.run { $0.responses[first]?.ended == true } })
      let ids = try await client.run { c in (0..<3).map { _ in c.send(plainRequest()) } }
      #expect(try await eventually { try await client.run { c in ids.allSatisfy { c.responses[$0]?.ended == true } } })
      #expect(try await client.run { c in ids.allSatisfy { c.responses[$0]?.status == "200" } })
      // One stream per connection: three at once needed three connections.
      #expect(slow.connectionCount.load(ordering: .relaxed) >= 3)
      try await client.run { $0.close() }
    }
    try await loop.shutdownGracefully()
  }

  @Test func clientThatDoesNotReadItsSocketStallsTheUpstreamNotTheProxy() async throws {
    let size = 8 << 20
    let big = try await TestUpstream.start(name: "big", behaviour: .largeBody(size), group: group)
    defer { Task { await big.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [big.endpoint]), group: group) { engine, address, _ in
      // The client opens its windows at once but reads its socket only now and then.
      let client = try await TestClient.connect(to: address, on: group.next(), autoRead: false)
      let id = try await client.run { c in
        c.channel?.read()
        return c.send(plainRequest())
      }
      let deadline = ContinuousClock.now + .seconds(120)
      var received = 0
      while received < size && ContinuousClock.now < deadline {
        received = try await client.run { c in
          c.channel?.read()
          return c.responses[id]?.body.readableBytes ?? 0
        }
        try await Task.sleep(for: .milliseconds(1))
      }
      #expect(received == size)
      let peak = engine.stats.bufferedBytes.peak
      #expect(peak <= 256 << 10, "the proxy held \(peak) bytes at once")
      try await client.run { $0.close() }
    }
  }

  @Test func aMalformedClientGetsGoAwayAndOthersAreUnaffected() async throws {
    let echo = try await TestUpstream.start(name: "echo", group: group)
    defer { Task { await echo.stop() } }
    try await withProxy(decider: ScriptedDecider(endpoints: [echo.endpoint]), group: group) { _, address, _ in
      let good = try await TestClient.connect(to: address, on: group.next())
      let first = try await good.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await good.run { $0.responses[first]?.ended == true } })

      let collected = Collected()
      let bad = try await ClientBootstrap(group: group)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(into: collected)) }
        }
        .connect(to: address).get()
      // A valid preface and SETTINGS, then HEADERS on stream 0.
      var raw = ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
      raw.writeBytes([0, 0, 0, 4, 0, 0, 0, 0, 0] as [UInt8])
      raw.writeBytes([0, 0, 1, 1, 0x05, 0, 0, 0, 0, 0x82] as [UInt8])
      try await bad.writeAndFlush(raw).get()
      #expect(try await eventually { collected.withLock { $0.eof } })
      let goAway = goAwayCode(in: ByteBuffer(bytes: collected.withLock { $0.bytes }))
      #expect(goAway == HTTP2ErrorCode.protocolError.rawValue)

      let second = try await good.run { $0.send(plainRequest()) }
      #expect(try await eventually { try await good.run { $0.responses[second]?.ended == true } })
      #expect(try await good.run { $0.responses[second]?.status } == "200")
      try await good.run { $0.close() }
    }
  }

  // MARK: Connections

  @Test func shutdownSendsGoAwayToClients() async throws {
    let echo = try await TestUpstream.start(name: "echo", group: group)
    defer { Task { await echo.stop() } }
    let engine = ProxyEngine(group: group, decider: ScriptedDecider(endpoints: [echo.endpoint]))
    let address = try await engine.listen(host: proxyTestLoopback(), port: 0)
    let client = try await TestClient.connect(to: address, on: group.next())
    let id = try await client.run { $0.send(greeterRequest(), body: ByteBuffer(string: "a")) }
    #expect(try await eventually { try await client.run { $0.responses[id]?.ended == true } })
    await engine.shutdown()
    #expect(try await eventually { try await client.run { $0.goAway?.1 == .noError && $0.closed } })
  }

  @Test func tcpPassthroughSplicesBothWaysWithHalfClose() async throws {
    let echoServer = try await startEchoServer(group: group)
    let endpoint = Endpoint(host: "127.0.0.1", port: echoServer.localAddress!.port!)
    let decider = ScriptedDecider(endpoints: [], connection: .passthrough(cluster: "outbound|6379||redis", endpoint: endpoint))
    try await withProxy(decider: decider, group: group) { engine, address, log in
      // Half-close: the echo answers, then closes.
      let echoed = try await sendThenHalfClose("PING redis\r\n", to: address, group: group)
      #expect(echoed == "PING redis\r\n")
      #expect(try await eventually { log.entries.count == 1 })
      #expect(log.entries.first?.bytesReceived == 12)
      #expect(log.entries.first?.bytesSent == 12)
      #expect(engine.stats.prometheusText().contains("istio_tcp_connections_opened_total{destination_cluster=\"outbound|6379||redis\"} 1"))
    }
    try await echoServer.close()
  }
}

/// A TCP server on 127.0.0.1 that echoes what it reads and closes after the client's FIN.
func startEchoServer(group: any EventLoopGroup) async throws -> any Channel {
  try await ServerBootstrap(group: group)
    .childChannelOption(.allowRemoteHalfClosure, value: true)
    .childChannelInitializer { channel in
      channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoUntilEOF()) }
    }
    .bind(host: "127.0.0.1", port: 0).get()
}

/// A raw TCP client to `address` that allows half-closure and collects what it reads.
func collectingClient(to address: SocketAddress, group: any EventLoopGroup) async throws -> (any Channel, Collected) {
  let collected = Collected()
  let channel = try await ClientBootstrap(group: group)
    .channelOption(.allowRemoteHalfClosure, value: true)
    .channelInitializer { channel in
      channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(into: collected)) }
    }
    .connect(to: address).get()
  return (channel, collected)
}

/// Connects to `address`, sends `text`, half-closes, and returns what came back before the
/// connection ended (nil if it never ended).
func sendThenHalfClose(_ text: String, to address: SocketAddress, group: any EventLoopGroup) async throws -> String? {
  let (channel, collected) = try await collectingClient(to: address, group: group)
  try await channel.writeAndFlush(ByteBuffer(string: text)).get()
  try await channel.close(mode: .output).get()
  guard try await eventually({ collected.withLock { $0.eof } }) else { return nil }
  return String(decoding: collected.withLock { $0.bytes }, as: UTF8.self)
}

/// Echoes what it reads; when the client half-closes, flushes and closes.
final class EchoUntilEOF: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.writeAndFlush(data, promise: nil)
  }
  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .inputClosed? = event as? ChannelEvent { context.close(promise: nil) }
  }
}

/// What a `Collector` saw.
final class Collected: Sendable {
  let state = Mutex<(bytes: [UInt8], eof: Bool)>(([], false))
  func withLock<R: Sendable>(_ body: (inout (bytes: [UInt8], eof: Bool)) -> R) -> R { state.withLock { body(&$0) } }
}

/// Collects bytes, and notes EOF.
final class Collector: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  let into: Collected
  init(into: Collected) { self.into = into }
  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let bytes = unwrapInboundIn(data)
    into.withLock { $0.bytes += bytes.readableBytesView }
  }
  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .inputClosed? = event as? ChannelEvent { into.withLock { $0.eof = true } }
  }
  func channelInactive(context: ChannelHandlerContext) {
    into.withLock { $0.eof = true }
  }
}
