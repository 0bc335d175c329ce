/// An Istio VirtualService (networking.istio.io/v1): rules that decide how requests sent to a set of
/// hosts are matched and where they go, with weighted splits, retries, timeouts and injected faults.
/// On Skiff, the sidecars apply these rules to traffic addressed to Kubernetes Services; the field
/// descriptions say which parts are accepted but not acted on.
public struct VirtualService: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "networking.istio.io", version: "v1", servedVersions: ["v1", "v1beta1", "v1alpha3"],
    kind: "VirtualService", plural: "virtualservices", namespaced: true, shortNames: ["vs"],
    categories: ["istio-io", "networking-istio-io"])

  /// The versioned schema of this object: "networking.istio.io/v1". The older versions
  /// "networking.istio.io/v1beta1" and "networking.istio.io/v1alpha3" are served with the same fields.
  public var apiVersion: String?
  /// The kind of object, always "VirtualService".
  public var kind: String?
  /// Standard object metadata: name, namespace, labels, annotations and the fields the server sets.
  public var metadata: ObjectMeta
  /// The routing rules: the hosts they apply to and the HTTP, TCP and TLS routes.
  public var spec: VirtualServiceSpec?
  /// Status reported about the VirtualService by the mesh control plane, such as conditions and
  /// validation messages; its content is free-form. On Skiff, no component writes it.
  /// ---
  /// Free-form, as the CRD declares it.
  public var status: JSONValue?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: VirtualServiceSpec? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

/// The desired routing of a VirtualService: which hosts it claims, who sees it, and its ordered
/// HTTP, TCP and TLS rules.
public struct VirtualServiceSpec: Codable, Sendable, Equatable {
  /// Namespaces whose workloads see and use this VirtualService: "." for its own namespace, "*" for
  /// every namespace, or namespace names. Unset or empty means every namespace; "~" is rejected.
  public var exportTo: [String]?
  /// Gateways and sidecars the rules apply to, as "namespace/name" of a Gateway or the reserved word
  /// "mesh" for every sidecar. Unset or empty means "mesh". On Skiff, there are no gateways: rules
  /// take effect only when the list is empty or contains "mesh", and a warning is returned otherwise.
  public var gateways: [String]?
  /// Destination hosts these rules apply to: a short service name (expanded with this object's
  /// namespace), a fully qualified name, or a wildcard prefix such as "*.example.com". Required except
  /// in a delegate VirtualService, which has none; "*" alone is not allowed for sidecars. On Skiff,
  /// only hosts of Kubernetes Services are routed, and when several VirtualServices claim one host a
  /// single one is used, not a merge: an exact host before a wildcard, then the caller's namespace,
  /// then the service's, then the oldest.
  public var hosts: [String]?
  /// Ordered rules for HTTP, HTTP/2 and gRPC traffic; the first rule that matches a request decides
  /// it, and a request that matches no rule gets a 404. At least one of http, tcp or tls is required.
  public var http: [HTTPRoute]?
  /// Ordered rules for plain TCP connections (ports that are not HTTP). On Skiff, a connection goes to
  /// the first destination with a positive weight of the first rule that applies; weighted TCP
  /// splits are not made.
  public var tcp: [TCPRoute]?
  /// Ordered rules for TLS or HTTPS connections passed through unterminated, matched by SNI. On
  /// Skiff, these rules are validated and stored but not used for routing.
  public var tls: [TLSRoute]?

  public init(hosts: [String]?, http: [HTTPRoute]? = nil) {
    self.hosts = hosts
    self.http = http
  }
}

