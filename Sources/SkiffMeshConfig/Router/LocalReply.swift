/// Envoy's response flags, as the access log prints them.
public enum ResponseFlag: String, Sendable, Hashable, CaseIterable {
  case noHealthyUpstream = "UH"
  case upstreamConnectionFailure = "UF"
  case upstreamOverflow = "UO"
  case noRouteFound = "NR"
  case upstreamRetryLimitExceeded = "URX"
  case noClusterFound = "NC"
  case downstreamConnectionTermination = "DC"
  case upstreamConnectionTermination = "UC"
  case upstreamRequestTimeout = "UT"
  case localReset = "LR"
  case upstreamRemoteReset = "UR"
  case delayInjected = "DI"
  case faultInjected = "FI"
}

/// A response the proxy makes itself (istio-facts §6): status, flag and body; gRPC callers
/// get a trailers-only response with the status mapped to a `grpc-status`.
public struct LocalReply: Sendable, Equatable {
  public var status: Int
  /// The response flag to log; nil for configured replies (direct responses, redirects).
  public var flag: ResponseFlag?
  public var body: String
  /// Extra response headers (`location` for redirects).
  public var headers: [RequestHead.Header]
  /// A `grpc-status` to send instead of the one mapped from `status` (fault aborts).
  public var grpcStatusOverride: Int?
  /// The route that produced the reply, if any.
  public var route: String?
  /// An injected fault delay to wait before replying.
  public var delay: MeshDuration?

  public init(
    status: Int, flag: ResponseFlag?, body: String = "", headers: [RequestHead.Header] = [], grpcStatusOverride: Int? = nil,
    route: String? = nil, delay: MeshDuration? = nil
  ) {
    self.status = status
    self.flag = flag
    self.body = body
    self.headers = headers
    self.grpcStatusOverride = grpcStatusOverride
    self.route = route
    self.delay = delay
  }

  /// 404 `NR`, empty body: no route matched.
  public static func noRoute() -> LocalReply { LocalReply(status: 404, flag: .noRouteFound) }
  /// 503 `NC`, empty body: the route's cluster does not exist (e.g. a missing subset).
  public static func noCluster(route: String?) -> LocalReply { LocalReply(status: 503, flag: .noClusterFound, route: route) }
  /// 503 `UH` `no healthy upstream`.
  public static func noHealthyUpstream(route: String?) -> LocalReply {
    LocalReply(status: 503, flag: .noHealthyUpstream, body: "no healthy upstream", route: route)
  }
  /// 504 `UT` `upstream request timeout`.
  public static func timeout(route: String?) -> LocalReply {
    LocalReply(status: 504, flag: .upstreamRequestTimeout, body: "upstream request timeout", route: route)
  }

  /// The `grpc-status` a gRPC caller gets: Envoy's HTTP → gRPC mapping (400→13, 401→16,
  /// 403→7, 404→12, 429/502/503/504→14, else 2) unless overridden.
  public var grpcStatus: Int {
    if let grpcStatusOverride { return grpcStatusOverride }
    switch status {
    case 400: return 13
    case 401: return 16
    case 403: return 7
    case 404: return 12
    case 429, 502, 503, 504: return 14
    case 200..<300: return 0
    default: return 2
    }
  }

  /// `grpc-message`: the body, percent-encoded as gRPC requires; nil when the body is empty.
  public var grpcMessage: String? {
    guard !body.isEmpty else { return nil }
    var out = ""
    for byte in body.utf8 {
      if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }
}
