/// The sidecar's routing decisions for one snapshot, as a plain state machine: which
/// listener a connection hits, which route and cluster a request takes (VirtualService
/// order, first match wins; weighted splits by smooth weighted round robin), which
/// endpoint serves it (the cluster's balancer, outlier ejections), and the local replies
/// when there is nothing to forward to (404 `NR`, 503 `NC`, 503 `UH`, faults).
///
/// It does no I/O. Not thread-safe by itself (a `struct` with `mutating` methods); the
/// proxy shares one through `SharedRouter`.
public struct Router: Sendable {
  public private(set) var snapshot: MeshSnapshot
  private var listeners: [OriginalDestination: OutboundListener] = [:]
  private var inboundByPort: [Int: InboundListener] = [:]
  private var tables: [String: [CompiledRoute]] = [:]
  private var clusters: [String: Cluster] = [:]
  private var balancers: [String: EndpointBalancer] = [:]
  /// Weighted-split state per route, keyed by route table and route index.
  private var splits: [SplitKey: SmoothWeightedRoundRobin] = [:]
  /// Randomness for RANDOM balancing, fault percentages and retry jitter.
  public var random: SplitMix64

  struct CompiledRoute: Sendable {
    let route: Route
    let matches: [CompiledRouteMatch]
  }

  struct SplitKey: Hashable, Sendable {
    let table: String
    let index: Int
    let clusters: [WeightedCluster]
  }

  /// Validates and compiles `snapshot` (throws what a NACK reports).
  public init(snapshot: MeshSnapshot, random: SplitMix64 = SplitMix64()) throws(MeshConfigError) {
    self.snapshot = snapshot
    self.random = random
    try apply(snapshot)
  }

  /// Moves to a new snapshot. Balancer rotation, active counts and ejections of clusters
  /// that remain carry over, and so do weighted splits whose destinations are unchanged:
  /// a config push does not restart a 90/10 sequence or forget an ejected endpoint.
  /// On error the router keeps the previous snapshot.
  public mutating func update(to snapshot: MeshSnapshot) throws(MeshConfigError) {
    try apply(snapshot)
  }

