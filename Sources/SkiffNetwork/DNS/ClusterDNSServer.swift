public import NIOCore
import NIOPosix
import Synchronization

/// The cluster DNS server: answers UDP and TCP queries on one address and port
/// from ``ClusterDNSRecords``.
///
/// ```swift
/// let records = ClusterDNSRecords()
/// let server = try await ClusterDNSServer.bind(
///   ClusterDNSServer.Configuration(host: "10.96.0.10", port: 53), records: records)
/// records.replace(with: ClusterDNSSnapshot(services: services, pods: pods, namespaces: names))
/// try await server.run()  // until stop() or cancellation
/// ```
public final class ClusterDNSServer: Sendable {
  /// Where and how the server answers.
  public struct Configuration: Sendable {
    /// The address to bind (the daemon: `10.96.0.10` in the node netns; tests: `127.0.0.1`).
    public var host: String
    /// The port for both UDP and TCP; 0 picks a free port, the same for both.
    public var port: Int
    /// TTL of every answer (CoreDNS's default is 5 s; kubeadm configures 30).
    public var ttl: UInt32 = 5
    /// The UDP payload size advertised to EDNS clients and the cap on UDP answers
    /// (1232: the DNS Flag Day 2020 value, no fragmentation).
    public var udpPayloadSize: UInt16 = 1232
    /// A TCP connection with no query for this long is closed.
    public var tcpIdleTimeout: Duration = .seconds(10)

    /// Defaults: TTL 5 s, 1232-byte UDP payloads, 10 s TCP idle timeout.
    public init(host: String, port: Int = 53) {
      self.host = host
      self.port = port
    }
  }

  /// Receives one line per notable event (bound, stopped).
  public typealias Log = @Sendable (String) -> Void

  /// The port UDP and TCP are bound to (useful after binding port 0).
  public let port: Int
  /// The bound host.
  public let host: String

  private let datagramChannel: any Channel
  private let listenerChannel: any Channel
  private let exchange: ClusterDNSExchange
  private let connections: ClusterDNSConnections
  private let log: Log?

  private init(
    host: String, port: Int, datagramChannel: any Channel, listenerChannel: any Channel,
    exchange: ClusterDNSExchange, connections: ClusterDNSConnections, log: Log?
  ) {
    self.host = host
    self.port = port
    self.datagramChannel = datagramChannel
    self.listenerChannel = listenerChannel
    self.exchange = exchange
    self.connections = connections
    self.log = log
  }

  /// Counters since the server was bound.
  public var metrics: ClusterDNSMetrics {
    exchange.metrics
  }

  /// Binds UDP and TCP sockets and starts answering right away; call ``run()``
  /// to wait for the server to end, or ``stop()`` to end it.
  ///
  /// - Parameters:
  ///   - configuration: Address, port, TTL and limits.
  ///   - records: Where each query reads the current snapshot.
  ///   - eventLoopGroup: The loops to serve on; by default NIO's shared singleton.
  ///   - log: Receives a line when the server starts and stops.
  ///
  /// - Throws: ``ClusterDNSError`` naming the address and transport that could not be bound.
  public static func bind(
    _ configuration: Configuration, records: ClusterDNSRecords,
    eventLoopGroup: (any EventLoopGroup)? = nil, log: Log? = nil
  ) async throws -> ClusterDNSServer {
    let eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
    let resolver = ClusterDNSResolver(ttl: configuration.ttl, udpPayloadSize: configuration.udpPayloadSize)
    let exchange = ClusterDNSExchange(
      records: records, responder: ClusterDNSResponder(resolver: resolver))
    let connections = ClusterDNSConnections()
    // Port 0: the kernel picks the UDP port; TCP takes the same one, which is
    // almost always free. A few tries cover the rare clash.
    let attempts = configuration.port == 0 ? 8 : 1
    for attempt in 1...attempts {
      let datagramChannel = try await bindDatagram(
        configuration, exchange: exchange, group: eventLoopGroup)
      let port = datagramChannel.localAddress?.port ?? configuration.port
      do {
        let listenerChannel = try await bindListener(
          configuration, port: port, exchange: exchange, connections: connections,
          group: eventLoopGroup)
        log?("cluster DNS listening on \(configuration.host):\(port) (udp, tcp)")
        return ClusterDNSServer(
          host: configuration.host, port: port, datagramChannel: datagramChannel,
          listenerChannel: listenerChannel, exchange: exchange, connections: connections, log: log)
      } catch {
        try? await datagramChannel.close()
        if attempt == attempts { throw error }
      }
    }
    preconditionFailure("unreachable: the last attempt returns or throws")
  }