/// One HTTP rule: the conditions a request must meet, then where matching requests go and what is
/// done to them on the way (retries, timeout, faults, rewrites, header changes).
public struct HTTPRoute: Codable, Sendable, Equatable {
  /// Cross-origin resource sharing policy answered on behalf of the destination. On Skiff, it is
  /// validated and stored but not applied.
  public var corsPolicy: CorsPolicy?
  /// Hands this rule's requests to the rules of another VirtualService (one without hosts). Allowed
  /// only in a VirtualService that has hosts, and not together with route or redirect. On Skiff,
  /// delegation is not implemented: a delegating rule is skipped and its requests fall through to
  /// the following rules.
  public var delegate: Delegate?
  /// Answers matching requests directly with a fixed status and body, without forwarding them. Not
  /// allowed together with route, redirect, fault or rewrite.
  public var directResponse: HTTPDirectResponse?
  /// Faults to inject into matching requests: delays and aborts, for testing resilience. Not allowed
  /// together with redirect or directResponse.
  public var fault: HTTPFaultInjection?
  /// Header changes for the requests forwarded by this rule and for their responses. On Skiff, they
  /// are validated and stored but not applied.
  public var headers: Headers?
  /// Match blocks; the rule applies when any one of them matches. Unset or empty matches every
  /// request, so such a rule should be the last one. On Skiff, blocks bound to another port, to
  /// gateways only, or to other source namespaces or labels are dropped for each caller, and a rule
  /// left with no block is skipped.
  public var match: [HTTPMatchRequest]?
  /// A destination that also receives a copy of each request; its responses are discarded. Not
  /// allowed together with mirrors. On Skiff, traffic is not mirrored.
  public var mirror: Destination?
  /// Deprecated: the share of requests to mirror as a whole percentage from 0 to 100; use
  /// mirrorPercentage. On Skiff, traffic is not mirrored.
  /// ---
  /// The snake_case spelling is in the CRD schema too (deprecated, as is `mirrorPercent`).
  public var mirror_percent: UInt32?
  /// Deprecated: the share of requests to mirror as a whole percentage from 0 to 100; use
  /// mirrorPercentage. On Skiff, traffic is not mirrored.
  public var mirrorPercent: UInt32?
  /// The share of requests sent to mirror, from 0 to 100; unset means all of them. On Skiff, traffic
  /// is not mirrored.
  public var mirrorPercentage: Percent?
  /// Several mirror destinations, each with its own share of requests. Not allowed together with
  /// mirror. On Skiff, traffic is not mirrored.
  public var mirrors: [HTTPMirrorPolicy]?
  /// A name for the rule, shown as the route name in the sidecar's access log.
  public var name: String?
  /// Answers matching requests with an HTTP redirect instead of forwarding them. Not allowed together
  /// with route, fault, rewrite or directResponse.
  public var redirect: HTTPRedirect?
  /// The retry policy for requests that fail. When unset, failed requests are retried twice on
  /// "connect-failure", "refused-stream", "unavailable", "cancelled" and "retriable-status-codes".
  public var retries: HTTPRetry?
  /// Rewrites the path or authority of a request before it is forwarded. Not allowed together with
  /// redirect or directResponse. On Skiff, it is validated and stored but not applied: requests are
  /// forwarded unchanged.
  public var rewrite: HTTPRewrite?
  /// The destinations that receive matching requests, each with a relative weight. One of route,
  /// redirect, directResponse or delegate is required.
  public var route: [HTTPRouteDestination]?
  /// The time allowed for the whole request, retries included, as a duration such as "5s" or
  /// "250ms"; when it runs out the caller gets a 504. Unset means no timeout. The clock starts once
  /// the whole request has been received, and a shorter grpc-timeout header on a gRPC call wins.
  public var timeout: String?

  public init(match: [HTTPMatchRequest]? = nil, route: [HTTPRouteDestination]? = nil) {
    self.match = match
    self.route = route
  }
}

