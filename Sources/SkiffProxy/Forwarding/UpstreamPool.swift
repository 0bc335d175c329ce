import NIOCore
import NIOPosix
import SkiffTLS

/// One upstream HTTP/2 connection of a pool: carries many proxied streams at once.
final class UpstreamConnection: HTTP2BatchDelegate {
  enum State { case connecting, ready, draining, closed }

  /// Strong: the pool drops the connection when it closes, which breaks the cycle.
  let pool: UpstreamPool
  let handler: HTTP2ConnectionHandler
  var state = State.connecting
  var streams = StreamTable<ProxyStream>()
  /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS: until its SETTINGS arrive, what the pool
  /// learned from earlier connections to the same endpoint, else 100 (RFC 9113's suggestion).
  var maxConcurrentStreams: Int
  var localAddress: String?
  var idleTimer: Scheduled<Void>?
  /// Mutual TLS: the connection is ready once the peer's identity was checked, not when TCP
  /// connected.
  var awaitingTLS = false

  init(pool: UpstreamPool, settings: HTTP2Settings, allocator: ByteBufferAllocator) {
    self.pool = pool
    maxConcurrentStreams = pool.learnedMaxConcurrentStreams ?? 100
    handler = HTTP2ConnectionHandler(connection: HTTP2Connection(role: .client, settings: settings, allocator: allocator))
    handler.delegate = self
  }

  var hasRoom: Bool {
    state == .ready && streams.count < maxConcurrentStreams && handler.connection.canOpenStream
  }

  func http2ConnectionActive(_ handler: HTTP2ConnectionHandler) {
    localAddress = handler.context?.channel.localAddress?.hostPort
    guard state == .connecting, !awaitingTLS else { return }
    state = .ready
    pool.connectionReady(self)
  }

  /// The TLS handshake finished and the peer is who the mesh said.
  func tlsEstablished() {
    awaitingTLS = false
    pool.loop.engine.stats.upstreamTLS(cluster: pool.cluster, established: true)
    guard state == .connecting, handler.isOpen else { return }
    state = .ready
    pool.connectionReady(self)
  }

  func http2Connection(_ handler: HTTP2ConnectionHandler, receivedEventsOf batch: inout ActionBatch) {
    forEachEvent(handler, &batch) { http2Connection(handler, received: $0) }
  }

  func http2Connection(_ handler: HTTP2ConnectionHandler, received action: HTTP2Connection.Action) {
    switch action {
    case .streamHeaders(let id, let headers, let endStream):
      stream(id)?.upstreamHeaders(headers, endStream: endStream)
    case .streamData(let id, let data, let endStream):
      if let stream = stream(id) {
        stream.upstreamData(data, endStream: endStream)
      } else {
        handler.connection.consume(streamID: id, count: data.readableBytes)
      }
    case .streamTrailers(let id, let trailers):
      stream(id)?.upstreamTrailers(trailers)
    case .streamReset(let id, let code):
      stream(id)?.upstreamReset(code)
    case .streamClosed(let id, let code):
      if let stream = streams.remove(id) {
        stream.upstreamStreamClosed(code)
        streamReleased()
      }
    case .dataFlushed(let id, let count):
      stream(id)?.upstreamDataFlushed(count)
    case .goAway(let lastStreamID, _, _):
      // Drain: streams the peer processed finish here; the others never ran, so they are
      // retried elsewhere; new streams go to other connections.
      state = .draining
      let refused = streams.sorted.filter { $0.id > lastStreamID }
      for (id, stream) in refused {
        detach(id)
        stream.upstreamRefused()
      }
      pool.connectionDraining(self)
      if streams.isEmpty { handler.close() }
    case .remoteMaxConcurrentStreams(let max):
      maxConcurrentStreams = Int(min(max, 1 << 20))
      pool.learnedMaxConcurrentStreams = maxConcurrentStreams
      pool.serveWaiters()
    default:
      break
    }
  }

  /// The stream's `ProxyStream` (a `StreamTable` slot: no hashing).
  @inline(__always)
  func stream(_ id: Int32) -> ProxyStream? { streams[id] }

