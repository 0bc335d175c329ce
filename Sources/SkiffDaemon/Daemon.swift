import Dispatch
public import Logging
import SkiffAPI
import SkiffAPIServer
import SkiffControllers
import SkiffStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The whole cluster in one process: object store, API server, controllers and (unless
/// `controlPlaneOnly`) the node. `run()` starts it as a list of named steps, each logged,
/// and serves until SIGTERM or SIGINT.
public final class Daemon: Sendable {
  public let configuration: DaemonConfiguration
  let logger: Logger

  public init(configuration: DaemonConfiguration, logger: Logger) {
    self.configuration = configuration
    self.logger = logger
  }

  /// Why the daemon cannot start, worded for the operator.
  public struct StartError: Error, CustomStringConvertible {
    public var description: String
  }

  public func run() async throws {
    guard geteuid() == 0 else {
      throw StartError(description: "skiff daemon needs root: it creates network namespaces, mounts and iptables rules. Run it with sudo (or as root).")
    }
    let c = configuration
    logger.info("starting Skiff \(skiffAPIVersion): data \(c.dataDirectory), run \(c.runDirectory)")
    for directory in [c.dataDirectory, c.runDirectory] {
      try makeDirectories(directory)
    }
    try writePidFile()
    defer { unlink(c.pidFile) }

    let store = try step("open the object store at \(c.databasePath)") { try ObjectStore(path: c.databasePath) }
    let registry = ObjectRegistry(store: store, kinds: APIRegistry.kinds)
    registry.addAdmission(ClusterIPAllocator())
    try step("create the default namespaces and services") { try Bootstrap.ensureDefaults(registry) }

    let handler = APIHandler(registry: registry, logger: logger)
    let server = try await asyncStep("serve the API on \(c.socketPath)") {
      let server = try await HTTPServer(address: .unix(path: c.socketPath), handler: handler, logger: logger)
      chmod(c.socketPath, 0o600)
      return server
    }

    let events = EventRecorder(registry: registry, component: "skiff-controller-manager")
    let controllers: [any Reconciler] = [
      DeploymentController(registry: registry, events: events),
      ReplicaSetController(registry: registry, events: events),
      EndpointsController(registry: registry),
      NamespaceController(registry: registry),
      GarbageCollector(registry: registry),
    ]
    logger.info("ready: \(controllers.count) controllers running; API on \(c.socketPath)")

    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      for controller in controllers {
        group.addTask { await ControllerLoop(controller, store: store, logger: self.logger).run() }
      }
      group.addTask {
        let signal = await Self.waitForTermination()
        self.logger.info("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): stopping")
        server.close()
        store.closeWatches()
        throw CancellationError()
      }
      do {
        try await group.next()
      } catch is CancellationError {
      }
      group.cancelAll()
    }
    logger.info("stopped")
  }

  /// Suspends until SIGTERM or SIGINT arrives; returns which.
  static func waitForTermination() async -> Int32 {
    await withCheckedContinuation { continuation in
      let fired = SignalOnce(continuation)
      for sig in [SIGTERM, SIGINT] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler { fired.fire(sig) }
        source.resume()
        fired.keep(source)
      }
    }
  }

  func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
    do {
      let result = try body()
      logger.info("✓ \(name)")
      return result
    } catch {
      logger.error("✗ \(name): \(error)")
      throw StartError(description: "\(name): \(error)")
    }
  }

  func asyncStep<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
    do {
      let result = try await body()
      logger.info("✓ \(name)")
      return result
    } catch {
      logger.error("✗ \(name): \(error)")
      throw StartError(description: "\(name): \(error)")
    }
  }

  func writePidFile() throws {
    let text = "\(getpid())\n"
    let fd = open(configuration.pidFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StartError(description: "write \(configuration.pidFile): \(String(cString: strerror(errno)))") }
    _ = text.withCString { write(fd, $0, strlen($0)) }
    close(fd)
  }

  func makeDirectories(_ path: String) throws {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw StartError(description: "mkdir \(current): \(String(cString: strerror(errno)))")
      }
    }
  }
}

/// Resumes a continuation on the first signal.
final class SignalOnce: Sendable {
  private let state: Mutex<CheckedContinuation<Int32, Never>?>

  /// Signal sources live as long as the process; signal dispositions are process-wide.
  nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

  init(_ continuation: CheckedContinuation<Int32, Never>) { state = Mutex(continuation) }

  func keep(_ source: any DispatchSourceSignal) { Self.sources.append(source) }

  func fire(_ signal: Int32) {
    let continuation = state.withLock { state -> CheckedContinuation<Int32, Never>? in
      defer { state = nil }
      return state
    }
    continuation?.resume(returning: signal)
  }
}
