import CSkiffTLS
import Glibc

/// What an issued certificate may be used for (its extendedKeyUsage).
public enum CertificateUsage: Sendable {
  /// serverAuth: a TLS server (the API server, a sidecar's inbound side).
  case server
  /// clientAuth: a TLS client (kubectl's admin certificate, a sidecar's outbound side).
  case client
  /// Both, as mesh workload certificates are.
  case both
}

/// A certificate and its private key, both PEM.
public struct IssuedCertificate: Sendable, Equatable {
  /// The leaf certificate, PEM. The CA is a root, so the chain is this one certificate.
  public var certificatePEM: String
  /// The leaf's private key (EC P-256), PKCS#8 PEM.
  public var privateKeyPEM: String

  public init(certificatePEM: String, privateKeyPEM: String) {
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
  }
}

/// The cluster's certificate authority: a self-signed EC P-256 root ("skiff-ca") that issues
/// the API server's serving certificate, the admin client certificate and, later, the mesh's
/// workload certificates.
public struct CertificateAuthority: Sendable, Equatable {
  /// The CA certificate, PEM (what clients put in their trust roots, kubeconfig's
  /// certificate-authority-data).
  public let certificatePEM: String
  /// The CA's private key, PKCS#8 PEM.
  public let privateKeyPEM: String

  /// A CA from PEM text; throws when either does not parse or the key is not the
  /// certificate's.
  public init(certificatePEM: String, privateKeyPEM: String) throws(TLSError) {
    let cert = try Self.parseCertificate(certificatePEM, what: "the CA certificate")
    defer { X509_free(cert) }
    let key = try Self.parseKey(privateKeyPEM, what: "the CA private key")
    defer { EVP_PKEY_free(key) }
    guard X509_check_private_key(cert, key) == 1 else {
      throw TLSError(
        .certificate,
        "the CA private key does not belong to the CA certificate: "
          + drainOpenSSLErrors(fallback: "public keys differ"))
    }
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
  }

  /// A new self-signed CA, not stored anywhere.
  public static func create(commonName: String = "skiff-ca", validDays: Int = 3650) throws(TLSError)
    -> CertificateAuthority
  {
    let key = try openSSLCall(.certificate) { skiff_tls_generate_key($0, $1) }
    defer { EVP_PKEY_free(key) }
    let cert = try makeCertificate(
      commonName: commonName, organizations: [], dnsNames: [], ipAddresses: [], uris: [], isCA: true,
      usage: nil, validDays: validDays, subjectKey: key, issuer: nil, signingKey: key)
    defer { X509_free(cert) }
    return try CertificateAuthority(certificatePEM: pem(of: cert), privateKeyPEM: pem(ofKey: key))
  }

  /// File names inside the CA directory.
  public static let certificateFileName = "ca.crt"
  public static let privateKeyFileName = "ca.key"

  /// The CA kept in `directory` as `ca.crt` and `ca.key` (mode 0600): loaded when both
  /// exist, created (with the directory, mode 0700) when neither does, named `commonName`.
  public static func loadOrCreate(directory: String, commonName: String = "skiff-ca") throws(TLSError)
    -> CertificateAuthority
  {
    let certPath = directory + "/" + certificateFileName
    let keyPath = directory + "/" + privateKeyFileName
    switch (PEMFile.exists(certPath), PEMFile.exists(keyPath)) {
    case (true, true):
      let ca: CertificateAuthority
      do {
        ca = try CertificateAuthority(
          certificatePEM: try PEMFile.read(certPath), privateKeyPEM: try PEMFile.read(keyPath))
      } catch {
        throw TLSError(error.code, "load the CA from \(directory): \(error.message)")
      }
      return ca
    case (false, false):
      let ca = try create(commonName: commonName)
      try PEMFile.makeDirectory(directory)
      // Key first: a crash in between leaves only a key, which the next start reports.
      try PEMFile.write(ca.privateKeyPEM, to: keyPath, mode: 0o600)
      try PEMFile.write(ca.certificatePEM, to: certPath, mode: 0o644)
      return ca
    case (true, false):
      throw TLSError(
        .file, "\(certPath) exists but \(keyPath) does not: restore the key, or remove \(certPath) to create a new CA")
    case (false, true):
      throw TLSError(
        .file, "\(keyPath) exists but \(certPath) does not: restore the certificate, or remove \(keyPath) to create a new CA")
    }
  }