  /// Forgets a stream (it ended, or moved on to another attempt).
  func detach(_ id: Int32) {
    streams.remove(id)
  }

  func http2ConnectionClosed(_ handler: HTTP2ConnectionHandler, error: (any Error)?) {
    let wasConnecting = state == .connecting
    state = .closed
    idleTimer?.cancel()
    let lost = streams.sorted
    streams.removeAll()
    for (_, stream) in lost { stream.upstreamConnectionLost() }
    pool.connectionClosed(self, connectFailed: wasConnecting, error: error)
  }

  /// A stream left this connection: room for a waiting one, or time to close when draining.
  func streamReleased() {
    if state == .draining && streams.isEmpty {
      handler.close()
      return
    }
    pool.serveWaiters()
  }
}

/// The HTTP/2 connections of one event loop to one upstream endpoint (Envoy keeps pools per
/// worker too, so a request never changes threads). Streams go to the first connection with
/// room; a new connection opens when all are full, up to a limit; streams wait in a bounded
/// queue meanwhile. A connection that fails to connect fails the streams waiting for it
/// (they retry elsewhere or reply `UF`); the next request connects again.
final class UpstreamPool {
  /// The engine keeps its loops for its whole life, so this never dangles (and costs no
  /// reference counting on the hot path).
  unowned(unsafe) let loop: ProxyLoop
  let cluster: String
  let endpoint: Endpoint
  var connections: [UpstreamConnection] = []
  var waiting = CircularBuffer<ProxyStream>()
  /// The endpoint's SETTINGS_MAX_CONCURRENT_STREAMS, once a connection has seen it.
  var learnedMaxConcurrentStreams: Int?

  init(loop: ProxyLoop, cluster: String, endpoint: Endpoint) {
    self.loop = loop
    self.cluster = cluster
    self.endpoint = endpoint
  }

  var configuration: ProxyConfiguration { loop.engine.configuration }

  func acquire(_ stream: ProxyStream) {
    if waiting.isEmpty, let connection = connections.first(where: { $0.hasRoom }) {
      if attach(stream, connection) { return }
    }
    guard waiting.count < configuration.maxPendingRequestsPerEndpoint else {
      stream.poolOverflow()
      return
    }
    waiting.append(stream)
    stream.waitingIn = self
    serveWaiters()
  }

  func attach(_ stream: ProxyStream, _ connection: UpstreamConnection) -> Bool {
    if stream.attach(connection) {
      stream.lastUpstreamLocalAddress = connection.localAddress
      connection.idleTimer?.cancel()
      connection.idleTimer = nil
      return true
    }
    // The connection can take no new stream (GOAWAY, ids used up): drain it.
    connection.state = .draining
    if connection.streams.isEmpty { connection.handler.close() }
    return false
  }

  func cancel(_ stream: ProxyStream) {
    if let index = waiting.firstIndex(where: { $0 === stream }) { waiting.remove(at: index) }
  }

  /// Gives waiting streams to connections with room, and opens a connection if they need one.
  func serveWaiters() {
    while let first = waiting.first {
      guard let connection = connections.first(where: { $0.hasRoom }) else { break }
      waiting.removeFirst()
      first.waitingIn = nil
      if !attach(first, connection) { waiting.prepend(first); first.waitingIn = self }
    }
    guard !waiting.isEmpty else {
      scheduleIdleClose()
      return
    }
    // Open connections until those on their way can take every waiting stream.
    var connecting = connections.filter { $0.state == .connecting }.count
    var open = connections.filter { $0.state == .connecting || $0.state == .ready }.count
    let perConnection = max(learnedMaxConcurrentStreams ?? 100, 1)
    while waiting.count > connecting * perConnection && open < configuration.maxConnectionsPerEndpoint {
      connect()
      connecting += 1
      open += 1
    }
  }

