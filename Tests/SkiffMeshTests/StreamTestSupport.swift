import Foundation
import SkiffMesh
import SkiffMeshClient
import SkiffMeshConfig

/// A fresh directory for sockets (unix socket paths must stay under 108 bytes).
func temporarySocketDirectory() throws -> String {
  var template = Array("/tmp/skiff-mesh-XXXXXX".utf8CString)
  guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
  return String(cString: made)
}

/// Polls `condition` every 2 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + timeout
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(2))
  }
  return condition()
}

/// Runs `body` with a serving `MeshConfigServer`, then shuts it down.
func withMeshServer(
  id: String = "skiff-test", _ body: @Sendable (MeshConfigServer) async throws -> Void
) async throws {
  let server = MeshConfigServer(controlPlaneID: id)
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    do {
      try await body(server)
    } catch {
      server.shutdown()
      throw error
    }
    server.shutdown()
    try await group.waitForAll()
  }
}

/// Runs `body` while `client` keeps its stream open, then cancels it.
func withRunningClient(_ client: MeshConfigClient, _ body: @Sendable () async throws -> Void) async throws {
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await client.run() }
    do {
      try await body()
    } catch {
      group.cancelAll()
      throw error
    }
    group.cancelAll()
  }
}

extension MeshConfigClient {
  /// A client with quick reconnects, for tests.
  static func forTest(socketPath: String, proxy: ProxyIdentity?, apply: @escaping @Sendable (MeshSnapshot) throws -> Void = { _ in })
    -> MeshConfigClient
  {
    MeshConfigClient(
      socketPath: socketPath, proxy: proxy,
      configuration: .init(initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(200)), apply: apply)
  }
}
