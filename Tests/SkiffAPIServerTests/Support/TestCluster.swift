import Foundation
import Logging
import SkiffAPI
import SkiffAPIServer
import SkiffControllers
import SkiffStore

/// A control plane in the test process: a fresh `ObjectStore` on a temporary file, the
/// registry with every served kind, the real `HTTPServer` + `APIHandler` on a temporary unix
/// socket, and (when asked) controllers running on `ControllerLoop`s.
struct TestCluster: Sendable {
  enum Controller: Sendable, CaseIterable {
    case deployment, replicaSet, namespace, garbageCollector, endpoints
  }

  let directory: String
  let store: ObjectStore
  let registry: ObjectRegistry
  let client: TestClient

  var socketPath: String { client.socketPath }

  static let logger: Logger = {
    var logger = Logger(label: "skiff-apiserver-tests")
    logger.logLevel = .critical
    return logger
  }()

  /// Runs `body` against a new cluster with the namespaces a fresh cluster has (`default`,
  /// `kube-system`, `kube-public`, `kube-node-lease`), then tears everything down.
  static func with<T: Sendable>(
    controllers: [Controller] = [], historyLimit: Int = ObjectStore.defaultHistory,
    _ body: (TestCluster) async throws -> T
  ) async throws -> T {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try ObjectStore(path: directory + "/skiff.db", historyLimit: historyLimit)
    let registry = ObjectRegistry(store: store, kinds: APIRegistry.kinds)
    for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
      try registry.create(Namespace(name: name))
    }
    let socketPath = directory + "/api.sock"
    let server = try await HTTPServer(
      address: .unix(path: socketPath), handler: APIHandler(registry: registry, logger: logger), logger: logger)
    let serving = Task { try? await server.run() }

    let events = EventRecorder(registry: registry, component: "skiff-controller-manager")
    let reconcilers: [any Reconciler] = controllers.map { controller in
      switch controller {
      case .deployment: return DeploymentController(registry: registry, events: events)
      case .replicaSet: return ReplicaSetController(registry: registry, events: events)
      case .namespace: return NamespaceController(registry: registry)
      case .garbageCollector: return GarbageCollector(registry: registry)
      case .endpoints: return EndpointsController(registry: registry)
      }
    }
    let running = reconcilers.map { reconciler in
      Task { await ControllerLoop(reconciler, store: store, logger: logger, resync: .seconds(2)).run() }
    }

    let cluster = TestCluster(directory: directory, store: store, registry: registry, client: TestClient(socketPath: socketPath))
    func tearDown() async {
      for task in running { task.cancel() }
      for task in running { await task.value }
      server.close()
      store.closeWatches()
      await serving.value
    }
    do {
      let result = try await body(cluster)
      await tearDown()
      return result
    } catch {
      await tearDown()
      throw error
    }
  }

  static func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/skiff-apitest-XXXXXX".utf8CString)
    guard let path = mkdtemp(&template) else { throw TestClientError("mkdtemp failed") }
    return String(cString: path)
  }

  /// Polls `condition` until it holds; fails with `what` after `timeout`.
  func eventually(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(15),
    _ condition: () async throws -> Bool
  ) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
      if try await condition() { return }
      guard ContinuousClock.now < deadline else { throw TestClientError("timed out waiting for: \(what())") }
      try await Task.sleep(for: .milliseconds(20))
    }
  }
}
