import SkiffMeshConfig
import SkiffMeshProto
import GRPCCore

/// `skiff.mesh.v1.MeshDiscovery` for one proxy (the one its socket belongs to).
struct MeshDiscoveryService: Skiff_Mesh_V1_MeshDiscovery.SimpleServiceProtocol {
  let server: MeshConfigServer
  let proxy: ProxyIdentity

  func streamConfig(
    request: RPCAsyncSequence<Skiff_Mesh_V1_ConfigRequest, any Error>,
    response: RPCWriter<Skiff_Mesh_V1_ConfigResponse>,
    context: ServerContext
  ) async throws {
    let (signals, id) = server.subscribe(proxy)
    defer { server.unsubscribe(proxy, id: id) }
    try await withThrowingTaskGroup(of: Void.self) { group in
      // Pushes the current snapshot, then each new one (signals coalesce: only the newest
      // snapshot is ever sent).
      group.addTask {
        var lastSent: String?
        for await _ in signals {
          guard let next = server.nextResponse(for: proxy, lastSent: lastSent) else { continue }
          lastSent = next.versionInfo
          try await response.write(next)
        }
      }
      // Reads ACKs and NACKs until the proxy closes its side.
      group.addTask {
        for try await message in request {
          server.received(message, from: proxy)
        }
      }
      // Either side ending ends the stream (the server stopping ends `signals`).
      try await group.next()
      group.cancelAll()
    }
  }
}
