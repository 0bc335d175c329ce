import Logging
import NIOCore
import SkiffMeshConfig
import SkiffProxy
import SkiffSidecar
import Testing

/// The walkthrough's server service as the client's sidecar sees it: ClusterIP
/// 10.96.0.20:8080, pods v1 (10.244.0.11) and v2 (10.244.0.12).
enum Fixture {
  static let host = "istio-grpc-server.grpc-sidecar.svc.cluster.local"
  static let v1 = SkiffMeshConfig.Endpoint(address: "10.244.0.11", port: 8080, pod: "grpc-sidecar/v1", labels: ["version": "v1"])
  static let v2 = SkiffMeshConfig.Endpoint(address: "10.244.0.12", port: 8080, pod: "grpc-sidecar/v2", labels: ["version": "v2"])
  static let all = ClusterName.outbound(port: 8080, subset: nil, service: host)
  static let subsetV1 = ClusterName.outbound(port: 8080, subset: "v1", service: host)
  static let subsetV2 = ClusterName.outbound(port: 8080, subset: "v2", service: host)
  static let proxy = ProxyIdentity(namespace: "grpc-sidecar", name: "client-abc12", ip: "10.244.0.10")

  static func snapshot(routes: [Route]? = nil, service: (address: String, port: Int) = ("10.96.0.20", 8080)) -> MeshSnapshot {
    let table = "\(host):8080"
    let clusters = [
      Cluster(service: host, port: 8080, protocol: .grpc, endpoints: [v1, v2]),
      Cluster(service: host, port: 8080, subset: "v1", protocol: .grpc, endpoints: [v1]),
      Cluster(service: host, port: 8080, subset: "v2", protocol: .grpc, endpoints: [v2]),
      Cluster(service: "db.grpc-sidecar.svc.cluster.local", port: 5432, protocol: .tcp, endpoints: [
        .init(address: "10.244.0.21", port: 5432)
      ]),
    ]
    return MeshSnapshot(
      proxy: proxy,
      outbound: [
        OutboundListener(address: service.address, port: service.port, protocol: .grpc, service: host, routeTable: table),
        OutboundListener(
          address: "10.96.0.30", port: 5432, protocol: .tcp, service: "db.grpc-sidecar.svc.cluster.local",
          tcpCluster: ClusterName.outbound(port: 5432, subset: nil, service: "db.grpc-sidecar.svc.cluster.local")),
      ],
      inbound: [InboundListener(port: 8080, protocol: .grpc, targetPort: 8081)],
      routeTables: [
        RouteTable(
          name: table, routes: routes ?? [Route(name: "default", action: .weightedClusters([.init(cluster: all, weight: 100)]))])
      ],
      clusters: clusters.sorted { $0.name < $1.name }
    ).versioned()
  }

  static func split(_ w1: UInt32, _ w2: UInt32) -> [Route] {
    [Route(name: "", action: .weightedClusters([.init(cluster: subsetV1, weight: w1), .init(cluster: subsetV2, weight: w2)]))]
  }

  /// A connection the capture rules sent to the outbound listener, bound for `address:port`.
  static func outbound(to address: String, _ port: Int) throws -> DownstreamConnectionInfo {
    DownstreamConnectionInfo(
      remoteAddress: try SocketAddress(ipAddress: "10.244.0.10", port: 40000),
      localAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 15001),
      originalDestination: try SocketAddress(ipAddress: address, port: port))
  }

  static func inbound(port: Int) throws -> DownstreamConnectionInfo {
    DownstreamConnectionInfo(
      remoteAddress: try SocketAddress(ipAddress: "10.244.0.99", port: 40000),
      localAddress: try SocketAddress(ipAddress: "10.244.0.10", port: 15006),
      originalDestination: try SocketAddress(ipAddress: "10.244.0.10", port: port))
  }

  static let call = SkiffProxy.RequestHead(
    headers: HeaderBlock([
      (":method", "POST"), (":scheme", "http"), (":authority", "istio-grpc-server:8080"),
      (":path", "/helloworld.Greeter/SayHello"), ("content-type", "application/grpc"), ("te", "trailers"),
    ]))
}

extension ConnectionDecision {
  var summary: String {
    switch self {
    case .http2: "http2"
    case .http1: "http1"
    case .detect: "detect"
    case .reject: "reject"
    case .passthrough(let cluster, let endpoint): "\(cluster) \(endpoint)"
    }
  }
}

