public import NIOCore

/// Where an upstream is: an IP literal (or host name) and a port.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
  public var host: String
  public var port: Int
  /// The SPIFFE ID a sidecar there must present: connections to it use mutual TLS with the
  /// engine's `mutualTLS` certificate. nil: plaintext.
  public var peerIdentity: String?
  public init(host: String, port: Int, peerIdentity: String? = nil) {
    self.host = host
    self.port = port
    self.peerIdentity = peerIdentity
  }
  /// `127.0.0.1:8080` (IPv6 literals in brackets).
  public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

  /// Parses `host:port` or `[v6]:port`.
  public init?(parsing text: Substring) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
      (0...65535).contains(port)
    else { return nil }
    var host = text[..<colon]
    if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
    guard !host.isEmpty else { return nil }
    self.init(host: String(host), port: port)
  }
}

/// The downstream connection a request arrived on.
public struct DownstreamConnectionInfo: Sendable {
  /// The client's address.
  public var remoteAddress: SocketAddress?
  /// The address the proxy accepted on (the listener).
  public var localAddress: SocketAddress?
  /// Where the client meant to connect before traffic capture redirected it (SO_ORIGINAL_DST),
  /// or the local address when the listener is not behind a redirect.
  public var originalDestination: SocketAddress?

  public init(remoteAddress: SocketAddress?, localAddress: SocketAddress?, originalDestination: SocketAddress?) {
    self.remoteAddress = remoteAddress
    self.localAddress = localAddress
    self.originalDestination = originalDestination
  }
}

/// A request's head, as the router sees it: pseudo-headers split out, all headers kept.
///
/// The pseudo-header strings are read from `headers` when asked for (a decider that does not
/// look at them costs no `String` per request); assigning one overrides the header's value.
public struct RequestHead: Sendable {
  /// Every field of the request's HEADERS, pseudo-headers included, as received.
  public var headers: HeaderBlock
  var methodOverride: String?
  var schemeOverride: String?
  var authorityOverride: String?
  var pathOverride: String?

  public var method: String {
    get { methodOverride ?? headers[":method"] ?? "" }
    set { methodOverride = newValue }
  }
  public var scheme: String {
    get { schemeOverride ?? headers[":scheme"] ?? "" }
    set { schemeOverride = newValue }
  }
  public var authority: String {
    get { authorityOverride ?? headers[":authority"] ?? headers["host"] ?? "" }
    set { authorityOverride = newValue }
  }
  public var path: String {
    get { pathOverride ?? headers[":path"] ?? "" }
    set { pathOverride = newValue }
  }

  /// A gRPC call (`content-type: application/grpc...`): local replies are trailers-only.
  public var isGRPC: Bool {
    headers.value(of: "content-type", hasPrefix: "application/grpc")
  }

  public init(headers: HeaderBlock) {
    self.headers = headers
  }
}

/// Where to send one request, and how hard to try.
public struct ForwardRoute: Sendable {
  /// The upstream cluster's name (`outbound|8080||istio-grpc-server.default.svc.cluster.local`):
  /// stats and the access log are per cluster.
  public var cluster: String
  /// The first endpoint to try.
  public var endpoint: Endpoint
  /// Route timeout: from the end of the request until the end of the response. nil: none
  /// (Istio's default). A request's `grpc-timeout` is honoured below this.
  public var timeout: Duration?
  public var retry: RetryPolicy
  /// Shown as `%ROUTE_NAME%` in the access log.
  public var routeName: String?
  /// Fault injection: wait this long before forwarding (flag `DI`); the route timeout starts
  /// after it, as Envoy's fault filter runs before its router.
  public var delay: Duration?

  public init(
    cluster: String, endpoint: Endpoint, timeout: Duration? = nil, retry: RetryPolicy = .none, routeName: String? = nil,
    delay: Duration? = nil
  ) {
    self.cluster = cluster
    self.endpoint = endpoint
    self.timeout = timeout
    self.retry = retry
    self.routeName = routeName
    self.delay = delay
  }
}

