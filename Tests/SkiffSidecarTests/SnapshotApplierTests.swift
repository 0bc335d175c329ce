import Logging
import NIOCore
import NIOPosix
import SkiffMeshConfig
import SkiffProxy
import SkiffTLS
import Testing

@testable import SkiffSidecar

/// The workload certificate a snapshot carries goes into the engine's mutual TLS, all or
/// nothing with the rest of the snapshot.
@Suite("the sidecar's certificate from the mesh config") struct SnapshotApplierTests {
  static let id = "spiffe://cluster.local/ns/grpc-sidecar/sa/default"

  static func secret(from authority: CertificateAuthority, keyFrom other: IssuedCertificate? = nil) throws -> WorkloadSecret {
    let issued = try authority.issue(commonName: "default", uris: [id], usage: .both, validDays: 1)
    let info = try CertificateInfo(pem: issued.certificatePEM)
    return WorkloadSecret(
      spiffeID: id, certificateChainPEM: issued.certificatePEM, privateKeyPEM: other?.privateKeyPEM ?? issued.privateKeyPEM,
      trustBundlePEM: authority.certificatePEM, notAfter: "2026-11-27T00:00:00Z", serialNumber: info.serialNumber)
  }

  @Test func aCertificateInTheSnapshotTurnsOnMutualTLSAndABadOneIsNACKedKeepingTheLastGood() throws {
    let decider = MeshRouteDecider()
    let engine = ProxyEngine(group: MultiThreadedEventLoopGroup.singleton, decider: decider)
    let applier = SnapshotApplier(decider: decider, engine: engine, logger: Logger(label: "test"))
    try applier.apply(Fixture.snapshot())
    #expect(engine.mutualTLS == nil)

    let ca = try CertificateAuthority.create()
    var withSecret = Fixture.snapshot()
    withSecret.secret = try Self.secret(from: ca)
    try applier.apply(withSecret.versioned())
    #expect(engine.mutualTLS?.spiffeID == Self.id)
    #expect(decider.snapshot?.secret?.serialNumber == withSecret.secret?.serialNumber)

    // A key that is not the certificate's: refused, the previous config and certificate stay.
    let before = engine.mutualTLS
    var broken = Fixture.snapshot(routes: Fixture.split(0, 100))
    broken.secret = try Self.secret(from: ca, keyFrom: try ca.issue(commonName: "x", usage: .both))
    #expect {
      try applier.apply(broken.versioned())
    } throws: { error in
      let text = String(describing: error)
      return text.hasPrefix("invalid snapshot: secret: the workload certificate for \(Self.id) cannot be used: ")
    }
    #expect(engine.mutualTLS === before)
    #expect(decider.snapshot?.version == withSecret.versioned().version)
  }

  @Test func endpointIdentitiesReachTheDataPlane() throws {
    let decider = MeshRouteDecider()
    var snapshot = Fixture.snapshot()
    for i in snapshot.clusters.indices {
      for j in snapshot.clusters[i].endpoints.indices { snapshot.clusters[i].endpoints[j].peerIdentity = Self.id }
    }
    try decider.update(to: snapshot.versioned())
    guard case .forward(let route) = decider.decide(Fixture.call, connection: try Fixture.outbound(to: "10.96.0.20", 8080)) else {
      Issue.record("the call is forwarded")
      return
    }
    #expect(route.endpoint.peerIdentity == Self.id)
    guard case .passthrough(_, let endpoint) = decider.decideConnection(try Fixture.outbound(to: "10.96.0.30", 5432)) else {
      Issue.record("the TCP connection is spliced")
      return
    }
    #expect(endpoint.peerIdentity == Self.id)
  }
}
