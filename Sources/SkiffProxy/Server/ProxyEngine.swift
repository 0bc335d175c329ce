public import Logging
public import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The engine's tunables.
public struct ProxyConfiguration: Sendable {
  /// Our SETTINGS toward clients.
  public var downstreamSettings = HTTP2Settings()
  /// Our SETTINGS toward upstreams (they open no streams to us).
  public var upstreamSettings: HTTP2Settings = {
    var settings = HTTP2Settings()
    settings.maxConcurrentStreams = 100
    return settings
  }()
  /// Upstream connect timeout (Istio's mesh `connectTimeout`: 10 s).
  public var connectTimeout: Duration = .seconds(10)
  /// Upstream connections per endpoint, per event loop.
  public var maxConnectionsPerEndpoint = 16
  /// Requests waiting for an upstream connection, per endpoint and event loop; more get 503 `UO`.
  public var maxPendingRequestsPerEndpoint = 1024
  /// Request body kept for replay on retry; a longer body disables retries for its request.
  public var retryBufferLimit = 64 << 10
  /// Idle upstream connections close after this (Istio's default: 1 h); nil keeps them.
  public var upstreamIdleTimeout: Duration? = .seconds(3600)
  /// How long a graceful shutdown waits for streams in progress (Istio: 5 s).
  public var drainTimeout: Duration = .seconds(5)
  /// Read the original destination of redirected connections (SO_ORIGINAL_DST), as an
  /// iptables-captured sidecar listener must; otherwise it is the listener's own address.
  public var useOriginalDestination = false
  /// How long a PERMISSIVE listener waits for a client's first bytes before taking the
  /// connection as plaintext (a server-first protocol sends nothing until it is greeted).
  public var tlsDetectionTimeout: Duration = .seconds(1)
  /// How long a sniffed port waits for a client's first bytes before taking the connection
  /// as TCP (Istio's `protocolDetectionTimeout` is 0, no timeout: server-first protocols on
  /// unnamed ports hang there; here they get through after this).
  public var protocolDetectionTimeout: Duration = .seconds(1)

  public init() {}
}

/// The data plane: accepts downstream connections, routes each HTTP/2 stream with a
/// `RouteDecider`, and forwards it over per-endpoint upstream pools (or splices TCP).
///
/// Each accepted connection stays on its event loop with everything it touches (its upstream
/// pools included), so forwarding takes no locks; only stats and the access log are shared.
public final class ProxyEngine: Sendable {
  public let decider: any RouteDecider
  public let configuration: ProxyConfiguration
  public let stats: ProxyStats
  public let accessLog: (any AccessLogSink)?
  public let logger: Logger
  let group: any EventLoopGroup
  private let loops = Mutex<[ObjectIdentifier: NIOLoopBound<ProxyLoop>]>([:])
  private let listeners = Mutex<[any Channel]>([])
  private let credentials = Mutex<MutualTLSCredentials?>(nil)

  /// The certificate mutual TLS uses from now on (connections already up keep theirs); nil:
  /// upstreams are dialed and downstreams accepted in plaintext only.
  public var mutualTLS: MutualTLSCredentials? {
    get { credentials.withLock { $0 } }
    set { credentials.withLock { $0 = newValue } }
  }

  public init(
    group: any EventLoopGroup, decider: any RouteDecider, configuration: ProxyConfiguration = ProxyConfiguration(),
    stats: ProxyStats = ProxyStats(), accessLog: (any AccessLogSink)? = nil,
    logger: Logger = Logger(label: "skiff-proxy")
  ) {
    self.group = group
    self.decider = decider
    self.configuration = configuration
    self.stats = stats
    self.accessLog = accessLog
    self.logger = logger
  }

  /// Listens on `host:port` (port 0 picks one), taking TLS as `tls` says; returns the bound
  /// address.
  public func listen(host: String, port: Int, tls: DownstreamTLSMode = .none) async throws -> SocketAddress {
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { [self] channel in
        channel.eventLoop.makeCompletedFuture {
          try loop(for: channel.eventLoop).accept(channel, tls: tls)
        }
      }
      .bind(host: host, port: port)
      .get()
    listeners.withLock { $0.append(channel) }
    guard let address = channel.localAddress else { throw ChannelError.inappropriateOperationForState }
    return address
  }