/// What to do with one request (one HTTP/2 stream).
public enum RouteDecision: Sendable {
  /// Forward to an upstream endpoint.
  case forward(ForwardRoute)
  /// Answer locally (no route, no healthy upstream, ...), as Envoy does.
  case localReply(LocalReply)
}

/// What to do with a whole downstream connection, decided when it is accepted.
public enum ConnectionDecision: Sendable {
  /// Terminate HTTP/2 (h2c prior knowledge) and route each stream.
  case http2
  /// Terminate HTTP/1.1 and route each request (upstream HTTP/1.1); a client that opens with
  /// the HTTP/2 preface gets `.http2` instead.
  case http1
  /// Sniff the first bytes (Istio's protocol detection): HTTP/2 preface → `.http2`, an
  /// HTTP/1.x request line → `.http1`, anything else (or silence: a server-first protocol)
  /// → `RouteDecider.decideOpaqueConnection`.
  case detect
  /// Splice bytes to an upstream, both ways, with half-close (non-HTTP ports).
  case passthrough(cluster: String, endpoint: Endpoint)
  /// Close the connection at once (Envoy's NR for a connection without a filter chain).
  case reject
}

/// How one attempt at forwarding a request ended; the mesh layer's load balancers and outlier
/// detection learn from these.
public struct AttemptOutcome: Sendable {
  public enum Result: Sendable, Equatable {
    /// The upstream answered with this `:status` (and `grpc-status`, when it sent one).
    case response(status: Int, grpcStatus: Int?)
    case connectFailure
    case reset(HTTP2ErrorCode)
    case timeout
    /// The downstream went away first.
    case cancelled
  }
  public var cluster: String
  public var endpoint: Endpoint
  public var result: Result
  public var duration: Duration

  public init(cluster: String, endpoint: Endpoint, result: Result, duration: Duration) {
    self.cluster = cluster
    self.endpoint = endpoint
    self.result = result
    self.duration = duration
  }
}

/// The routing decision, pluggable: the engine moves bytes, the decider says where. The mesh
/// layer implements it over its config snapshot (VirtualService matches, weighted subsets,
/// load balancers); `skiff-proxy`'s standalone mode uses `RoundRobinDecider`.
///
/// Called on the event loop that owns the downstream connection, once per request, so it must
/// be cheap and thread-safe (several event loops call it).
public protocol RouteDecider: Sendable {
  /// How to handle a newly accepted downstream connection. Default: `.http2`.
  func decideConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision

  /// Where a `.detect` connection that turned out not to be HTTP goes. Default: `.reject`.
  func decideOpaqueConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision

  /// Where to send a request whose headers just arrived.
  func decide(_ request: RequestHead, connection: DownstreamConnectionInfo) -> RouteDecision

  /// The endpoint for a retry, after `tried` failed (most recent last); nil gives up. Default:
  /// decides again, preferring an endpoint not tried yet (Envoy's `previous_hosts` predicate,
  /// with up to 5 picks).
  func retryEndpoint(for request: RequestHead, route: ForwardRoute, tried: [Endpoint], connection: DownstreamConnectionInfo) -> Endpoint?

  /// Reports how an attempt ended. Default: nothing.
  func attemptFinished(_ outcome: AttemptOutcome)
}

extension RouteDecider {
  public func decideConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision { .http2 }

  public func decideOpaqueConnection(_ connection: DownstreamConnectionInfo) -> ConnectionDecision { .reject }

  public func retryEndpoint(for request: RequestHead, route: ForwardRoute, tried: [Endpoint], connection: DownstreamConnectionInfo) -> Endpoint? {
    var fallback: Endpoint?
    for _ in 0..<5 {
      guard case .forward(let next) = decide(request, connection: connection), next.cluster == route.cluster else {
        return fallback
      }
      if !tried.contains(next.endpoint) { return next.endpoint }
      fallback = fallback ?? next.endpoint
    }
    return fallback
  }

  public func attemptFinished(_ outcome: AttemptOutcome) {}
}
