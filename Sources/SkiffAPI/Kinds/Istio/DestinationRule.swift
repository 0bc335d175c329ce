/// An Istio DestinationRule (networking.istio.io/v1): what happens to traffic for a host
/// after routing: subsets by labels, load balancing, connection pools, outlier detection, TLS.
public struct DestinationRule: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "networking.istio.io", version: "v1", servedVersions: ["v1", "v1beta1", "v1alpha3"],
    kind: "DestinationRule", plural: "destinationrules", namespaced: true, shortNames: ["dr"],
    categories: ["istio-io", "networking-istio-io"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: DestinationRuleSpec?
  /// Free-form, as the CRD declares it.
  public var status: JSONValue?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: DestinationRuleSpec? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

public struct DestinationRuleSpec: Codable, Sendable, Equatable {
  public var exportTo: [String]?
  public var host: String?
  public var subsets: [Subset]?
  public var trafficPolicy: TrafficPolicy?
  public var workloadSelector: WorkloadSelector?

  public init(host: String?, trafficPolicy: TrafficPolicy? = nil, subsets: [Subset]? = nil) {
    self.host = host
    self.trafficPolicy = trafficPolicy
    self.subsets = subsets
  }
}

/// A named set of a service's endpoints, picked by labels.
public struct Subset: Codable, Sendable, Equatable {
  public var labels: [String: String]?
  public var name: String?
  public var trafficPolicy: TrafficPolicy?

  public init(name: String?, labels: [String: String]? = nil, trafficPolicy: TrafficPolicy? = nil) {
    self.name = name
    self.labels = labels
    self.trafficPolicy = trafficPolicy
  }
}

public struct TrafficPolicy: Codable, Sendable, Equatable {
  public var connectionPool: ConnectionPoolSettings?
  public var loadBalancer: LoadBalancerSettings?
  public var outlierDetection: OutlierDetection?
  public var portLevelSettings: [PortTrafficPolicy]?
  public var proxyProtocol: ProxyProtocol?
  public var retryBudget: JSONValue?
  public var tls: ClientTLSSettings?
  public var tunnel: JSONValue?

  public init(loadBalancer: LoadBalancerSettings? = nil, connectionPool: ConnectionPoolSettings? = nil,
              outlierDetection: OutlierDetection? = nil, tls: ClientTLSSettings? = nil) {
    self.loadBalancer = loadBalancer
    self.connectionPool = connectionPool
    self.outlierDetection = outlierDetection
    self.tls = tls
  }
}

public struct PortTrafficPolicy: Codable, Sendable, Equatable {
  public var connectionPool: ConnectionPoolSettings?
  public var loadBalancer: LoadBalancerSettings?
  public var outlierDetection: OutlierDetection?
  public var port: PortSelector?
  public var tls: ClientTLSSettings?

  public init(port: UInt32?) { self.port = PortSelector(number: port) }
}

public struct ProxyProtocol: Codable, Sendable, Equatable {
  /// `V1` or `V2`.
  public var version: String?

  public init(version: String?) { self.version = version }
}

public struct LoadBalancerSettings: Codable, Sendable, Equatable {
  public var consistentHash: ConsistentHashLB?
  public var localityLbSetting: LocalityLoadBalancerSetting?
  /// `UNSPECIFIED`, `LEAST_CONN`, `RANDOM`, `PASSTHROUGH`, `ROUND_ROBIN`, `LEAST_REQUEST`.
  public var simple: String?
  public var warmup: JSONValue?
  public var warmupDurationSecs: String?
  public var zoneAwareLbSetting: JSONValue?

  public init(simple: String? = nil, consistentHash: ConsistentHashLB? = nil) {
    self.simple = simple
    self.consistentHash = consistentHash
  }

  /// The values the CRD schema accepts for `simple`, in its order.
  public static let simpleValues = ["UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"]
}

public struct ConsistentHashLB: Codable, Sendable, Equatable {
  public var httpCookie: HTTPCookie?
  public var httpHeaderName: String?
  public var httpQueryParameterName: String?
  public var maglev: Maglev?
  public var minimumRingSize: UInt64?
  public var ringHash: RingHash?
  public var useSourceIp: Bool?

  public init() {}

  public struct HTTPCookie: Codable, Sendable, Equatable {
    public var attributes: [Attribute]?
    public var name: String?
    public var path: String?
    public var ttl: String?

    public init(name: String?, path: String? = nil, ttl: String? = nil) {
      self.name = name
      self.path = path
      self.ttl = ttl
    }

    public struct Attribute: Codable, Sendable, Equatable {
      public var name: String?
      public var value: String?
    }
  }

  public struct Maglev: Codable, Sendable, Equatable {
    public var tableSize: UInt64?
  }

  public struct RingHash: Codable, Sendable, Equatable {
    public var minimumRingSize: UInt64?
  }
}

public struct LocalityLoadBalancerSetting: Codable, Sendable, Equatable {
  public var distribute: [Distribute]?
  public var enabled: Bool?
  public var failover: [Failover]?
  public var failoverPriority: [String]?

  public init() {}

  public struct Distribute: Codable, Sendable, Equatable {
    public var from: String?
    public var to: [String: UInt32]?
  }

  public struct Failover: Codable, Sendable, Equatable {
    public var from: String?
    public var to: String?
  }
}

public struct ConnectionPoolSettings: Codable, Sendable, Equatable {
  public var http: HTTPSettings?
  public var tcp: TCPSettings?

  public init(tcp: TCPSettings? = nil, http: HTTPSettings? = nil) {
    self.tcp = tcp
    self.http = http
  }

  public struct TCPSettings: Codable, Sendable, Equatable {
    public var connectTimeout: String?
    public var idleTimeout: String?
    public var maxConnectionDuration: String?
    public var maxConnections: Int32?
    public var tcpKeepalive: TCPKeepalive?

    public init() {}

    public struct TCPKeepalive: Codable, Sendable, Equatable {
      public var interval: String?
      public var probes: UInt32?
      public var time: String?
    }
  }

  public struct HTTPSettings: Codable, Sendable, Equatable {
    /// `DEFAULT`, `DO_NOT_UPGRADE`, `UPGRADE`.
    public var h2UpgradePolicy: String?
    public var http1MaxPendingRequests: Int32?
    public var http2KeepAlive: HTTP2KeepAlive?
    public var http2MaxRequests: Int32?
    public var idleTimeout: String?
    public var maxConcurrentStreams: Int32?
    public var maxRequestsPerConnection: Int32?
    public var maxRetries: Int32?
    public var useClientProtocol: Bool?

    public init() {}

    public struct HTTP2KeepAlive: Codable, Sendable, Equatable {
      public var interval: String?
      public var timeout: String?
    }
  }
}

public struct OutlierDetection: Codable, Sendable, Equatable {
  public var baseEjectionTime: String?
  public var consecutive5xxErrors: UInt32?
  public var consecutiveErrors: Int32?
  public var consecutiveGatewayErrors: UInt32?
  public var consecutiveLocalOriginFailures: UInt32?
  public var interval: String?
  public var maxEjectionPercent: Int32?
  public var minHealthPercent: Int32?
  public var outlierDetectionHttpErrorCodes: [Int32]?
  public var splitExternalLocalOriginErrors: Bool?

  public init() {}
}

public struct ClientTLSSettings: Codable, Sendable, Equatable {
  public var caCertificates: String?
  public var caCrl: String?
  public var clientCertificate: String?
  public var credentialName: String?
  public var insecureSkipVerify: Bool?
  /// `DISABLE`, `SIMPLE`, `MUTUAL`, `ISTIO_MUTUAL`.
  public var mode: String?
  public var privateKey: String?
  public var sni: String?
  public var subjectAltNames: [String]?

  public init(mode: String? = nil) { self.mode = mode }
}