extension SkiffProxy.RouteDecision {
  var summary: String {
    switch self {
    case .forward(let route): "\(route.cluster) \(route.endpoint)"
    case .localReply(let reply): "\(reply.status) \(reply.flags)"
    }
  }
}

@Suite("the sidecar's routing over the mesh config")
struct MeshRouteDeciderTests {
  /// Decides `count` calls on one connection, reporting each as answered 200.
  func calls(_ decider: MeshRouteDecider, _ count: Int, on connection: DownstreamConnectionInfo) -> [String] {
    (0..<count).map { _ in
      let decision = decider.decide(Fixture.call, connection: connection)
      if case .forward(let route) = decision {
        decider.attemptFinished(
          AttemptOutcome(cluster: route.cluster, endpoint: route.endpoint, result: .response(status: 200, grpcStatus: 0), duration: .milliseconds(1)))
      }
      return decision.summary
    }
  }

  @Test func refusesConnectionsUntilTheFirstConfigArrives() throws {
    let decider = MeshRouteDecider()
    #expect(!decider.hasConfig)
    #expect(decider.decideConnection(try Fixture.outbound(to: "10.96.0.20", 8080)).summary == "reject")
    try decider.update(to: Fixture.snapshot())
    #expect(decider.hasConfig)
    #expect(decider.decideConnection(try Fixture.outbound(to: "10.96.0.20", 8080)).summary == "http2")
  }

  @Test func callsOfOneConnectionAlternateBetweenThePods() throws {
    let decider = MeshRouteDecider()
    try decider.update(to: Fixture.snapshot())
    let connection = try Fixture.outbound(to: "10.96.0.20", 8080)
    let picks = calls(decider, 6, on: connection)
    let a = "\(Fixture.all) 10.244.0.11:8080", b = "\(Fixture.all) 10.244.0.12:8080"
    #expect(picks == [a, b, a, b, a, b] || picks == [b, a, b, a, b, a], "\(picks)")
  }

  @Test func weightedSubsetsFollowTheVirtualServiceAndItsLiveEdit() throws {
    let decider = MeshRouteDecider()
    try decider.update(to: Fixture.snapshot(routes: Fixture.split(90, 10)))
    let connection = try Fixture.outbound(to: "10.96.0.20", 8080)
    let split = calls(decider, 100, on: connection)
    #expect(split.filter { $0 == "\(Fixture.subsetV1) 10.244.0.11:8080" }.count == 90)
    #expect(split.filter { $0 == "\(Fixture.subsetV2) 10.244.0.12:8080" }.count == 10)
    try decider.update(to: Fixture.snapshot(routes: Fixture.split(0, 100)))
    #expect(calls(decider, 100, on: connection).allSatisfy { $0 == "\(Fixture.subsetV2) 10.244.0.12:8080" })
  }

