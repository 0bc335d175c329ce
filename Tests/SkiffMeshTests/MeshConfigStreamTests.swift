import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SkiffAPI
import SkiffMesh
import SkiffMeshClient
import SkiffMeshConfig
import SkiffMeshProto
import SwiftProtobuf
import SkiffStore
import Testing

@Suite(.timeLimit(.minutes(1))) struct MeshConfigStreamTests {
  typealias W = WalkthroughCluster

  func compiled(dr: Bool = true, vs: VirtualService? = nil, for proxy: ProxyIdentity = W.client) throws -> MeshSnapshot {
    MeshCompiler(inputs: try W.inputs(dr: dr, vs: vs)).compile(for: proxy)
  }

  @Test func clientReceivesItsInitialConfigAndACKs() async throws {
    let dir = try temporarySocketDirectory()
    let snapshot = try compiled(vs: W.virtualService())
    try await withMeshServer { server in
      // The sidecar's uid owns the socket (the test keeps its own uid so it may chown).
      try await server.addProxy(W.client, socketPath: dir + "/mesh.sock", owner: (getuid(), getgid()))
      var info = stat()
      #expect(stat(dir + "/mesh.sock", &info) == 0 && info.st_mode & 0o777 == 0o600)
      #expect(server.status(of: W.client)?.state == .notSent)
      server.setSnapshot(snapshot)
      let client = MeshConfigClient.forTest(socketPath: dir + "/mesh.sock", proxy: W.client)
      try await withRunningClient(client) {
        #expect(await eventually { server.status(of: W.client)?.state == .synced })
        #expect(client.current.value == snapshot)
        let status = try #require(server.status(of: W.client))
        #expect(status.ackedVersion == snapshot.version)
        #expect(status.streams == 1)
        #expect(client.status.connected)
      }
    }
  }

  @Test func aVirtualServiceEditReachesTheClientWithoutRestart() async throws {
    let dir = try temporarySocketDirectory()
    let store = try W.store(dr: true, vs: W.virtualService())
    try await withMeshServer { server in
      let controller = MeshController(store: store, server: server)
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await controller.run() }
        try await controller.registerProxy(W.client, socketPath: dir + "/mesh.sock")
        let router = SharedRouter(try Router(snapshot: try compiled(vs: W.virtualService())))
        let client = MeshConfigClient.forTest(socketPath: dir + "/mesh.sock", proxy: W.client) { try router.update(to: $0) }
        try await withRunningClient(client) {
          #expect(await eventually { server.status(of: W.client)?.state == .synced })
          var counts: [SkiffMeshConfig.Endpoint: Int] = [:]
          for _ in 0..<100 { counts[router.route(W.request(), to: W.serverDestination).endpoint!, default: 0] += 1 }
          #expect(counts == [W.v1: 90, W.v2: 10])

          // (How fast the edit arrives is scripts/bench-mesh's business, not a test's.)
          let before = client.current.value?.version
          try W.put(try W.virtualService(v1: 0, v2: 100), in: store)
          #expect(await eventually { client.current.value?.version != before && server.status(of: W.client)?.state == .synced })
          #expect((0..<20).allSatisfy { _ in router.route(W.request(), to: W.serverDestination).endpoint == W.v2 })
        }
        group.cancelAll()
      }
    }
  }

  @Test func anInvalidSnapshotIsNACKedAndTheClientKeepsThePreviousOne() async throws {
    let dir = try temporarySocketDirectory()
    let good = try compiled(vs: W.virtualService())
    var broken = try compiled(vs: W.virtualService(v1: 0, v2: 100))
    broken.clusters.append(broken.clusters[0])
    let bad = broken.versioned()
    try await withMeshServer { server in
      try await server.addProxy(W.client, socketPath: dir + "/mesh.sock")
      server.setSnapshot(good)
      let client = MeshConfigClient.forTest(socketPath: dir + "/mesh.sock", proxy: W.client)
      try await withRunningClient(client) {
        #expect(await eventually { server.status(of: W.client)?.state == .synced })
        server.setSnapshot(bad)
        #expect(await eventually { server.status(of: W.client)?.state == .error })
        let status = try #require(server.status(of: W.client))
        #expect(status.nackedVersion == bad.version)
        #expect(status.ackedVersion == good.version)
        #expect(status.nackError?.contains("duplicate cluster \"outbound|") == true)
        #expect(client.current.value == good)
        #expect(client.status.rejected == 1)
        #expect(server.proxyStatusTable().contains("ERROR"))
        // The next good snapshot clears the error.
        let fixed = try compiled(vs: W.virtualService(v1: 50, v2: 50))
        server.setSnapshot(fixed)
        #expect(await eventually { server.status(of: W.client)?.state == .synced })
        #expect(client.current.value == fixed)
        #expect(server.status(of: W.client)?.nackError == nil)
      }
    }
  }

  @Test func theClientReconnectsAfterAServerRestartAndResyncs() async throws {
    let dir = try temporarySocketDirectory()
    let path = dir + "/mesh.sock"
    let first = try compiled(vs: W.virtualService())
    let second = try compiled(vs: W.virtualService(v1: 0, v2: 100))
    let client = MeshConfigClient.forTest(socketPath: path, proxy: W.client)
    try await withRunningClient(client) {
      try await withMeshServer(id: "first") { server in
        try await server.addProxy(W.client, socketPath: path)
        server.setSnapshot(first)
        #expect(await eventually { server.status(of: W.client)?.state == .synced })
      }
      // Control plane down: the proxy keeps its last good config.
      #expect(await eventually { !client.status.connected })
      #expect(client.current.value == first)
      try await withMeshServer(id: "second") { server in
        server.setSnapshot(second)
        try await server.addProxy(W.client, socketPath: path)
        #expect(await eventually { server.status(of: W.client)?.state == .synced })
        #expect(client.current.value == second)
        #expect(server.status(of: W.client)?.ackedVersion == second.version)
      }
    }
  }

  @Test func aResyncWithTheSameVersionIsACKedWithoutReapplying() async throws {
    let dir = try temporarySocketDirectory()
    let path = dir + "/mesh.sock"
    let snapshot = try compiled(vs: W.virtualService())
    let client = MeshConfigClient.forTest(socketPath: path, proxy: W.client)
    try await withRunningClient(client) {
      for _ in 0..<2 {
        try await withMeshServer { server in
          try await server.addProxy(W.client, socketPath: path)
          server.setSnapshot(snapshot)
          #expect(await eventually { server.status(of: W.client)?.state == .synced })
        }
      }
      #expect(client.current.generation == 1)
      #expect(client.status.accepted == 1)
    }
  }

  @Test func removingAProxyClosesItsSocketAndTheClientKeepsItsConfig() async throws {
    let dir = try temporarySocketDirectory()
    let path = dir + "/mesh.sock"
    let snapshot = try compiled()
    try await withMeshServer { server in
      try await server.addProxy(W.client, socketPath: path)
      server.setSnapshot(snapshot)
      let client = MeshConfigClient.forTest(socketPath: path, proxy: W.client)
      try await withRunningClient(client) {
        #expect(await eventually { server.status(of: W.client)?.state == .synced })
        server.removeProxy(W.client)
        #expect(server.status(of: W.client) == nil)
        #expect(await eventually { !client.status.connected && !FileManager.default.fileExists(atPath: path) })
        #expect(client.current.value == snapshot)
      }
    }
  }

  @Test func eachSocketServesOnlyItsOwnProxy() async throws {
    let dir = try temporarySocketDirectory()
    let server1 = ProxyIdentity(namespace: W.namespace, name: "istio-grpc-server-v1-7d8f-aaaaa")
    try await withMeshServer { server in
      try await server.addProxy(W.client, socketPath: dir + "/client.sock")
      try await server.addProxy(server1, socketPath: dir + "/server1.sock")
      server.setSnapshot(try compiled(for: W.client))
      server.setSnapshot(try compiled(for: server1))
      let client = MeshConfigClient.forTest(socketPath: dir + "/client.sock", proxy: W.client)
      // A proxy that claims to be the client but opens another pod's socket gets that
      // pod's config, and refuses it.
      let impostor = MeshConfigClient.forTest(socketPath: dir + "/server1.sock", proxy: W.client)
      try await withRunningClient(client) {
        try await withRunningClient(impostor) {
          #expect(await eventually { server.status(of: W.client)?.state == .synced })
          #expect(await eventually { server.status(of: server1)?.state == .error })
          #expect(client.current.value?.proxy.name == W.client.name)
          #expect(impostor.current.value == nil)
          #expect(server.status(of: server1)?.nackError?.contains("wrongProxy") == true)
        }
      }
    }
  }

  @Test func proxyStatusShowsStaleUntilTheProxyAnswers() async throws {
    let dir = try temporarySocketDirectory()
    let path = dir + "/mesh.sock"
    let snapshot = try compiled()
    try await withMeshServer { server in
      let other = ProxyIdentity(namespace: W.namespace, name: "never-connects")
      try await server.addProxy(other, socketPath: dir + "/other.sock")
      try await server.addProxy(W.client, socketPath: path)
      server.setSnapshot(snapshot)
      // A raw stream that reads the response and never answers it.
      let transport = try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: path), transportSecurity: .plaintext)
      try await withGRPCClient(transport: transport) { grpc in
        let discovery = Skiff_Mesh_V1_MeshDiscovery.Client(wrapping: grpc)
        let (done, doneSink) = AsyncStream<Void>.makeStream()
        try await discovery.streamConfig(
          requestProducer: { writer in
            try await writer.write(.with { $0.node.id = W.client.id })
            for await _ in done {}  // keep the request side open: closing it ends the stream
          },
          onResponse: { response in
            defer { doneSink.finish() }
            for try await message in response.messages {
              #expect(message.versionInfo == snapshot.version)
              #expect(!message.nonce.isEmpty)
              #expect(message.controlPlane == "skiff-test")
              #expect(server.status(of: W.client)?.state == .stale)
              break
            }
          })
      }
      #expect(server.status(of: other)?.state == .notSent)
      let table = server.proxyStatusTable()
      let lines = table.split(separator: "\n")
      #expect(lines[0].hasPrefix("NAME"))
      #expect(lines[0].contains("CDS") && lines[0].contains("ISTIOD"))
      #expect(lines.contains { $0.hasPrefix("\(W.client.id) ") && $0.contains("STALE") && $0.contains("skiff-test") })
      #expect(lines.contains { $0.hasPrefix("never-connects.grpc-sidecar ") && $0.contains("NOT SENT") })
    }
  }

  @Test func aBurstOfChangesIsPushedOnce() async throws {
    let dir = try temporarySocketDirectory()
    let store = try W.store(dr: true, vs: W.virtualService())
    try await withMeshServer { server in
      let controller = MeshController(
        store: store, server: server, configuration: .init(debounceAfter: .milliseconds(50), debounceMax: .seconds(2)))
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await controller.run() }
        try await controller.registerProxy(W.client, socketPath: dir + "/mesh.sock")
        let client = MeshConfigClient.forTest(socketPath: dir + "/mesh.sock", proxy: W.client)
        try await withRunningClient(client) {
          #expect(await eventually { server.status(of: W.client)?.state == .synced })
          let pushesBefore = controller.pushCount
          let events = server.events()
          for weight in stride(from: Int32(80), through: 0, by: -10) {
            try W.put(try W.virtualService(v1: weight, v2: 100 - weight), in: store)
          }
          let last = try compiled(vs: W.virtualService(v1: 0, v2: 100))
          #expect(await eventually { client.current.value?.version == last.version })
          #expect(controller.pushCount == pushesBefore + 1)
          var sent = 0
          for await event in events {
            if case .sent = event.kind { sent += 1 }
            if case .acked(let version, _) = event.kind, version == last.version { break }
          }
          #expect(sent == 1)
        }
        group.cancelAll()
      }
    }
  }
}
