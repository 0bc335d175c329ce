public import NIOCore

/// A reply the proxy makes itself, shaped as Envoy's: plain HTTP gets the status and a
/// `text/plain` body; a gRPC request gets a trailers-only response (`:status 200`,
/// `content-type: application/grpc`, `grpc-status` mapped from the HTTP status, `grpc-message`
/// the percent-encoded body), which a gRPC client reads as an RPC error.
public struct LocalReply: Sendable, Hashable {
  public var status: Int
  public var body: String
  public var flags: ResponseFlags
  /// `%RESPONSE_CODE_DETAILS%` (`no_healthy_upstream`, `route_not_found`, ...).
  public var details: String
  /// Fault injection: wait this long before answering (flag `DI`).
  public var delay: Duration?
  /// The `grpc-status` for gRPC callers instead of the one mapped from `status` (a fault
  /// abort's `grpcStatus`).
  public var grpcStatus: Int?
  /// Extra response headers, for plain HTTP (`location` of a redirect).
  public var headers: [(name: String, value: String)]

  public init(
    status: Int, body: String, flags: ResponseFlags, details: String, delay: Duration? = nil, grpcStatus: Int? = nil,
    headers: [(name: String, value: String)] = []
  ) {
    self.status = status
    self.body = body
    self.flags = flags
    self.details = details
    self.delay = delay
    self.grpcStatus = grpcStatus
    self.headers = headers
  }

  public static func == (a: LocalReply, b: LocalReply) -> Bool {
    a.status == b.status && a.body == b.body && a.flags == b.flags && a.details == b.details && a.delay == b.delay
      && a.grpcStatus == b.grpcStatus && a.headers.elementsEqual(b.headers, by: { $0.name == $1.name && $0.value == $1.value })
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(status)
    hasher.combine(body)
    hasher.combine(details)
  }

  /// What gRPC callers get as `grpc-status`.
  public var grpcStatusForCallers: Int { grpcStatus ?? LocalReply.grpcStatus(forHTTPStatus: status) }

  /// 503 `no healthy upstream` (UH): the cluster has no endpoint.
  public static let noHealthyUpstream = LocalReply(status: 503, body: "no healthy upstream", flags: .noHealthyUpstream, details: "no_healthy_upstream")
  /// 404, empty body (NR): no route matched.
  public static let noRoute = LocalReply(status: 404, body: "", flags: .noRouteFound, details: "route_not_found")
  /// 503, empty body (NC): the route's cluster does not exist.
  public static let noCluster = LocalReply(status: 503, body: "", flags: .noClusterFound, details: "cluster_not_found")
  /// 504 `upstream request timeout` (UT).
  public static let timeout = LocalReply(status: 504, body: "upstream request timeout", flags: .upstreamRequestTimeout, details: "response_timeout")
  /// 503 (UO): too many requests waiting for an upstream connection.
  public static let overflow = LocalReply(status: 503, body: "upstream connect error or disconnect/reset before headers. reset reason: overflow", flags: .upstreamOverflow, details: "upstream_reset_before_response_started{overflow}")

  /// 503 for an upstream that failed before sending response headers, in Envoy's words:
  /// `upstream connect error or disconnect/reset before headers. [retried and the latest ]reset
  /// reason: <reason>`.
  public static func resetBeforeHeaders(reason: String, details: String, retried: Bool) -> LocalReply {
    let before = "upstream connect error or disconnect/reset before headers. "
    let prefix = retried ? before + "retried and the latest reset reason: " : before + "reset reason: "
    return LocalReply(status: 503, body: prefix + reason, flags: [], details: details)
  }

  /// Envoy's mapping of an HTTP status to a gRPC status for local replies.
  public static func grpcStatus(forHTTPStatus status: Int) -> Int {
    switch status {
    case 400: return 13  // INTERNAL
    case 401: return 16  // UNAUTHENTICATED
    case 403: return 7  // PERMISSION_DENIED
    case 404: return 12  // UNIMPLEMENTED
    case 429, 502, 503, 504: return 14  // UNAVAILABLE
    default: return 2  // UNKNOWN
    }
  }

  /// The response headers (and body, for plain HTTP) this reply is sent as.
  public func response(grpc: Bool, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> (headers: HeaderBlock, body: ByteBuffer?) {
    if grpc {
      var headers = HeaderBlock(capacity: 96 + body.utf8.count)
      headers.add(name: ":status", value: "200")
      headers.add(name: "content-type", value: "application/grpc")
      headers.add(name: "grpc-status", value: String(grpcStatusForCallers))
      if !body.isEmpty { headers.add(name: "grpc-message", value: LocalReply.percentEncode(body)) }
      return (headers, nil)
    }
    var headers = HeaderBlock(capacity: 64)
    headers.add(name: ":status", value: String(status))
    for header in self.headers { headers.add(name: header.name, value: header.value) }
    guard !body.isEmpty else { return (headers, nil) }
    headers.add(name: "content-length", value: String(body.utf8.count))
    headers.add(name: "content-type", value: "text/plain")
    return (headers, allocator.buffer(string: body))
  }

  /// gRPC's percent-encoding for `grpc-message` (PROTOCOL-HTTP2.md): bytes outside 0x20...0x7E
  /// and `%` become `%XX`.
  public static func percentEncode(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        let hex = Array("0123456789ABCDEF".utf8)
        out.unicodeScalars.append("%")
        out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
        out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
      }
    }
    return out
  }
}
