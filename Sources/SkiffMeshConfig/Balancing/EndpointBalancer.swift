/// Picks endpoints of one cluster by its load-balancing policy, skipping ejected ones.
///
/// - ROUND_ROBIN walks the endpoints in order (two endpoints strictly alternate).
/// - LEAST_REQUEST takes the endpoint with the fewest active requests; ties go round robin
///   (Envoy samples two at random; scanning all is exact at sidecar scale and keeps
///   sequential calls alternating).
/// - RANDOM picks uniformly.
/// - PASSTHROUGH has no endpoints of its own: the router uses the original destination.
public struct EndpointBalancer: Sendable, Equatable {
  public private(set) var endpoints: [Endpoint]
  public let policy: LoadBalancerPolicy
  public private(set) var outlier: OutlierDetector?
  private var cursor = 0
  /// Requests picked and not yet finished, per endpoint.
  public private(set) var active: [Endpoint: Int] = [:]

  public init(endpoints: [Endpoint], policy: LoadBalancerPolicy, outlierDetection: OutlierDetectionPolicy? = nil) {
    self.endpoints = endpoints
    self.policy = policy
    outlier = outlierDetection.map(OutlierDetector.init(policy:))
  }

  /// Takes a new endpoint list, keeping the rotation, active counts and ejections of the
  /// endpoints that remain.
  public mutating func update(endpoints newEndpoints: [Endpoint]) {
    if let current = endpoints.indices.contains(cursor) ? endpoints[cursor] : nil,
      let index = newEndpoints.firstIndex(of: current)
    {
      cursor = index
    } else {
      cursor = newEndpoints.isEmpty ? 0 : cursor % newEndpoints.count
    }
    endpoints = newEndpoints
    let keep = Set(newEndpoints)
    active = active.filter { keep.contains($0.key) }
    outlier?.retain(newEndpoints)
  }

  /// The next endpoint, avoiding `excluding` (endpoints already tried by this request)
  /// when another is available; nil when none is healthy. The pick counts as an active
  /// request until `finished`.
  public mutating func pick(
    excluding: Set<Endpoint> = [], random: inout SplitMix64, now: ContinuousClock.Instant
  ) -> Endpoint? {
    guard !endpoints.isEmpty else { return nil }
    var healthy = endpoints.indices.filter { !(outlier?.isEjected(endpoints[$0], now: now) ?? false) }
    if let outlier, outlier.policy.minHealthPercent > 0,
      healthy.count * 100 < outlier.policy.minHealthPercent * endpoints.count
    {
      healthy = Array(endpoints.indices)  // panic mode: use every endpoint
    }
    guard !healthy.isEmpty else { return nil }
    let fresh = healthy.filter { !excluding.contains(endpoints[$0]) }
    let candidates = fresh.isEmpty ? healthy : fresh
    let chosen: Int
    switch policy {
    case .roundRobin, .passthrough:
      chosen = nextInRotation(candidates)
    case .leastRequest:
      let fewest = candidates.map { active[endpoints[$0], default: 0] }.min()!
      chosen = nextInRotation(candidates.filter { active[endpoints[$0], default: 0] == fewest })
    case .random:
      chosen = candidates[Int(random.next() % UInt64(candidates.count))]
    }
    let endpoint = endpoints[chosen]
    active[endpoint, default: 0] += 1
    return endpoint
  }

  /// The first of `candidates` (indices, ascending) at or after the cursor, wrapping.
  private mutating func nextInRotation(_ candidates: [Int]) -> Int {
    let chosen = candidates.first { $0 >= cursor } ?? candidates[0]
    cursor = (chosen + 1) % endpoints.count
    return chosen
  }

  /// Ends a request picked earlier: lowers its active count and feeds outlier detection.
  /// Returns true when the outcome ejected the endpoint.
  @discardableResult
  public mutating func finished(_ endpoint: Endpoint, outcome: UpstreamOutcome?, now: ContinuousClock.Instant) -> Bool {
    if let count = active[endpoint] {
      active[endpoint] = count > 1 ? count - 1 : nil
    }
    guard let outcome, endpoints.contains(endpoint) else { return false }
    return outlier?.record(outcome, for: endpoint, among: endpoints, now: now) ?? false
  }

  /// Whether `endpoint` is ejected at `now`.
  public func isEjected(_ endpoint: Endpoint, now: ContinuousClock.Instant) -> Bool {
    outlier?.isEjected(endpoint, now: now) ?? false
  }
}