/// The conditions of one match block of an HTTP rule; all conditions set in the block must hold for
/// the block to match.
public struct HTTPMatchRequest: Codable, Sendable, Equatable {
  /// Condition on the request's authority (the Host header, or :authority in HTTP/2).
  public var authority: StringMatch?
  /// Gateways this block applies to, replacing the VirtualService's gateways for this block; "mesh"
  /// means every sidecar. On Skiff, there are no gateways: a block whose list does not contain "mesh"
  /// never matches.
  public var gateways: [String]?
  /// Conditions on request headers, by lower-case header name. An empty condition only requires the
  /// header to be present.
  public var headers: [String: StringMatch]?
  /// Whether the uri condition ignores letter case for exact and prefix matches. Defaults to false.
  public var ignoreUriCase: Bool?
  /// Condition on the HTTP method, such as "GET" or "POST".
  public var method: StringMatch?
  /// A name for this match block, which Istio joins to the rule's name in its access log. On Skiff,
  /// it is stored but not used: the access log shows the rule's name only.
  public var name: String?
  /// The service port the request was sent to; unset matches every port of the host.
  public var port: UInt32?
  /// Conditions on query parameters, by parameter name. An empty condition only requires the
  /// parameter to be present.
  public var queryParams: [String: StringMatch]?
  /// Condition on the URI scheme, such as "http" or "https".
  public var scheme: StringMatch?
  /// Labels the calling workload's pod must carry for this block to match.
  public var sourceLabels: [String: String]?
  /// The namespace the calling workload must run in for this block to match.
  public var sourceNamespace: String?
  /// A prefix for the statistics Istio generates for this match. On Skiff, it is stored but not used.
  public var statPrefix: String?
  /// Condition on the request path, without its query string.
  public var uri: StringMatch?
  /// Headers that must not match, by lower-case header name: the block fails when such a header is
  /// present with a matching value (or is present at all, for an empty condition).
  public var withoutHeaders: [String: StringMatch]?

  public init(uri: StringMatch? = nil, port: UInt32? = nil, headers: [String: StringMatch]? = nil) {
    self.uri = uri
    self.port = port
    self.headers = headers
  }
}

/// One destination of an HTTP rule, with its share of the traffic.
public struct HTTPRouteDestination: Codable, Sendable, Equatable {
  /// The service (and optionally its subset and port) that receives the requests. Required.
  public var destination: Destination?
  /// Header changes for the requests sent to this destination and their responses. On Skiff, they
  /// are validated and stored but not applied.
  public var headers: Headers?
  /// The destination's relative weight: it receives weight divided by the sum of the weights of the
  /// rule's destinations. A single destination takes all traffic whatever its weight; with several,
  /// an unset weight counts as 0, weights may not be negative and may not all be 0. On Skiff, the
  /// split is exact rather than random: with weights 90 and 10, one request in every ten goes to the
  /// second destination.
  public var weight: Int32?

  public init(destination: Destination?, weight: Int32? = nil) {
    self.destination = destination
    self.weight = weight
  }
}

/// Header changes for requests and responses. On Skiff, they are not applied.
public struct Headers: Codable, Sendable, Equatable {
  /// Changes made to the request before it is forwarded.
  public var request: HeaderOperations?
  /// Changes made to the response before it is returned to the caller.
  public var response: HeaderOperations?

  public init(request: HeaderOperations? = nil, response: HeaderOperations? = nil) {
    self.request = request
    self.response = response
  }

  /// Headers to add, overwrite or remove.
  public struct HeaderOperations: Codable, Sendable, Equatable {
    /// Headers to append, by name: the value is added next to any existing value of that header.
    public var add: [String: String]?
    /// Names of headers to remove.
    public var remove: [String]?
    /// Headers to set, by name: the value replaces any existing value of that header.
    public var set: [String: String]?

    public init(add: [String: String]? = nil, remove: [String]? = nil, set: [String: String]? = nil) {
      self.add = add
      self.remove = remove
      self.set = set
    }
  }
}

/// A reference to the VirtualService whose rules take over an HTTP rule's requests. On Skiff,
/// delegation is not implemented.
public struct Delegate: Codable, Sendable, Equatable {
  /// The name of the delegate VirtualService. Required.
  public var name: String?
  /// The namespace of the delegate VirtualService; unset means the namespace of the VirtualService
  /// that delegates.
  public var namespace: String?
}