  func connect() {
    let connection = UpstreamConnection(pool: self, settings: configuration.upstreamSettings, allocator: loop.allocator)
    connections.append(connection)
    loop.engine.stats.upstreamConnectionOpened(cluster: cluster)
    let tls = MutualTLSDialer(endpoint: endpoint, credentials: loop.engine.mutualTLS, http2: true)
    connection.awaitingTLS = tls != nil
    let bound = NIOLoopBound((connection, self), eventLoop: loop.eventLoop)
    let bootstrap = ClientBootstrap(group: loop.eventLoop)
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .connectTimeout(configuration.connectTimeout.timeAmount)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let (connection, pool) = bound.value
          try tls?.addHandlers(
            to: channel, established: { connection.tlsEstablished() },
            failed: { _ in pool.loop.engine.stats.upstreamTLS(cluster: pool.cluster, established: false) })
          try channel.pipeline.syncOperations.addHandler(connection.handler)
        }
      }
    let future = bootstrap.connect(to: endpoint)
    future.assumeIsolated().whenFailure { [self] error in
      guard connection.state == .connecting else { return }
      connection.state = .closed
      connectFailed(connection, reason: Self.failureReason(error))
    }
  }

  /// `%UPSTREAM_TRANSPORT_FAILURE_REASON%`-style text for a connect error.
  static func failureReason(_ error: any Error) -> String {
    if let tls = error as? TLSError { return "TLS_error: \(tls.message)" }
    if let io = error as? IOError { return "delayed connect error: \(io.errnoCode)" }
    if let connect = error as? NIOConnectionError, let first = connect.connectionErrors.first {
      return failureReason(first.error)
    }
    if error is ChannelError { return "connect timeout" }
    return String(describing: error)
  }

  func connectionReady(_ connection: UpstreamConnection) {
    serveWaiters()
  }

  func connectionDraining(_ connection: UpstreamConnection) {
    serveWaiters()
  }

  func connectFailed(_ connection: UpstreamConnection, reason: String) {
    remove(connection, connectFailed: true)
    // Streams waiting for this connection have nowhere to go unless another one is coming.
    if !connections.contains(where: { $0.state == .connecting || $0.state == .ready }) {
      let failed = waiting
      waiting.removeAll()
      for stream in failed {
        stream.waitingIn = nil
        stream.connectFailed(reason: reason)
      }
    } else {
      serveWaiters()
    }
  }

  func connectionClosed(_ connection: UpstreamConnection, connectFailed: Bool, error: (any Error)?) {
    guard connections.contains(where: { $0 === connection }) else { return }
    if connectFailed {
      self.connectFailed(connection, reason: error.map(Self.failureReason) ?? "connection closed")
      return
    }
    remove(connection, connectFailed: false)
    serveWaiters()
  }

  func remove(_ connection: UpstreamConnection, connectFailed: Bool) {
    guard let index = connections.firstIndex(where: { $0 === connection }) else { return }
    connections.remove(at: index)
    loop.engine.stats.upstreamConnectionClosed(cluster: cluster, connectFailed: connectFailed, byRemote: false)
    // A pool with nothing left goes too (endpoints come and go with the mesh's config).
    if connections.isEmpty && waiting.isEmpty { loop.removePool(self) }
  }

  /// Closes connections that stay idle for `upstreamIdleTimeout` (Istio's default: 1 h).
  func scheduleIdleClose() {
    guard let idle = configuration.upstreamIdleTimeout else { return }
    for connection in connections where connection.state == .ready && connection.streams.isEmpty && connection.idleTimer == nil {
      connection.idleTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: idle.timeAmount) {
        connection.idleTimer = nil
        if connection.streams.isEmpty && connection.state == .ready {
          connection.state = .draining
          connection.handler.connection.goAway(code: .noError)
          connection.handler.close()
        }
      }
    }
  }

  /// Closes every connection (shutdown).
  func closeAll() {
    for connection in connections { connection.handler.close() }
  }
}

extension ClientBootstrap {
  /// Connects to an endpoint: an IP literal directly, a name through the resolver.
  func connect(to endpoint: Endpoint) -> EventLoopFuture<any Channel> {
    if let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) {
      return connect(to: address)
    }
    return connect(host: endpoint.host, port: endpoint.port)
  }
}
