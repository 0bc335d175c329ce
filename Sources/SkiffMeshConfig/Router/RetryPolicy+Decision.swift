/// What to do after a try.
public enum RetryDecision: Sendable, Equatable {
  /// Try again (on another endpoint when there is one) after `backoff`.
  case retry(backoff: MeshDuration)
  /// The outcome is final: pass it on.
  case done
  /// The outcome was retriable but every retry is used: pass it on with flag `URX`.
  case exhausted
}

extension RetryPolicy {
  /// gRPC status codes of the gRPC retry conditions.
  static let grpcCodes: [RetryCondition: Int] = [
    .cancelled: 1, .deadlineExceeded: 4, .resourceExhausted: 8, .internal: 13, .unavailable: 14,
  ]

  /// Whether Envoy's `retry_on` conditions retry this outcome.
  public func isRetriable(_ outcome: UpstreamOutcome) -> Bool {
    let on = Set(retryOn)
    switch outcome {
    case .connectFailure:
      return !on.isDisjoint(with: [.connectFailure, .fiveXX, .gatewayError, .reset])
    case .reset:
      return !on.isDisjoint(with: [.fiveXX, .gatewayError, .reset])
    case .refusedStream:
      return !on.isDisjoint(with: [.refusedStream, .fiveXX, .gatewayError, .reset])
    case .timeout:
      return !on.isDisjoint(with: [.fiveXX, .gatewayError, .reset])
    case .response(let status, let grpcStatus):
      if on.contains(.fiveXX) && (500...599).contains(status) { return true }
      if on.contains(.gatewayError) && [502, 503, 504].contains(status) { return true }
      if on.contains(.retriable4xx) && status == 409 { return true }
      if on.contains(.retriableStatusCodes) && retriableStatusCodes.contains(status) { return true }
      if let grpcStatus {
        for (condition, code) in Self.grpcCodes where code == grpcStatus && on.contains(condition) { return true }
      }
      return false
    }
  }

  /// The decision after try number `attempt` (1 = the first try) ended with `outcome`.
  /// Back-off is Envoy's jittered exponential: uniform in [0, (2^n − 1) × base] for the
  /// n-th retry, capped at 10 × base.
  public func shouldRetry(attempt: Int, outcome: UpstreamOutcome, random: inout SplitMix64) -> RetryDecision {
    guard isRetriable(outcome) else { return .done }
    guard attempt <= attempts else { return .exhausted }
    let ceiling = min(backoffBase.milliseconds * ((Int64(1) << min(attempt, 20)) - 1), backoffBase.milliseconds * 10)
    let backoff = ceiling > 0 ? Int64(random.next() % UInt64(ceiling + 1)) : 0
    return .retry(backoff: .milliseconds(backoff))
  }
}
