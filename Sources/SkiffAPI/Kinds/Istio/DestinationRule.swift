/// An Istio DestinationRule (networking.istio.io/v1): what happens to traffic for a host
/// after routing: subsets by labels, load balancing, connection pools, outlier detection, TLS.
public struct DestinationRule: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "networking.istio.io", version: "v1", servedVersions: ["v1", "v1beta1", "v1alpha3"],
    kind: "DestinationRule", plural: "destinationrules", namespaced: true, shortNames: ["dr"],
    categories: ["istio-io", "networking-istio-io"])

  /// The versioned schema of this object, "networking.istio.io/v1"; "networking.istio.io/v1beta1"
  /// and "networking.istio.io/v1alpha3" are served too, with the same fields.
  public var apiVersion: String?
  /// The kind of object, "DestinationRule".
  public var kind: String?
  /// Standard object metadata: name, namespace, labels, annotations and the fields the server
  /// manages. The namespace decides which clients see the rule first.
  public var metadata: ObjectMeta
  /// The rule itself: the host it applies to, its subsets and its traffic policies.
  public var spec: DestinationRuleSpec?
  /// Status that Istio's controllers may report about the rule, free-form. On Skiff, no
  /// controller writes it.
  /// ---
  /// Free-form, as the CRD declares it.
  public var status: JSONValue?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: DestinationRuleSpec? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

/// The settings of a DestinationRule: the host, its named subsets and the traffic policies
/// for connections to it.
public struct DestinationRuleSpec: Codable, Sendable, Equatable {
  /// Namespaces whose sidecars see this rule: "." for the rule's own namespace, "*" for all,
  /// or namespace names. Unset or empty means all namespaces; "~" is rejected, and "*" cannot
  /// be combined with other entries. A rule with a workloadSelector may only be exported to its
  /// own namespace.
  public var exportTo: [String]?
  /// The service the rule applies to. A short name such as "reviews" means that service in
  /// the rule's namespace (reviews.<namespace>.svc.cluster.local); a leading "*" matches a
  /// family of hosts, such as "*.example.com". Required. On Skiff, only Kubernetes Services are
  /// affected, and when several rules match, one wins (client's namespace, then the service's,
  /// then "istio-system"; exact host before wildcard; then oldest): rules are never merged.
  public var host: String?
  /// Named groups of the host's endpoints, each picked by pod labels, that VirtualService
  /// routes can send traffic to (for example one subset per version). Names must be unique.
  public var subsets: [Subset]?
  /// Load balancing, connection pool, outlier detection and TLS settings for all traffic to
  /// the host. Subsets and port-level settings can replace parts of it.
  public var trafficPolicy: TrafficPolicy?
  /// Limits the rule to the sidecars of pods with these labels in the rule's own namespace.
  /// When unset, the rule applies to every sidecar it is exported to.
  public var workloadSelector: WorkloadSelector?

  public init(host: String?, trafficPolicy: TrafficPolicy? = nil, subsets: [Subset]? = nil) {
    self.host = host
    self.trafficPolicy = trafficPolicy
    self.subsets = subsets
  }
}

/// A named set of a service's endpoints, picked by labels. VirtualService destinations refer
/// to it by name.
public struct Subset: Codable, Sendable, Equatable {
  /// Pod labels that select the subset's endpoints: an endpoint belongs to the subset when its
  /// pod carries all of them. Unset or empty selects every endpoint of the host.
  public var labels: [String: String]?
  /// Name of the subset, which VirtualService destinations give in their "subset" field.
  /// Required; letters, digits and "-" only, and unique within the rule.
  public var name: String?
  /// Traffic policy for this subset only. Each of its settings (loadBalancer, connectionPool,
  /// outlierDetection, tls, portLevelSettings) replaces the rule's when set; the ones left out
  /// are taken from the rule.
  public var trafficPolicy: TrafficPolicy?

  public init(name: String?, labels: [String: String]? = nil, trafficPolicy: TrafficPolicy? = nil) {
    self.name = name
    self.labels = labels
    self.trafficPolicy = trafficPolicy
  }
}

