import Synchronization

/// Sends every request to the next of a fixed list of endpoints, in turn (per request, across
/// all connections): `skiff-proxy`'s standalone mode, and the shape of the mesh's
/// ROUND_ROBIN. With no endpoints, requests get Envoy's `no healthy upstream`.
public final class RoundRobinDecider: RouteDecider {
  public let cluster: String
  public let endpoints: [Endpoint]
  public let timeout: Duration?
  public let retry: RetryPolicy
  private let next = Atomic<Int>(0)
  /// One decision per endpoint, made once: a request copies one instead of building a route.
  private let decisions: [RouteDecision]

  public init(cluster: String = "upstream", endpoints: [Endpoint], timeout: Duration? = nil, retry: RetryPolicy = .istioDefault) {
    self.cluster = cluster
    self.endpoints = endpoints
    self.timeout = timeout
    self.retry = retry
    decisions = endpoints.map { .forward(ForwardRoute(cluster: cluster, endpoint: $0, timeout: timeout, retry: retry)) }
  }

  public func decide(_ request: RequestHead, connection: DownstreamConnectionInfo) -> RouteDecision {
    guard !decisions.isEmpty else { return .localReply(.noHealthyUpstream) }
    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
    return decisions[index % decisions.count]
  }
}
