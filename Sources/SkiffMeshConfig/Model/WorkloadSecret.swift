/// A sidecar's mesh identity, as Istio's SDS delivers it (`default` and `ROOTCA`): the
/// workload certificate with its SPIFFE ID (`spiffe://cluster.local/ns/NS/sa/SA`), its key,
/// and the mesh root that peers' certificates must chain to.
///
/// The sidecar presents the certificate on both sides of mutual TLS (it is issued for
/// serverAuth and clientAuth, as Istio's are) and trusts only `trustBundlePEM`.
public struct WorkloadSecret: Codable, Hashable, Sendable {
  /// `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`.
  public var spiffeID: String
  /// The workload certificate, PEM (the mesh CA is a root, so the chain is this one).
  public var certificateChainPEM: String
  /// Its private key, PEM. Never printed: `redacted()` blanks it for config dumps.
  public var privateKeyPEM: String
  /// The mesh root CA, PEM.
  public var trustBundlePEM: String
  /// When the certificate stops being valid, RFC 3339 (the control plane rotates it at half
  /// its lifetime, as istio-agent does).
  public var notAfter: String
  /// The certificate's serial number, hex (what `istioctl proxy-config secret` shows).
  public var serialNumber: String

  public init(
    spiffeID: String, certificateChainPEM: String, privateKeyPEM: String, trustBundlePEM: String, notAfter: String,
    serialNumber: String
  ) {
    self.spiffeID = spiffeID
    self.certificateChainPEM = certificateChainPEM
    self.privateKeyPEM = privateKeyPEM
    self.trustBundlePEM = trustBundlePEM
    self.notAfter = notAfter
    self.serialNumber = serialNumber
  }

  /// What a config dump shows of a private key (Envoy's `/config_dump` does the same).
  public static let redactedKey = "[redacted]"

  /// The SPIFFE ID Istio gives a pod's service account.
  public static func spiffeID(trustDomain: String = "cluster.local", namespace: String, serviceAccount: String) -> String {
    "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
  }
}

extension MeshSnapshot {
  /// The snapshot with the workload's private key blanked, for `/config_dump` and
  /// `skiff proxy-config`.
  public func redacted() -> MeshSnapshot {
    var copy = self
    copy.secret?.privateKeyPEM = WorkloadSecret.redactedKey
    return copy
  }
}
