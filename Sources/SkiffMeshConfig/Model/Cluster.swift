/// An upstream cluster: a service port (optionally narrowed to a DestinationRule subset)
/// with its endpoints and traffic policy.
public struct Cluster: Codable, Hashable, Sendable {
  /// `outbound|<port>|<subset>|<service FQDN>`, as Istio names clusters.
  public var name: String
  public var service: String
  public var port: Int
  public var subset: String?
  /// How the upstream connection is spoken.
  public var `protocol`: ServiceProtocol
  /// Ready endpoints only, sorted by address and port.
  public var endpoints: [Endpoint]
  public var loadBalancer: LoadBalancerPolicy
  /// Present only when a DestinationRule configures it (as in Istio).
  public var outlierDetection: OutlierDetectionPolicy?
  public var connectionPool: ConnectionPoolPolicy

  public init(
    service: String, port: Int, subset: String? = nil, protocol proto: ServiceProtocol, endpoints: [Endpoint],
    loadBalancer: LoadBalancerPolicy = .roundRobin, outlierDetection: OutlierDetectionPolicy? = nil,
    connectionPool: ConnectionPoolPolicy = ConnectionPoolPolicy()
  ) {
    self.name = ClusterName.outbound(port: port, subset: subset, service: service)
    self.service = service
    self.port = port
    self.subset = subset
    self.protocol = proto
    self.endpoints = endpoints
    self.loadBalancer = loadBalancer
    self.outlierDetection = outlierDetection
    self.connectionPool = connectionPool
  }
}

/// Istio's cluster names.
public enum ClusterName {
  /// `outbound|8080|v1|istio-grpc-server.grpc-sidecar.svc.cluster.local`; no subset:
  /// `outbound|8080||...`.
  public static func outbound(port: Int, subset: String?, service: String) -> String {
    "outbound|\(port)|\(subset ?? "")|\(service)"
  }

  /// The parts of an outbound cluster name, or nil when it is not one.
  public static func parse(_ name: String) -> (port: Int, subset: String?, service: String)? {
    let parts = name.split(separator: "|", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "outbound", let port = Int(parts[1]) else { return nil }
    return (port, parts[2].isEmpty ? nil : String(parts[2]), String(parts[3]))
  }

  /// Envoy's cluster for destinations no service claims (mesh `ALLOW_ANY`).
  public static let passthrough = "PassthroughCluster"
}

/// One upstream address: a ready pod's IP and port, with the pod's labels (subsets and
/// telemetry read them).
public struct Endpoint: Codable, Hashable, Sendable, Comparable {
  public var address: String
  public var port: Int
  /// `<namespace>/<pod>` when the endpoint is a pod.
  public var pod: String?
  public var labels: [String: String]
  /// The SPIFFE ID the endpoint's sidecar presents: set when connections to it use Istio
  /// mutual TLS (the pod has a sidecar and no DestinationRule disables TLS: Istio's
  /// auto-mTLS, endpoint label `tlsMode: istio`); nil for plaintext.
  public var peerIdentity: String?

  public init(address: String, port: Int, pod: String? = nil, labels: [String: String] = [:], peerIdentity: String? = nil) {
    self.address = address
    self.port = port
    self.pod = pod
    self.labels = labels
    self.peerIdentity = peerIdentity
  }

  /// `10.244.0.5:8080`.
  public var hostPort: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }

  public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
    (lhs.address, lhs.port) < (rhs.address, rhs.port)
  }
}

/// DestinationRule `loadBalancer.simple`. Skiff's default is ROUND_ROBIN (Istio's is
/// LEAST_REQUEST since 1.14): it gives the walkthrough's strict v1/v2 alternation.
public enum LoadBalancerPolicy: String, Codable, Hashable, Sendable, CaseIterable {
  case roundRobin = "ROUND_ROBIN"
  case leastRequest = "LEAST_REQUEST"
  case random = "RANDOM"
  /// Connect to the original destination the client asked for.
  case passthrough = "PASSTHROUGH"
}

/// DestinationRule `outlierDetection` with Istio's defaults filled in.
public struct OutlierDetectionPolicy: Codable, Hashable, Sendable {
  /// Consecutive 5xx (and locally originated failures) before ejection; 0 disables.
  public var consecutive5xxErrors: Int
  /// Consecutive 502/503/504 (and local failures) before ejection; 0 disables (default).
  public var consecutiveGatewayErrors: Int
  public var interval: MeshDuration
  /// Ejection time = base × number of times the endpoint was ejected.
  public var baseEjectionTime: MeshDuration
  public var maxEjectionPercent: Int
  /// Below this share of healthy endpoints, the balancer ignores ejections (panic mode);
  /// 0 (Istio's default) disables panic mode.
  public var minHealthPercent: Int

  public init(
    consecutive5xxErrors: Int = 5, consecutiveGatewayErrors: Int = 0, interval: MeshDuration = .seconds(10),
    baseEjectionTime: MeshDuration = .seconds(30), maxEjectionPercent: Int = 10, minHealthPercent: Int = 0
  ) {
    self.consecutive5xxErrors = consecutive5xxErrors
    self.consecutiveGatewayErrors = consecutiveGatewayErrors
    self.interval = interval
    self.baseEjectionTime = baseEjectionTime
    self.maxEjectionPercent = maxEjectionPercent
    self.minHealthPercent = minHealthPercent
  }
}

/// DestinationRule `connectionPool` with Istio's defaults (limits are `UInt32.max` unless
/// set: Istio writes them even without a DestinationRule).
public struct ConnectionPoolPolicy: Codable, Hashable, Sendable {
  public var maxConnections: UInt32
  public var connectTimeout: MeshDuration
  public var idleTimeout: MeshDuration
  public var http1MaxPendingRequests: UInt32
  public var http2MaxRequests: UInt32
  /// 0 = unlimited.
  public var maxRequestsPerConnection: UInt32
  public var maxRetries: UInt32
  public var maxConcurrentStreams: UInt32

  public init(
    maxConnections: UInt32 = .max, connectTimeout: MeshDuration = .seconds(10), idleTimeout: MeshDuration = .seconds(3600),
    http1MaxPendingRequests: UInt32 = .max, http2MaxRequests: UInt32 = .max, maxRequestsPerConnection: UInt32 = 0,
    maxRetries: UInt32 = .max, maxConcurrentStreams: UInt32 = UInt32(Int32.max)
  ) {
    self.maxConnections = maxConnections
    self.connectTimeout = connectTimeout
    self.idleTimeout = idleTimeout
    self.http1MaxPendingRequests = http1MaxPendingRequests
    self.http2MaxRequests = http2MaxRequests
    self.maxRequestsPerConnection = maxRequestsPerConnection
    self.maxRetries = maxRetries
    self.maxConcurrentStreams = maxConcurrentStreams
  }
}
