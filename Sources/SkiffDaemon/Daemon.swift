import Dispatch
public import Logging
import SkiffAPI
import SkiffAPIServer
import SkiffControllers
import SkiffMesh
import SkiffNetwork
import SkiffNode
import SkiffRuntime
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
    registry.addAdmission(ServiceAccountAdmission())
    if !c.controlPlaneOnly { registry.addAdmission(SingleNodeScheduler(nodeName: "skiff")) }
    registry.addAdmission(SidecarInjector(proxyImage: "docker.io/istio/proxyv2", socketDirectory: c.meshSocketDirectory))
    let meshServer = MeshConfigServer(controlPlaneID: "skiff", logger: logger)
    let meshCA = try step("load the mesh CA (\(c.pkiDirectory)/mesh)") {
      try WorkloadCertificates(directory: c.pkiDirectory + "/mesh")
    }
    let mesh = MeshController(store: store, server: meshServer, certificates: meshCA, logger: logger)
    try step("create the default namespaces and services") { try Bootstrap.ensureDefaults(registry) }

    let events = EventRecorder(registry: registry, component: "skiff-controller-manager")
    let node: NodeServices? = c.controlPlaneOnly ? nil : try await startNode(registry: registry, mesh: mesh)
    var subresources: [String: any SubresourceHandler] = [:]
    if let node {
      subresources["pods/log"] = PodLogs(context: node.agent.context)
      subresources["pods/exec"] = node.exec
      subresources["pods/attach"] = node.exec
      subresources["pods/portforward"] = node.portForward
    }
    let websockets = node.map { WebSocketHandlers([$0.exec, $0.portForward]) }
    let handler = APIHandler(
      registry: registry, subresources: subresources, extensions: MeshEndpoints(server: meshServer).routes, logger: logger)
    let server = try await asyncStep("serve the API on \(c.socketPath)") {
      let server = try await HTTPServer(address: .unix(path: c.socketPath), handler: handler, websockets: websockets, logger: logger)
      chmod(c.socketPath, 0o600)
      return server
    }
    // Bound in the host namespace by `skiff daemon`'s main thread; in-process (tests), here.
    let bound: HostAPIListener.Bound
    switch HostAPIListener.take() ?? HostAPIListener.bind(port: c.apiPort) {
    case .success(let b): bound = b
    case .failure(let error):
      logger.error("✗ \(error)")
      throw StartError(description: error.description)
    }
    let apiAddress = "https://127.0.0.1:\(bound.port)"
    let pki = try step("load the cluster CA and certificates (\(c.pkiDirectory))") { try ClusterPKI(directory: c.pkiDirectory) }
    let security = try step("set up TLS (OpenSSL) for the API") { try pki.security() }
    let secureServer = try await asyncStep("serve the API on \(apiAddress) (TLS, client certificates or token)") {
      let server = try await HTTPServer(
        address: .listening(descriptor: bound.descriptor), handler: handler, websockets: websockets, security: security,
        logger: logger)
      try writeFile(c.apiAddressFile, apiAddress + "\n")
      return server
    }

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
      group.addTask { try await secureServer.run() }
      for controller in controllers {
        group.addTask { await ControllerLoop(controller, store: store, logger: self.logger).run() }
      }
      group.addTask { try await meshServer.run() }
      group.addTask { try await mesh.run() }
      if let node {
        group.addTask { await node.agent.run() }
        group.addTask { await node.networkSync.run() }
        group.addTask { try await node.dns.run() }
      }
      group.addTask {
        let signal = await Self.waitForTermination()
        self.logger.info("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): stopping")
        if let node, access(c.runDirectory + "/stop-pods", F_OK) == 0 {
          // `skiff down`: every pod stops and leaves nothing behind. A plain restart of the
          // daemon leaves them running, to be re-adopted.
          self.logger.info("stopping all pods (skiff down)")
          await node.agent.shutdownAll()
          unlink(c.runDirectory + "/stop-pods")
        }
        server.close()
        secureServer.close()
        unlink(c.apiAddressFile)
        await node?.dns.stop()
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

  /// The node's parts, running in the node network namespace.
  struct NodeServices {
    var agent: NodeAgent
    var exec: PodExec
    var portForward: PodPortForward
    var networkSync: ClusterNetworkSync
    var dns: ClusterDNSServer
  }

  func startNode(registry: ObjectRegistry, mesh: MeshController) async throws -> NodeServices {
    let c = configuration
    ChildProcesses.shared.becomeSubreaper()
    let initBinary = Self.siblingExecutable("skiff-init")
    guard access(initBinary, X_OK) == 0 else {
      throw StartError(description: "skiff-init not found next to the skiff binary (\(initBinary)); build it with: swift build --product skiff-init")
    }
    let runtime = ContainerRuntime(runDirectory: c.runDirectory + "/pods", stateDirectory: c.dataDirectory + "/pods", initBinary: initBinary)
    try step("prepare the container runtime (\(c.runDirectory)/pods)") { try runtime.prepare() }
    let network = NodeNetwork(commands: HostCommands())
    try await asyncStep("set up the node network (pods 10.244.0.0/16, services 10.96.0.0/12, node \(NodeNetwork.nodeAddress))") {
      try await network.setUp()
    }
    try step("publish cluster DNS as kube-dns (10.96.0.10 → \(NodeNetwork.nodeAddress):53)") {
      try Bootstrap.ensureDNSEndpoints(registry, nodeAddress: NodeNetwork.nodeAddress)
    }
    let records = ClusterDNSRecords()
    let dns = try await asyncStep("serve cluster DNS on \(NodeNetwork.nodeAddress):53") {
      try await ClusterDNSServer.bind(.init(host: NodeNetwork.nodeAddress, port: 53), records: records) { [logger] in
        logger.debug("dns: \($0)")
      }
    }
    let ipam = PodIPAllocator()
    for pod in registry.list(Pod.self) {
      if let ip = pod.status?.podIP { ipam.reserve(ip) }
    }
    var context = NodeContext(
      nodeName: "skiff", registry: registry, runtime: runtime, network: network, ipam: ipam,
      images: ImageStore(directory: c.imagesDirectory), paths: PodPaths(dataDirectory: c.dataDirectory),
      cgroups: Cgroups(), events: EventRecorder(registry: registry, component: "kubelet", host: "skiff"), logger: logger)
    context.sidecars = MeshHooks(mesh: mesh, socketDirectory: c.meshSocketDirectory)
    let agent = NodeAgent(context: context)
    let images = ImageStore(directory: c.imagesDirectory).list()
    if images.isEmpty {
      logger.warning("no images in \(c.imagesDirectory): pods will fail with ErrImagePull. Build them with: scripts/build-images --data-dir \(c.dataDirectory)")
    } else {
      logger.info("✓ \(images.count) images in \(c.imagesDirectory)")
    }
    return NodeServices(
      agent: agent, exec: PodExec(agent: agent), portForward: PodPortForward(agent: agent),
      networkSync: ClusterNetworkSync(registry: registry, network: network, dns: records, logger: logger), dns: dns)
  }

  /// A binary shipped next to this one.
  static func siblingExecutable(_ name: String) -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let exe = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    let directory = exe.lastIndex(of: "/").map { String(exe[..<$0]) } ?? "."
    return directory + "/" + name
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
    try writeFile(configuration.pidFile, "\(getpid())\n")
  }

  func writeFile(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw StartError(description: "write \(path): \(String(cString: strerror(errno)))") }
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
