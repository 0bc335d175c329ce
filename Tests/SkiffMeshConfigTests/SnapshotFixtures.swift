import SkiffMeshConfig

/// The walkthrough's server service as a sidecar sees it: ClusterIP 10.96.0.20:8080
/// (`grpc-backend`), pods v1 (10.244.0.11) and v2 (10.244.0.12).
enum Walkthrough {
  static let host = "istio-grpc-server.grpc-sidecar.svc.cluster.local"
  static let destination = OriginalDestination(address: "10.96.0.20", port: 8080)
  static let v1 = Endpoint(address: "10.244.0.11", port: 8080, pod: "grpc-sidecar/server-v1", labels: ["app": "istio-grpc-server", "version": "v1"])
  static let v2 = Endpoint(address: "10.244.0.12", port: 8080, pod: "grpc-sidecar/server-v2", labels: ["app": "istio-grpc-server", "version": "v2"])
  static let all = ClusterName.outbound(port: 8080, subset: nil, service: host)
  static let subsetV1 = ClusterName.outbound(port: 8080, subset: "v1", service: host)
  static let subsetV2 = ClusterName.outbound(port: 8080, subset: "v2", service: host)
  static let proxy = ProxyIdentity(namespace: "grpc-sidecar", name: "client-abc12", ip: "10.244.0.10")

  static func request(path: String = "/helloworld.Greeter/SayHello", headers: [RequestHead.Header] = []) -> RequestHead {
    RequestHead(
      method: "POST", path: path, authority: "istio-grpc-server:8080", scheme: "http",
      headers: [.init("content-type", "application/grpc")] + headers)
  }

  /// A snapshot whose route table holds `routes` (default: everything to the service).
  static func snapshot(
    routes: [Route]? = nil, loadBalancer: LoadBalancerPolicy = .roundRobin,
    outlier: OutlierDetectionPolicy? = nil, subsets: Bool = true, extraClusters: [Cluster] = []
  ) -> MeshSnapshot {
    let table = "\(host):8080"
    var clusters = [
      Cluster(service: host, port: 8080, protocol: .grpc, endpoints: [v1, v2], loadBalancer: loadBalancer, outlierDetection: outlier)
    ]
    if subsets {
      clusters.append(Cluster(service: host, port: 8080, subset: "v1", protocol: .grpc, endpoints: [v1], loadBalancer: loadBalancer))
      clusters.append(Cluster(service: host, port: 8080, subset: "v2", protocol: .grpc, endpoints: [v2], loadBalancer: loadBalancer))
    }
    clusters += extraClusters
    let snapshot = MeshSnapshot(
      proxy: proxy,
      outbound: [
        OutboundListener(address: "10.96.0.20", port: 8080, protocol: .grpc, service: host, routeTable: table),
        OutboundListener(
          address: "10.96.0.30", port: 5432, protocol: .tcp, service: "db.grpc-sidecar.svc.cluster.local",
          tcpCluster: ClusterName.outbound(port: 5432, subset: nil, service: "db.grpc-sidecar.svc.cluster.local")),
      ],
      inbound: [InboundListener(port: 8080, protocol: .grpc)],
      routeTables: [
        RouteTable(
          name: table,
          routes: routes ?? [Route(name: "default", action: .weightedClusters([.init(cluster: all, weight: 100)]))])
      ],
      clusters: clusters.sorted { $0.name < $1.name })
    return snapshot.versioned()
  }

  static func split(_ w1: UInt32, _ w2: UInt32) -> [Route] {
    [
      Route(
        name: "", matches: [RouteMatch(port: 8080)],
        action: .weightedClusters([.init(cluster: subsetV1, weight: w1), .init(cluster: subsetV2, weight: w2)]))
    ]
  }
}

extension RouteDecision {
  var cluster: String? {
    if case .forward(let forward) = self { return forward.cluster }
    return nil
  }

  var endpoint: Endpoint? {
    if case .forward(let forward) = self { return forward.endpoint }
    return nil
  }

  var reply: LocalReply? {
    if case .localReply(let reply) = self { return reply }
    return nil
  }
}