  private mutating func apply(_ new: MeshSnapshot) throws(MeshConfigError) {
    try new.validate()
    var compiled: [String: [CompiledRoute]] = [:]
    for table in new.routeTables {
      var routes: [CompiledRoute] = []
      for route in table.routes {
        var matches: [CompiledRouteMatch] = []
        for match in route.matches { matches.append(try CompiledRouteMatch(match)) }
        routes.append(CompiledRoute(route: route, matches: matches))
      }
      compiled[table.name] = routes
    }
    var newBalancers: [String: EndpointBalancer] = [:]
    for cluster in new.clusters {
      if var existing = balancers[cluster.name], existing.policy == cluster.loadBalancer,
        existing.outlier?.policy == cluster.outlierDetection
      {
        existing.update(endpoints: cluster.endpoints)
        newBalancers[cluster.name] = existing
      } else {
        newBalancers[cluster.name] = EndpointBalancer(
          endpoints: cluster.endpoints, policy: cluster.loadBalancer, outlierDetection: cluster.outlierDetection)
      }
    }
    snapshot = new
    tables = compiled
    balancers = newBalancers
    clusters = Dictionary(new.clusters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    listeners = Dictionary(
      new.outbound.map { (OriginalDestination(address: $0.address, port: $0.port), $0) }, uniquingKeysWith: { first, _ in first })
    inboundByPort = Dictionary(new.inbound.map { ($0.port, $0) }, uniquingKeysWith: { first, _ in first })
    splits = splits.filter { key, _ in
      guard let routes = compiled[key.table], routes.indices.contains(key.index),
        case .weightedClusters(let clusters) = routes[key.index].route.action
      else { return false }
      return clusters == key.clusters
    }
  }

  // MARK: - Connections

  /// How to handle an outbound connection to `destination`.
  public func listener(for destination: OriginalDestination) -> ListenerDecision {
    guard let listener = listeners[destination] else { return .passthrough }
    switch listener.protocol {
    case .grpc, .http2, .http: return .http(listener)
    case .tcp: return .tcp(listener, cluster: listener.tcpCluster ?? "")
    case .auto: return .detect(listener, tcpCluster: listener.tcpCluster ?? "")
    }
  }

  /// The inbound listener for a connection to the pod's `port`, if the pod serves it.
  public func inboundListener(port: Int) -> InboundListener? {
    inboundByPort[port]
  }

  // MARK: - Requests

  /// Decides one request sent to `destination`: route match in order (first wins; none →
  /// 404 `NR`), fault injection, weighted cluster, then an endpoint of that cluster (missing
  /// cluster → 503 `NC`; no healthy endpoint → 503 `UH`).
  public mutating func route(
    _ request: RequestHead, to destination: OriginalDestination, now: ContinuousClock.Instant = .now
  ) -> RouteDecision {
    guard let listener = listeners[destination] else { return .passthrough }
    guard let table = listener.routeTable, let routes = tables[table] else { return .localReply(.noRoute()) }
    guard let index = routes.firstIndex(where: { compiled in
      compiled.matches.isEmpty || compiled.matches.contains { $0.matches(request, port: destination.port) }
    }) else {
      return .localReply(.noRoute())
    }
    let route = routes[index].route
    var delay: MeshDuration?
    if let fault = route.fault {
      if let faultDelay = fault.delay, sample(faultDelay.percentage) { delay = faultDelay.fixedDelay }
      if let abort = fault.abort, sample(abort.percentage) {
        let status = abort.httpStatus ?? 200
        return .localReply(
          LocalReply(
            status: status, flag: .faultInjected, body: "fault filter abort",
            grpcStatusOverride: abort.grpcStatus, route: route.name, delay: delay))
      }
    }
    switch route.action {
    case .directResponse(let status, let body):
      return .localReply(LocalReply(status: status, flag: nil, body: body ?? "", route: route.name, delay: delay))
    case .redirect(let status, let location):
      return .localReply(
        LocalReply(status: status, flag: nil, headers: [.init("location", location)], route: route.name, delay: delay))
    case .weightedClusters(let weighted):
      let key = SplitKey(table: table, index: index, clusters: weighted)
      var split = splits[key] ?? SmoothWeightedRoundRobin(weights: weighted.map(\.weight))
      guard let choice = split.next() else { return .localReply(.noCluster(route: route.name)) }
      splits[key] = split
      let clusterName = weighted[choice].cluster
      switch pickEndpoint(cluster: clusterName, destination: destination, now: now) {
      case .noCluster:
        return .localReply(.noCluster(route: route.name))
      case .noHealthyUpstream:
        return .localReply(.noHealthyUpstream(route: route.name))
      case .endpoint(let endpoint):
        return .forward(
          .init(
            route: route.name, cluster: clusterName, endpoint: endpoint,
            upstreamProtocol: clusters[clusterName]?.protocol ?? listener.protocol, timeout: route.timeout,
            retry: route.retry, delay: delay))
      }
    }
  }

  /// An endpoint of `cluster` for a new try (or a TCP connection), avoiding `excluding`
  /// (endpoints this request already tried) when another is healthy. Every `.endpoint` must
  /// be followed by `requestFinished`.
  public mutating func pickEndpoint(
    cluster name: String, destination: OriginalDestination? = nil, excluding: Set<Endpoint> = [],
    now: ContinuousClock.Instant = .now
  ) -> EndpointPick {
    guard var balancer = balancers[name] else { return .noCluster }
    if balancer.policy == .passthrough, let destination {
      return .endpoint(Endpoint(address: destination.address, port: destination.port))
    }
    let picked = balancer.pick(excluding: excluding, random: &random, now: now)
    balancers[name] = balancer
    return picked.map { .endpoint($0) } ?? .noHealthyUpstream
  }

  /// Reports how a try at `endpoint` ended (nil: cancelled by the client, say): releases
  /// its active-request slot and feeds outlier detection. Returns true when this outcome
  /// ejected the endpoint.
  @discardableResult
  public mutating func requestFinished(
    cluster name: String, endpoint: Endpoint, outcome: UpstreamOutcome?, now: ContinuousClock.Instant = .now
  ) -> Bool {
    guard var balancer = balancers[name] else { return false }
    let ejected = balancer.finished(endpoint, outcome: outcome, now: now)
    balancers[name] = balancer
    return ejected
  }

  /// What to do after try `attempt` of a request on `route`'s policy ended with `outcome`.
  public mutating func retryDecision(policy: RetryPolicy?, attempt: Int, outcome: UpstreamOutcome) -> RetryDecision {
    guard let policy else { return .done }
    return policy.shouldRetry(attempt: attempt, outcome: outcome, random: &random)
  }

  /// Active (picked, unfinished) requests per endpoint of `cluster`.
  public func activeRequests(cluster name: String) -> [Endpoint: Int] {
    balancers[name]?.active ?? [:]
  }

  /// Whether `endpoint` of `cluster` is ejected by outlier detection at `now`.
  public func isEjected(cluster name: String, endpoint: Endpoint, now: ContinuousClock.Instant = .now) -> Bool {
    balancers[name]?.isEjected(endpoint, now: now) ?? false
  }

  private mutating func sample(_ percentage: Double) -> Bool {
    guard percentage > 0 else { return false }
    guard percentage < 100 else { return true }
    return Double(random.next() >> 11) / Double(1 << 53) * 100 < percentage
  }
}
