public import SkiffMeshConfig
public import SkiffStore
import SkiffAPI
import Synchronization
public import Logging

/// Keeps every registered proxy's snapshot current: watches Services, Endpoints, Pods,
/// DestinationRules and VirtualServices in the store, coalesces bursts of changes
/// (debounce: push once no change came for `debounceAfter`, or `debounceMax` after the
/// first change of a burst), recompiles, and hands the server the snapshots whose version
/// changed — those are the affected proxies, and only they get a push.
///
/// The daemon runs it beside the server:
/// ```swift
/// let server = MeshConfigServer()
/// let mesh = MeshController(store: store, server: server)
/// group.addTask { try await server.run() }
/// group.addTask { try await mesh.run() }
/// // node agent, when a pod with a sidecar gets its sandbox:
/// try await mesh.registerProxy(ProxyIdentity(namespace: ns, name: pod), socketPath: dir + "/mesh.sock")
/// ```
public final class MeshController: Sendable {
  public struct Configuration: Sendable {
    /// Quiet time that ends a burst (Istio's PILOT_DEBOUNCE_AFTER is 100 ms).
    public var debounceAfter: Duration
    /// Longest a burst may delay a push (Istio's PILOT_DEBOUNCE_MAX is 10 s).
    public var debounceMax: Duration

    /// How often certificates are checked for rotation (they are renewed at half their
    /// 24-hour life; an hour late at most).
    public var rotationCheck: Duration

    public init(
      debounceAfter: Duration = .milliseconds(10), debounceMax: Duration = .seconds(1), rotationCheck: Duration = .seconds(600)
    ) {
      self.debounceAfter = debounceAfter
      self.debounceMax = debounceMax
      self.rotationCheck = rotationCheck
    }
  }

  public let store: ObjectStore
  public let server: MeshConfigServer
  public let configuration: Configuration
  /// The mesh CA's issuer; nil: snapshots carry no certificate and sidecars talk plaintext.
  public let certificates: WorkloadCertificates?
  let logger: Logger
  private let state: Mutex<State>

  struct State {
    var cache = MeshInputCache()
    var revision: Int64 = 0
    var burstStart: ContinuousClock.Instant?
    var lastChange: ContinuousClock.Instant?
    var pushes = 0
  }

  public init(
    store: ObjectStore, server: MeshConfigServer, configuration: Configuration = Configuration(),
    certificates: WorkloadCertificates? = nil, logger: Logger = Logger(label: "skiff.mesh.controller")
  ) {
    self.store = store
    self.server = server
    self.configuration = configuration
    self.certificates = certificates
    self.logger = logger
    var initial = State()
    initial.revision = store.revision
    initial.cache = MeshInputCache(store: store)
    state = Mutex(initial)
  }

  /// Watches the store and pushes changes until cancelled.
  public func run() async throws {
    let from = state.withLock { $0.revision }
    let events = try store.watch(nil, fromRevision: from)
    let (dirty, dirtySink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    recompile()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await event in events where self.handle(event) {
          dirtySink.yield()
        }
        dirtySink.finish()
      }
      group.addTask {
        for await _ in dirty {
          try await self.waitForQuiet()
          self.recompile()
        }
      }
      if certificates != nil {
        group.addTask {
          while true {
            try await Task.sleep(for: self.configuration.rotationCheck)
            self.recompile()
          }
        }
      }
      try await group.next()
      group.cancelAll()
    }
  }

  /// Feeds one store change (the hook for a caller with its own watch loop; `run()` uses
  /// it too). Returns whether the change concerns the mesh; the caller then calls
  /// `recompile()` (at once or debounced) to push it.
  @discardableResult
  public func handle(_ event: WatchEvent) -> Bool {
    let now = ContinuousClock.now
    return state.withLock { state -> Bool in
      guard state.cache.apply(event) else { return false }
      if state.burstStart == nil { state.burstStart = now }
      state.lastChange = now
      return true
    }
  }

  /// Sleeps until `debounceAfter` passed with no change, or `debounceMax` since the burst
  /// began; then starts a new burst.
  private func waitForQuiet() async throws {
    while true {
      let now = ContinuousClock.now
      let wait = state.withLock { state -> Duration? in
        guard let start = state.burstStart, let last = state.lastChange else { return nil }
        let quietAt = last + configuration.debounceAfter
        let deadline = start + configuration.debounceMax
        let until = min(quietAt, deadline)
        if now >= until {
          state.burstStart = nil
          state.lastChange = nil
          return nil
        }
        return until - now
      }
      guard let wait else { return }
      try await Task.sleep(for: wait)
    }
  }

  /// Compiles the snapshot of every registered proxy from the current objects and sets
  /// those that changed on the server. Returns the affected proxies (whose version
  /// changed), sorted.
  @discardableResult
  public func recompile() -> [ProxyIdentity] {
    let inputs = state.withLock { $0.cache.inputs }
    let compiler = MeshCompiler(inputs: inputs)
    var affected: [ProxyIdentity] = []
    for proxy in server.proxies {
      let snapshot = snapshot(for: proxy, compiler: compiler)
      if server.snapshot(for: proxy)?.version != snapshot.version {
        server.setSnapshot(snapshot)
        affected.append(proxy)
      }
    }
    if !affected.isEmpty {
      state.withLock { $0.pushes += 1 }
      logger.debug("pushing new config to \(affected.count) proxies")
    }
    return affected
  }

  /// Opens `socketPath` for the pod's sidecar (owned by `owner` when given, see
  /// `MeshConfigServer.addProxy`) and gives it its snapshot at once.
  public func registerProxy(
    _ proxy: ProxyIdentity, socketPath: String, owner: (uid: UInt32, gid: UInt32)? = nil
  ) async throws {
    let inputs = state.withLock { $0.cache.inputs }
    server.setSnapshot(snapshot(for: proxy, compiler: MeshCompiler(inputs: inputs)))
    try await server.addProxy(proxy, socketPath: socketPath, owner: owner)
  }

  /// Closes the pod's socket.
  public func unregisterProxy(_ proxy: ProxyIdentity) {
    server.removeProxy(proxy)
    certificates?.forget(proxy)
  }

  /// `proxy`'s snapshot with its workload certificate (Istio's SDS secret) when there is a
  /// mesh CA and the proxy's pod is known. A certificate that cannot be issued is logged and
  /// left out: the proxy keeps the one it has.
  func snapshot(for proxy: ProxyIdentity, compiler: MeshCompiler) -> MeshSnapshot {
    var snapshot = compiler.compile(for: proxy)
    guard let certificates, let spiffeID = compiler.spiffeID(of: proxy) else { return snapshot }
    do {
      snapshot.secret = try certificates.secret(for: proxy, spiffeID: spiffeID)
    } catch {
      logger.error("could not issue \(proxy)'s mesh certificate for \(spiffeID): \(error); it keeps its current one")
      snapshot.secret = server.snapshot(for: proxy)?.secret
    }
    return snapshot.versioned()
  }

  /// How many recompiles changed at least one proxy.
  public var pushCount: Int { state.withLock { $0.pushes } }
}
