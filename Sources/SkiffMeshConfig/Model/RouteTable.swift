/// The HTTP routes of one service port, in VirtualService order: the first route whose
/// match holds decides the request. A table with no matching route answers 404 `NR`.
public struct RouteTable: Codable, Hashable, Sendable {
  /// `<service FQDN>:<port>`, as Istio names virtual hosts.
  public var name: String
  public var routes: [Route]

  public init(name: String, routes: [Route]) {
    self.name = name
    self.routes = routes
  }
}

/// One route: conditions (any of `matches`; none means every request) and what to do.
public struct Route: Codable, Hashable, Sendable {
  /// The VirtualService rule's name, or `default` for the route Skiff adds when no
  /// VirtualService applies (the access log's `%ROUTE_NAME%`).
  public var name: String
  /// Where the route came from: `VirtualService <ns>/<name>` or nil for the default route.
  public var origin: String?
  /// Alternatives: the route applies when any of them holds. Empty: always applies.
  public var matches: [RouteMatch]
  public var action: RouteAction
  /// The whole request's deadline across retries; nil = none (Istio's default).
  public var timeout: MeshDuration?
  public var retry: RetryPolicy?
  public var fault: FaultPolicy?

  public init(
    name: String, origin: String? = nil, matches: [RouteMatch] = [], action: RouteAction,
    timeout: MeshDuration? = nil, retry: RetryPolicy? = nil, fault: FaultPolicy? = nil
  ) {
    self.name = name
    self.origin = origin
    self.matches = matches
    self.action = action
    self.timeout = timeout
    self.retry = retry
    self.fault = fault
  }
}

/// What a route does with a request.
public enum RouteAction: Codable, Hashable, Sendable {
  /// Forward to one of these clusters, chosen by weight (smooth weighted round robin).
  case weightedClusters([WeightedCluster])
  /// Answer locally (VirtualService `directResponse`).
  case directResponse(status: Int, body: String?)
  /// Answer with a redirect (VirtualService `redirect`): `location` is the new URI or
  /// authority-relative target, `status` 301 unless the rule says otherwise.
  case redirect(status: Int, location: String)
}

/// A route destination: a cluster and its relative weight (Istio ≥ 1.15: weights need not
/// sum to 100; a destination gets `weight / sum`).
public struct WeightedCluster: Codable, Hashable, Sendable {
  public var cluster: String
  public var weight: UInt32

  public init(cluster: String, weight: UInt32) {
    self.cluster = cluster
    self.weight = weight
  }
}

/// One match block of a VirtualService rule: every condition must hold.
public struct RouteMatch: Codable, Hashable, Sendable {
  /// The service port the request was sent to.
  public var port: Int?
  /// The path without its query string.
  public var uri: StringMatcher?
  /// Compare `uri` exact and prefix matches case-insensitively.
  public var ignoreUriCase: Bool
  public var scheme: StringMatcher?
  public var method: StringMatcher?
  /// `:authority` (Host).
  public var authority: StringMatcher?
  /// Headers that must be present and match (names lower-case).
  public var headers: [HeaderMatcher]
  /// Headers that must not be present with a matching value.
  public var withoutHeaders: [HeaderMatcher]
  /// Query parameters that must be present and match.
  public var queryParams: [HeaderMatcher]

  public init(
    port: Int? = nil, uri: StringMatcher? = nil, ignoreUriCase: Bool = false, scheme: StringMatcher? = nil,
    method: StringMatcher? = nil, authority: StringMatcher? = nil, headers: [HeaderMatcher] = [],
    withoutHeaders: [HeaderMatcher] = [], queryParams: [HeaderMatcher] = []
  ) {
    self.port = port
    self.uri = uri
    self.ignoreUriCase = ignoreUriCase
    self.scheme = scheme
    self.method = method
    self.authority = authority
    self.headers = headers
    self.withoutHeaders = withoutHeaders
    self.queryParams = queryParams
  }
}

/// Istio's `StringMatch`: exact, prefix, or RE2-style regex matching the whole value.
public enum StringMatcher: Codable, Hashable, Sendable {
  case exact(String)
  case prefix(String)
  case regex(String)
}

/// A header (or query parameter) condition; a nil `match` only asks for presence.
public struct HeaderMatcher: Codable, Hashable, Sendable {
  /// Lower-case header name, or a query parameter's name as written (those are case-sensitive).
  public var name: String
  public var match: StringMatcher?

