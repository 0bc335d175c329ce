import CSkiffTLS

/// What a PEM certificate says about itself: subject and subjectAltNames, serial number and
/// validity (what `istioctl proxy-config secret` and `openssl x509 -text` show).
public struct CertificateInfo: Sendable, Equatable {
  public var subject: TLSPeerIdentity
  /// Upper-case hex, as OpenSSL prints it.
  public var serialNumber: String
  /// Seconds since the epoch.
  public var notBefore: Int64
  public var notAfter: Int64

  /// Reads the first certificate of `pem`; the error names what could not be read.
  public init(pem: String) throws(TLSError) {
    let cert = try CertificateAuthority.parseCertificate(pem, what: "the certificate")
    defer { X509_free(cert) }
    subject = TLSPeerIdentity(certificate: cert)
    var buffer = [CChar](repeating: 0, count: 128)
    let n = buffer.withUnsafeMutableBufferPointer { skiff_tls_serial_hex(cert, $0.baseAddress!, $0.count) }
    serialNumber = n < 0 ? "" : buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    notBefore = Int64(skiff_tls_validity(cert, 0))
    notAfter = Int64(skiff_tls_validity(cert, 1))
  }
}
