/// How one side of a TLS connection is set up. Build it with `server(...)` or `client(...)`,
/// then make a `TLSContext` from it once and share that across connections.
public struct TLSConfiguration: Sendable, Equatable {
  public enum Role: Sendable, Equatable {
    case server
    case client
  }

  /// Whether a server asks clients for a certificate.
  public enum ClientCertificateMode: Sendable, Equatable {
    /// Never asked for; the peer identity is always nil.
    case none
    /// Requested, and verified against the client CA when sent; a client without one still
    /// completes the handshake (kube-apiserver's behaviour: the HTTP layer answers 401).
    case optional
    /// Requested and required (mesh mTLS).
    case required
  }

  public var role: Role
  /// This side's certificate, then any intermediates, PEM. Required for a server; optional
  /// for a client (its client certificate).
  public var certificateChainPEM: String?
  /// The private key of the first certificate in `certificateChainPEM`, PEM.
  public var privateKeyPEM: String?
  /// CA certificates, PEM: a server verifies client certificates against them (and
  /// announces them as acceptable); a client verifies the server against them.
  public var trustRootsPEM: String?
  /// Server only.
  public var clientCertificateMode: ClientCertificateMode
  /// Client only: sent as SNI (unless an IP address) and, when `verifiesServerName`, checked
  /// against the server certificate's DNS or IP subjectAltNames. A `TLSHandler` can override
  /// it per connection.
  public var serverName: String?
  /// Client only. Mesh clients that check the peer's SPIFFE URI instead set this to false.
  public var verifiesServerName: Bool
  /// ALPN names in preference order. A server selects the first of its own that the client
  /// offered (and goes on without ALPN when none match); a client offers them.
  public var applicationProtocols: [String]

  /// A server: certificate chain and key, and optionally a client CA; client certificates are
  /// then requested and verified when sent (`.optional`) unless `clientCertificateMode` says
  /// otherwise. Serves only HTTP/1.1 by default, so clients offering `h2, http/1.1` get
  /// `http/1.1`.
  public static func server(
    certificateChainPEM: String, privateKeyPEM: String, clientCAPEM: String? = nil,
    clientCertificateMode: ClientCertificateMode? = nil, applicationProtocols: [String] = ["http/1.1"]
  ) -> TLSConfiguration {
    TLSConfiguration(
      role: .server, certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM,
      trustRootsPEM: clientCAPEM, clientCertificateMode: clientCertificateMode ?? (clientCAPEM == nil ? .none : .optional),
      serverName: nil, verifiesServerName: false, applicationProtocols: applicationProtocols)
  }

  /// A client that verifies the server against `trustRootsPEM` (and its name against
  /// `serverName` when `verifiesServerName`), optionally presenting a client certificate.
  public static func client(
    trustRootsPEM: String, certificateChainPEM: String? = nil, privateKeyPEM: String? = nil, serverName: String? = nil,
    verifiesServerName: Bool = true, applicationProtocols: [String] = []
  ) -> TLSConfiguration {
    TLSConfiguration(
      role: .client, certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM,
      trustRootsPEM: trustRootsPEM, clientCertificateMode: .none, serverName: serverName,
      verifiesServerName: verifiesServerName, applicationProtocols: applicationProtocols)
  }

  public init(
    role: Role, certificateChainPEM: String?, privateKeyPEM: String?, trustRootsPEM: String?,
    clientCertificateMode: ClientCertificateMode, serverName: String?, verifiesServerName: Bool,
    applicationProtocols: [String]
  ) {
    self.role = role
    self.certificateChainPEM = certificateChainPEM
    self.privateKeyPEM = privateKeyPEM
    self.trustRootsPEM = trustRootsPEM
    self.clientCertificateMode = clientCertificateMode
    self.serverName = serverName
    self.verifiesServerName = verifiesServerName
    self.applicationProtocols = applicationProtocols
  }
}
