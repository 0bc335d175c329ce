import SkiffAPIServer
import SkiffTLS

#if canImport(Glibc)
import Glibc
#endif

/// The cluster's certificates in `<data>/pki`, as kubeadm keeps `/etc/kubernetes/pki`: the
/// cluster CA (`ca.crt`, `ca.key`), the API server's serving certificate (issued at every
/// start for 127.0.0.1 and the `kubernetes` Service names), the admin client certificate
/// kubectl presents (`admin.crt`, `admin.key`: CN skiff-admin, O system:masters) and an admin
/// bearer token (`admin.token`). Keys and the token are mode 0600: the directory is the
/// cluster's root credential.
struct ClusterPKI {
  let directory: String
  let authority: CertificateAuthority
  let adminCertificatePEM: String
  let adminKeyPEM: String
  let adminToken: String
  let server: IssuedCertificate

  static let adminCommonName = "skiff-admin"

  init(directory: String) throws {
    self.directory = directory
    let caExisted = access(directory + "/ca.crt", F_OK) == 0
    authority = try CertificateAuthority.loadOrCreate(directory: directory)
    server = try authority.issue(
      commonName: "kube-apiserver",
      dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
      ipAddresses: ["127.0.0.1", "10.96.0.1"], usage: .server)
    let certPath = directory + "/admin.crt", keyPath = directory + "/admin.key", tokenPath = directory + "/admin.token"
    if caExisted, let cert = Self.read(certPath), let key = Self.read(keyPath) {
      adminCertificatePEM = cert
      adminKeyPEM = key
    } else {
      let admin = try authority.issue(
        commonName: Self.adminCommonName, organizations: ["system:masters"], usage: .client, validDays: 3650)
      try Self.write(admin.privateKeyPEM, to: keyPath, mode: 0o600)
      try Self.write(admin.certificatePEM, to: certPath, mode: 0o644)
      adminCertificatePEM = admin.certificatePEM
      adminKeyPEM = admin.privateKeyPEM
    }
    if let token = Self.read(tokenPath)?.split(separator: "\n").first, !token.isEmpty {
      adminToken = String(token)
    } else {
      adminToken = try Self.randomToken()
      try Self.write(adminToken + "\n", to: tokenPath, mode: 0o600)
    }
  }

  /// The API's TLS (client certificates requested, verified against the CA when sent) and
  /// the tokens it accepts.
  func security() throws -> HTTPSecurity {
    let context = try TLSContext(configuration: .server(
      certificateChainPEM: server.certificatePEM, privateKeyPEM: server.privateKeyPEM,
      clientCAPEM: authority.certificatePEM))
    return HTTPSecurity(tls: context, bearerTokens: [adminToken])
  }

  /// A credential file's text, nil when it is missing or empty.
  static func read(_ path: String) -> String? {
    guard let text = try? PEMFile.read(path), !text.isEmpty else { return nil }
    return text
  }

  /// Written as the CA's own files are: temporary file, fsync, rename, exact mode.
  static func write(_ text: String, to path: String, mode: mode_t) throws {
    try PEMFile.write(text, to: path, mode: mode)
  }

  /// 32 random bytes from the kernel (SystemRandomNumberGenerator reads getrandom), hex.
  static func randomToken() throws -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in
      let byte = UInt8.random(in: 0...255, using: &generator)
      return (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }.joined()
  }
}
