public import Logging
public import NIOCore
public import SkiffMeshConfig
public import SkiffProxy

/// The sidecar's routing: the data plane (`SkiffProxy.ProxyEngine`) asks, the mesh config
/// (`SkiffMeshConfig.Router` over the last snapshot the control plane pushed) answers.
///
/// - Outbound (port 15001, captured with `SO_ORIGINAL_DST`): the original destination picks
///   the listener. An HTTP port is terminated and every request is routed on its own
///   (VirtualService rules in order, weighted subsets, the cluster's balancer): this is what
///   spreads the calls of one gRPC connection over the pods. A TCP port is spliced to one
///   endpoint of its cluster; an address of no service passes through unchanged
///   (`PassthroughCluster`, Istio's `ALLOW_ANY`).
/// - Inbound (port 15006): the connection is spliced to the application on
///   `127.0.0.1:<targetPort>` (`inbound|<port>||`). The proxy's own connections to loopback are
///   not captured again, so there is no loop.
/// - Before the first snapshot arrives every connection is refused, as an Envoy without
///   listeners does; the readiness probe keeps the pod out of endpoints until then, and a
///   native sidecar's startup probe holds the application containers back.
public final class MeshRouteDecider: RouteDecider {
  /// The listener ports of the sidecar (Istio's).
  public let inboundPort: Int
  private let router = CurrentConfig<SharedRouter?>(nil)
  let logger: Logger

  public init(inboundPort: Int = 15006, logger: Logger = Logger(label: "skiff.sidecar")) {
    self.inboundPort = inboundPort
    self.logger = logger
  }

  /// Whether a snapshot has been accepted (the readiness probe's answer).
  public var hasConfig: Bool { router.value != nil }

  /// The snapshot in force, if any.
  public var snapshot: MeshSnapshot? { router.value?.snapshot }

  /// Moves to `snapshot`; throws, keeping the previous one, when it cannot be run (the config
  /// client turns that into a NACK). Balancer rotation and weighted-split state carry over.
  public func update(to snapshot: MeshSnapshot) throws(MeshConfigError) {
    if let shared = router.value {
      try shared.update(to: snapshot)
    } else {
      router.swap(SharedRouter(try Router(snapshot: snapshot)))
    }
  }

  // MARK: RouteDecider

  public func decideConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision {
    guard let router = router.value else {
      logger.warning("connection from \(connection.remoteAddress.map { "\($0)" } ?? "?") refused: no config from the mesh control plane yet")
      return .reject
    }
    guard let destination = Self.destination(of: connection) else {
      logger.warning("connection from \(connection.remoteAddress.map { "\($0)" } ?? "?") refused: its original destination is unknown")
      return .reject
    }
    logger.debug("connection \(connection.remoteAddress.map { "\($0)" } ?? "?") -> \(destination) on \(connection.localAddress.map { "\($0)" } ?? "?")")
    if connection.localAddress?.port == inboundPort {
      guard let listener = router.inboundListener(port: destination.port) else {
        return .passthrough(cluster: "InboundPassthroughCluster", endpoint: SkiffProxy.Endpoint(host: "127.0.0.1", port: destination.port))
      }
      // HTTP ports are terminated, so each inbound request is logged and counted (Istio's
      // inbound listener); sniffed ports when they turn out to be HTTP; TCP ports are spliced.
      switch listener.protocol {
      case .grpc, .http2: return .http2
      case .http: return .http1
      case .auto: return .detect
      case .tcp: return Self.toApplication(listener)
      }
    }
    switch router.listener(for: destination) {
    case .http(let listener):
      // `http*` ports: HTTP/1.1 (or h2c by its preface) routed per request; gRPC and HTTP/2
      // ports: HTTP/2 routed per stream.
      return listener.protocol == .http ? .http1 : .http2
    case .tcp(_, let cluster):
      return splice(to: cluster, destination: destination, router: router)
    case .detect:
      return .detect
    case .passthrough:
      return .passthrough(cluster: "PassthroughCluster", endpoint: SkiffProxy.Endpoint(host: destination.address, port: destination.port))
    }
  }

