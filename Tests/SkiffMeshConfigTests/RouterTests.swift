import SkiffMeshConfig
import Testing

@Suite struct RouterTests {
  @Test func listenersByOriginalDestination() throws {
    let router = try Router(snapshot: Walkthrough.snapshot())
    guard case .http(let listener) = router.listener(for: Walkthrough.destination) else {
      Issue.record("expected an HTTP listener")
      return
    }
    #expect(listener.protocol == .grpc)
    guard case .tcp(_, let cluster) = router.listener(for: OriginalDestination(address: "10.96.0.30", port: 5432)) else {
      Issue.record("expected a TCP listener")
      return
    }
    #expect(cluster == "outbound|5432||db.grpc-sidecar.svc.cluster.local")
    #expect(router.listener(for: OriginalDestination(address: "10.96.0.99", port: 80)) == .passthrough)
    #expect(router.inboundListener(port: 8080)?.name == "inbound|8080||")
  }

  @Test func defaultRouteAlternatesBetweenTwoEndpoints() throws {
    var router = try Router(snapshot: Walkthrough.snapshot())
    var seen: [Endpoint] = []
    for _ in 0..<10 {
      let decision = router.route(Walkthrough.request(), to: Walkthrough.destination)
      let endpoint = try #require(decision.endpoint)
      seen.append(endpoint)
      router.requestFinished(cluster: Walkthrough.all, endpoint: endpoint, outcome: .response(status: 200))
    }
    #expect(seen == Array(repeating: [Walkthrough.v1, Walkthrough.v2], count: 5).flatMap { $0 })
  }

  @Test func firstMatchingRouteWinsInOrder() throws {
    let routes = [
      Route(
        name: "canary", matches: [RouteMatch(headers: [HeaderMatcher(name: "x-canary", match: .exact("yes"))])],
        action: .weightedClusters([.init(cluster: Walkthrough.subsetV2, weight: 1)])),
      Route(
        name: "greeter", matches: [RouteMatch(uri: .prefix("/helloworld."))],
        action: .weightedClusters([.init(cluster: Walkthrough.subsetV1, weight: 1)])),
    ]
    var router = try Router(snapshot: Walkthrough.snapshot(routes: routes))
    let canary = router.route(Walkthrough.request(headers: [.init("X-Canary", "yes")]), to: Walkthrough.destination)
    #expect(canary.cluster == Walkthrough.subsetV2)
    let plain = router.route(Walkthrough.request(), to: Walkthrough.destination)
    #expect(plain.cluster == Walkthrough.subsetV1)
    // No route matches: 404 NR, and a gRPC caller sees UNIMPLEMENTED.
    let other = router.route(Walkthrough.request(path: "/grpc.health.v1.Health/Check"), to: Walkthrough.destination)
    let reply = try #require(other.reply)
    #expect(reply.status == 404)
    #expect(reply.flag == .noRouteFound)
    #expect(reply.body.isEmpty)
    #expect(reply.grpcStatus == 12)
  }

  @Test func matchConditions() throws {
    func decide(_ match: RouteMatch, _ request: RequestHead, port: Int = 8080) throws -> Bool {
      let route = Route(name: "r", matches: [match], action: .weightedClusters([.init(cluster: Walkthrough.all, weight: 1)]))
      var router = try Router(snapshot: Walkthrough.snapshot(routes: [route]))
      return router.route(request, to: OriginalDestination(address: "10.96.0.20", port: 8080)).cluster != nil
    }
    let r = Walkthrough.request(path: "/Api/Items?id=7", headers: [.init("x-user", "alice"), .init("x-env", "prod-eu")])
    #expect(try decide(RouteMatch(port: 8080), r))
    #expect(try !decide(RouteMatch(port: 9090), r))
    #expect(try decide(RouteMatch(uri: .exact("/Api/Items")), r))  // query string is not part of the uri
    #expect(try !decide(RouteMatch(uri: .exact("/api/items")), r))
    #expect(try decide(RouteMatch(uri: .exact("/api/items"), ignoreUriCase: true), r))
    #expect(try decide(RouteMatch(uri: .prefix("/api"), ignoreUriCase: true), r))
    #expect(try decide(RouteMatch(uri: .regex("/Api/[A-Z][a-z]+")), r))
    #expect(try !decide(RouteMatch(uri: .regex("/Api")), r))  // regex matches the whole value
    #expect(try decide(RouteMatch(headers: [HeaderMatcher(name: "X-User", match: .exact("alice"))]), r))
    #expect(try decide(RouteMatch(headers: [HeaderMatcher(name: "x-env", match: .prefix("prod-"))]), r))
    #expect(try decide(RouteMatch(headers: [HeaderMatcher(name: "x-env", match: .regex("prod-(eu|us)"))]), r))
    #expect(try decide(RouteMatch(headers: [HeaderMatcher(name: "x-user")]), r))  // presence
    #expect(try !decide(RouteMatch(headers: [HeaderMatcher(name: "x-missing")]), r))
    #expect(try !decide(RouteMatch(withoutHeaders: [HeaderMatcher(name: "x-user", match: .exact("alice"))]), r))
    #expect(try decide(RouteMatch(withoutHeaders: [HeaderMatcher(name: "x-user", match: .exact("bob"))]), r))
    #expect(try !decide(RouteMatch(withoutHeaders: [HeaderMatcher(name: "x-user")]), r))
    #expect(try decide(RouteMatch(authority: .prefix("istio-grpc-server")), r))
    #expect(try decide(RouteMatch(method: .exact("POST")), r))
    #expect(try !decide(RouteMatch(method: .exact("GET")), r))
    #expect(try decide(RouteMatch(queryParams: [HeaderMatcher(name: "id", match: .exact("7"))]), r))
    // Query parameter names are case-sensitive (unlike header names): userId is not userid.
    let camel = Walkthrough.request(path: "/items?userId=1")
    #expect(try decide(RouteMatch(queryParams: [.queryParameter("userId", match: .exact("1"))]), camel))
    #expect(try !decide(RouteMatch(queryParams: [.queryParameter("userid", match: .exact("1"))]), camel))
    // Conditions in one block are ANDed.
    #expect(try !decide(RouteMatch(uri: .prefix("/Api"), method: .exact("GET")), r))
  }

