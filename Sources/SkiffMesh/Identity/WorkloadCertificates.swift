public import SkiffMeshConfig
public import SkiffTLS
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Issues sidecars their workload certificates from the mesh CA, as istiod's CA does for
/// istio-agent: one per proxy, SPIFFE ID `spiffe://cluster.local/ns/NS/sa/SA` as its only
/// subjectAltName, valid 24 hours (Istio's default workload certificate TTL), usable for
/// both sides of mutual TLS. A proxy keeps its certificate until half its lifetime has
/// passed or its service account changed; `MeshController` asks again on every recompile
/// and on its rotation tick, so rotation is a normal config push.
public final class WorkloadCertificates: Sendable {
  public let authority: CertificateAuthority
  /// Certificate lifetime in days (OpenSSL's granularity here).
  public let validDays: Int
  private let issued = Mutex<[ProxyIdentity: WorkloadSecret]>([:])
  private let clock: @Sendable () -> Int64

  /// `now` gives the time in seconds since the epoch (tests move it); nil: the system clock.
  public init(authority: CertificateAuthority, validDays: Int = 1, now: (@Sendable () -> Int64)? = nil) {
    self.authority = authority
    self.validDays = validDays
    self.clock = now ?? { Int64(time(nil)) }
  }

  /// The mesh CA in `directory` (`ca.crt`, `ca.key`), created on first use.
  public convenience init(directory: String) throws(TLSError) {
    self.init(authority: try CertificateAuthority.loadOrCreate(directory: directory, commonName: "skiff-mesh-ca"))
  }

  /// `proxy`'s current certificate for `spiffeID`: the one it has, or a new one when it has
  /// none, it is past half its lifetime or it names another identity. Throws when OpenSSL
  /// cannot issue one (the proxy then keeps what it has).
  public func secret(for proxy: ProxyIdentity, spiffeID: String) throws(TLSError) -> WorkloadSecret {
    let key = ProxyIdentity(namespace: proxy.namespace, name: proxy.name)
    let now = clock()
    if let current = issued.withLock({ $0[key] }), current.spiffeID == spiffeID, !Self.dueForRotation(current, now: now) {
      return current
    }
    let name = spiffeID.split(separator: "/").suffix(1).first.map(String.init) ?? spiffeID
    let certificate = try authority.issue(commonName: name, uris: [spiffeID], usage: .both, validDays: validDays)
    let info = try CertificateInfo(pem: certificate.certificatePEM)
    let secret = WorkloadSecret(
      spiffeID: spiffeID, certificateChainPEM: certificate.certificatePEM, privateKeyPEM: certificate.privateKeyPEM,
      trustBundlePEM: authority.certificatePEM, notAfter: Self.rfc3339(info.notAfter),
      serialNumber: info.serialNumber)
    issued.withLock { $0[key] = secret }
    return secret
  }

  /// Forgets `proxy`'s certificate (its pod is gone).
  public func forget(_ proxy: ProxyIdentity) {
    _ = issued.withLock { $0.removeValue(forKey: ProxyIdentity(namespace: proxy.namespace, name: proxy.name)) }
  }

  /// Past half its lifetime (istio-agent's `SECRET_GRACE_PERIOD_RATIO` is 0.5).
  static func dueForRotation(_ secret: WorkloadSecret, now: Int64) -> Bool {
    guard let info = try? CertificateInfo(pem: secret.certificateChainPEM) else { return true }
    return now >= info.notBefore + (info.notAfter - info.notBefore) / 2
  }

  static func rfc3339(_ seconds: Int64) -> String {
    var t = time_t(seconds)
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}
