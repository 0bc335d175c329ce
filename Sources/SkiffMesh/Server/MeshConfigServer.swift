public import SkiffMeshConfig
import SkiffMeshProto
import SwiftProtobuf
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Synchronization
public import Logging
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The mesh control plane's config server: one gRPC server (grpc-swift 2, NIO HTTP/2
/// transport) per proxy, each on its own unix socket, so the socket a proxy connects to is
/// what identifies it and a proxy can only ever receive its own snapshot.
///
/// Every stream gets the proxy's current snapshot at once and each new one as soon as it is
/// set (`setSnapshot`); debouncing of cluster changes happens before, in `MeshController`.
/// ACKs and NACKs are recorded per proxy for `status()` / `proxyStatusTable()`.
///
/// Lifecycle: `run()` serves until cancelled (or `shutdown()`); `addProxy` binds a socket
/// and returns once it listens; `removeProxy` closes it.
public final class MeshConfigServer: Sendable {
  /// What happened on a config stream, for convergence metrics and tests.
  public struct Event: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
      case connected
      case disconnected
      case sent(version: String, nonce: String)
      case acked(version: String, nonce: String)
      case nacked(version: String, nonce: String, error: String)
    }

    public var proxy: ProxyIdentity
    public var kind: Kind
    public var at: ContinuousClock.Instant
  }

  /// Names this control plane in responses (istioctl's ISTIOD column).
  public let controlPlaneID: String
  let logger: Logger
  private let state = Mutex(State())
  private let commands: AsyncStream<Command>
  private let commandSink: AsyncStream<Command>.Continuation

  struct ProxyEntry {
    var status: ProxySyncStatus
    var snapshot: MeshSnapshot?
    var payload: Data?
    var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
    var server: GRPCServer<HTTP2ServerTransport.Posix>?
  }

  struct State {
    var proxies: [ProxyIdentity: ProxyEntry] = [:]
    var nextID = 0
    var nonce: UInt64 = 0
    var eventSubscribers: [Int: AsyncStream<Event>.Continuation] = [:]
    var stopped = false
  }

  enum Command: Sendable {
    case serve(ProxyIdentity, String, SocketOwner?, CheckedContinuation<Void, any Error>)
  }

  struct SocketOwner: Sendable {
    var uid: UInt32
    var gid: UInt32
  }


  public init(controlPlaneID: String = "skiff", logger: Logger = Logger(label: "skiff.mesh.server")) {
    self.controlPlaneID = controlPlaneID
    self.logger = logger
    (commands, commandSink) = AsyncStream<Command>.makeStream()
  }

  // MARK: - Lifecycle

  /// Serves every proxy's socket until the task is cancelled or `shutdown()` is called.
  public func run() async throws {
    try await withThrowingDiscardingTaskGroup { group in
      for await command in commands {
        switch command {
        case .serve(let proxy, let path, let owner, let ready):
          group.addTask { await self.serveSocket(proxy: proxy, path: path, owner: owner, ready: ready) }
        }
      }
      group.cancelAll()
    }
    endAll()
  }

  /// Stops every socket server and ends `run()`.
  public func shutdown() {
    let servers = state.withLock { state -> [GRPCServer<HTTP2ServerTransport.Posix>] in
      state.stopped = true
      return state.proxies.values.compactMap(\.server)
    }
    endAll()
    for server in servers { server.beginGracefulShutdown() }
    commandSink.finish()
  }

  /// Binds `socketPath` (a stale socket file is replaced) for `proxy` and returns once it
  /// listens. The socket's directory must exist. With `owner`, the socket is given to that
  /// uid/gid with mode 0600 (the sidecar runs as 1337:1337; pass `(1337, 1337)`), so only
  /// the proxy (and root) can connect.
  public func addProxy(_ proxy: ProxyIdentity, socketPath: String, owner: (uid: UInt32, gid: UInt32)? = nil) async throws {
    let key = Self.key(proxy)
    state.withLock { state in
      if state.proxies[key] == nil {
        state.proxies[key] = ProxyEntry(status: ProxySyncStatus(proxy: proxy, socketPath: socketPath))
      } else {
        state.proxies[key]!.status.socketPath = socketPath
      }
    }
    try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
      if case .terminated = commandSink.yield(.serve(key, socketPath, owner.map { SocketOwner(uid: $0.uid, gid: $0.gid) }, ready)) {
        ready.resume(throwing: RPCError(code: .unavailable, message: "mesh config server is stopped"))
      }
    }
  }

  /// Closes the proxy's socket and forgets it (the pod is gone).
  public func removeProxy(_ proxy: ProxyIdentity) {
    let entry = state.withLock { $0.proxies.removeValue(forKey: Self.key(proxy)) }
    guard let entry else { return }
    for subscriber in entry.subscribers.values { subscriber.finish() }
    entry.server?.beginGracefulShutdown()
  }

  /// The proxies with a socket.
  public var proxies: [ProxyIdentity] {
    state.withLock { $0.proxies.keys.sorted() }
  }

  private func serveSocket(
    proxy: ProxyIdentity, path: String, owner: SocketOwner?, ready: CheckedContinuation<Void, any Error>
  ) async {
    unlink(path)
    let server = GRPCServer(
      transport: .http2NIOPosix(address: .unixDomainSocket(path: path), transportSecurity: .plaintext),
      services: [MeshDiscoveryService(server: self, proxy: proxy)])
    let registered = state.withLock { state -> Bool in
      guard !state.stopped, state.proxies[proxy] != nil else { return false }
      state.proxies[proxy]!.server = server
      return true
    }
    guard registered else {
      ready.resume(throwing: RPCError(code: .unavailable, message: "mesh config server is stopped"))
      return
    }
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        do {
          try await server.serve()
        } catch {
          // Cancellation while shutting down is the normal way out.
          let stopping = Task.isCancelled || self.state.withLock { $0.stopped || $0.proxies[proxy]?.server !== server }
          if !stopping { self.logger.error("config socket for \(proxy.id) at \(path) failed: \(error)") }
        }
      }
      do {
        _ = try await server.listeningAddress
        if let owner {
          guard chown(path, owner.uid, owner.gid) == 0, chmod(path, 0o600) == 0 else {
            throw RPCError(code: .internalError, message: "chown \(path) to \(owner.uid):\(owner.gid): errno \(errno)")
          }
        }
        ready.resume()
      } catch {
        ready.resume(throwing: error)
      }
      await group.waitForAll()
    }
    unlink(path)
    state.withLock { state in
      if state.proxies[proxy]?.server === server { state.proxies[proxy]!.server = nil }
    }
  }

  private func endAll() {
    let continuations = state.withLock { state in
      state.proxies.values.flatMap { $0.subscribers.values }
    }
    for continuation in continuations { continuation.finish() }
  }

  // MARK: - Snapshots

  /// Makes `snapshot` the proxy's config; open streams push it now if its version differs
  /// from what they last sent.
  public func setSnapshot(_ snapshot: MeshSnapshot) {
    let key = Self.key(snapshot.proxy)
    let payload = Data(snapshot.jsonBytes())
    let subscribers = state.withLock { state -> [AsyncStream<Void>.Continuation] in
      if state.proxies[key] == nil {
        state.proxies[key] = ProxyEntry(status: ProxySyncStatus(proxy: key, socketPath: ""))
      }
      guard state.proxies[key]!.snapshot?.version != snapshot.version else { return [] }
      state.proxies[key]!.snapshot = snapshot
      state.proxies[key]!.payload = payload
      state.proxies[key]!.status.desiredVersion = snapshot.version
      return Array(state.proxies[key]!.subscribers.values)
    }
    for subscriber in subscribers { subscriber.yield() }
  }

  /// The snapshot set for `proxy`.
  public func snapshot(for proxy: ProxyIdentity) -> MeshSnapshot? {
    state.withLock { $0.proxies[Self.key(proxy)]?.snapshot }
  }

  // MARK: - Status

  /// Every proxy's sync status, sorted.
  public func status() -> [ProxySyncStatus] {
    state.withLock { $0.proxies.values.map(\.status) }.sorted { $0.proxy < $1.proxy }
  }

  /// One proxy's sync status.
  public func status(of proxy: ProxyIdentity) -> ProxySyncStatus? {
    state.withLock { $0.proxies[Self.key(proxy)]?.status }
  }

  /// `istioctl proxy-status` for every proxy.
  public func proxyStatusTable() -> String {
    status().proxyStatusTable(controlPlane: controlPlaneID)
  }

  /// Stream events (sent, ACK, NACK, connect, disconnect) from now on.
  public func events() -> AsyncStream<Event> {
    let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(65536))
    let id = state.withLock { state -> Int in
      state.nextID += 1
      state.eventSubscribers[state.nextID] = continuation
      return state.nextID
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.eventSubscribers.removeValue(forKey: id) }
    }
    return stream
  }

  // MARK: - Stream support (MeshDiscoveryService)

  /// Registers an open stream: a signal that fires once now and on every new snapshot.
  func subscribe(_ proxy: ProxyIdentity) -> (AsyncStream<Void>, Int) {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let id = state.withLock { state -> Int in
      state.nextID += 1
      if state.stopped || state.proxies[proxy] == nil {
        continuation.finish()
      } else {
        state.proxies[proxy]!.subscribers[state.nextID] = continuation
        state.proxies[proxy]!.status.streams += 1
      }
      return state.nextID
    }
    continuation.yield()
    emit(proxy, .connected)
    return (stream, id)
  }

  func unsubscribe(_ proxy: ProxyIdentity, id: Int) {
    state.withLock { state in
      if state.proxies[proxy]?.subscribers.removeValue(forKey: id) != nil {
        state.proxies[proxy]!.status.streams -= 1
      }
    }
    emit(proxy, .disconnected)
  }

  /// The response to send on a stream that last sent `lastSent`, or nil when it is current.
  func nextResponse(for proxy: ProxyIdentity, lastSent: String?) -> Skiff_Mesh_V1_ConfigResponse? {
    let now = ContinuousClock.now
    let response = state.withLock { state -> Skiff_Mesh_V1_ConfigResponse? in
      guard let entry = state.proxies[proxy], let snapshot = entry.snapshot, let payload = entry.payload,
        snapshot.version != lastSent
      else { return nil }
      state.nonce += 1
      let nonce = "\(controlPlaneID)-\(Self.boot)-\(state.nonce)"
      state.proxies[proxy]!.status.sentVersion = snapshot.version
      state.proxies[proxy]!.status.sentNonce = nonce
      state.proxies[proxy]!.status.sentAt = now
      return .with {
        $0.versionInfo = snapshot.version
        $0.nonce = nonce
        $0.typeURL = MeshSnapshot.jsonTypeURL
        $0.snapshot = payload
        $0.controlPlane = controlPlaneID
      }
    }
    if let response { emit(proxy, .sent(version: response.versionInfo, nonce: response.nonce)) }
    return response
  }

  /// Records an ACK or NACK (requests with an empty nonce only open the stream).
  func received(_ request: Skiff_Mesh_V1_ConfigRequest, from proxy: ProxyIdentity) {
    guard !request.responseNonce.isEmpty else { return }
    let now = ContinuousClock.now
    let kind = state.withLock { state -> Event.Kind? in
      guard state.proxies[proxy] != nil else { return nil }
      if request.hasErrorDetail {
        state.proxies[proxy]!.status.nackError = request.errorDetail.message
        state.proxies[proxy]!.status.nackedNonce = request.responseNonce
        state.proxies[proxy]!.status.nackedVersion = state.proxies[proxy]!.status.sentNonce == request.responseNonce
          ? state.proxies[proxy]!.status.sentVersion : nil
        return .nacked(version: request.versionInfo, nonce: request.responseNonce, error: request.errorDetail.message)
      }
      state.proxies[proxy]!.status.ackedVersion = request.versionInfo
      state.proxies[proxy]!.status.ackedNonce = request.responseNonce
      state.proxies[proxy]!.status.ackedAt = now
      state.proxies[proxy]!.status.nackError = nil
      state.proxies[proxy]!.status.nackedNonce = nil
      state.proxies[proxy]!.status.nackedVersion = nil
      return .acked(version: request.versionInfo, nonce: request.responseNonce)
    }
    if let kind {
      if case .nacked(_, _, let error) = kind { logger.warning("proxy \(proxy.id) rejected its config: \(error)") }
      emit(proxy, kind, at: now)
    }
  }

  private func emit(_ proxy: ProxyIdentity, _ kind: Event.Kind, at: ContinuousClock.Instant = .now) {
    let subscribers = state.withLock { Array($0.eventSubscribers.values) }
    let event = Event(proxy: proxy, kind: kind, at: at)
    for subscriber in subscribers { subscriber.yield(event) }
  }

  /// Proxies are keyed by namespace and name (the IP may change across restarts).
  static func key(_ proxy: ProxyIdentity) -> ProxyIdentity {
    ProxyIdentity(namespace: proxy.namespace, name: proxy.name)
  }

  /// Distinguishes nonces of one server process from the next.
  static let boot: String = {
    var generator = SystemRandomNumberGenerator()
    return String(generator.next() as UInt32, radix: 36)
  }()
}