  /// A sniffed connection that is not HTTP: spliced to an endpoint of the listener's TCP
  /// cluster, as a declared TCP port is.
  public func decideOpaqueConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision {
    guard let router = router.value, let destination = Self.destination(of: connection) else { return .reject }
    if connection.localAddress?.port == inboundPort {
      guard let listener = router.inboundListener(port: destination.port) else { return .reject }
      return Self.toApplication(listener)
    }
    switch router.listener(for: destination) {
    case .detect(_, let cluster), .tcp(_, let cluster):
      return splice(to: cluster, destination: destination, router: router)
    case .passthrough:
      return .passthrough(cluster: "PassthroughCluster", endpoint: SkiffProxy.Endpoint(host: destination.address, port: destination.port))
    case .http:
      return .reject
    }
  }

  func splice(to cluster: String, destination: OriginalDestination, router: SharedRouter) -> ConnectionDecision {
    switch router.pickEndpoint(cluster: cluster, destination: destination) {
    case .endpoint(let endpoint):
      // A spliced connection holds its endpoint for its whole life; least-request counts
      // are per request, so the slot is given back at once.
      router.requestFinished(cluster: cluster, endpoint: endpoint, outcome: nil)
      return .passthrough(cluster: cluster, endpoint: Self.dataPlaneEndpoint(endpoint))
    case .noCluster, .noHealthyUpstream:
      logger.warning("connection to \(destination) refused: cluster \(cluster) has no healthy endpoint")
      return .reject
    }
  }

  public func decide(_ request: SkiffProxy.RequestHead, connection: DownstreamConnectionInfo) -> SkiffProxy.RouteDecision {
    guard let router = router.value, let destination = Self.destination(of: connection) else {
      return .localReply(.noRoute)
    }
    if connection.localAddress?.port == inboundPort {
      // Inbound: every request to the application on loopback, Istio's `inbound|PORT||`
      // cluster and `default` route; no retries.
      guard let listener = router.inboundListener(port: destination.port) else { return .localReply(.noRoute) }
      return .forward(
        ForwardRoute(
          cluster: listener.name, endpoint: SkiffProxy.Endpoint(host: "127.0.0.1", port: listener.targetPort), routeName: "default"))
    }
    switch router.route(Self.meshHead(request), to: destination) {
    case .forward(let forward):
      return .forward(
        ForwardRoute(
          cluster: forward.cluster, endpoint: Self.dataPlaneEndpoint(forward.endpoint),
          timeout: forward.timeout.map { .milliseconds($0.milliseconds) }, retry: Self.retryPolicy(forward.retry),
          routeName: forward.route, delay: forward.delay.map { .milliseconds($0.milliseconds) }))
    case .localReply(let reply):
      return .localReply(Self.localReply(reply))
    case .passthrough:
      // The listener went away between the connection and this request (a config push).
      return .forward(
        ForwardRoute(
          cluster: "PassthroughCluster", endpoint: SkiffProxy.Endpoint(host: destination.address, port: destination.port)))
    }
  }

  public func retryEndpoint(
    for request: SkiffProxy.RequestHead, route: ForwardRoute, tried: [SkiffProxy.Endpoint], connection: DownstreamConnectionInfo
  ) -> SkiffProxy.Endpoint? {
    guard let router = router.value else { return nil }
    let snapshot = router.snapshot
    guard let cluster = snapshot.clusters.first(where: { $0.name == route.cluster }) else {
      // Pass-through routes retry the same destination.
      return tried.last
    }
    let excluding = Set(cluster.endpoints.filter { endpoint in tried.contains { $0.host == endpoint.address && $0.port == endpoint.port } })
    switch router.pickEndpoint(cluster: route.cluster, destination: Self.destination(of: connection), excluding: excluding) {
    case .endpoint(let endpoint): return Self.dataPlaneEndpoint(endpoint)
    case .noCluster, .noHealthyUpstream: return nil
    }
  }

  public func attemptFinished(_ outcome: AttemptOutcome) {
    guard let router = router.value,
      let cluster = router.snapshot.clusters.first(where: { $0.name == outcome.cluster }),
      let endpoint = cluster.endpoints.first(where: { $0.address == outcome.endpoint.host && $0.port == outcome.endpoint.port })
    else { return }
    router.requestFinished(cluster: outcome.cluster, endpoint: endpoint, outcome: Self.upstreamOutcome(outcome.result))
  }

  /// An inbound connection spliced to the application on loopback.
  static func toApplication(_ listener: InboundListener) -> ConnectionDecision {
    .passthrough(cluster: listener.name, endpoint: SkiffProxy.Endpoint(host: "127.0.0.1", port: listener.targetPort))
  }

