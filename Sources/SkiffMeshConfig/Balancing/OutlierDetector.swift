/// Passive health checking of one cluster's endpoints (Envoy outlier detection as Istio
/// configures it): consecutive 5xx or gateway errors eject an endpoint for
/// `baseEjectionTime × times ejected`, never more than `maxEjectionPercent` of the cluster
/// (but always at least one endpoint). Locally originated failures (connect failure,
/// reset, timeout) count as both kinds of error, as with `splitExternalLocalOriginErrors:
/// false`.
public struct OutlierDetector: Sendable, Equatable {
  public let policy: OutlierDetectionPolicy

  struct EndpointHealth: Sendable, Equatable {
    var consecutive5xx = 0
    var consecutiveGateway = 0
    var ejections = 0
    var ejectedUntil: ContinuousClock.Instant?
  }

  private(set) var health: [Endpoint: EndpointHealth] = [:]

  public init(policy: OutlierDetectionPolicy) {
    self.policy = policy
  }

  /// Whether `endpoint` is ejected at `now`.
  public func isEjected(_ endpoint: Endpoint, now: ContinuousClock.Instant) -> Bool {
    guard let until = health[endpoint]?.ejectedUntil else { return false }
    return now < until
  }

  /// Records the outcome of a try; returns true when it ejected the endpoint.
  @discardableResult
  public mutating func record(
    _ outcome: UpstreamOutcome, for endpoint: Endpoint, among endpoints: [Endpoint], now: ContinuousClock.Instant
  ) -> Bool {
    var state = health[endpoint] ?? EndpointHealth()
    if let until = state.ejectedUntil, now >= until { state.ejectedUntil = nil }
    let (is5xx, isGateway): (Bool, Bool)
    switch outcome {
    case .response(let status, _):
      is5xx = (500...599).contains(status)
      isGateway = [502, 503, 504].contains(status)
    case .connectFailure, .reset, .refusedStream, .timeout:
      (is5xx, isGateway) = (true, true)
    }
    state.consecutive5xx = is5xx ? state.consecutive5xx + 1 : 0
    state.consecutiveGateway = isGateway ? state.consecutiveGateway + 1 : 0
    var ejected = false
    let tripped5xx = policy.consecutive5xxErrors > 0 && state.consecutive5xx >= policy.consecutive5xxErrors
    let trippedGateway = policy.consecutiveGatewayErrors > 0 && state.consecutiveGateway >= policy.consecutiveGatewayErrors
    if (tripped5xx || trippedGateway) && state.ejectedUntil == nil && mayEject(among: endpoints, now: now) {
      state.ejections += 1
      let milliseconds = policy.baseEjectionTime.milliseconds * Int64(state.ejections)
      state.ejectedUntil = now.advanced(by: .milliseconds(milliseconds))
      state.consecutive5xx = 0
      state.consecutiveGateway = 0
      ejected = true
    }
    health[endpoint] = state
    return ejected
  }

  /// Envoy ejects while the ejected share stays within `maxEjectionPercent`, and always
  /// allows one ejection.
  private func mayEject(among endpoints: [Endpoint], now: ContinuousClock.Instant) -> Bool {
    let ejected = endpoints.filter { isEjected($0, now: now) }.count
    if ejected == 0 { return true }
    return (ejected + 1) * 100 <= policy.maxEjectionPercent * endpoints.count
  }

  /// Keeps only the state of endpoints still in the cluster.
  mutating func retain(_ endpoints: [Endpoint]) {
    let keep = Set(endpoints)
    health = health.filter { keep.contains($0.key) }
  }
}
