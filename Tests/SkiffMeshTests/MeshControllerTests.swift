import SkiffAPI
import SkiffMesh
import SkiffMeshConfig
import SkiffStore
import SkiffTLS
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct MeshControllerTests {
  typealias W = WalkthroughCluster

  /// Applies `change` to the store and feeds the resulting watch events to `controller`;
  /// returns the proxies whose snapshot changed.
  func affected(by change: () throws -> Void, store: ObjectStore, controller: MeshController) async throws -> [String] {
    let events = try store.watch(nil, fromRevision: store.revision)
    let before = store.revision
    try change()
    var iterator = events.makeAsyncIterator()
    for _ in before..<store.revision {
      guard let event = await iterator.next() else { break }
      controller.handle(event)
    }
    return controller.recompile().map(\.id)
  }

  @Test func onlyProxiesWhoseSnapshotChangesAreAffected() async throws {
    let store = try W.store(dr: true, vs: W.virtualService())
    var outsider = W.pod("outsider", ip: "10.244.0.50", labels: ["app": "outsider"])
    outsider.metadata.namespace = "other"
    try W.put(outsider, in: store)
    var bystander = W.pod("bystander", ip: "10.244.0.51", labels: ["app": "bystander"])
    bystander.spec.containers.removeLast()  // no sidecar
    try W.put(bystander, in: store)

    let server = MeshConfigServer()
    let controller = MeshController(store: store, server: server)
    let proxies = MeshCompiler(inputs: MeshInputs.load(from: store)).proxies
    #expect(proxies.count == 4)
    for proxy in proxies { server.setSnapshot(MeshCompiler(inputs: MeshInputs.load(from: store)).compile(for: proxy)) }
    #expect(controller.recompile().isEmpty)

    // Exporting the VirtualService only to its namespace changes only the outsider's
    // snapshot: it falls back to the default route; the others route as before.
    var local = try W.virtualService()
    local.spec?.exportTo = ["."]
    #expect(try await affected(by: { try W.put(local, in: store) }, store: store, controller: controller) == ["outsider.other"])
    #expect(server.snapshot(for: proxies.first { $0.namespace == "other" }!)?.routeTable(named: "\(W.serverHost):8080")?.routes.first?.name == "default")
    // Then editing its weights affects only the proxies that see it.
    local.spec?.http?[0].route?[0].weight = 50
    local.spec?.http?[0].route?[1].weight = 50
    let sidecarNamespace = try await affected(by: { try W.put(local, in: store) }, store: store, controller: controller)
    #expect(sidecarNamespace == proxies.filter { $0.namespace == W.namespace }.map(\.id))

    // A pod that is nobody's endpoint and has no sidecar: nothing to push.
    bystander.metadata.labels?["tier"] = "x"
    #expect(try await affected(by: { try W.put(bystander, in: store) }, store: store, controller: controller).isEmpty)

    // An endpoint going away changes every proxy's clusters.
    let shrink = try await affected(
      by: { for endpoints in W.endpoints(ready: [W.v1]) { try W.put(endpoints, in: store) } }, store: store, controller: controller)
    #expect(shrink == proxies.map(\.id))
    #expect(server.snapshot(for: W.client)?.cluster(named: "outbound|8080||\(W.serverHost)")?.endpoints == [W.v1])
  }
}

/// The mesh CA gives each proxy its workload certificate in its snapshot, and renews it at
/// half its life as a normal push.
@Suite struct WorkloadCertificateTests {
  typealias W = WalkthroughCluster

  @Test func eachProxyGetsItsSPIFFECertificateWhichRotatesAtHalfItsLife() async throws {
    let store = try W.store()
    let server = MeshConfigServer()
    let clock = Atomic<Int64>(Int64(time(nil)))
    let certificates = WorkloadCertificates(authority: try CertificateAuthority.create(), now: { clock.load(ordering: .relaxed) })
    let controller = MeshController(store: store, server: server, certificates: certificates)
    server.setSnapshot(MeshCompiler(inputs: MeshInputs.load(from: store)).compile(for: W.client))
    #expect(controller.recompile() == [W.client])  // the certificate is added

    let first = try #require(server.snapshot(for: W.client)?.secret)
    #expect(first.spiffeID == "spiffe://cluster.local/ns/grpc-sidecar/sa/default")
    let info = try CertificateInfo(pem: first.certificateChainPEM)
    #expect(info.subject.uris == [first.spiffeID])
    #expect(info.serialNumber == first.serialNumber)
    #expect(info.notAfter - clock.load(ordering: .relaxed) >= 86_000 && info.notAfter - clock.load(ordering: .relaxed) <= 86_400)
    #expect(first.trustBundlePEM == certificates.authority.certificatePEM)
    #expect(first.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    // proxy-config and /config_dump never show the key.
    #expect(server.snapshot(for: W.client)?.redacted().secret?.privateKeyPEM == "[redacted]")

    // Nothing changed: the same certificate, nothing pushed.
    #expect(controller.recompile().isEmpty)
    clock.add(6 * 3600, ordering: .relaxed)
    #expect(controller.recompile().isEmpty)
    // Past half its life: a new one, pushed.
    clock.add(7 * 3600, ordering: .relaxed)
    #expect(controller.recompile() == [W.client])
    let second = try #require(server.snapshot(for: W.client)?.secret)
    #expect(second.serialNumber != first.serialNumber)
    #expect(second.spiffeID == first.spiffeID)
  }
}