  @Test func tcpPortsSpliceToAnEndpointAndUnknownAddressesPassThrough() throws {
    let decider = MeshRouteDecider()
    try decider.update(to: Fixture.snapshot())
    #expect(
      decider.decideConnection(try Fixture.outbound(to: "10.96.0.30", 5432)).summary
        == "outbound|5432||db.grpc-sidecar.svc.cluster.local 10.244.0.21:5432")
    #expect(decider.decideConnection(try Fixture.outbound(to: "192.0.2.7", 443)).summary == "PassthroughCluster 192.0.2.7:443")
  }

  /// Inbound gRPC is terminated and each call goes to the application on loopback as
  /// `inbound|8080||` (so the server's sidecar logs and counts it); ports without a listener
  /// are spliced through.
  @Test func inboundCallsGoToTheApplicationOnLoopback() throws {
    let decider = MeshRouteDecider()
    try decider.update(to: Fixture.snapshot())
    let inbound = try Fixture.inbound(port: 8080)
    #expect(decider.decideConnection(inbound).summary == "http2")
    guard case .forward(let route) = decider.decide(Fixture.call, connection: inbound) else {
      Issue.record("an inbound call is forwarded")
      return
    }
    #expect(route.cluster == "inbound|8080||")
    #expect(route.endpoint == SkiffProxy.Endpoint(host: "127.0.0.1", port: 8081))
    #expect(route.routeName == "default")
    #expect(route.retry.attempts == 0)
    #expect(decider.decideConnection(try Fixture.inbound(port: 9000)).summary == "InboundPassthroughCluster 127.0.0.1:9000")
  }

  /// Inbound, each port as its protocol says: HTTP terminated (per-request logs and stats),
  /// undeclared sniffed, TCP spliced; a sniffed connection that is not HTTP goes to the app.
  @Test func inboundHTTPIsTerminatedSniffedPortsDetectedAndTCPSpliced() throws {
    let decider = MeshRouteDecider()
    var snapshot = Fixture.snapshot()
    snapshot.inbound = [
      InboundListener(port: 8080, protocol: .grpc, targetPort: 8081), InboundListener(port: 8090, protocol: .http),
      InboundListener(port: 9000, protocol: .auto), InboundListener(port: 5432, protocol: .tcp),
    ]
    try decider.update(to: snapshot.versioned())
    #expect(decider.decideConnection(try Fixture.inbound(port: 8080)).summary == "http2")
    #expect(decider.decideConnection(try Fixture.inbound(port: 8090)).summary == "http1")
    #expect(decider.decideConnection(try Fixture.inbound(port: 9000)).summary == "detect")
    #expect(decider.decideConnection(try Fixture.inbound(port: 5432)).summary == "inbound|5432|| 127.0.0.1:5432")
    #expect(decider.decideOpaqueConnection(try Fixture.inbound(port: 9000)).summary == "inbound|9000|| 127.0.0.1:9000")
    guard case .forward(let route) = decider.decide(Fixture.call, connection: try Fixture.inbound(port: 8090)) else {
      Issue.record("an inbound HTTP request is forwarded")
      return
    }
    #expect(route.cluster == "inbound|8090||")
    #expect(route.endpoint == SkiffProxy.Endpoint(host: "127.0.0.1", port: 8090))
  }

  @Test func noMatchingRouteIs404NRAndAMissingSubsetIs503NC() throws {
    let decider = MeshRouteDecider()
    let onlyOtherPath = [
      Route(
        name: "other", matches: [RouteMatch(uri: .prefix("/other"))],
        action: .weightedClusters([.init(cluster: Fixture.all, weight: 100)]))
    ]
    try decider.update(to: Fixture.snapshot(routes: onlyOtherPath))
    let connection = try Fixture.outbound(to: "10.96.0.20", 8080)
    #expect(decider.decide(Fixture.call, connection: connection).summary == "404 NR")
    let missing = [Route(name: "v3", action: .weightedClusters([.init(cluster: "outbound|8080|v3|\(Fixture.host)", weight: 100)]))]
    try decider.update(to: Fixture.snapshot(routes: missing))
    #expect(decider.decide(Fixture.call, connection: connection).summary == "503 NC")
  }

  /// A VirtualService's `fault`: the delay rides on the forwarded route (DI in the proxy), an
  /// abort becomes a local reply with Envoy's FI flag, delayed when both are set.
  @Test func faultDelayAndAbortReachTheDataPlane() throws {
    let decider = MeshRouteDecider()
    let delayed = [
      Route(
        name: "slow", action: .weightedClusters([.init(cluster: Fixture.all, weight: 100)]),
        fault: FaultPolicy(delay: .init(fixedDelay: .milliseconds(250), percentage: 100)))
    ]
    try decider.update(to: Fixture.snapshot(routes: delayed))
    let connection = try Fixture.outbound(to: "10.96.0.20", 8080)
    guard case .forward(let route) = decider.decide(Fixture.call, connection: connection) else {
      Issue.record("a delayed route still forwards")
      return
    }
    #expect(route.delay == .milliseconds(250))

    let aborted = [
      Route(
        name: "broken", action: .weightedClusters([.init(cluster: Fixture.all, weight: 100)]),
        fault: FaultPolicy(
          delay: .init(fixedDelay: .milliseconds(100), percentage: 100), abort: .init(httpStatus: 503, percentage: 100)))
    ]
    try decider.update(to: Fixture.snapshot(routes: aborted))
    guard case .localReply(let reply) = decider.decide(Fixture.call, connection: connection) else {
      Issue.record("an aborted route answers locally")
      return
    }
    #expect(reply.status == 503)
    #expect(reply.flags == .faultInjected)
    #expect(reply.details == "fault_filter_abort")
    #expect(reply.delay == .milliseconds(100))
    #expect(reply.grpcStatus == nil)

    let grpcAborted = [
      Route(
        name: "exhausted", action: .weightedClusters([.init(cluster: Fixture.all, weight: 100)]),
        fault: FaultPolicy(abort: .init(grpcStatus: 8, percentage: 100)))
    ]
    try decider.update(to: Fixture.snapshot(routes: grpcAborted))
    guard case .localReply(let grpcReply) = decider.decide(Fixture.call, connection: connection) else {
      Issue.record("an aborted route answers locally")
      return
    }
    #expect(grpcReply.grpcStatus == 8)
    #expect(grpcReply.grpcStatusForCallers == 8)
  }

  @Test func aRetryAvoidsTheEndpointAlreadyTried() throws {
    let decider = MeshRouteDecider()
    try decider.update(to: Fixture.snapshot())
    let connection = try Fixture.outbound(to: "10.96.0.20", 8080)
    guard case .forward(let route) = decider.decide(Fixture.call, connection: connection) else {
      Issue.record("expected a forward")
      return
    }
    for _ in 0..<4 {
      let next = decider.retryEndpoint(for: Fixture.call, route: route, tried: [route.endpoint], connection: connection)
      #expect(next != nil && next != route.endpoint)
    }
  }

  @Test func aRejectedSnapshotLeavesTheLastGoodOneInForce() throws {
    let decider = MeshRouteDecider()
    let good = Fixture.snapshot()
    try decider.update(to: good)
    var bad = Fixture.snapshot(routes: [
      Route(name: "bad", matches: [RouteMatch(uri: .regex("(unclosed"))], action: .weightedClusters([.init(cluster: Fixture.all, weight: 100)]))
    ])
    bad = bad.versioned()
    #expect(throws: MeshConfigError.self) { try decider.update(to: bad) }
    #expect(decider.snapshot == good)
    #expect(decider.decideConnection(try Fixture.outbound(to: "10.96.0.20", 8080)).summary == "http2")
  }
}

