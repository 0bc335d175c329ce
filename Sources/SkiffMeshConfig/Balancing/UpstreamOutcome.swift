/// How one try at an upstream ended, as the proxy reports it.
public enum UpstreamOutcome: Sendable, Hashable {
  /// Response headers arrived: the HTTP status and, for gRPC, the `grpc-status` when it came
  /// in the headers (trailers-only) or the trailers.
  case response(status: Int, grpcStatus: Int? = nil)
  /// The connection could not be made (`UF`).
  case connectFailure
  /// The upstream reset the stream or closed the connection before responding (`UR`/`UC`).
  case reset
  /// The upstream refused the stream (RST_STREAM REFUSED_STREAM): safe to retry.
  case refusedStream
  /// The per-try timeout fired (`UT`).
  case timeout

  /// Errors that happened at the proxy rather than in an upstream response.
  public var isLocalOrigin: Bool {
    if case .response = self { return false }
    return true
  }
}
