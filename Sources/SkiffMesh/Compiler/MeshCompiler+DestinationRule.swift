import SkiffAPI
import SkiffMeshConfig

extension MeshCompiler {
  /// The DestinationRule for `host` as this proxy sees it: exported to the proxy's
  /// namespace, with no workload selector or one that selects the proxy (only in the
  /// proxy's namespace), naming the host exactly or by wildcard. Istio's lookup order: the
  /// proxy's namespace, the service's, the root namespace; then exact before wildcard,
  /// then the oldest.
  func destinationRule(for host: String, serviceNamespace: String, view: ProxyView) -> IndexedDestinationRule? {
    var best: (rank: (Int, Int), dr: IndexedDestinationRule)?
    for dr in destinationRules {
      guard let spec = dr.object.spec, Self.exported(spec.exportTo, from: dr.namespace, to: view.namespace) else { continue }
      if let selector = spec.workloadSelector?.matchLabels, !selector.isEmpty {
        guard dr.namespace == view.namespace, selector.allSatisfy({ view.labels[$0.key] == $0.value }) else { continue }
      }
      let hostRank = dr.host == host ? 0 : Self.hostMatches(dr.host, host) ? 1 : nil
      guard let hostRank else { continue }
      let namespaceRank =
        dr.namespace == view.namespace ? 0 : dr.namespace == serviceNamespace ? 1 : dr.namespace == rootNamespace ? 2 : nil
      guard let namespaceRank else { continue }
      let rank = (namespaceRank, hostRank)
      if best == nil || rank < best!.rank { best = (rank, dr) }
    }
    return best?.dr
  }
}

/// A DestinationRule's traffic policy as one cluster gets it.
struct ResolvedPolicy: Equatable {
  var loadBalancer: LoadBalancerPolicy = .roundRobin
  var outlierDetection: OutlierDetectionPolicy?
  var connectionPool = ConnectionPoolPolicy()
  var tls = UpstreamTLSMode.auto
}

/// `trafficPolicy.tls.mode` as the mesh uses it for in-mesh destinations.
enum UpstreamTLSMode: Equatable {
  /// No `tls` (or a mode Skiff does not originate, `SIMPLE`/`MUTUAL`): Istio's auto mTLS,
  /// mutual TLS to endpoints that have a sidecar and plaintext to the others.
  case auto
  /// `ISTIO_MUTUAL`: mutual TLS with mesh certificates to every endpoint.
  case istioMutual
  /// `DISABLE`: plaintext.
  case disable

  init(_ settings: ClientTLSSettings?) {
    switch settings?.mode?.uppercased() {
    case "ISTIO_MUTUAL": self = .istioMutual
    case "DISABLE": self = .disable
    default: self = .auto
    }
  }
}

/// Istio's `MergeTrafficPolicy`: a subset's policy takes each field from the subset when
/// set, else from the rule; then a `portLevelSettings` entry for the port replaces all of
/// them (port-level settings do not inherit: unset fields fall back to defaults).
enum TrafficPolicyResolution {
  static func policies(of rule: DestinationRule?, port: Int) -> (ResolvedPolicy, [String: ResolvedPolicy]) {
    let top = rule?.spec?.trafficPolicy
    let base = resolve(merge(nil, top), port: port)
    var subsets: [String: ResolvedPolicy] = [:]
    for subset in rule?.spec?.subsets ?? [] {
      guard let name = subset.name else { continue }
      subsets[name] = resolve(merge(top, subset.trafficPolicy), port: port)
    }
    return (base, subsets)
  }

  static func merge(_ parent: TrafficPolicy?, _ child: TrafficPolicy?) -> TrafficPolicy? {
    guard let child else { return parent }
    guard let parent else { return child }
    var merged = child
    merged.loadBalancer = child.loadBalancer ?? parent.loadBalancer
    merged.connectionPool = child.connectionPool ?? parent.connectionPool
    merged.outlierDetection = child.outlierDetection ?? parent.outlierDetection
    merged.tls = child.tls ?? parent.tls
    merged.portLevelSettings = child.portLevelSettings ?? parent.portLevelSettings
    return merged
  }

  static func resolve(_ policy: TrafficPolicy?, port: Int) -> ResolvedPolicy {
    guard let policy else { return ResolvedPolicy() }
    var loadBalancer = policy.loadBalancer
    var connectionPool = policy.connectionPool
    var outlier = policy.outlierDetection
    var tls = policy.tls
    if let level = policy.portLevelSettings?.first(where: { $0.port?.number.map { Int($0) } == port }) {
      loadBalancer = level.loadBalancer
      connectionPool = level.connectionPool
      outlier = level.outlierDetection
      tls = level.tls
    }
    return ResolvedPolicy(
      loadBalancer: self.loadBalancer(loadBalancer), outlierDetection: outlier.map(outlierDetection),
      connectionPool: self.connectionPool(connectionPool), tls: UpstreamTLSMode(tls))
  }

  /// `simple`; consistent hashing is not implemented yet and falls back to round robin.
  static func loadBalancer(_ settings: LoadBalancerSettings?) -> LoadBalancerPolicy {
    switch settings?.simple?.uppercased() {
    case "LEAST_REQUEST", "LEAST_CONN": return .leastRequest
    case "RANDOM": return .random
    case "PASSTHROUGH": return .passthrough
    default: return .roundRobin
    }
  }

  static func outlierDetection(_ od: OutlierDetection) -> OutlierDetectionPolicy {
    var policy = OutlierDetectionPolicy()
    if let value = od.consecutive5xxErrors ?? od.consecutiveErrors.map({ UInt32(max(0, $0)) }) {
      policy.consecutive5xxErrors = Int(value)
    }
    if let value = od.consecutiveGatewayErrors { policy.consecutiveGatewayErrors = Int(value) }
    if let value = od.interval.flatMap(MeshCompiler.duration) { policy.interval = value }
    if let value = od.baseEjectionTime.flatMap(MeshCompiler.duration) { policy.baseEjectionTime = value }
    if let value = od.maxEjectionPercent { policy.maxEjectionPercent = Int(value) }
    if let value = od.minHealthPercent { policy.minHealthPercent = Int(value) }
    return policy
  }

  static func connectionPool(_ settings: ConnectionPoolSettings?) -> ConnectionPoolPolicy {
    var pool = ConnectionPoolPolicy()
    guard let settings else { return pool }
    if let tcp = settings.tcp {
      if let value = tcp.maxConnections, value > 0 { pool.maxConnections = UInt32(value) }
      if let value = tcp.connectTimeout.flatMap(MeshCompiler.duration) { pool.connectTimeout = value }
      if let value = tcp.idleTimeout.flatMap(MeshCompiler.duration) { pool.idleTimeout = value }
    }
    if let http = settings.http {
      if let value = http.http1MaxPendingRequests, value > 0 { pool.http1MaxPendingRequests = UInt32(value) }
      if let value = http.http2MaxRequests, value > 0 { pool.http2MaxRequests = UInt32(value) }
      if let value = http.maxRequestsPerConnection, value > 0 { pool.maxRequestsPerConnection = UInt32(value) }
      if let value = http.maxRetries, value > 0 { pool.maxRetries = UInt32(value) }
      if let value = http.maxConcurrentStreams, value > 0 { pool.maxConcurrentStreams = UInt32(value) }
      if let value = http.idleTimeout.flatMap(MeshCompiler.duration) { pool.idleTimeout = value }
    }
    return pool
  }
}