@Suite("skiff-proxy proxy sidecar: arguments and identity")
struct SidecarOptionsTests {
  static let environment = ["POD_NAME": "client-abc12", "POD_NAMESPACE": "grpc-sidecar", "INSTANCE_IP": "10.244.0.10"]

  @Test func theInjectorsArgumentsParse() throws {
    let options = try SidecarOptions.parse(
      [
        "proxy", "sidecar", "--domain", "grpc-sidecar.svc.cluster.local", "--proxyLogLevel=warning", "--xds-socket",
        "/var/run/skiff-mesh/mesh.sock",
      ], environment: Self.environment)
    #expect(options.identity == ProxyIdentity(namespace: "grpc-sidecar", name: "client-abc12", ip: "10.244.0.10"))
    #expect(options.xdsSocket == "/var/run/skiff-mesh/mesh.sock")
    #expect(options.domain == "grpc-sidecar.svc.cluster.local")
    #expect(options.logLevel == .warning)
    #expect(options.accessLog == "-")
    #expect(options.concurrency == 2)
    #expect(try SidecarOptions.parse(["proxy", "sidecar", "--access-log=off"], environment: Self.environment).accessLog == nil)
  }

  @Test func badArgumentsAreNamed() {
    func message(_ arguments: [String], _ environment: [String: String] = SidecarOptionsTests.environment) -> String? {
      do {
        _ = try SidecarOptions.parse(arguments, environment: environment)
        return nil
      } catch {
        return error.message
      }
    }
    #expect(message(["proxy", "router"]) == "proxy type \"router\" is not supported: only \"sidecar\" is (no router or gateway)")
    #expect(message(["proxy", "sidecar", "--bogus"]) == "unknown flag --bogus")
    #expect(message(["proxy", "sidecar", "--xds-socket"]) == "flag --xds-socket needs a value")
    #expect(message(["proxy", "sidecar", "--concurrency=0"]) == "flag --concurrency: \"0\" is not a positive number of worker threads")
    #expect(message(["proxy", "sidecar", "--proxyLogLevel=loud"])?.hasPrefix("flag --proxyLogLevel: unknown level \"loud\"") == true)
    #expect(message(["proxy", "sidecar"], [:]) == "POD_NAME and POD_NAMESPACE must be set (the injector sets them from the downward API)")
  }
}