/// A fixed response the proxy sends itself instead of forwarding the request.
public struct HTTPDirectResponse: Codable, Sendable, Equatable {
  /// The response body; unset means an empty body.
  public var body: Body?
  /// The HTTP status code of the response, from 200 to 599. Required.
  public var status: UInt32?

  /// The body of a direct response, given as text or as bytes; set one of the two.
  public struct Body: Codable, Sendable, Equatable {
    /// The body as base64-encoded bytes. On Skiff, it is ignored and the response has an empty body;
    /// use string instead.
    public var bytes: String?
    /// The body as text.
    public var string: String?
  }
}

/// A redirect the proxy answers with instead of forwarding the request. At least one of uri,
/// prefixRewrite, authority, scheme, port or derivePort is required.
public struct HTTPRedirect: Codable, Sendable, Equatable {
  /// The host (and optional port) to redirect to, replacing the request's authority.
  public var authority: String?
  /// Where the redirect takes its port from instead of port: "FROM_PROTOCOL_DEFAULT" (80 for http,
  /// 443 for https) or "FROM_REQUEST_PORT" (the port of the original request). On Skiff, it is
  /// ignored.
  public var derivePort: String?
  /// The port to redirect to. On Skiff, it is ignored.
  public var port: UInt32?
  /// Replaces the matched path prefix of the request with this value in the redirect; every uri
  /// condition of the rule must then be a prefix match. Not allowed together with uri. On Skiff, it
  /// is ignored.
  public var prefixRewrite: String?
  /// The status code of the redirect, from 300 to 399. Defaults to 301.
  public var redirectCode: UInt32?
  /// The scheme to redirect to: "http" or "https". On Skiff, it is used only together with
  /// authority, and defaults to "http" there.
  public var scheme: String?
  /// The path to redirect to, replacing the whole request path. Not allowed together with
  /// prefixRewrite. On Skiff, the redirect goes to "/" when uri is unset, rather than keeping the
  /// request's path.
  public var uri: String?
}

/// Changes made to a request before it is forwarded. At least one of uri, uriRegexRewrite or
/// authority is required. On Skiff, rewrites are not applied.
public struct HTTPRewrite: Codable, Sendable, Equatable {
  /// The value that replaces the request's authority (Host header).
  public var authority: String?
  /// The value that replaces the part of the path matched by the rule's uri condition (the whole
  /// path for an exact match). Not allowed together with uriRegexRewrite.
  public var uri: String?
  /// A regular expression replacement applied to the path. Not allowed together with uri.
  public var uriRegexRewrite: RegexRewrite?

  /// A path rewrite by regular expression.
  public struct RegexRewrite: Codable, Sendable, Equatable {
    /// The RE2 regular expression to find in the path. Required.
    public var match: String?
    /// The replacement for each match; it may refer to capture groups, as in "/v2/\1". Required.
    public var rewrite: String?
  }
}

/// How failed requests of an HTTP rule are retried.
public struct HTTPRetry: Codable, Sendable, Equatable {
  /// The number of retries after the first try; 0 or unset disables retries, and then perTryTimeout,
  /// retryOn and retryRemoteLocalities may not be set. May not be negative.
  public var attempts: Int32?
  /// The base interval of the randomized, growing wait between retries, as a duration such as
  /// "50ms". On Skiff, it is ignored: the base interval is always 25 milliseconds.
  public var backoff: String?
  /// The time allowed for each try, as a duration such as "2s"; a try that runs out is retried when
  /// retryOn includes "5xx", "gateway-error" or "reset". Unset means only the rule's timeout applies.
  public var perTryTimeout: String?
  /// Whether a retry avoids the endpoints already tried for the request. On Skiff, retries always
  /// go to an endpoint not yet tried when another healthy one exists, whatever this field says.
  public var retryIgnorePreviousHosts: Bool?
  /// The failures to retry, separated by commas: conditions such as "5xx", "gateway-error",
  /// "connect-failure", "reset", "refused-stream", "retriable-4xx", gRPC statuses such as "unavailable"
  /// or "cancelled", and HTTP status codes such as "503". When unset, "connect-failure",
  /// "refused-stream", "unavailable", "cancelled" and "retriable-status-codes" apply. On Skiff,
  /// "reset-before-request", "retriable-headers", "envoy-ratelimited" and
  /// "http3-post-connect-failure" are accepted but never trigger a retry.
  public var retryOn: String?
  /// Whether retries may go to endpoints in other localities. On Skiff, there is one node and no
  /// locality, so it has no effect.
  public var retryRemoteLocalities: Bool?

