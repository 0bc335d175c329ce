import CSkiffTLS

/// Who the peer's verified certificate says it is.
public struct TLSPeerIdentity: Sendable, Equatable, CustomStringConvertible {
  /// Subject CN: the Kubernetes user name of a client certificate.
  public var commonName: String?
  /// Subject O values, in order: the Kubernetes groups of a client certificate.
  public var organizations: [String]
  /// URI subjectAltNames: SPIFFE IDs of mesh workloads.
  public var uris: [String]
  public var dnsNames: [String]
  public var ipAddresses: [String]

  public init(
    commonName: String?, organizations: [String] = [], uris: [String] = [], dnsNames: [String] = [],
    ipAddresses: [String] = []
  ) {
    self.commonName = commonName
    self.organizations = organizations
    self.uris = uris
    self.dnsNames = dnsNames
    self.ipAddresses = ipAddresses
  }

  public var description: String {
    var parts: [String] = []
    if let commonName { parts.append("CN=\(commonName)") }
    parts += organizations.map { "O=\($0)" }
    parts += uris.map { "URI:\($0)" }
    return parts.isEmpty ? "(empty subject)" : parts.joined(separator: ", ")
  }

  /// Reads the subject and subjectAltNames of an `X509 *`.
  init(certificate cert: OpaquePointer) {
    func subject(_ nid: Int32) -> [String] {
      (0..<max(0, Int(skiff_tls_subject_count(cert, nid)))).compactMap { i in
        read { skiff_tls_subject_get(cert, nid, Int32(i), $0, $1) }
      }
    }
    func sans(_ type: Int32) -> [String] {
      (0..<max(0, Int(skiff_tls_san_count(cert, type)))).compactMap { i in
        read { skiff_tls_san_get(cert, type, Int32(i), $0, $1) }
      }
    }
    self.init(
      commonName: subject(NID_commonName).last, organizations: subject(NID_organizationName), uris: sans(GEN_URI),
      dnsNames: sans(GEN_DNS), ipAddresses: sans(GEN_IPADD))
  }
}

private func read(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
  var buffer = [CChar](repeating: 0, count: 4096)
  let n = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
  guard n >= 0 else { return nil }
  return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Fired as a user inbound event by `TLSHandler` once the handshake has finished, before
/// any application data is passed on.
public struct TLSHandshakeCompleted: Sendable, Equatable {
  /// The protocol ALPN settled on ("http/1.1", "h2"), nil when there was none.
  public var applicationProtocol: String?
  /// The peer's verified certificate identity; nil when it sent no certificate.
  public var peer: TLSPeerIdentity?
  /// "TLSv1.3" or "TLSv1.2".
  public var protocolVersion: String
  /// The cipher suite's OpenSSL name.
  public var cipherSuite: String

  public init(applicationProtocol: String?, peer: TLSPeerIdentity?, protocolVersion: String, cipherSuite: String) {
    self.applicationProtocol = applicationProtocol
    self.peer = peer
    self.protocolVersion = protocolVersion
    self.cipherSuite = cipherSuite
  }
}