/// Policies for connections and requests to a destination: load balancing, connection
/// limits, outlier detection and TLS. At least one field must be set.
public struct TrafficPolicy: Codable, Sendable, Equatable {
  /// Limits on the connections and requests a client sidecar opens to each endpoint. On Skiff,
  /// the settings are validated and passed to the sidecar, which does not enforce them yet.
  public var connectionPool: ConnectionPoolSettings?
  /// How a client sidecar picks among the destination's endpoints. When unset, Istio uses
  /// "LEAST_REQUEST". On Skiff, the default is "ROUND_ROBIN".
  public var loadBalancer: LoadBalancerSettings?
  /// Passive health checking: endpoints that keep failing are taken out of load balancing for
  /// a while. Off unless set. On Skiff, only HTTP requests count: failures of TCP connections
  /// passed through to the service are not checked.
  public var outlierDetection: OutlierDetection?
  /// Policies for individual ports of the destination, at most 4096. For traffic to a listed
  /// port, the entry replaces loadBalancer, connectionPool, outlierDetection and tls as a whole:
  /// what the entry leaves out falls back to defaults, not to the settings above.
  public var portLevelSettings: [PortTrafficPolicy]?
  /// Sends a PROXY protocol header, carrying the client's address, at the start of each
  /// upstream connection. Cannot be combined with tunnel. On Skiff, it has no effect.
  public var proxyProtocol: ProxyProtocol?
  /// Caps the retries in flight to the destination at a share of its active and pending
  /// requests: an object with "percent" (default 20), "minRetryConcurrency" (default 3) and
  /// "budgetInterval". On Skiff, it has no effect.
  public var retryBudget: JSONValue?
  /// TLS settings for connections to the destination's endpoints. When unset, Istio uses mutual
  /// TLS to endpoints that have a sidecar and plain text to the others.
  public var tls: ClientTLSSettings?
  /// Carries TCP connections to the destination inside an HTTP CONNECT or POST request to a
  /// target host and port: an object with "protocol", "targetHost" and "targetPort". Only for
  /// TCP and TLS routes; cannot be combined with proxyProtocol. On Skiff, it has no effect.
  public var tunnel: JSONValue?

  public init(loadBalancer: LoadBalancerSettings? = nil, connectionPool: ConnectionPoolSettings? = nil,
              outlierDetection: OutlierDetection? = nil, tls: ClientTLSSettings? = nil) {
    self.loadBalancer = loadBalancer
    self.connectionPool = connectionPool
    self.outlierDetection = outlierDetection
    self.tls = tls
  }
}

/// Traffic policy for one port of a destination. It replaces the rule-level settings for that
/// port; at least one of its policies must be set.
public struct PortTrafficPolicy: Codable, Sendable, Equatable {
  /// Limits on connections and requests to each endpoint, for this port. On Skiff, the sidecar
  /// does not enforce them yet.
  public var connectionPool: ConnectionPoolSettings?
  /// How a client sidecar picks among the endpoints, for this port. When unset, Istio's default
  /// "LEAST_REQUEST" applies. On Skiff, the default is "ROUND_ROBIN".
  public var loadBalancer: LoadBalancerSettings?
  /// Passive health checking for this port. When unset, it is off for this port.
  public var outlierDetection: OutlierDetection?
  /// The destination port this policy applies to. Required.
  public var port: PortSelector?
  /// TLS settings for connections to this port. When unset, the automatic choice applies:
  /// mutual TLS to endpoints with a sidecar, plain text to the others.
  public var tls: ClientTLSSettings?

  public init(port: UInt32?) { self.port = PortSelector(number: port) }
}

/// PROXY protocol settings for upstream connections.
public struct ProxyProtocol: Codable, Sendable, Equatable {
  /// The PROXY protocol version: "V1" (text header, the default) or "V2" (binary header).
  /// On Skiff, no header is sent.
  public var version: String?

  public init(version: String?) { self.version = version }
}

