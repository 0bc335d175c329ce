import SkiffAPI
import SkiffMesh
import SkiffMeshConfig
import Testing

@Suite struct MeshCompilerTests {
  typealias W = WalkthroughCluster

  func compiled(dr: Bool = false, vs: VirtualService? = nil) throws -> MeshSnapshot {
    MeshCompiler(inputs: try W.inputs(dr: dr, vs: vs)).compile(for: W.client)
  }

  @Test func proxiesArePodsWithSidecars() throws {
    var inputs = try W.inputs()
    inputs.pods.append(Pod(metadata: ObjectMeta(name: "plain", namespace: "default"), spec: PodSpec(containers: [Container(name: "app")])))
    #expect(MeshCompiler(inputs: inputs).proxies.map(\.id) == [
      "istio-grpc-client-5d9f7c-abcde.grpc-sidecar", "istio-grpc-server-v1-7d8f-aaaaa.grpc-sidecar",
      "istio-grpc-server-v2-6c5b-bbbbb.grpc-sidecar",
    ])
  }

  @Test func withoutRulesTheClientRoundRobinsAcrossV1AndV2() throws {
    let snapshot = try compiled()
    #expect(snapshot.proxy.ip == "10.244.0.10")
    #expect(snapshot.outbound.map(\.name) == ["10.96.0.20_8080", "10.96.0.21_8080"])
    let listener = snapshot.outbound[0]
    #expect(listener.protocol == .grpc)  // port name grpc-backend
    #expect(listener.routeTable == "\(W.serverHost):8080")
    let table = try #require(snapshot.routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes.count == 1)
    #expect(table.routes[0].name == "default")
    #expect(table.routes[0].action == .weightedClusters([.init(cluster: "outbound|8080||\(W.serverHost)", weight: 100)]))
    #expect(table.routes[0].retry == .istioDefault)
    let cluster = try #require(snapshot.cluster(named: "outbound|8080||\(W.serverHost)"))
    #expect(cluster.endpoints == [W.v1, W.v2])
    #expect(cluster.loadBalancer == .roundRobin)
    #expect(cluster.protocol == .grpc)
    // The client pod serves its service's port: one inbound listener.
    #expect(snapshot.inbound == [InboundListener(port: 8080, protocol: .grpc)])

    var router = try Router(snapshot: snapshot)
    let served = (0..<6).map { _ in router.route(W.request(), to: W.serverDestination).endpoint }
    #expect(served == [W.v1, W.v2, W.v1, W.v2, W.v1, W.v2])
  }

  @Test func destinationRuleAndVirtualServiceSplitNinetyTen() throws {
    let snapshot = try compiled(dr: true, vs: W.virtualService())
    let table = try #require(snapshot.routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes.count == 1)
    #expect(table.routes[0].origin == "VirtualService grpc-sidecar/vs-istio-grpc-server")
    #expect(table.routes[0].matches == [RouteMatch(port: 8080)])
    #expect(
      table.routes[0].action
        == .weightedClusters([
          .init(cluster: "outbound|8080|v1|\(W.serverHost)", weight: 90),
          .init(cluster: "outbound|8080|v2|\(W.serverHost)", weight: 10),
        ]))
    #expect(snapshot.cluster(named: "outbound|8080|v1|\(W.serverHost)")?.endpoints == [W.v1])
    #expect(snapshot.cluster(named: "outbound|8080|v2|\(W.serverHost)")?.endpoints == [W.v2])
    #expect(snapshot.clusters.map(\.name).filter { $0.hasSuffix(W.serverHost) } == [
      "outbound|8080|v1|\(W.serverHost)", "outbound|8080|v2|\(W.serverHost)", "outbound|8080||\(W.serverHost)",
    ])  // byte order: "|" sorts after letters

    var router = try Router(snapshot: snapshot)
    var counts: [Endpoint: Int] = [:]
    for _ in 0..<100 {
      let endpoint = try #require(router.route(W.request(), to: W.serverDestination).endpoint)
      counts[endpoint, default: 0] += 1
    }
    #expect(counts == [W.v1: 90, W.v2: 10])
  }

  @Test func editingTheWeightsToZeroHundredSendsEverythingToV2() throws {
    let before = try compiled(dr: true, vs: W.virtualService())
    let after = try compiled(dr: true, vs: W.virtualService(v1: 0, v2: 100))
    #expect(before.version != after.version)
    let table = try #require(after.routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes[0].action == .weightedClusters([.init(cluster: "outbound|8080|v2|\(W.serverHost)", weight: 100)]))
    var router = try Router(snapshot: before)
    try router.update(to: after)
    #expect((0..<20).allSatisfy { _ in router.route(W.request(), to: W.serverDestination).endpoint == W.v2 })
  }

  @Test func missingSubsetGivesNoClusterAndEmptySubsetNoHealthyUpstream() throws {
    var vs = try W.virtualService(v1: 0, v2: 100)
    vs.spec?.http?[0].route?[1].destination?.subset = "v3"
    let missing = try compiled(dr: true, vs: vs)
    #expect(missing.cluster(named: "outbound|8080|v3|\(W.serverHost)") == nil)
    var router = try Router(snapshot: missing)
    let reply = try #require(router.route(W.request(), to: W.serverDestination).reply)
    #expect(reply.status == 503)
    #expect(reply.flag == .noClusterFound)

    var inputs = try W.inputs(dr: true, vs: vs)
    inputs.destinationRules[0].spec?.subsets?.append(Subset(name: "v3", labels: ["version": "v3"]))
    let empty = MeshCompiler(inputs: inputs).compile(for: W.client)
    #expect(empty.cluster(named: "outbound|8080|v3|\(W.serverHost)")?.endpoints == [])
    var router2 = try Router(snapshot: empty)
    let uh = try #require(router2.route(W.request(), to: W.serverDestination).reply)
    #expect(uh.flag == .noHealthyUpstream)
    #expect(uh.grpcMessage == "no healthy upstream")
  }

  @Test func nonHTTPPortsAreTCPPassthroughToTheServiceCluster() throws {
    var inputs = try W.inputs()
    var db = Service(
      metadata: ObjectMeta(name: "db", namespace: W.namespace),
      spec: ServiceSpec(ports: [ServicePort(port: 5432, name: "tcp-postgres"), ServicePort(port: 53, name: "dns", protocol: "UDP")]))
    db.spec.clusterIP = "10.96.0.40"
    inputs.services.append(db)
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    let listener = try #require(snapshot.outbound.first { $0.address == "10.96.0.40" })
    #expect(listener.protocol == .tcp)
    #expect(listener.routeTable == nil)
    #expect(listener.tcpCluster == "outbound|5432||db.grpc-sidecar.svc.cluster.local")
    #expect(snapshot.outbound.filter { $0.address == "10.96.0.40" }.count == 1)  // UDP is not proxied
    let router = try Router(snapshot: snapshot)
    #expect(router.listener(for: OriginalDestination(address: "10.96.0.40", port: 5432)) == .tcp(listener, cluster: listener.tcpCluster!))
  }

  /// A port named nothing Istio knows is sniffed: the listener has both the HTTP route
  /// table and the TCP cluster, and the router says to detect.
  @Test func undeclaredPortsAreSniffed() throws {
    var inputs = try W.inputs()
    var web = Service(metadata: ObjectMeta(name: "web", namespace: W.namespace), spec: ServiceSpec(ports: [ServicePort(port: 80)]))
    web.spec.clusterIP = "10.96.0.41"
    inputs.services.append(web)
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    let listener = try #require(snapshot.outbound.first { $0.address == "10.96.0.41" })
    #expect(listener.protocol == .auto)
    #expect(listener.routeTable == "web.grpc-sidecar.svc.cluster.local:80")
    #expect(listener.tcpCluster == "outbound|80||web.grpc-sidecar.svc.cluster.local")
    #expect(snapshot.routeTable(named: "web.grpc-sidecar.svc.cluster.local:80")?.routes.map(\.name) == ["default"])
    let router = try Router(snapshot: snapshot)
    #expect(router.listener(for: OriginalDestination(address: "10.96.0.41", port: 80)) == .detect(listener, tcpCluster: listener.tcpCluster!))
  }

  @Test func onlyReadyAddressesBecomeEndpoints() throws {
    var inputs = try W.inputs()
    inputs.endpoints = W.endpoints(ready: [W.v1], notReady: [W.v2])
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    #expect(snapshot.cluster(named: "outbound|8080||\(W.serverHost)")?.endpoints == [W.v1])
  }

  @Test func outputIsDeterministic() throws {
    let inputs = try W.inputs(dr: true, vs: W.virtualService())
    var shuffled = inputs
    shuffled.services.reverse()
    shuffled.pods.reverse()
    shuffled.endpoints.reverse()
    let a = MeshCompiler(inputs: inputs).compile(for: W.client)
    let b = MeshCompiler(inputs: shuffled).compile(for: W.client)
    #expect(a == b)
    #expect(a.jsonBytes() == b.jsonBytes())
    #expect(a.version == a.contentVersion)
  }

  @Test func shortHostsExpandWithTheRuleNamespaceAndExportToIsHonoured() throws {
    // A VirtualService in another namespace naming the FQDN applies to every proxy...
    var other = try W.virtualService(v1: 0, v2: 100)
    other.metadata.namespace = "other"
    other.spec?.hosts = [W.serverHost]
    other.spec?.http?[0].route?[1].destination?.host = W.serverHost
    var inputs = try W.inputs(dr: true)
    inputs.virtualServices = [other]
    var table = try #require(MeshCompiler(inputs: inputs).compile(for: W.client).routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes[0].action == .weightedClusters([.init(cluster: "outbound|8080|v2|\(W.serverHost)", weight: 100)]))
    // ...unless it is exported only to its own namespace.
    inputs.virtualServices[0].spec?.exportTo = ["."]
    table = try #require(MeshCompiler(inputs: inputs).compile(for: W.client).routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes[0].name == "default")
    // A short host in another namespace means a service there, not ours.
    inputs.virtualServices[0].spec?.exportTo = nil
    inputs.virtualServices[0].spec?.hosts = ["istio-grpc-server"]
    table = try #require(MeshCompiler(inputs: inputs).compile(for: W.client).routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes[0].name == "default")
    // Same for DestinationRules: one exported with "." from elsewhere is not seen.
    var foreign = try W.destinationRule()
    foreign.metadata.namespace = "other"
    foreign.spec?.host = W.serverHost
    foreign.spec?.exportTo = ["."]
    foreign.spec?.trafficPolicy?.loadBalancer?.simple = "RANDOM"
    inputs.destinationRules = [foreign]
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    #expect(snapshot.cluster(named: "outbound|8080|v1|\(W.serverHost)") == nil)
  }

  @Test func routesForOtherPortsAndSourcesAreDropped() throws {
    var vs = try W.virtualService()
    vs.spec?.http?[0].match = [HTTPMatchRequest(port: 9090)]
    vs.spec?.http?.append(HTTPRoute(route: [HTTPRouteDestination(destination: Destination(host: "istio-grpc-server", subset: "v2"))]))
    let snapshot = try compiled(dr: true, vs: vs)
    let table = try #require(snapshot.routeTable(named: "\(W.serverHost):8080"))
    #expect(table.routes.count == 1)
    #expect(table.routes[0].matches.isEmpty)
    #expect(table.routes[0].action == .weightedClusters([.init(cluster: "outbound|8080|v2|\(W.serverHost)", weight: 100)]))

    var sourced = try W.virtualService()
    sourced.spec?.http?[0].match = [HTTPMatchRequest(port: 8080)]
    sourced.spec?.http?[0].match?[0].sourceLabels = ["app": "someone-else"]
    let table2 = try #require(try compiled(dr: true, vs: sourced).routeTable(named: "\(W.serverHost):8080"))
    #expect(table2.routes.isEmpty)  // VS applies but nothing matches this proxy: 404 NR
  }

  @Test func headerNamesAreLowerCasedAndQueryParameterNamesKeepTheirCase() throws {
    var vs = try W.virtualService()
    var match = HTTPMatchRequest(port: 8080)
    match.headers = ["X-User": StringMatch(exact: "alice")]
    match.queryParams = ["userId": StringMatch(exact: "1"), "debug": StringMatch()]
    vs.spec?.http?[0].match = [match]
    let table = try #require(try compiled(dr: true, vs: vs).routeTable(named: "\(W.serverHost):8080"))
    let compiled = try #require(table.routes.first?.matches.first)
    #expect(compiled.headers == [HeaderMatcher(name: "x-user", match: .exact("alice"))])
    #expect(compiled.queryParams.map(\.name) == ["debug", "userId"])
    #expect(compiled.queryParams.map(\.match) == [nil, .exact("1")])  // an empty condition is presence
  }

  @Test func trafficPolicyTimeoutsRetriesAndFaults() throws {
    var vs = try W.virtualService()
    vs.spec?.http?[0].timeout = "1.5s"
    vs.spec?.http?[0].retries = HTTPRetry(attempts: 3, perTryTimeout: "500ms", retryOn: "5xx,503,unavailable")
    vs.spec?.http?[0].fault = HTTPFaultInjection(
      abort: .init(grpcStatus: "UNAVAILABLE", percentage: Percent(value: 5)), delay: .init(fixedDelay: "2s"))
    var dr = try W.destinationRule()
    var outlier = OutlierDetection()
    outlier.consecutive5xxErrors = 3
    outlier.baseEjectionTime = "1m"
    dr.spec?.trafficPolicy?.outlierDetection = outlier
    dr.spec?.subsets?[1].trafficPolicy = TrafficPolicy(loadBalancer: LoadBalancerSettings(simple: "LEAST_CONN"))
    var inputs = try W.inputs(vs: vs)
    inputs.destinationRules = [dr]
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    let route = try #require(snapshot.routeTable(named: "\(W.serverHost):8080")?.routes.first)
    #expect(route.timeout == .milliseconds(1500))
    #expect(route.retry == RetryPolicy(attempts: 3, perTryTimeout: .milliseconds(500), retryOn: [.fiveXX, .unavailable, .retriableStatusCodes], retriableStatusCodes: [503]))
    #expect(route.fault?.abort == .init(httpStatus: 200, grpcStatus: 14, percentage: 5))
    #expect(route.fault?.delay == .init(fixedDelay: .seconds(2), percentage: 0))  // no percentage: never injected
    let v1 = try #require(snapshot.cluster(named: "outbound|8080|v1|\(W.serverHost)"))
    let v2 = try #require(snapshot.cluster(named: "outbound|8080|v2|\(W.serverHost)"))
    #expect(v1.loadBalancer == .roundRobin)
    #expect(v2.loadBalancer == .leastRequest)  // subset policy overrides the rule's
    #expect(v2.outlierDetection == OutlierDetectionPolicy(consecutive5xxErrors: 3, baseEjectionTime: .seconds(60)))  // and inherits the rest
    #expect(try Router(snapshot: snapshot).snapshot == snapshot)

    var none = try W.virtualService()
    none.spec?.http?[0].retries = HTTPRetry(attempts: 0)
    #expect(try compiled(dr: true, vs: none).routeTable(named: "\(W.serverHost):8080")?.routes.first?.retry == nil)
  }
}