  @Test func matchBlocksAreAlternatives() throws {
    let route = Route(
      name: "either", matches: [RouteMatch(method: .exact("GET")), RouteMatch(uri: .prefix("/helloworld."))],
      action: .weightedClusters([.init(cluster: Walkthrough.all, weight: 1)]))
    var router = try Router(snapshot: Walkthrough.snapshot(routes: [route]))
    #expect(router.route(Walkthrough.request(), to: Walkthrough.destination).cluster == Walkthrough.all)
  }

  @Test func missingSubsetIsNoClusterAndEmptySubsetIsNoHealthyUpstream() throws {
    let missing = ClusterName.outbound(port: 8080, subset: "v3", service: Walkthrough.host)
    var router = try Router(
      snapshot: Walkthrough.snapshot(routes: [Route(name: "", action: .weightedClusters([.init(cluster: missing, weight: 1)]))]))
    let reply = try #require(router.route(Walkthrough.request(), to: Walkthrough.destination).reply)
    #expect(reply.status == 503)
    #expect(reply.flag == .noClusterFound)
    #expect(reply.grpcStatus == 14)

    let empty = Cluster(service: Walkthrough.host, port: 8080, subset: "v3", protocol: .grpc, endpoints: [])
    var router2 = try Router(
      snapshot: Walkthrough.snapshot(
        routes: [Route(name: "", action: .weightedClusters([.init(cluster: missing, weight: 1)]))], extraClusters: [empty]))
    let uh = try #require(router2.route(Walkthrough.request(), to: Walkthrough.destination).reply)
    #expect(uh.status == 503)
    #expect(uh.flag == .noHealthyUpstream)
    #expect(uh.body == "no healthy upstream")
    #expect(uh.grpcMessage == "no healthy upstream")
  }

  @Test func directResponseRedirectAndFaults() throws {
    let routes = [
      Route(name: "teapot", matches: [RouteMatch(uri: .exact("/tea"))], action: .directResponse(status: 418, body: "short and stout")),
      Route(name: "moved", matches: [RouteMatch(uri: .exact("/old"))], action: .redirect(status: 301, location: "/new")),
      Route(
        name: "broken", matches: [RouteMatch(uri: .exact("/abort"))],
        action: .weightedClusters([.init(cluster: Walkthrough.all, weight: 1)]),
        fault: FaultPolicy(abort: .init(grpcStatus: 14, percentage: 100))),
      Route(
        name: "slow", matches: [RouteMatch(uri: .exact("/slow"))],
        action: .weightedClusters([.init(cluster: Walkthrough.all, weight: 1)]),
        fault: FaultPolicy(delay: .init(fixedDelay: .milliseconds(250), percentage: 100))),
      Route(
        name: "never", matches: [RouteMatch(uri: .exact("/never"))],
        action: .weightedClusters([.init(cluster: Walkthrough.all, weight: 1)]),
        fault: FaultPolicy(abort: .init(httpStatus: 500, percentage: 0))),
    ]
    var router = try Router(snapshot: Walkthrough.snapshot(routes: routes))
    let d = Walkthrough.destination
    #expect(router.route(Walkthrough.request(path: "/tea"), to: d).reply?.status == 418)
    #expect(router.route(Walkthrough.request(path: "/old"), to: d).reply?.headers == [.init("location", "/new")])
    let abort = try #require(router.route(Walkthrough.request(path: "/abort"), to: d).reply)
    #expect(abort.flag == .faultInjected)
    #expect(abort.grpcStatus == 14)
    guard case .forward(let slow) = router.route(Walkthrough.request(path: "/slow"), to: d) else {
      Issue.record("expected a forward")
      return
    }
    #expect(slow.delay == .milliseconds(250))
    #expect(router.route(Walkthrough.request(path: "/never"), to: d).cluster == Walkthrough.all)
  }