/// How a client sidecar chooses among the endpoints of a destination. Set either simple or
/// consistentHash.
public struct LoadBalancerSettings: Codable, Sendable, Equatable {
  /// Consistent-hash load balancing for soft session affinity: requests with the same key
  /// (header, cookie, query parameter or source IP) go to the same endpoint while the set of
  /// endpoints stays the same. On Skiff, it is not implemented: round robin is used instead.
  public var consistentHash: ConsistentHashLB?
  /// Locality-aware load balancing, which prefers endpoints near the client and controls
  /// failover between regions; it replaces the mesh-wide settings as a whole. Cannot be
  /// combined with zoneAwareLbSetting. On Skiff, it has no effect.
  public var localityLbSetting: LocalityLoadBalancerSetting?
  /// The algorithm: "ROUND_ROBIN" (each endpoint in turn), "LEAST_REQUEST" (fewest requests in
  /// flight), "RANDOM", "PASSTHROUGH" (no balancing: connect to the address the client dialled),
  /// "LEAST_CONN" (old name of "LEAST_REQUEST") or "UNSPECIFIED" (Istio picks "LEAST_REQUEST").
  /// On Skiff, "UNSPECIFIED" or unset means "ROUND_ROBIN", and "LEAST_REQUEST" compares every
  /// endpoint instead of two picked at random.
  public var simple: String?
  /// Slow start: for a window after an endpoint appears, it gets a share of traffic that grows
  /// towards its full share. An object with "duration" (required), "minimumPercent" (default 10)
  /// and "aggression" (default 1.0); only for "ROUND_ROBIN" and "LEAST_REQUEST". On Skiff, it
  /// has no effect.
  public var warmup: JSONValue?
  /// Deprecated: use warmup. Length of the slow-start window for new endpoints, as a duration
  /// such as "60s"; at least 1ms. On Skiff, it has no effect.
  public var warmupDurationSecs: String?
  /// Zone-aware routing, which keeps traffic in the client's zone in proportion to how clients
  /// and endpoints are spread over zones; it replaces the mesh-wide settings as a whole. Cannot
  /// be combined with localityLbSetting. On Skiff, it has no effect.
  public var zoneAwareLbSetting: JSONValue?

  public init(simple: String? = nil, consistentHash: ConsistentHashLB? = nil) {
    self.simple = simple
    self.consistentHash = consistentHash
  }

  /// The values the CRD schema accepts for `simple`, in its order.
  public static let simpleValues = ["UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"]
}

/// Consistent-hash load balancing: a key taken from each request or connection decides the
/// endpoint, so the same key keeps reaching the same endpoint. Set one key.
public struct ConsistentHashLB: Codable, Sendable, Equatable {
  /// Hash on the value of an HTTP cookie, which the proxy creates when a ttl is given and the
  /// request has none. On Skiff, it has no effect.
  public var httpCookie: HTTPCookie?
  /// Hash on the value of this HTTP request header. On Skiff, it has no effect.
  public var httpHeaderName: String?
  /// Hash on the value of this URL query parameter. On Skiff, it has no effect.
  public var httpQueryParameterName: String?
  /// Use the Maglev hashing algorithm. Cannot be combined with minimumRingSize. On Skiff, it has
  /// no effect.
  public var maglev: Maglev?
  /// Deprecated: use ringHash.minimumRingSize. Minimum number of virtual nodes on the hash
  /// ring; cannot be combined with maglev or ringHash. On Skiff, it has no effect.
  public var minimumRingSize: UInt64?
  /// Use the ring hash algorithm (the default) with these settings. On Skiff, it has no effect.
  public var ringHash: RingHash?
  /// Hash on the client's source IP address; works for TCP as well as HTTP. On Skiff, it has
  /// no effect.
  public var useSourceIp: Bool?

  public init() {}

  /// The HTTP cookie whose value is the hash key.
  public struct HTTPCookie: Codable, Sendable, Equatable {
    /// Extra attributes, such as "SameSite" or "Secure", added to a cookie the proxy creates.
    /// Names must be non-empty and unique.
    public var attributes: [Attribute]?
    /// Name of the cookie. Required.
    public var name: String?
    /// Path set on a cookie the proxy creates.
    public var path: String?
    /// Lifetime of a cookie the proxy creates, as a duration such as "1h". When set and the
    /// request has no such cookie, the proxy creates one; "0s" makes it a session cookie.
    public var ttl: String?

    public init(name: String?, path: String? = nil, ttl: String? = nil) {
      self.name = name
      self.path = path
      self.ttl = ttl
    }

    /// One extra attribute of a generated cookie.
    public struct Attribute: Codable, Sendable, Equatable {
      /// Name of the attribute, such as "SameSite". Required.
      public var name: String?
      /// Value of the attribute, such as "Strict"; empty for flags such as "HttpOnly".
      public var value: String?
    }
  }

  /// Settings of the Maglev hashing algorithm.
  public struct Maglev: Codable, Sendable, Equatable {
    /// Size of the Maglev lookup table: a prime number below 5000011. Larger tables move fewer
    /// keys when endpoints come and go. Required when maglev is set.
    public var tableSize: UInt64?
  }

