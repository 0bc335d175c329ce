/// What an outbound connection is, from its original destination.
public enum ListenerDecision: Sendable, Equatable {
  /// Terminate HTTP and route each request (`Router.route`).
  case http(OutboundListener)
  /// Proxy bytes to an endpoint of this cluster (`Router.pickEndpoint`).
  case tcp(OutboundListener, cluster: String)
  /// Sniff the connection: HTTP is routed per request as `.http`, anything else goes to
  /// `cluster` as `.tcp`.
  case detect(OutboundListener, tcpCluster: String)
  /// No service has this address: connect to the original destination unchanged (Istio's
  /// `PassthroughCluster`, mesh default `ALLOW_ANY`).
  case passthrough
}

/// What to do with one request.
public enum RouteDecision: Sendable, Equatable {
  /// Send the request to `endpoint` of `cluster`.
  case forward(Forward)
  /// Answer without an upstream.
  case localReply(LocalReply)
  /// The destination belongs to no service: forward to the original destination as is.
  case passthrough

  /// The route's choice of upstream.
  public struct Forward: Sendable, Equatable {
    /// The route's name (the access log's `%ROUTE_NAME%`).
    public var route: String
    public var cluster: String
    /// The endpoint picked; the caller reports how the try went with
    /// `Router.requestFinished` (least-request counts and outlier detection need it).
    public var endpoint: Endpoint
    public var upstreamProtocol: ServiceProtocol
    /// The whole request's deadline (retries included); nil = none.
    public var timeout: MeshDuration?
    /// The retry policy; nil = no retries.
    public var retry: RetryPolicy?
    /// An injected fault delay to wait before forwarding (flag `DI`).
    public var delay: MeshDuration?

    public init(
      route: String, cluster: String, endpoint: Endpoint, upstreamProtocol: ServiceProtocol, timeout: MeshDuration? = nil,
      retry: RetryPolicy? = nil, delay: MeshDuration? = nil
    ) {
      self.route = route
      self.cluster = cluster
      self.endpoint = endpoint
      self.upstreamProtocol = upstreamProtocol
      self.timeout = timeout
      self.retry = retry
      self.delay = delay
    }
  }
}

/// The result of picking an upstream endpoint.
public enum EndpointPick: Sendable, Equatable {
  case endpoint(Endpoint)
  /// Every endpoint is ejected or there are none: 503 `UH` `no healthy upstream`.
  case noHealthyUpstream
  /// The cluster is not in the snapshot: 503 `NC`.
  case noCluster
}