  public init(attempts: Int32?, perTryTimeout: String? = nil, retryOn: String? = nil) {
    self.attempts = attempts
    self.perTryTimeout = perTryTimeout
    self.retryOn = retryOn
  }
}

/// Faults injected into the requests of an HTTP rule: a delay, an abort, or both (the delay comes
/// first). At least one of the two is required.
public struct HTTPFaultInjection: Codable, Sendable, Equatable {
  /// Answers a share of the requests with an error instead of forwarding them.
  public var abort: Abort?
  /// Holds a share of the requests for a while before forwarding them.
  public var delay: Delay?

  public init(abort: Abort? = nil, delay: Delay? = nil) {
    self.abort = abort
    self.delay = delay
  }

  /// An injected error response. Set one of httpStatus or grpcStatus.
  public struct Abort: Codable, Sendable, Equatable {
    /// The gRPC status to answer gRPC calls with, by name, such as "UNAVAILABLE" or "NOT_FOUND".
    public var grpcStatus: String?
    /// An HTTP/2 error to reset the stream with. Not supported: a rule that sets it is rejected.
    public var http2Error: String?
    /// The HTTP status code to answer with, from 200 to 599.
    public var httpStatus: Int32?
    /// The share of requests aborted, from 0 to 100. Unset means 0: nothing is aborted.
    public var percentage: Percent?

    public init(httpStatus: Int32? = nil, grpcStatus: String? = nil, percentage: Percent? = nil) {
      self.httpStatus = httpStatus
      self.grpcStatus = grpcStatus
      self.percentage = percentage
    }
  }

  /// An injected delay before a request is forwarded. Set fixedDelay.
  public struct Delay: Codable, Sendable, Equatable {
    /// A randomly growing delay. Not supported: a rule that sets it is rejected.
    public var exponentialDelay: String?
    /// How long to hold each delayed request, as a duration of at least 1ms such as "5s".
    public var fixedDelay: String?
    /// Deprecated: the share of requests delayed as a whole percentage from 0 to 100; use
    /// percentage, which wins when both are set.
    public var percent: Int32?
    /// The share of requests delayed, from 0 to 100. Unset (with percent unset too) means 0: nothing
    /// is delayed.
    public var percentage: Percent?

    public init(fixedDelay: String?, percentage: Percent? = nil) {
      self.fixedDelay = fixedDelay
      self.percentage = percentage
    }
  }
}

/// One destination that receives copies of an HTTP rule's requests. On Skiff, traffic is not
/// mirrored.
public struct HTTPMirrorPolicy: Codable, Sendable, Equatable {
  /// The service (and optionally its subset and port) that receives the copies. Required.
  public var destination: Destination?
  /// The share of requests copied, from 0 to 100; unset means all of them.
  public var percentage: Percent?
}

