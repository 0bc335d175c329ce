/// How a sidecar treats a port's traffic, decided from the Service port's name or
/// `appProtocol` (istio-facts §3).
public enum ServiceProtocol: String, Codable, Hashable, Sendable, CaseIterable {
  /// gRPC over HTTP/2: routed per stream, upstream HTTP/2.
  case grpc
  /// HTTP/2 (also `h2c`): routed per stream, upstream HTTP/2.
  case http2
  /// HTTP/1.1: routed per request, upstream HTTP/1.1.
  case http
  /// Declared TCP-like (`tcp`, `https`, `tls`, `mongo`, `redis`, `mysql`, or an unnamed
  /// server-first port): proxied as bytes to one upstream per connection.
  case tcp
  /// Not declared: sniffed per connection (Istio's "auto"). HTTP/1.1 and HTTP/2 are routed
  /// per request with the downstream's protocol upstream; anything else is proxied as TCP.
  case auto

  /// Whether the port is HTTP for sure (HTTP route tables apply to every connection).
  public var isHTTP: Bool { self == .grpc || self == .http2 || self == .http }

  /// Whether HTTP routes may apply (declared HTTP, or sniffed).
  public var hasRouteTable: Bool { self != .tcp }

  /// Whether connections may be proxied as bytes (declared TCP, or sniffed as not HTTP).
  public var hasTCPCluster: Bool { self == .tcp || self == .auto }

  /// Whether the upstream connection speaks HTTP/2 (sniffed ports use what the client spoke).
  public var upstreamHTTP2: Bool { self == .grpc || self == .http2 }

  /// Istio's protocol selection for a Service port (istio-facts §3): `appProtocol` wins over
  /// the name (`kubernetes.io/h2c` is HTTP/2, `kubernetes.io/ws` HTTP, `kubernetes.io/wss`
  /// TLS); otherwise the text before the first `-`, compared case-insensitively. A value
  /// that names no protocol is TCP on the server-first ports 25, 53, 3306 and 27017, and
  /// sniffed (`auto`) elsewhere. UDP and SCTP ports are not proxied (nil).
  public static func select(name: String?, appProtocol: String?, transport: String? = nil, port: Int? = nil) -> ServiceProtocol? {
    if let transport, transport.uppercased() == "UDP" || transport.uppercased() == "SCTP" { return nil }
    let value = (appProtocol?.isEmpty == false ? appProtocol : name) ?? ""
    let lower = value.lowercased()
    switch lower {
    case "kubernetes.io/h2c": return .http2
    case "kubernetes.io/ws": return .http
    case "kubernetes.io/wss": return .tcp
    default: break
    }
    if lower.hasPrefix("grpc-web") { return .grpc }
    let prefix = lower.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    switch prefix {
    case "grpc": return .grpc
    case "http2", "h2c": return .http2  // h2c: as the issue names it (Istio would sniff it as HTTP/2)
    case "http", "http_proxy": return .http
    case "tcp", "https", "tls", "mongo", "redis", "mysql", "udp": return .tcp
    default:
      if let port, [25, 53, 3306, 27017].contains(port) { return .tcp }
      return .auto
    }
  }
}

/// An outbound listener: connections the pod makes to `address:port` (a Service's
/// ClusterIP, read back with SO_ORIGINAL_DST) are handled according to `protocol`.
public struct OutboundListener: Codable, Hashable, Sendable {
  /// `<address>_<port>`, as Envoy names outbound listeners.
  public var name: String
  public var address: String
  public var port: Int
  public var `protocol`: ServiceProtocol
  /// The service behind the address: `istio-grpc-server.grpc-sidecar.svc.cluster.local`.
  public var service: String
  /// HTTP-like and sniffed ports: the route table that decides each request.
  public var routeTable: String?
  /// TCP and sniffed ports: the cluster a connection that is not HTTP goes to.
  public var tcpCluster: String?

  public init(
    address: String, port: Int, protocol proto: ServiceProtocol, service: String, routeTable: String? = nil,
    tcpCluster: String? = nil
  ) {
    self.name = "\(address)_\(port)"
    self.address = address
    self.port = port
    self.protocol = proto
    self.service = service
    self.routeTable = routeTable
    self.tcpCluster = tcpCluster
  }
}

/// An inbound listener: connections to the pod's `port` are forwarded to the application
/// on `targetPort` inside the pod.
public struct InboundListener: Codable, Hashable, Sendable {
  /// `inbound|<port>||`, Istio's inbound cluster name.
  public var name: String
  public var port: Int
  public var `protocol`: ServiceProtocol
  /// The application's port (the Service's targetPort resolved on this pod).
  public var targetPort: Int

  public init(port: Int, protocol proto: ServiceProtocol, targetPort: Int? = nil) {
    self.name = "inbound|\(port)||"
    self.port = port
    self.protocol = proto
    self.targetPort = targetPort ?? port
  }
}