  /// A certificate signed by this CA with a fresh EC P-256 key, a random 128-bit serial,
  /// the subject `O=<organizations>, CN=<commonName>` and the given subjectAltNames (which Go
  /// clients require of servers: they ignore the CN).
  public func issue(
    commonName: String, organizations: [String] = [], dnsNames: [String] = [], ipAddresses: [String] = [],
    uris: [String] = [], usage: CertificateUsage, validDays: Int = 365
  ) throws(TLSError) -> IssuedCertificate {
    let caCert = try Self.parseCertificate(certificatePEM, what: "the CA certificate")
    defer { X509_free(caCert) }
    let caKey = try Self.parseKey(privateKeyPEM, what: "the CA private key")
    defer { EVP_PKEY_free(caKey) }
    let key = try openSSLCall(.certificate) { skiff_tls_generate_key($0, $1) }
    defer { EVP_PKEY_free(key) }
    let cert = try Self.makeCertificate(
      commonName: commonName, organizations: organizations, dnsNames: dnsNames, ipAddresses: ipAddresses, uris: uris,
      isCA: false, usage: usage, validDays: validDays, subjectKey: key, issuer: caCert, signingKey: caKey)
    defer { X509_free(cert) }
    return IssuedCertificate(certificatePEM: try Self.pem(of: cert), privateKeyPEM: try Self.pem(ofKey: key))
  }

  // MARK: - OpenSSL

  private static func makeCertificate(
    commonName: String, organizations: [String], dnsNames: [String], ipAddresses: [String], uris: [String],
    isCA: Bool, usage: CertificateUsage?, validDays: Int, subjectKey: OpaquePointer, issuer: OpaquePointer?,
    signingKey: OpaquePointer
  ) throws(TLSError) -> OpaquePointer {
    var serial = [UInt8](repeating: 0, count: 16)
    var random = SystemRandomNumberGenerator()
    for i in serial.indices { serial[i] = random.next() }
    if serial[0] == 0 { serial[0] = 1 }  // always 16 significant bytes, never zero
    return try withCStringArray(organizations) { (orgs, orgCount) throws(TLSError) in
      try withCStringArray(dnsNames) { (dns, dnsCount) throws(TLSError) in
        try withCStringArray(ipAddresses) { (ips, ipCount) throws(TLSError) in
          try withCStringArray(uris) { (uriList, uriCount) throws(TLSError) in
            // Pointers that outlive no closure: withCString does not throw typed errors.
            let cn = strdup(commonName)
            defer { free(cn) }
            let serialBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: serial.count)
            defer { serialBytes.deallocate() }
            serialBytes.initialize(from: serial, count: serial.count)
            var spec = skiff_tls_cert_spec(
              common_name: cn, organizations: orgs, organization_count: orgCount, dns_names: dns,
              dns_name_count: dnsCount, ip_addresses: ips, ip_address_count: ipCount, uris: uriList,
              uri_count: uriCount, is_ca: isCA ? 1 : 0,
              server_auth: usage == .server || usage == .both ? 1 : 0,
              client_auth: usage == .client || usage == .both ? 1 : 0, valid_days: Int32(validDays),
              serial: serialBytes, serial_len: serial.count)
            return try openSSLCall(.certificate, "issue a certificate for CN=\(commonName)") {
              skiff_tls_make_cert(&spec, subjectKey, issuer, signingKey, $0, $1)
            }
          }
        }
      }
    }
  }

  static func parseCertificate(_ pem: String, what: String) throws(TLSError) -> OpaquePointer {
    try openSSLCall(.certificate, "read \(what)") { err, len in
      pem.withCString { skiff_tls_read_cert_pem($0, pem.utf8.count, err, len) }
    }
  }

  static func parseKey(_ pem: String, what: String) throws(TLSError) -> OpaquePointer {
    try openSSLCall(.certificate, "read \(what)") { err, len in
      pem.withCString { skiff_tls_read_key_pem($0, pem.utf8.count, err, len) }
    }
  }

  private static func pem(of cert: OpaquePointer) throws(TLSError) -> String {
    var length = 0
    let text = try openSSLCall(.certificate) { skiff_tls_cert_to_pem(cert, &length, $0, $1) }
    return takeCString(text, length: length)
  }

  private static func pem(ofKey key: OpaquePointer) throws(TLSError) -> String {
    var length = 0
    let text = try openSSLCall(.certificate) { skiff_tls_key_to_pem(key, &length, $0, $1) }
    return takeCString(text, length: length)
  }
}