/// Cross-origin resource sharing (CORS) rules the proxy applies on behalf of the destination. On
/// Skiff, they are not applied.
public struct CorsPolicy: Codable, Sendable, Equatable {
  /// Whether callers may send credentials (cookies, authorization) with cross-origin requests.
  public var allowCredentials: Bool?
  /// Request headers cross-origin callers may send; "*" allows any.
  public var allowHeaders: [String]?
  /// HTTP methods cross-origin callers may use, such as "GET" or "POST"; "*" allows any.
  public var allowMethods: [String]?
  /// Deprecated: origins allowed, as exact strings; use allowOrigins.
  public var allowOrigin: [String]?
  /// Origins allowed to make cross-origin requests, each an exact, prefix or regex match.
  public var allowOrigins: [StringMatch]?
  /// Response headers the browser may expose to the calling page.
  public var exposeHeaders: [String]?
  /// How long a browser may cache the answer to a preflight request, as a duration in whole seconds
  /// such as "24h".
  public var maxAge: String?
  /// What to do with a preflight request whose origin is not allowed: "FORWARD" passes it to the
  /// destination, "IGNORE" keeps it from the destination; "UNSPECIFIED" (or unset) forwards it.
  public var unmatchedPreflights: String?
}

/// One rule for TCP connections: conditions on the connection and where it goes.
public struct TCPRoute: Codable, Sendable, Equatable {
  /// Match blocks; the rule applies when any one of them matches. Unset or empty matches every
  /// connection.
  public var match: [L4MatchAttributes]?
  /// The destinations of matching connections, each with a relative weight. Required. On Skiff,
  /// every connection goes to the first destination with a positive weight (or the only one).
  public var route: [RouteDestination]?
}

/// Conditions on a TCP connection; all conditions set in the block must hold.
public struct L4MatchAttributes: Codable, Sendable, Equatable {
  /// IP addresses or CIDR blocks the connection's destination address must be in. On Skiff, it is
  /// ignored.
  public var destinationSubnets: [String]?
  /// Gateways this block applies to, replacing the VirtualService's gateways; "mesh" means every
  /// sidecar. On Skiff, there are no gateways: a block whose list does not contain "mesh" never
  /// matches.
  public var gateways: [String]?
  /// The service port the connection was made to; unset matches every port.
  public var port: UInt32?
  /// Labels the calling workload's pod must carry for this block to match.
  public var sourceLabels: [String: String]?
  /// The namespace the calling workload must run in for this block to match.
  public var sourceNamespace: String?
  /// An IP address or CIDR block the connection's source address must be in. On Skiff, it is
  /// ignored.
  public var sourceSubnet: String?
}

/// One destination of a TCP or TLS rule, with its share of the connections.
public struct RouteDestination: Codable, Sendable, Equatable {
  /// The service (and optionally its subset and port) that receives the connections. Required.
  public var destination: Destination?
  /// The destination's relative weight among the rule's destinations. A single destination takes
  /// all connections; with several, weights may not be negative and may not all be 0.
  public var weight: Int32?
}

/// One rule for TLS connections passed through unterminated: conditions, including the server name
/// (SNI), and where matching connections go. On Skiff, TLS rules are not used for routing.
public struct TLSRoute: Codable, Sendable, Equatable {
  /// Match blocks; the rule applies when any one of them matches. Required, at least one.
  public var match: [TLSMatchAttributes]?
  /// The destinations of matching connections, each with a relative weight. Required.
  public var route: [RouteDestination]?
}

/// Conditions on a TLS connection; all conditions set in the block must hold.
public struct TLSMatchAttributes: Codable, Sendable, Equatable {
  /// IP addresses or CIDR blocks the connection's destination address must be in.
  public var destinationSubnets: [String]?
  /// Gateways this block applies to, replacing the VirtualService's gateways; "mesh" means every
  /// sidecar.
  public var gateways: [String]?
  /// The service port the connection was made to; unset matches every port.
  public var port: UInt32?
  /// Server names (SNI) the TLS handshake must ask for; each must fall within the VirtualService's
  /// hosts, and wildcards such as "*.example.com" are allowed. Required, at least one.
  public var sniHosts: [String]?
  /// Labels the calling workload's pod must carry for this block to match.
  public var sourceLabels: [String: String]?
  /// The namespace the calling workload must run in for this block to match.
  public var sourceNamespace: String?
}
