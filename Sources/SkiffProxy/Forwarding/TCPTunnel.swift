import NIOCore
import NIOPosix

/// TCP passthrough for non-HTTP ports: splices bytes between the downstream connection and one
/// upstream connection, both ways, with half-close (a FIN one way shuts down writing the other
/// way; the tunnel ends when both directions ended or either side fails). Reading one side
/// pauses while the other cannot take more, so nothing buffers without bound.
final class TCPTunnel {
  unowned let loop: ProxyLoop
  let downstream: any Channel
  var upstream: (any Channel)?
  let cluster: String
  let endpoint: Endpoint
  let info: DownstreamConnectionInfo
  let started = NIODeadline.now()
  let wallStart = AccessLogEntry.now()
  var received = 0
  var sent = 0
  var flags: ResponseFlags = []
  var failure: String?
  var downstreamInputClosed = false
  var upstreamInputClosed = false
  var closed = false
  var downstreamHandler: SpliceHandler?
  var upstreamHandler: SpliceHandler?
  /// Bytes the client sent before the upstream connection was there (a PERMISSIVE
  /// listener reads the first ones to tell TLS from plaintext).
  var early: [ByteBuffer] = []

  init(loop: ProxyLoop, downstream: any Channel, cluster: String, endpoint: Endpoint, info: DownstreamConnectionInfo) {
    self.loop = loop
    self.downstream = downstream
    self.cluster = cluster
    self.endpoint = endpoint
    self.info = info
  }

  func start() throws {
    let downstreamSide = SpliceHandler(tunnel: self, isDownstream: true)
    downstreamHandler = downstreamSide
    // Nothing is read from the client until the upstream connection is there.
    try downstream.syncOptions?.setOption(.autoRead, value: false)
    try downstream.pipeline.syncOperations.addHandler(downstreamSide)
    loop.engine.stats.tcpConnection(cluster: cluster, opened: true)
    let upstreamSide = SpliceHandler(tunnel: self, isDownstream: false)
    upstreamHandler = upstreamSide
    let tls = MutualTLSDialer(endpoint: endpoint, credentials: loop.engine.mutualTLS, http2: false)
    let bound = NIOLoopBound((upstreamSide, self), eventLoop: loop.eventLoop)
    let bootstrap = ClientBootstrap(group: loop.eventLoop)
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .channelOption(.allowRemoteHalfClosure, value: true)
      .connectTimeout(loop.engine.configuration.connectTimeout.timeAmount)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let (side, tunnel) = bound.value
          let stats = tunnel.loop.engine.stats, cluster = tunnel.cluster
          try tls?.addHandlers(
            to: channel, established: { stats.upstreamTLS(cluster: cluster, established: true) },
            failed: { error in
              stats.upstreamTLS(cluster: cluster, established: false)
              tunnel.flags.insert(.upstreamConnectionFailure)
              tunnel.failure = UpstreamPool.failureReason(error)
            })
          try channel.pipeline.syncOperations.addHandler(side)
        }
      }
    let future = bootstrap.connect(to: endpoint)
    future.assumeIsolated().whenComplete { [self] result in
      switch result {
      case .success(let channel):
        upstream = channel
        if closed {
          channel.close(promise: nil)
          return
        }
        if !early.isEmpty {
          for bytes in early { channel.write(bytes, promise: nil) }
          early.removeAll()
          channel.flush()
        }
        // The client may have half-closed while the connection was being made.
        if downstreamInputClosed { channel.close(mode: .output, promise: nil) }
        try? downstream.syncOptions?.setOption(.autoRead, value: true)
      case .failure(let error):
        flags.insert(.upstreamConnectionFailure)
        failure = UpstreamPool.failureReason(error)
        close()
      }
    }
  }

  /// Splices `downstream` with an upstream channel already connected (an upgraded HTTP/1.1
  /// connection): its handlers go at the end of both pipelines.
  func adopt(upstream channel: any Channel) throws {
    let downstreamSide = SpliceHandler(tunnel: self, isDownstream: true)
    let upstreamSide = SpliceHandler(tunnel: self, isDownstream: false)
    downstreamHandler = downstreamSide
    upstreamHandler = upstreamSide
    upstream = channel
    try? downstream.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
    try? channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
    try downstream.pipeline.syncOperations.addHandler(downstreamSide)
    try channel.pipeline.syncOperations.addHandler(upstreamSide)
    loop.engine.stats.tcpConnection(cluster: cluster, opened: true)
    downstream.setAutoRead(true)
    channel.setAutoRead(true)
  }

  func peer(of handler: SpliceHandler) -> (any Channel)? { handler.isDownstream ? upstream : downstream }

  func inputClosed(_ handler: SpliceHandler) {
    if handler.isDownstream { downstreamInputClosed = true } else { upstreamInputClosed = true }
    if downstreamInputClosed && upstreamInputClosed {
      close()
    } else {
      peer(of: handler)?.close(mode: .output, promise: nil)
    }
  }

  func close() {
    guard !closed else { return }
    closed = true
    downstream.close(promise: nil)
    upstream?.close(promise: nil)
    loop.engine.stats.tcpConnection(cluster: cluster, opened: false, sent: sent, received: received)
    loop.engine.accessLog?.log(
      AccessLogEntry(
        startSeconds: wallStart.seconds, startMilliseconds: wallStart.milliseconds, method: nil, path: nil,
        protocol: nil, responseCode: 0, flags: flags, responseCodeDetails: "-", upstreamTransportFailureReason: failure,
        bytesReceived: received, bytesSent: sent, durationMilliseconds: started.millisecondsSince,
        upstreamServiceTimeMilliseconds: nil, forwardedFor: nil, userAgent: nil, requestID: nil, authority: nil,
        upstreamHost: endpoint.description, upstreamCluster: cluster, upstreamLocalAddress: upstream?.localAddress?.hostPort,
        downstreamLocalAddress: info.localAddress?.hostPort, downstreamRemoteAddress: info.remoteAddress?.hostPort,
        routeName: nil))
    loop.tunnelClosed(self)
  }
}

/// One side of a `TCPTunnel`.
final class SpliceHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  unowned let tunnel: TCPTunnel
  let isDownstream: Bool
  var wrote = false

  init(tunnel: TCPTunnel, isDownstream: Bool) {
    self.tunnel = tunnel
    self.isDownstream = isDownstream
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let bytes = unwrapInboundIn(data)
    if isDownstream { tunnel.received += bytes.readableBytes } else { tunnel.sent += bytes.readableBytes }
    guard let peer = tunnel.peer(of: self) else {
      if isDownstream { tunnel.early.append(bytes) }
      return
    }
    peer.write(bytes, promise: nil)
    wrote = true
    if !peer.isWritable {
      // The other side is backed up: stop reading here until it drains.
      try? context.channel.syncOptions?.setOption(.autoRead, value: false)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if wrote, let peer = tunnel.peer(of: self) {
      wrote = false
      peer.flush()
    }
    context.fireChannelReadComplete()
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    // We can take more: let the other side read again.
    if context.channel.isWritable, let peer = tunnel.peer(of: self) {
      try? peer.syncOptions?.setOption(.autoRead, value: true)
    }
    context.fireChannelWritabilityChanged()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, case .inputClosed = event {
      if let peer = tunnel.peer(of: self) { peer.flush() }
      tunnel.inputClosed(self)
      return
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelInactive(context: ChannelHandlerContext) {
    tunnel.close()
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    tunnel.close()
  }
}