  /// Settings of the ring hash algorithm.
  public struct RingHash: Codable, Sendable, Equatable {
    /// Minimum number of virtual nodes on the ring. Larger rings spread load more evenly.
    /// Defaults to 1024.
    public var minimumRingSize: UInt64?
  }
}

/// Locality-aware load balancing: how traffic is spread over, or fails over between,
/// localities written as "region/zone/sub-zone".
public struct LocalityLoadBalancerSetting: Codable, Sendable, Equatable {
  /// Explicit traffic shares from client localities to destination localities. Cannot be
  /// combined with failover. On Skiff, it has no effect.
  public var distribute: [Distribute]?
  /// Turns locality load balancing on or off for this destination, overriding the mesh-wide
  /// setting; unset keeps the mesh-wide setting. On Skiff, it has no effect.
  public var enabled: Bool?
  /// Which region takes the traffic when the endpoints in a client's region are unhealthy.
  /// Needs outlierDetection to notice unhealthy endpoints; cannot be combined with distribute.
  /// On Skiff, it has no effect.
  public var failover: [Failover]?
  /// Ordered list of label keys, such as "topology.kubernetes.io/zone", that rank endpoints for
  /// failover: endpoints sharing more of the leading labels with the client come first. Needs
  /// outlierDetection. On Skiff, it has no effect.
  public var failoverPriority: [String]?

  public init() {}

  /// Traffic shares for clients in one locality.
  public struct Distribute: Codable, Sendable, Equatable {
    /// The client locality as "region/zone/sub-zone"; "*" stands for any value of a trailing
    /// part, as in "us-west/zone1/*".
    public var from: String?
    /// Destination localities and the percentage of traffic each gets. Each weight is 1 to 100
    /// and the weights add up to 100.
    public var to: [String: UInt32]?
  }

  /// Failover from one region to another.
  public struct Failover: Codable, Sendable, Equatable {
    /// The region whose clients this entry applies to; a region name only, without "/" or "*".
    public var from: String?
    /// The region that takes the traffic when the endpoints in the from region are unhealthy.
    /// Must differ from from.
    public var to: String?
  }
}

/// Limits and timeouts for a client sidecar's connections to each endpoint of a destination,
/// at the TCP level and the HTTP level. At least one of tcp and http must be set.
public struct ConnectionPoolSettings: Codable, Sendable, Equatable {
  /// Request-level settings, for HTTP/1.1, HTTP/2 and gRPC traffic. On Skiff, the sidecar does
  /// not enforce them yet.
  public var http: HTTPSettings?
  /// Connection-level settings, for both TCP and HTTP traffic. On Skiff, the sidecar does not
  /// enforce them yet.
  public var tcp: TCPSettings?

  public init(tcp: TCPSettings? = nil, http: HTTPSettings? = nil) {
    self.tcp = tcp
    self.http = http
  }

  /// Connection-level limits and timeouts.
  public struct TCPSettings: Codable, Sendable, Equatable {
    /// Timeout for setting up a TCP connection, as a duration such as "30ms" or "5s"; at least
    /// 1ms. Defaults to "10s". On Skiff, the sidecar does not enforce it yet: it always waits 10
    /// seconds.
    public var connectTimeout: String?
    /// Closes an upstream connection after this long without bytes sent or received. Defaults to
    /// 1 hour; "0s" turns the timeout off. On Skiff, the sidecar does not enforce it yet.
    public var idleTimeout: String?
    /// Maximum lifetime of an upstream connection, counted from when it was set up; at least
    /// 1ms. Unset means no limit. On Skiff, the sidecar does not enforce it yet.
    public var maxConnectionDuration: String?
    /// Maximum number of HTTP/1.1 or TCP connections to one endpoint. Defaults to 2^32-1, that
    /// is no practical limit; must not be negative. On Skiff, the sidecar does not enforce it yet.
    public var maxConnections: Int32?
    /// Turns on TCP keepalive (SO_KEEPALIVE) for upstream connections, with these settings.
    /// On Skiff, the sidecar does not enforce it yet.
    public var tcpKeepalive: TCPKeepalive?

    public init() {}

