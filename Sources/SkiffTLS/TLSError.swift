/// Every failure of SkiffTLS: what failed, and OpenSSL's reason where there is one.
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What kind of failure, for callers that react differently (e.g. do not log probes that
  /// close before the handshake).
  public enum Code: Sendable, Equatable {
    /// Generating, parsing, signing or writing keys and certificates.
    case certificate
    /// Reading or writing the CA's files.
    case file
    /// A `TLSConfiguration` that OpenSSL refused, or that is incomplete.
    case configuration
    /// The handshake failed (bad certificate, no common cipher or version, ...).
    case handshakeFailed
    /// The peer closed the connection before the handshake finished.
    case closedDuringHandshake
    /// A TLS error after the handshake (bad record, unexpected message).
    case protocolError
  }

  public var code: Code
  /// A sentence an operator can act on, with OpenSSL's reason strings.
  public var message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
