public import SkiffMeshConfig
import SkiffMeshProto
import SwiftProtobuf
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Synchronization
public import Logging
import FoundationEssentials

/// The sidecar's end of the config stream: connects to its pod's unix socket, receives
/// snapshots, validates each (refusing bad ones with a NACK and keeping the last good one),
/// ACKs the rest, and reconnects with exponential back-off when the stream breaks — the
/// last good config stays in force meanwhile.
///
/// ```swift
/// let router = SharedRouter(try Router(snapshot: bootstrap))
/// let client = MeshConfigClient(socketPath: "/etc/skiff/mesh.sock", proxy: me) { snapshot in
///   try router.update(to: snapshot)  // validates (regexes, references) and swaps atomically
/// }
/// try await client.run()  // until cancelled
/// ```
public final class MeshConfigClient: Sendable {
  /// Reconnect timing and identity.
  public struct Configuration: Sendable {
    /// First reconnect delay; doubles per failure up to `maximumBackoff`, ±20 % jitter.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Sent in every request's node.
    public var proxyVersion: String

    public init(initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5), proxyVersion: String = "skiff") {
      self.initialBackoff = initialBackoff
      self.maximumBackoff = maximumBackoff
      self.proxyVersion = proxyVersion
    }
  }

  /// The client's view of its stream.
  public struct Status: Sendable, Equatable {
    public var connected = false
    /// Connection attempts that failed or streams that ended, in a row.
    public var failures = 0
    public var lastError: String?
    /// The last NACK's reason and the version it refused.
    public var lastRejection: String?
    public var rejectedVersion: String?
    public var accepted = 0
    public var rejected = 0
  }

  public let socketPath: String
  public let proxy: ProxyIdentity?
  public let configuration: Configuration
  /// The last good snapshot (nil until the first arrives). Swapped atomically.
  public let current: CurrentConfig<MeshSnapshot?>
  let apply: @Sendable (MeshSnapshot) throws -> Void
  let logger: Logger
  private let state = Mutex<(status: Status, subscribers: [Int: AsyncStream<MeshSnapshot>.Continuation], next: Int)>(
    (Status(), [:], 0))

  /// - Parameters:
  ///   - socketPath: the pod's config socket.
  ///   - proxy: this proxy; snapshots for another are refused.
  ///   - initial: a last good snapshot to start from (e.g. kept on disk), if any.
  ///   - apply: called with each valid snapshot before it is ACKed; throwing NACKs it (use
  ///     it to build the proxy's `Router`, which refuses what it cannot run).
  public init(
    socketPath: String, proxy: ProxyIdentity? = nil, initial: MeshSnapshot? = nil,
    configuration: Configuration = Configuration(), logger: Logger = Logger(label: "skiff.mesh.client"),
    apply: @escaping @Sendable (MeshSnapshot) throws -> Void = { _ in }
  ) {
    self.socketPath = socketPath
    self.proxy = proxy
    self.configuration = configuration
    self.current = CurrentConfig(initial)
    self.logger = logger
    self.apply = apply
  }

  /// The stream's state now.
  public var status: Status { state.withLock { $0.status } }

  /// Each snapshot accepted from now on.
  public func updates() -> AsyncStream<MeshSnapshot> {
    let (stream, continuation) = AsyncStream<MeshSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(16))
    let id = state.withLock { state -> Int in
      state.next += 1
      state.subscribers[state.next] = continuation
      return state.next
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Keeps a config stream open until the task is cancelled, reconnecting with back-off.
  public func run() async throws {
    var backoff = configuration.initialBackoff
    var random = SplitMix64()
    while !Task.isCancelled {
      let receivedAny = await streamOnce()
      if Task.isCancelled { break }
      if receivedAny { backoff = configuration.initialBackoff }
      let jitter = 0.8 + Double(random.next() % 401) / 1000
      try? await Task.sleep(for: backoff * jitter)
      backoff = min(backoff * 2, configuration.maximumBackoff)
    }
    finishSubscribers()
  }

  private func finishSubscribers() {
    let subscribers = state.withLock { state in
      defer { state.subscribers.removeAll() }
      return Array(state.subscribers.values)
    }
    for subscriber in subscribers { subscriber.finish() }
  }

  /// One connection and stream; returns whether a response arrived.
  private func streamOnce() async -> Bool {
    let receivedAny = ReceivedFlag()
    do {
      let transport = try HTTP2ClientTransport.Posix(
        target: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
      try await withGRPCClient(transport: transport) { grpc in
        let discovery = Skiff_Mesh_V1_MeshDiscovery.Client(wrapping: grpc)
        let (requests, requestSink) = AsyncStream<Skiff_Mesh_V1_ConfigRequest>.makeStream()
        requestSink.yield(request(version: current.value?.version ?? "", nonce: ""))
        var options = CallOptions.defaults
        options.waitForReady = false
        try await discovery.streamConfig(
          options: options,
          requestProducer: { writer in
            for await request in requests { try await writer.write(request) }
          },
          onResponse: { response in
            defer { requestSink.finish() }
            for try await message in response.messages {
              if receivedAny.setFirst() {
                self.update { $0.connected = true; $0.failures = 0; $0.lastError = nil }
              }
              requestSink.yield(self.handle(message))
            }
          })
      }
      update { $0.connected = false; $0.failures += 1; $0.lastError = "config stream ended" }
    } catch {
      update { $0.connected = false; $0.failures += 1; $0.lastError = String(describing: error) }
      if !Task.isCancelled { logger.debug("config stream to \(socketPath) failed: \(error)") }
    }
    return receivedAny.isSet
  }

  /// Validates and applies one response; returns the ACK or NACK to send.
  func handle(_ response: Skiff_Mesh_V1_ConfigResponse) -> Skiff_Mesh_V1_ConfigRequest {
    let previous = current.value
    do throws(MeshConfigError) {
      guard response.typeURL == MeshSnapshot.jsonTypeURL else {
        throw MeshConfigError(.malformed, "unknown snapshot type \"\(response.typeURL)\"")
      }
      let snapshot = try MeshSnapshot(jsonBytes: response.snapshot)
      guard snapshot.version == response.versionInfo else {
        throw MeshConfigError(.malformed, "version_info \(response.versionInfo) does not match the snapshot's \(snapshot.version)")
      }
      if snapshot == previous {
        return request(version: snapshot.version, nonce: response.nonce)  // a resync after reconnecting
      }
      try snapshot.validate(for: proxy)
      do {
        try apply(snapshot)
      } catch let error as MeshConfigError {
        throw error
      } catch {
        throw MeshConfigError(.invalid, String(describing: error))
      }
      current.swap(snapshot)
      let subscribers = state.withLock { state in
        state.status.accepted += 1
        return Array(state.subscribers.values)
      }
      for subscriber in subscribers { subscriber.yield(snapshot) }
      return request(version: snapshot.version, nonce: response.nonce)
    } catch {
      logger.warning("rejected config \(response.versionInfo): \(error)")
      update {
        $0.rejected += 1
        $0.lastRejection = error.description
        $0.rejectedVersion = response.versionInfo
      }
      var nack = request(version: previous?.version ?? "", nonce: response.nonce)
      nack.errorDetail = .with {
        $0.code = Int32(RPCError.Code.invalidArgument.rawValue)
        $0.message = error.description
      }
      return nack
    }
  }

  private func request(version: String, nonce: String) -> Skiff_Mesh_V1_ConfigRequest {
    .with {
      $0.node = .with {
        $0.id = proxy?.id ?? ""
        $0.proxyVersion = configuration.proxyVersion
      }
      $0.versionInfo = version
      $0.responseNonce = nonce
    }
  }

  private func update(_ change: (inout Status) -> Void) {
    state.withLock { change(&$0.status) }
  }

}

/// Whether a stream received anything (shared by the stream's closures).
private final class ReceivedFlag: Sendable {
  private let flag = Atomic(false)

  /// Sets the flag; true only for the first call.
  func setFirst() -> Bool { !flag.exchange(true, ordering: .relaxed) }

  var isSet: Bool { flag.load(ordering: .relaxed) }
}