/// Istio's auto mTLS: endpoints whose pod has a sidecar are dialed with mutual TLS and the
/// SPIFFE ID of the pod's service account; a DestinationRule's `tls.mode` overrides it.
@Suite struct MeshCompilerMutualTLSTests {
  typealias W = WalkthroughCluster
  static let serverCluster = "outbound|8080||\(W.serverHost)"

  func identities(_ snapshot: MeshSnapshot, _ cluster: String) -> [String?] {
    snapshot.cluster(named: cluster)?.endpoints.map(\.peerIdentity) ?? []
  }

  @Test func endpointsWithASidecarCarryTheirServiceAccountsSPIFFEID() throws {
    var inputs = try W.inputs()
    // v1 runs as service account "greeter"; v2 lost its sidecar.
    inputs.pods[1].spec.serviceAccountName = "greeter"
    inputs.pods[2].spec.containers.removeLast()
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    #expect(identities(snapshot, Self.serverCluster) == ["spiffe://cluster.local/ns/grpc-sidecar/sa/greeter", nil])
    #expect(MeshCompiler(inputs: inputs).spiffeID(of: W.client) == "spiffe://cluster.local/ns/grpc-sidecar/sa/default")
  }

  @Test func destinationRuleTLSModeDisablesOrForcesMutualTLS() throws {
    var rule = try W.destinationRule()
    rule.spec?.trafficPolicy = TrafficPolicy(tls: ClientTLSSettings(mode: "DISABLE"))
    // Subset v2 asks for ISTIO_MUTUAL again (a subset's setting wins over the rule's).
    if let index = rule.spec?.subsets?.firstIndex(where: { $0.name == "v2" }) {
      rule.spec?.subsets?[index].trafficPolicy = TrafficPolicy(tls: ClientTLSSettings(mode: "ISTIO_MUTUAL"))
    }
    var inputs = try W.inputs()
    inputs.destinationRules = [rule]
    let snapshot = MeshCompiler(inputs: inputs).compile(for: W.client)
    #expect(identities(snapshot, Self.serverCluster) == [nil, nil])
    #expect(identities(snapshot, "outbound|8080|v1|\(W.serverHost)") == [nil])
    #expect(identities(snapshot, "outbound|8080|v2|\(W.serverHost)") == [W.sidecarIdentity])
  }
}
