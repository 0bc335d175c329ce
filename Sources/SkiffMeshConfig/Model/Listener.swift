/// How a sidecar treats a port's traffic, decided from the Service port's name or
/// `appProtocol` (istio-facts §3).
public enum ServiceProtocol: String, Codable, Hashable, Sendable, CaseIterable {
  /// gRPC over HTTP/2: routed per stream, upstream HTTP/2.
  case grpc
  /// HTTP/2 (also `h2c`): routed per stream, upstream HTTP/2.
  case http2
  /// HTTP/1.1: routed per request, upstream HTTP/1.1.
  case http
  /// Anything else: proxied as bytes to one upstream per connection.
  case tcp

  /// Whether requests on this port are routed one by one (HTTP route tables apply).
  public var isHTTP: Bool { self != .tcp }

  /// Whether the upstream connection speaks HTTP/2.
  public var upstreamHTTP2: Bool { self == .grpc || self == .http2 }

  /// Istio's protocol selection for a Service port: `appProtocol` wins over the name
  /// (`kubernetes.io/h2c` is HTTP/2); otherwise the text before the first `-`, compared
  /// case-insensitively. Istio sniffs ports it cannot classify; Skiff matches their prefix
  /// (`grpc*`, `http2*`, `h2c*`, `http*`) and treats the rest as TCP.
  /// UDP ports are not proxied (nil).
  public static func select(name: String?, appProtocol: String?, transport: String? = nil) -> ServiceProtocol? {
    if let transport, transport.uppercased() == "UDP" || transport.uppercased() == "SCTP" { return nil }
    let value = (appProtocol?.isEmpty == false ? appProtocol : name) ?? ""
    let lower = value.lowercased()
    switch lower {
    case "kubernetes.io/h2c": return .http2
    case "kubernetes.io/ws": return .http
    default: break
    }
    let prefix = lower.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    switch prefix {
    case "grpc": return .grpc  // also grpc-web
    case "http2", "h2c": return .http2
    case "http", "http_proxy": return .http
    case "tcp", "https", "tls", "mongo", "redis", "mysql", "udp": return .tcp
    default:
      // Istio would sniff the protocol; Skiff has no sniffing and goes by the prefix
      // instead (`grpcbackend` is gRPC, as sniffing would find), else TCP.
      if prefix.hasPrefix("grpc") { return .grpc }
      if prefix.hasPrefix("http2") || prefix.hasPrefix("h2c") { return .http2 }
      if prefix.hasPrefix("http") && !prefix.hasPrefix("https") { return .http }
      return .tcp
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
  /// HTTP-like ports: the route table that decides each request.
  public var routeTable: String?
  /// TCP ports: the cluster every connection goes to.
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