  @Test func invalidSnapshotsAreRefusedAndTheRouterKeepsTheOldOne() throws {
    var router = try Router(snapshot: Walkthrough.snapshot())
    let good = router.snapshot
    var bad = Walkthrough.snapshot(routes: [
      Route(name: "r", matches: [RouteMatch(uri: .regex("([a-z"))], action: .weightedClusters([.init(cluster: Walkthrough.all, weight: 1)]))
    ])
    bad.clusters.append(bad.clusters[0])
    #expect(throws: MeshConfigError.self) { try router.update(to: bad) }
    do {
      try bad.validate()
    } catch {
      #expect(error.code == .invalid)
      #expect(error.problems.contains { $0.contains("duplicate cluster") })
      #expect(error.problems.contains { $0.contains("regex") })
    }
    #expect(router.snapshot == good)
    #expect(throws: MeshConfigError.self) {
      try good.validate(for: ProxyIdentity(namespace: "other", name: "pod"))
    }
  }

  @Test func jsonRoundTripAndContentVersion() throws {
    let snapshot = Walkthrough.snapshot(routes: Walkthrough.split(90, 10))
    let decoded = try MeshSnapshot(jsonBytes: snapshot.jsonBytes())
    #expect(decoded == snapshot)
    #expect(decoded.contentVersion == snapshot.version)
    #expect(snapshot.version.count == 16)
    #expect(Walkthrough.snapshot(routes: Walkthrough.split(0, 100)).version != snapshot.version)
    #expect(throws: MeshConfigError.self) { try MeshSnapshot(jsonBytes: Array("{\"version\":1}".utf8)) }
    let text = String(decoding: snapshot.jsonBytes(), as: UTF8.self)
    #expect(text.contains("\"weightedClusters\":[{\"cluster\":\"outbound|8080|v1|istio-grpc-server.grpc-sidecar.svc.cluster.local\",\"weight\":90}"))
  }

  @Test func protocolSelection() {
    #expect(ServiceProtocol.select(name: "grpc-backend", appProtocol: nil) == .grpc)
    #expect(ServiceProtocol.select(name: "grpc", appProtocol: nil) == .grpc)
    #expect(ServiceProtocol.select(name: "http2-x", appProtocol: nil) == .http2)
    #expect(ServiceProtocol.select(name: "h2c", appProtocol: nil) == .http2)
    #expect(ServiceProtocol.select(name: "http-web", appProtocol: nil) == .http)
    #expect(ServiceProtocol.select(name: "https", appProtocol: nil) == .tcp)
    #expect(ServiceProtocol.select(name: "tcp-db", appProtocol: nil) == .tcp)
    // Undeclared: sniffed, except on the server-first ports (istio-facts §3).
    #expect(ServiceProtocol.select(name: nil, appProtocol: nil) == .auto)
    #expect(ServiceProtocol.select(name: "web", appProtocol: nil, port: 8080) == .auto)
    #expect(ServiceProtocol.select(name: "grpcbackend", appProtocol: nil) == .auto)
    #expect(ServiceProtocol.select(name: nil, appProtocol: nil, port: 3306) == .tcp)
    #expect(ServiceProtocol.select(name: "smtp", appProtocol: nil, port: 25) == .tcp)
    #expect(ServiceProtocol.select(name: "grpc-web", appProtocol: nil) == .grpc)
    #expect(ServiceProtocol.select(name: nil, appProtocol: "kubernetes.io/wss") == .tcp)
    #expect(ServiceProtocol.select(name: "tcp", appProtocol: "kubernetes.io/h2c") == .http2)
    #expect(ServiceProtocol.select(name: "http", appProtocol: "grpc") == .grpc)
    #expect(ServiceProtocol.select(name: "GRPC-X", appProtocol: nil) == .grpc)
    #expect(ServiceProtocol.select(name: "dns", appProtocol: nil, transport: "UDP") == nil)
  }
}
