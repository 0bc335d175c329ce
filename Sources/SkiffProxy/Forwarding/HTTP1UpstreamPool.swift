import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffTLS

/// One keep-alive HTTP/1.1 connection to an upstream endpoint: carries one request at a time.
final class HTTP1UpstreamConnection {
  unowned let pool: HTTP1UpstreamPool
  var channel: (any Channel)?
  /// The request using the connection; nil while it is idle in the pool.
  var exchange: HTTP1Exchange?
  var idleTimer: Scheduled<Void>?
  var closed = false
  /// The last response said the connection may carry another request.
  var reusable = true
  /// The HTTP/1 codec and the response handler, taken out when the connection is upgraded.
  var codec: [any RemovableChannelHandler & ChannelHandler] = []
  var handler: HTTP1UpstreamHandler?

  init(pool: HTTP1UpstreamPool) { self.pool = pool }

  func close() {
    idleTimer?.cancel()
    channel?.close(promise: nil)
  }
}

/// The HTTP/1.1 connections of one event loop to one endpoint (Envoy's HTTP/1 pool): a
/// request takes an idle connection or opens one, and gives it back after a keep-alive
/// response. Idle connections close after the engine's upstream idle timeout.
final class HTTP1UpstreamPool {
  unowned let loop: ProxyLoop
  let cluster: String
  let endpoint: Endpoint
  var idle: [HTTP1UpstreamConnection] = []
  /// Every connection, busy or idle or connecting.
  var open: [ObjectIdentifier: HTTP1UpstreamConnection] = [:]

  init(loop: ProxyLoop, cluster: String, endpoint: Endpoint) {
    self.loop = loop
    self.cluster = cluster
    self.endpoint = endpoint
  }

  /// Gives `exchange` a connection: `attached(_:)` now or once one is connected, or
  /// `connectFailed(reason:)`.
  func acquire(_ exchange: HTTP1Exchange) {
    while let connection = idle.popLast() {
      connection.idleTimer?.cancel()
      connection.idleTimer = nil
      guard !connection.closed, connection.channel?.isActive == true else { continue }
      connection.exchange = exchange
      exchange.attached(connection)
      return
    }
    connect(for: exchange)
  }

  func connect(for exchange: HTTP1Exchange) {
    let connection = HTTP1UpstreamConnection(pool: self)
    connection.exchange = exchange
    open[ObjectIdentifier(connection)] = connection
    loop.engine.stats.upstreamConnectionOpened(cluster: cluster)
    let tls = MutualTLSDialer(endpoint: endpoint, credentials: loop.engine.mutualTLS, http2: false)
    let bound = NIOLoopBound((connection, self), eventLoop: loop.eventLoop)
    let bootstrap = ClientBootstrap(group: loop.eventLoop)
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .connectTimeout(loop.engine.configuration.connectTimeout.timeAmount)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let (connection, pool) = bound.value
          try tls?.addHandlers(
            to: channel, established: { pool.connected(connection) },
            failed: { error in
              pool.loop.engine.stats.upstreamTLS(cluster: pool.cluster, established: false)
              pool.failed(connection, reason: UpstreamPool.failureReason(error))
            })
          let codec: [any RemovableChannelHandler & ChannelHandler] = [
            HTTPRequestEncoder(), ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)),
          ]
          for part in codec { try channel.pipeline.syncOperations.addHandler(part) }
          let handler = HTTP1UpstreamHandler(connection: connection)
          connection.codec = codec
          connection.handler = handler
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }
    let future = bootstrap.connect(to: endpoint)
    future.assumeIsolated().whenComplete { [self] result in
      switch result {
      case .success(let channel):
        connection.channel = channel
        // With mutual TLS the connection is usable once the peer's identity was checked.
        if tls == nil { connected(connection) }
      case .failure(let error):
        failed(connection, reason: UpstreamPool.failureReason(error))
        closed(connection)
      }
    }
  }

  func connected(_ connection: HTTP1UpstreamConnection) {
    if endpoint.peerIdentity != nil, loop.engine.mutualTLS != nil {
      loop.engine.stats.upstreamTLS(cluster: cluster, established: true)
    }
    guard !connection.closed else { return }
    if let exchange = connection.exchange {
      exchange.attached(connection)
    } else {
      release(connection)  // its request went away while it connected
    }
  }

  /// The connection could not be made (TCP, or the TLS handshake and identity check).
  func failed(_ connection: HTTP1UpstreamConnection, reason: String) {
    guard open.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
    loop.engine.stats.upstreamConnectionClosed(cluster: cluster, connectFailed: true, byRemote: false)
    connection.closed = true
    connection.channel?.close(promise: nil)
    let exchange = connection.exchange
    connection.exchange = nil
    exchange?.connectFailed(reason: reason)
    if open.isEmpty { loop.removeHTTP1Pool(self) }
  }

  /// A request is done with `connection`: back to the idle list, or closed.
  func release(_ connection: HTTP1UpstreamConnection) {
    connection.exchange = nil
    guard connection.reusable, !connection.closed, !loop.draining, connection.channel?.isActive == true else {
      connection.close()
      return
    }
    idle.append(connection)
    if let timeout = loop.engine.configuration.upstreamIdleTimeout {
      connection.idleTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: timeout.timeAmount) {
        connection.idleTimer = nil
        connection.close()
      }
    }
  }

  /// The connection's channel closed.
  func closed(_ connection: HTTP1UpstreamConnection) {
    guard open.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
    let wasConnected = connection.channel != nil
    connection.closed = true
    connection.idleTimer?.cancel()
    idle.removeAll { $0 === connection }
    if wasConnected {
      loop.engine.stats.upstreamConnectionClosed(cluster: cluster, connectFailed: false, byRemote: false)
    }
    if let exchange = connection.exchange {
      connection.exchange = nil
      exchange.upstreamClosed()
    }
    if open.isEmpty { loop.removeHTTP1Pool(self) }
  }

  /// The connection leaves the pool for good (an upgrade made it a tunnel).
  func detach(_ connection: HTTP1UpstreamConnection) {
    guard open.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
    connection.exchange = nil
    loop.engine.stats.upstreamConnectionClosed(cluster: cluster, connectFailed: false, byRemote: false)
    if open.isEmpty { loop.removeHTTP1Pool(self) }
  }

  func closeAll() {
    for connection in open.values { connection.close() }
  }
}

/// The pipeline end of an upstream HTTP/1.1 connection: passes response parts to the request
/// using it.
final class HTTP1UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPClientResponsePart
  let connection: HTTP1UpstreamConnection

  init(connection: HTTP1UpstreamConnection) { self.connection = connection }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let part = unwrapInboundIn(data)
    if case .head(let head) = part, !head.isKeepAlive { connection.reusable = false }
    connection.exchange?.upstreamResponse(part)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    connection.exchange?.flushDownstream()
    context.fireChannelReadComplete()
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    connection.exchange?.upstreamWritabilityChanged(context.channel.isWritable)
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    connection.pool.closed(connection)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    // A malformed response (NIO's HTTPParserError) or a TLS failure: the connection ends.
    connection.reusable = false
    context.close(promise: nil)
  }
}