  /// Stops listening, drains every downstream connection (GOAWAY, in-flight streams finish,
  /// at most `configuration.drainTimeout`), then closes the upstream pools.
  public func shutdown() async {
    let channels = listeners.withLock { l in
      defer { l.removeAll() }
      return l
    }
    for channel in channels { try? await channel.close() }
    let all = loops.withLock { Array($0.values) }
    for bound in all {
      let done = bound.eventLoop.makePromise(of: Void.self)
      bound.eventLoop.execute { bound.value.drain(completion: done) }
      try? await done.futureResult.get()
    }
  }

  /// The loop-local state of `eventLoop` (made on first use). Call on that loop.
  func loop(for eventLoop: any EventLoop) -> ProxyLoop {
    let key = ObjectIdentifier(eventLoop)
    if let bound = loops.withLock({ $0[key] }) { return bound.value }
    let loop = ProxyLoop(engine: self, eventLoop: eventLoop)
    loops.withLock { $0[key] = NIOLoopBound(loop, eventLoop: eventLoop) }
    return loop
  }
}

/// What one event loop owns: its downstream connections and its upstream pools.
final class ProxyLoop {
  let engine: ProxyEngine
  let eventLoop: any EventLoop
  let allocator = ByteBufferAllocator()
  var pools: [PoolKey: UpstreamPool] = [:]
  /// The pool `pool(cluster:endpoint:)` returned last (still in `pools`).
  var lastPool: UpstreamPool?
  var downstreams: [ObjectIdentifier: DownstreamConnection] = [:]
  var http1Downstreams: [ObjectIdentifier: HTTP1DownstreamHandler] = [:]
  var http1Pools: [PoolKey: HTTP1UpstreamPool] = [:]
  var tunnels: [ObjectIdentifier: TCPTunnel] = [:]
  var draining = false

  struct PoolKey: Hashable {
    var cluster: String
    var endpoint: Endpoint
  }

  init(engine: ProxyEngine, eventLoop: any EventLoop) {
    self.engine = engine
    self.eventLoop = eventLoop
  }

  func pool(cluster: String, endpoint: Endpoint) -> UpstreamPool {
    // Consecutive requests mostly go to the same pool: comparing two strings and a port is
    // cheaper than hashing them.
    if let last = lastPool, last.endpoint.port == endpoint.port, last.endpoint.host == endpoint.host, last.cluster == cluster,
      last.endpoint.peerIdentity == endpoint.peerIdentity
    {
      return last
    }
    let key = PoolKey(cluster: cluster, endpoint: endpoint)
    let pool: UpstreamPool
    if let existing = pools[key] {
      pool = existing
    } else {
      pool = UpstreamPool(loop: self, cluster: cluster, endpoint: endpoint)
      pools[key] = pool
    }
    lastPool = pool
    return pool
  }

  func removePool(_ pool: UpstreamPool) {
    let key = PoolKey(cluster: pool.cluster, endpoint: pool.endpoint)
    if pools[key] === pool { pools[key] = nil }
    if lastPool === pool { lastPool = nil }
  }

  /// Sets up a freshly accepted channel: on a PERMISSIVE listener with a certificate, once its
  /// first bytes told TLS from plaintext; then according to the decider.
  func accept(_ channel: any Channel, tls: DownstreamTLSMode) throws {
    let local = channel.localAddress
    let info = DownstreamConnectionInfo(
      remoteAddress: channel.remoteAddress, localAddress: local,
      originalDestination: engine.configuration.useOriginalDestination ? (OriginalDestination.read(channel) ?? local) : local)
    guard case .permissive = tls, let credentials = engine.mutualTLS else {
      return try proxy(channel, info: info)
    }
    let stats = engine.stats
    let detector = TLSDetector(credentials: credentials, timeout: engine.configuration.tlsDetectionTimeout.timeAmount) {
      [self] channel, tlsHandler in
      if tlsHandler != nil {
        try channel.pipeline.syncOperations.addHandler(DownstreamTLSObserver(stats: stats))
      } else {
        stats.inboundConnection(principal: nil)
      }
      try proxy(channel, info: info)
    }
    try channel.pipeline.syncOperations.addHandler(detector)
  }