    /// TCP keepalive probe settings; fields left out use the operating system's values.
    public struct TCPKeepalive: Codable, Sendable, Equatable {
      /// Time between keepalive probes, as a duration; at least 1ms. Defaults to the operating
      /// system's value (75 seconds on Linux).
      public var interval: String?
      /// Number of unanswered probes after which the connection counts as dead. Defaults to the
      /// operating system's value (9 on Linux).
      public var probes: UInt32?
      /// How long a connection must be idle before probes start, as a duration; at least 1ms.
      /// Defaults to the operating system's value (2 hours on Linux).
      public var time: String?
    }
  }

  /// Request-level limits for HTTP/1.1, HTTP/2 and gRPC traffic.
  public struct HTTPSettings: Codable, Sendable, Equatable {
    /// Whether HTTP/1.1 connections to the destination are upgraded to HTTP/2: "DEFAULT" (follow
    /// the mesh-wide setting), "DO_NOT_UPGRADE" or "UPGRADE". "UPGRADE" is not allowed with
    /// useClientProtocol. On Skiff, the sidecar ignores it.
    public var h2UpgradePolicy: String?
    /// Maximum number of requests waiting for a connection from the pool, for HTTP/1.1 and
    /// HTTP/2. Defaults to 2^32-1; must not be negative. On Skiff, the sidecar does not enforce
    /// it yet.
    public var http1MaxPendingRequests: Int32?
    /// Sends HTTP/2 PING frames on upstream connections to notice dead peers. On Skiff, the
    /// sidecar ignores it.
    public var http2KeepAlive: HTTP2KeepAlive?
    /// Maximum number of requests in flight to the destination at once, for HTTP/1.1 and HTTP/2.
    /// Defaults to 2^32-1; must not be negative. On Skiff, the sidecar does not enforce it yet.
    public var http2MaxRequests: Int32?
    /// Closes a pooled upstream connection after this long with no request in flight, as a
    /// duration such as "30s"; at least 1ms. Defaults to 1 hour. On Skiff, the sidecar does not
    /// enforce it yet.
    public var idleTimeout: String?
    /// Maximum number of concurrent streams on one HTTP/2 connection to an endpoint. Defaults to
    /// 2^31-1; must not be negative. On Skiff, the sidecar does not enforce it yet.
    public var maxConcurrentStreams: Int32?
    /// Maximum number of requests sent over one upstream connection before it is closed; 1 turns
    /// keep-alive off. Defaults to 0, meaning no limit. On Skiff, the sidecar does not enforce it
    /// yet.
    public var maxRequestsPerConnection: Int32?
    /// Maximum number of retries in flight to all endpoints of the destination at once.
    /// Defaults to 2^32-1; must not be negative. On Skiff, the sidecar does not enforce it yet.
    public var maxRetries: Int32?
    /// When true, the upstream connection uses the HTTP version of the client's request and
    /// h2UpgradePolicy is ignored. Defaults to false. On Skiff, the sidecar ignores it.
    public var useClientProtocol: Bool?

    public init() {}

    /// HTTP/2 PING settings for upstream connections.
    public struct HTTP2KeepAlive: Codable, Sendable, Equatable {
      /// Time between PING frames, as a duration; at least 1ms. Required.
      public var interval: String?
      /// How long to wait for a PING acknowledgement before closing the connection, as a
      /// duration; at least 1ms. Required.
      public var timeout: String?
    }
  }
}