  // MARK: Conversions between the data plane's and the config model's types

  /// The address to dial, and the SPIFFE ID to expect there when it has a sidecar.
  static func dataPlaneEndpoint(_ endpoint: SkiffMeshConfig.Endpoint) -> SkiffProxy.Endpoint {
    SkiffProxy.Endpoint(host: endpoint.address, port: endpoint.port, peerIdentity: endpoint.peerIdentity)
  }

  static func destination(of connection: DownstreamConnectionInfo) -> OriginalDestination? {
    guard let address = connection.originalDestination ?? connection.localAddress, let ip = address.ipAddress,
      let port = address.port
    else { return nil }
    return OriginalDestination(address: ip, port: port)
  }

  static func meshHead(_ head: SkiffProxy.RequestHead) -> SkiffMeshConfig.RequestHead {
    var headers: [SkiffMeshConfig.RequestHead.Header] = []
    headers.reserveCapacity(head.headers.count)
    for (name, value) in head.headers.pairs where !name.hasPrefix(":") {
      headers.append(.init(name, value))
    }
    return SkiffMeshConfig.RequestHead(
      method: head.method, path: head.path, authority: head.authority, scheme: head.scheme, headers: headers)
  }

  static func retryPolicy(_ policy: SkiffMeshConfig.RetryPolicy?) -> SkiffProxy.RetryPolicy {
    guard let policy, policy.attempts > 0 else { return .none }
    var conditions: SkiffProxy.RetryPolicy.Conditions = []
    var codes = Set(policy.retriableStatusCodes)
    for condition in policy.retryOn {
      switch condition {
      case .fiveXX: conditions.insert(.serverError)
      case .gatewayError: conditions.insert(.gatewayError)
      case .reset: conditions.insert(.reset)
      case .connectFailure: conditions.insert(.connectFailure)
      case .retriable4xx:
        // Envoy's retriable-4xx is 409 only.
        conditions.insert(.retriableStatusCodes)
        codes.insert(409)
      case .refusedStream: conditions.insert(.refusedStream)
      case .retriableStatusCodes: conditions.insert(.retriableStatusCodes)
      case .cancelled: conditions.insert(.grpcCancelled)
      case .deadlineExceeded: conditions.insert(.grpcDeadlineExceeded)
      case .internal: conditions.insert(.grpcInternal)
      case .resourceExhausted: conditions.insert(.grpcResourceExhausted)
      case .unavailable: conditions.insert(.grpcUnavailable)
      }
    }
    return SkiffProxy.RetryPolicy(
      attempts: policy.attempts, perTryTimeout: policy.perTryTimeout.map { .milliseconds($0.milliseconds) },
      retryOn: conditions, retriableStatusCodes: codes, backoffBase: .milliseconds(policy.backoffBase.milliseconds))
  }

  static func localReply(_ reply: SkiffMeshConfig.LocalReply) -> SkiffProxy.LocalReply {
    let (flags, details): (ResponseFlags, String) =
      switch reply.flag {
      case .noHealthyUpstream: (.noHealthyUpstream, "no_healthy_upstream")
      case .noRouteFound: (.noRouteFound, "route_not_found")
      case .noClusterFound: (.noClusterFound, "cluster_not_found")
      case .upstreamRequestTimeout: (.upstreamRequestTimeout, "response_timeout")
      case .upstreamOverflow: (.upstreamOverflow, "overflow")
      case .faultInjected: (.faultInjected, "fault_filter_abort")
      case .some(let other): ([], other.rawValue)
      case nil: ([], "direct_response")
      }
    return SkiffProxy.LocalReply(
      status: reply.status, body: reply.body, flags: flags, details: details, delay: reply.delay.map { .milliseconds($0.milliseconds) },
      grpcStatus: reply.grpcStatusOverride, headers: reply.headers.map { (name: $0.name, value: $0.value) })
  }

  static func upstreamOutcome(_ result: AttemptOutcome.Result) -> UpstreamOutcome? {
    switch result {
    case .response(let status, let grpcStatus): .response(status: status, grpcStatus: grpcStatus)
    case .connectFailure: .connectFailure
    case .reset(let code): code == .refusedStream ? .refusedStream : .reset
    case .timeout: .timeout
    case .cancelled: nil
    }
  }
}