  /// Waits until the server is stopped; cancelling the task stops it.
  public func run() async throws {
    try await withTaskCancellationHandler {
      try await datagramChannel.closeFuture.get()
      try await listenerChannel.closeFuture.get()
    } onCancel: {
      self.closeAll()
    }
    log?("cluster DNS on \(host):\(port) stopped")
  }

  /// Closes both sockets and every open TCP connection.
  public func stop() async {
    closeAll()
    try? await datagramChannel.closeFuture.get()
    try? await listenerChannel.closeFuture.get()
  }

  private func closeAll() {
    datagramChannel.close(promise: nil)
    listenerChannel.close(promise: nil)
    connections.closeAll()
  }

  private static func bindDatagram(
    _ configuration: Configuration, exchange: ClusterDNSExchange, group: any EventLoopGroup
  ) async throws -> any Channel {
    // No SO_REUSEADDR: on Linux it would let a second server bind the same UDP port.
    let bootstrap = DatagramBootstrap(group: group)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(ClusterDNSDatagramHandler(exchange: exchange))
        }
      }
    do {
      return try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
    } catch {
      throw ClusterDNSError.bind(host: configuration.host, port: configuration.port, "udp", error)
    }
  }

  private static func bindListener(
    _ configuration: Configuration, port: Int, exchange: ClusterDNSExchange,
    connections: ClusterDNSConnections, group: any EventLoopGroup
  ) async throws -> any Channel {
    let idleTimeout = TimeAmount(configuration.tcpIdleTimeout)
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        exchange.countConnection()
        connections.insert(channel)
        return channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandlers(
            IdleStateHandler(readTimeout: idleTimeout),
            ByteToMessageHandler(DNSStreamFrameDecoder()),
            ClusterDNSStreamHandler(exchange: exchange))
        }
      }
    do {
      return try await bootstrap.bind(host: configuration.host, port: port).get()
    } catch {
      throw ClusterDNSError.bind(host: configuration.host, port: port, "tcp", error)
    }
  }
}

/// Open TCP connections, so ``ClusterDNSServer/stop()`` can close them.
private final class ClusterDNSConnections: Sendable {
  private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

  func insert(_ channel: any Channel) {
    let key = ObjectIdentifier(channel)
    open.withLock { $0[key] = channel }
    channel.closeFuture.whenComplete { [self] _ in
      _ = open.withLock { $0.removeValue(forKey: key) }
    }
  }

  func closeAll() {
    for channel in open.withLock({ Array($0.values) }) {
      channel.close(promise: nil)
    }
  }
}

/// A cluster DNS failure a user can act on.
public struct ClusterDNSError: Error, CustomStringConvertible, Sendable {
  /// What failed.
  public enum Code: Sendable, Hashable {
    /// The address could not be bound (in use, not configured, no permission).
    case bind
  }

  /// What failed.
  public var code: Code
  /// The whole sentence, naming address, port and transport.
  public var message: String

  /// `bind cluster DNS to 10.96.0.10:53/udp: Address already in use (errno: 98)`.
  public var description: String { message }

  static func bind(host: String, port: Int, _ transport: String, _ error: any Error) -> ClusterDNSError {
    ClusterDNSError(code: .bind, message: "bind cluster DNS to \(host):\(port)/\(transport): \(error)")
  }
}