/// Passive health checking of a destination's endpoints: an endpoint that fails repeatedly
/// is ejected from load balancing for a time that grows with each ejection.
public struct OutlierDetection: Codable, Sendable, Equatable {
  /// Base ejection period, as a duration such as "30s"; an endpoint stays out for this period
  /// times the number of times it has been ejected. At least 1ms; defaults to "30s". On Skiff,
  /// that number is never lowered or capped, so an endpoint that keeps failing stays out longer
  /// each time.
  public var baseEjectionTime: String?
  /// Number of 5xx errors in a row after which an endpoint is ejected; for plain TCP, failed
  /// or timed-out connections count. Defaults to 5; 0 turns this check off. On Skiff,
  /// connection failures, resets and timeouts of HTTP requests count too.
  public var consecutive5xxErrors: UInt32?
  /// Deprecated: use consecutive5xxErrors or consecutiveGatewayErrors. Istio treats it as a
  /// threshold of consecutive 502, 503 and 504 errors. On Skiff, it stands in for
  /// consecutive5xxErrors when that is unset, so every 5xx response counts.
  public var consecutiveErrors: Int32?
  /// Number of gateway errors in a row (502, 503 or 504, and failed connections) after which an
  /// endpoint is ejected. Defaults to 0, which turns this check off. These errors also count as
  /// 5xx errors, so a value at or above consecutive5xxErrors has no effect.
  public var consecutiveGatewayErrors: UInt32?
  /// Number of failures raised by the proxy itself (failed connection, timeout, reset) in a row
  /// after which an endpoint is ejected. Defaults to 5; used only when
  /// splitExternalLocalOriginErrors is true. On Skiff, it is ignored.
  public var consecutiveLocalOriginFailures: UInt32?
  /// Time between ejection analysis sweeps, as a duration such as "10s"; at least 1ms. Defaults
  /// to "10s". On Skiff, it has no effect: ejection happens at the failure that reaches a
  /// threshold and ends when the ejection period is over.
  public var interval: String?
  /// Largest percentage (0 to 100) of the destination's endpoints that may be ejected at the
  /// same time; one endpoint can always be ejected. Defaults to 10.
  public var maxEjectionPercent: Int32?
  /// Ejection applies only while at least this percentage (0 to 100) of the endpoints is
  /// healthy; below it, traffic goes to all endpoints, ejected or not. Defaults to 0, which
  /// turns the threshold off.
  public var minHealthPercent: Int32?
  /// HTTP status codes (100 to 599) that count as errors, in place of every 5xx code; the
  /// thresholds above still decide when to eject. On Skiff, it is ignored.
  public var outlierDetectionHttpErrorCodes: [Int32]?
  /// When true, failures raised by the proxy itself (failed connection, timeout, reset) are
  /// counted apart from the endpoint's responses, against consecutiveLocalOriginFailures.
  /// Defaults to false. On Skiff, it is ignored: such failures always count as 5xx and gateway
  /// errors.
  public var splitExternalLocalOriginErrors: Bool?

  public init() {}
}

/// TLS settings for connections from a client sidecar to the endpoints of a destination.
public struct ClientTLSSettings: Codable, Sendable, Equatable {
  /// Path to a file of CA certificates that the server's certificate is verified against;
  /// when empty, the system's CA certificates are used. Leave empty with "ISTIO_MUTUAL". On
  /// Skiff, it is ignored.
  public var caCertificates: String?
  /// Path to a certificate revocation list; a server certificate on the list is refused. On
  /// Skiff, it is ignored.
  public var caCrl: String?
  /// Path to the client certificate presented to the server. Required for "MUTUAL" unless
  /// credentialName is set; leave empty with "ISTIO_MUTUAL". On Skiff, it is ignored.
  public var clientCertificate: String?
  /// Name of a Secret in the client's namespace that holds the client certificate, key and CA
  /// certificates, instead of the file paths. Sidecars use it only when the rule has a
  /// workloadSelector. On Skiff, it is ignored.
  public var credentialName: String?
  /// When true, the server certificate's CA signature and subject alternative names are not
  /// verified. Defaults to false. On Skiff, it is ignored.
  public var insecureSkipVerify: Bool?
  /// "DISABLE" (plain text), "SIMPLE" (TLS to the server), "MUTUAL" (mutual TLS with the
  /// certificates given here) or "ISTIO_MUTUAL" (mutual TLS with the mesh's own certificates).
  /// On Skiff, "DISABLE" means plain text even to sidecars, "ISTIO_MUTUAL" mesh mutual TLS to
  /// every endpoint (failing for pods without a sidecar), and "SIMPLE" or "MUTUAL" the
  /// automatic choice: mesh mutual TLS to pods with a sidecar, plain text to the others.
  public var mode: String?
  /// Path to the client's private key. Required for "MUTUAL" unless credentialName is set;
  /// leave empty with "ISTIO_MUTUAL". On Skiff, it is ignored.
  public var privateKey: String?
  /// Server name (SNI) sent in the TLS handshake. When unset, Istio takes it from the request's
  /// host for "SIMPLE" and "MUTUAL". On Skiff, it is ignored.
  public var sni: String?
  /// Names of which the server certificate must carry one among its subject alternative names.
  /// When unset, the certificate is checked against the request's host. On Skiff, it is ignored.
  public var subjectAltNames: [String]?

  public init(mode: String? = nil) { self.mode = mode }
}
