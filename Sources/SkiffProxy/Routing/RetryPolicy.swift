/// When and how often to retry a request, with Istio's `retryOn` vocabulary (Envoy's
/// `x-envoy-retry-on` and `x-envoy-retry-grpc-on` conditions).
public struct RetryPolicy: Sendable, Hashable {
  /// One retry condition.
  public struct Conditions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Any 5xx response, and connect failures, resets and refused streams before a response.
    public static let serverError = Conditions(rawValue: 1 << 0)
    /// 502, 503, 504 responses, and connect failures.
    public static let gatewayError = Conditions(rawValue: 1 << 1)
    public static let connectFailure = Conditions(rawValue: 1 << 2)
    /// Upstream RST_STREAM with REFUSED_STREAM (safe: the upstream did nothing).
    public static let refusedStream = Conditions(rawValue: 1 << 3)
    /// Any reset or disconnect before a response.
    public static let reset = Conditions(rawValue: 1 << 4)
    /// Responses whose status is in `retriableStatusCodes`.
    public static let retriableStatusCodes = Conditions(rawValue: 1 << 5)
    /// gRPC statuses (from a trailers-only response, or trailers before any message).
    public static let grpcCancelled = Conditions(rawValue: 1 << 8)
    public static let grpcDeadlineExceeded = Conditions(rawValue: 1 << 9)
    public static let grpcInternal = Conditions(rawValue: 1 << 10)
    public static let grpcResourceExhausted = Conditions(rawValue: 1 << 11)
    public static let grpcUnavailable = Conditions(rawValue: 1 << 12)

    static let grpc: Conditions = [.grpcCancelled, .grpcDeadlineExceeded, .grpcInternal, .grpcResourceExhausted, .grpcUnavailable]
  }

  /// Retries after the first attempt (Istio's `attempts`); 0 disables retries.
  public var attempts: Int
  /// Timeout of each attempt; nil: only the route timeout applies.
  public var perTryTimeout: Duration?
  public var retryOn: Conditions
  public var retriableStatusCodes: Set<Int>
  /// Fully jittered exponential back-off between retries (Envoy: 25 ms base, 10x maximum).
  public var backoffBase: Duration

  public init(
    attempts: Int, perTryTimeout: Duration? = nil, retryOn: Conditions, retriableStatusCodes: Set<Int> = [],
    backoffBase: Duration = .milliseconds(25)
  ) {
    self.attempts = attempts
    self.perTryTimeout = perTryTimeout
    self.retryOn = retryOn
    self.retriableStatusCodes = retriableStatusCodes
    self.backoffBase = backoffBase
  }

  /// No retries.
  public static let none = RetryPolicy(attempts: 0, retryOn: [])

  /// What Istio gives an outbound route without a `retries` field: 2 retries on
  /// `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`.
  public static let istioDefault = RetryPolicy(
    attempts: 2, retryOn: [.connectFailure, .refusedStream, .grpcUnavailable, .grpcCancelled, .retriableStatusCodes])

  /// Parses Istio's `retryOn` (comma-separated names; numbers are retriable status codes).
  /// Returns nil with the offending name when one is unknown.
  public static func parseRetryOn(_ text: String) -> Result<(Conditions, Set<Int>), RetryOnError> {
    var conditions: Conditions = []
    var codes: Set<Int> = []
    for raw in text.split(separator: ",") {
      let name = raw.trimmingSpaces()
      switch name {
      case "5xx": conditions.insert(.serverError)
      case "gateway-error": conditions.insert(.gatewayError)
      case "connect-failure": conditions.insert(.connectFailure)
      case "refused-stream": conditions.insert(.refusedStream)
      case "reset", "reset-before-request": conditions.insert(.reset)
      case "retriable-status-codes": conditions.insert(.retriableStatusCodes)
      case "cancelled": conditions.insert(.grpcCancelled)
      case "deadline-exceeded": conditions.insert(.grpcDeadlineExceeded)
      case "internal": conditions.insert(.grpcInternal)
      case "resource-exhausted": conditions.insert(.grpcResourceExhausted)
      case "unavailable": conditions.insert(.grpcUnavailable)
      case "retriable-4xx", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure": continue
      default:
        guard let code = Int(name), (100...599).contains(code) else { return .failure(RetryOnError(name: name)) }
        codes.insert(code)
        conditions.insert(.retriableStatusCodes)
      }
    }
    return .success((conditions, codes))
  }

  // MARK: What is retriable

  func retriesConnectFailure() -> Bool { !retryOn.isDisjoint(with: [.connectFailure, .serverError, .gatewayError, .reset]) }

  func retriesReset(_ code: HTTP2ErrorCode) -> Bool {
    if code == .refusedStream && retryOn.contains(.refusedStream) { return true }
    return !retryOn.isDisjoint(with: [.reset, .serverError])
  }

  /// Connection lost, or per-try timeout, before a response.
  func retriesDisconnect() -> Bool { !retryOn.isDisjoint(with: [.reset, .serverError, .gatewayError]) }

  func retriesStatus(_ status: Int) -> Bool {
    if retryOn.contains(.serverError) && (500...599).contains(status) { return true }
    if retryOn.contains(.gatewayError) && (502...504).contains(status) { return true }
    return retryOn.contains(.retriableStatusCodes) && retriableStatusCodes.contains(status)
  }

  func retriesGRPCStatus(_ status: Int) -> Bool {
    switch status {
    case 1: return retryOn.contains(.grpcCancelled)
    case 4: return retryOn.contains(.grpcDeadlineExceeded)
    case 8: return retryOn.contains(.grpcResourceExhausted)
    case 13: return retryOn.contains(.grpcInternal)
    case 14: return retryOn.contains(.grpcUnavailable)
    default: return false
    }
  }

  var retriesGRPC: Bool { !retryOn.isDisjoint(with: Conditions.grpc) }

  /// The back-off before retry number `retry` (1-based): uniform in [0, (2^retry - 1) * base],
  /// capped at 10 * base, as Envoy's jittered back-off.
  func backoff(retry: Int) -> Duration {
    let factor = min((1 << min(retry, 10)) - 1, 10)
    let ceiling = backoffBase * factor
    let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
    guard nanos > 0 else { return .zero }
    return .nanoseconds(Int64.random(in: 0...nanos))
  }
}

/// An unknown `retryOn` condition (Istio's message: `"x" is not a valid retryOn policy`).
public struct RetryOnError: Error, Hashable, Sendable, CustomStringConvertible {
  public var name: String
  public var description: String { "\"\(name)\" is not a valid retryOn policy" }
}

extension Substring {
  func trimmingSpaces() -> String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
