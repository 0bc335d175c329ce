import Synchronization

/// One `Router` shared by every connection of a proxy: each call takes a lock for the
/// length of a decision (microseconds), and `update` swaps the snapshot between requests.
public final class SharedRouter: Sendable {
  private let router: Mutex<Router>

  public init(_ router: Router) {
    self.router = Mutex(router)
  }

  /// The snapshot in use.
  public var snapshot: MeshSnapshot { router.withLock { $0.snapshot } }

  /// Moves to a new snapshot (see `Router.update`); throws and keeps the old one when invalid.
  public func update(to snapshot: MeshSnapshot) throws(MeshConfigError) {
    try router.withLock { router throws(MeshConfigError) in try router.update(to: snapshot) }
  }

  public func listener(for destination: OriginalDestination) -> ListenerDecision {
    router.withLock { $0.listener(for: destination) }
  }

  public func inboundListener(port: Int) -> InboundListener? {
    router.withLock { $0.inboundListener(port: port) }
  }

  public func route(_ request: RequestHead, to destination: OriginalDestination, now: ContinuousClock.Instant = .now)
    -> RouteDecision
  {
    router.withLock { $0.route(request, to: destination, now: now) }
  }

  public func pickEndpoint(
    cluster: String, destination: OriginalDestination? = nil, excluding: Set<Endpoint> = [],
    now: ContinuousClock.Instant = .now
  ) -> EndpointPick {
    router.withLock { $0.pickEndpoint(cluster: cluster, destination: destination, excluding: excluding, now: now) }
  }

  @discardableResult
  public func requestFinished(
    cluster: String, endpoint: Endpoint, outcome: UpstreamOutcome?, now: ContinuousClock.Instant = .now
  ) -> Bool {
    router.withLock { $0.requestFinished(cluster: cluster, endpoint: endpoint, outcome: outcome, now: now) }
  }

  public func retryDecision(policy: RetryPolicy?, attempt: Int, outcome: UpstreamOutcome) -> RetryDecision {
    router.withLock { $0.retryDecision(policy: policy, attempt: attempt, outcome: outcome) }
  }
}