  public init(name: String, match: StringMatcher? = nil) {
    self.name = name.lowercased()
    self.match = match
  }

  /// A query parameter condition: the name keeps its case, as Envoy compares it.
  public static func queryParameter(_ name: String, match: StringMatcher? = nil) -> HeaderMatcher {
    var matcher = HeaderMatcher(name: name, match: match)
    matcher.name = name
    return matcher
  }
}

/// Retries of a route (Envoy's retry policy as Istio writes it).
public struct RetryPolicy: Codable, Hashable, Sendable {
  /// Retries after the first try (Istio's `attempts`); 0 = no retries.
  public var attempts: Int
  /// Deadline of each try; nil = only the route timeout applies.
  public var perTryTimeout: MeshDuration?
  /// When to retry.
  public var retryOn: [RetryCondition]
  /// HTTP statuses that `retriable-status-codes` retries.
  public var retriableStatusCodes: [Int]
  /// Base of the exponential back-off between tries (Envoy's default 25 ms; max = 10×).
  public var backoffBase: MeshDuration

  public init(
    attempts: Int, perTryTimeout: MeshDuration? = nil, retryOn: [RetryCondition], retriableStatusCodes: [Int] = [],
    backoffBase: MeshDuration = .milliseconds(25)
  ) {
    self.attempts = attempts
    self.perTryTimeout = perTryTimeout
    self.retryOn = retryOn
    self.retriableStatusCodes = retriableStatusCodes
    self.backoffBase = backoffBase
  }

  /// Istio's default outbound policy when a rule has no `retries`: 2 retries on
  /// `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`.
  public static let istioDefault = RetryPolicy(
    attempts: 2, retryOn: [.connectFailure, .refusedStream, .unavailable, .cancelled, .retriableStatusCodes])
}

/// Envoy `retry_on` conditions (`x-envoy-retry-on` and `x-envoy-retry-grpc-on`).
public enum RetryCondition: String, Codable, Hashable, Sendable, CaseIterable {
  case fiveXX = "5xx"
  case gatewayError = "gateway-error"
  case reset
  case connectFailure = "connect-failure"
  case retriable4xx = "retriable-4xx"
  case refusedStream = "refused-stream"
  case retriableStatusCodes = "retriable-status-codes"
  case cancelled
  case deadlineExceeded = "deadline-exceeded"
  case `internal`
  case resourceExhausted = "resource-exhausted"
  case unavailable
}

/// Fault injection of a route: a delay, an abort, or both (delay first).
public struct FaultPolicy: Codable, Hashable, Sendable {
  public var delay: Delay?
  public var abort: Abort?

  public init(delay: Delay? = nil, abort: Abort? = nil) {
    self.delay = delay
    self.abort = abort
  }

  public struct Delay: Codable, Hashable, Sendable {
    public var fixedDelay: MeshDuration
    /// Share of requests delayed, in percent (0...100).
    public var percentage: Double

    public init(fixedDelay: MeshDuration, percentage: Double) {
      self.fixedDelay = fixedDelay
      self.percentage = percentage
    }
  }

  public struct Abort: Codable, Hashable, Sendable {
    /// HTTP status to answer (gRPC requests get it mapped unless `grpcStatus` is set).
    public var httpStatus: Int?
    /// gRPC status code to answer gRPC requests with.
    public var grpcStatus: Int?
    /// Share of requests aborted, in percent (0...100).
    public var percentage: Double

    public init(httpStatus: Int? = nil, grpcStatus: Int? = nil, percentage: Double) {
      self.httpStatus = httpStatus
      self.grpcStatus = grpcStatus
      self.percentage = percentage
    }
  }
}

/// A duration in whole milliseconds (the precision Istio accepts), encoded as a number.
public struct MeshDuration: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
  public var milliseconds: Int64

  public init(milliseconds: Int64) { self.milliseconds = milliseconds }

  public static func milliseconds(_ value: Int64) -> MeshDuration { MeshDuration(milliseconds: value) }
  public static func seconds(_ value: Int64) -> MeshDuration { MeshDuration(milliseconds: value * 1000) }

  public init(from decoder: any Decoder) throws {
    milliseconds = try decoder.singleValueContainer().decode(Int64.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(milliseconds)
  }

  /// As a Swift `Duration`.
  public var duration: Duration { .milliseconds(milliseconds) }

  public var description: String { "\(milliseconds)ms" }

  public static func < (lhs: MeshDuration, rhs: MeshDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