  func proxy(_ channel: any Channel, info: DownstreamConnectionInfo) throws {
    let decision = engine.decider.decideConnection(info)
    switch decision {
    case .reject:
      channel.close(promise: nil)
    case .passthrough(let cluster, let endpoint):
      try tunnel(channel, cluster: cluster, endpoint: endpoint, info: info)
    case .http2:
      try serveHTTP2(channel, info: info)
    case .http1, .detect:
      let detect = if case .detect = decision { true } else { false }
      let timeout = engine.configuration.protocolDetectionTimeout.timeAmount
      try channel.pipeline.syncOperations.addHandler(
        ProtocolDetector(opaqueAllowed: detect, timeout: timeout) { [self] channel, sniffed in
          switch sniffed {
          case .http2: try serveHTTP2(channel, info: info)
          case .http1: try serveHTTP1(channel, info: info)
          case .opaque:
            switch engine.decider.decideOpaqueConnection(info) {
            case .passthrough(let cluster, let endpoint): try tunnel(channel, cluster: cluster, endpoint: endpoint, info: info)
            default: channel.close(promise: nil)
            }
          }
        })
    }
  }

  func tunnel(_ channel: any Channel, cluster: String, endpoint: Endpoint, info: DownstreamConnectionInfo) throws {
    let tunnel = TCPTunnel(loop: self, downstream: channel, cluster: cluster, endpoint: endpoint, info: info)
    tunnels[ObjectIdentifier(tunnel)] = tunnel
    try tunnel.start()
  }

  func serveHTTP1(_ channel: any Channel, info: DownstreamConnectionInfo) throws {
    let handler = HTTP1DownstreamHandler(loop: self, info: info)
    // NIO's server pipeline, spelled out so an upgrade (WebSocket) can take the codec out
    // again; the decoder then passes on the bytes it read past the request.
    let codec: [any RemovableChannelHandler & ChannelHandler] = [
      HTTPResponseEncoder(), ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)),
      HTTPServerPipelineHandler(), HTTPServerProtocolErrorHandler(),
    ]
    for part in codec { try channel.pipeline.syncOperations.addHandler(part) }
    handler.codec = codec
    try channel.pipeline.syncOperations.addHandler(handler)
    http1Downstreams[ObjectIdentifier(handler)] = handler
    engine.stats.downstreamConnection(opened: true)
    if draining { handler.drain() }
  }

  func serveHTTP2(_ channel: any Channel, info: DownstreamConnectionInfo) throws {
    let connection = DownstreamConnection(loop: self, info: info)
    downstreams[ObjectIdentifier(connection)] = connection
    engine.stats.downstreamConnection(opened: true)
    try channel.pipeline.syncOperations.addHandler(connection.handler)
    if draining { connection.drain(timeout: engine.configuration.drainTimeout) }
  }

  func http1Pool(cluster: String, endpoint: Endpoint) -> HTTP1UpstreamPool {
    let key = PoolKey(cluster: cluster, endpoint: endpoint)
    if let pool = http1Pools[key] { return pool }
    let pool = HTTP1UpstreamPool(loop: self, cluster: cluster, endpoint: endpoint)
    http1Pools[key] = pool
    return pool
  }

  func removeHTTP1Pool(_ pool: HTTP1UpstreamPool) {
    let key = PoolKey(cluster: pool.cluster, endpoint: pool.endpoint)
    if http1Pools[key] === pool { http1Pools[key] = nil }
  }

  func http1DownstreamClosed(_ handler: HTTP1DownstreamHandler) {
    guard http1Downstreams.removeValue(forKey: ObjectIdentifier(handler)) != nil else { return }
    engine.stats.downstreamConnection(opened: false)
    checkDrained()
  }

  func downstreamClosed(_ connection: DownstreamConnection) {
    guard downstreams.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
    engine.stats.downstreamConnection(opened: false)
    checkDrained()
  }

  func tunnelClosed(_ tunnel: TCPTunnel) {
    tunnels[ObjectIdentifier(tunnel)] = nil
    checkDrained()
  }

  /// Flushes every downstream connection (after a batch of local replies from a pool).
  func flushAll() {
    for connection in downstreams.values { connection.handler.scheduleFlush() }
  }

  var drainCompletion: EventLoopPromise<Void>?

  func drain(completion: EventLoopPromise<Void>) {
    draining = true
    drainCompletion = completion
    for connection in downstreams.values { connection.drain(timeout: engine.configuration.drainTimeout) }
    for handler in http1Downstreams.values { handler.drain() }
    checkDrained()
  }

  func checkDrained() {
    guard draining, downstreams.isEmpty, http1Downstreams.isEmpty, let completion = drainCompletion else { return }
    drainCompletion = nil
    for pool in pools.values { pool.closeAll() }
    for pool in http1Pools.values { pool.closeAll() }
    for tunnel in tunnels.values { tunnel.close() }
    completion.succeed()
  }
}
