import NIOCore
import NIOHTTP1

/// A client's HTTP/1.1 connection to the proxy, after NIO's server codec (with pipelining
/// assistance: requests are answered in order, one at a time, and a malformed one gets 400):
/// each request becomes an `HTTP1Exchange`, routed on its own.
final class HTTP1DownstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  unowned(unsafe) let loop: ProxyLoop
  let info: DownstreamConnectionInfo
  var context: ChannelHandlerContext?
  var exchange: HTTP1Exchange?
  var draining = false
  /// NIO's HTTP/1 server handlers before this one, taken out on an upgrade.
  var codec: [any RemovableChannelHandler & ChannelHandler] = []

  init(loop: ProxyLoop, info: DownstreamConnectionInfo) {
    self.loop = loop
    self.info = info
  }

  func handlerAdded(context: ChannelHandlerContext) { self.context = context }

  func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      let exchange = HTTP1Exchange(loop: loop, downstream: self, request: head)
      self.exchange = exchange
      exchange.start()
    case .body(let chunk):
      exchange?.requestBody(chunk)
    case .end:
      exchange?.requestEnd()
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    exchange?.flushUpstream()
    context.fireChannelReadComplete()
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    exchange?.downstreamWritabilityChanged(context.channel.isWritable)
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    exchange?.downstreamClosed()
    loop.http1DownstreamClosed(self)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    context.close(promise: nil)
  }

  // MARK: For the exchange

  var isWritable: Bool { context?.channel.isWritable ?? false }

  func write(_ part: HTTPServerResponsePart) {
    context?.write(wrapOutboundOut(part), promise: nil)
  }

  func flush() { context?.flush() }

  /// Ends the response; a client that asked for `Connection: close` (or spoke HTTP/1.0
  /// without keep-alive) then has its connection closed, once the bytes are out.
  func endResponse(keepAlive: Bool) {
    guard let context else { return }
    guard keepAlive && !draining else {
      context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { [context] _ in
        context.close(promise: nil)
      }
      return
    }
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
  }

  func setReading(_ on: Bool) { context?.channel.setAutoRead(on) }

  func closeConnection() { context?.close(promise: nil) }

  func exchangeFinished(_ finished: HTTP1Exchange) {
    guard exchange === finished else { return }
    exchange = nil
    setReading(true)
  }

  /// After a 101 Switching Protocols (WebSocket): both connections drop their HTTP/1
  /// handlers and become a byte tunnel, with the bytes either side's decoder had read past
  /// the handshake passed on.
  func upgrade(to upstream: HTTP1UpstreamConnection, exchange: HTTP1Exchange) {
    guard let context, let upstreamChannel = upstream.channel, let route = exchange.route, let endpoint = exchange.endpoint
    else { return }
    let channel = context.channel
    context.flush()
    upstream.pool.detach(upstream)
    loop.http1DownstreamClosed(self)
    self.exchange = nil
    let tunnel = TCPTunnel(loop: loop, downstream: channel, cluster: route.cluster, endpoint: endpoint, info: info)
    loop.tunnels[ObjectIdentifier(tunnel)] = tunnel
    // After the current read: the upstream decoder is still passing on the 101's parts.
    let codec = self.codec
    let bound = NIOLoopBound((self, upstream, tunnel), eventLoop: context.eventLoop)
    context.eventLoop.execute {
      let (handler, upstream, tunnel) = bound.value
      // The typed handlers first, then the splice handlers at the ends, then the codecs:
      // the bytes the decoders read past the handshake go on to the splice handlers.
      _ = channel.pipeline.syncOperations.removeHandler(handler)
      if let typed = upstream.handler { _ = upstreamChannel.pipeline.syncOperations.removeHandler(typed) }
      do {
        try tunnel.adopt(upstream: upstreamChannel)
      } catch {
        tunnel.close()
        return
      }
      // A decoder passes its leftover bytes on when it has left, outside a read: flush them.
      for part in upstream.codec.reversed() {
        upstreamChannel.pipeline.syncOperations.removeHandler(part).whenComplete { _ in channel.flush() }
      }
      for part in codec.reversed() {
        channel.pipeline.syncOperations.removeHandler(part).whenComplete { _ in upstreamChannel.flush() }
      }
    }
  }

  /// Graceful shutdown: the request in progress finishes, then the connection closes.
  func drain() {
    draining = true
    if exchange == nil { closeConnection() }
  }
}

/// What a connection's first bytes say it speaks.
enum SniffedProtocol { case http2, http1, opaque }

/// The first handler of a connection whose protocol is sniffed: waits for the client's first
/// bytes, hands the channel to `proceed` with what they are, passes them on and leaves.
/// - HTTP/2: the connection preface (`PRI * HTTP/2.0...`), h2c with prior knowledge.
/// - HTTP/1: a request line, `METHOD SP target SP HTTP/1.x CRLF` (what Envoy's
///   http_inspector accepts).
/// - Anything else is opaque; so is silence for `timeout` (a server-first protocol), when
///   there is a timeout. On a declared HTTP/1.1 port (`opaqueAllowed` false) opaque bytes go
///   to the HTTP/1 codec, which answers 400.
final class ProtocolDetector: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
  /// A request line longer than this is not sniffed as HTTP (Envoy's inspector reads 8 KiB).
  static let maxRequestLine = 8192
  let opaqueAllowed: Bool
  let timeout: TimeAmount?
  let proceed: (any Channel, SniffedProtocol) throws -> Void
  var buffered: ByteBuffer?
  var timer: Scheduled<Void>?
  var decided = false

  init(opaqueAllowed: Bool, timeout: TimeAmount?, proceed: @escaping (any Channel, SniffedProtocol) throws -> Void) {
    self.opaqueAllowed = opaqueAllowed
    self.timeout = timeout
    self.proceed = proceed
  }

  func handlerAdded(context: ChannelHandlerContext) {
    guard let timeout, opaqueAllowed else { return }
    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(in: timeout) {
      let (detector, context) = bound.value
      if detector.buffered == nil { detector.decide(context: context, .opaque) }
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var bytes = unwrapInboundIn(data)
    if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
    if let sniffed = Self.sniff(buffered!.readableBytesView) {
      decide(context: context, sniffed == .opaque && !opaqueAllowed ? .http1 : sniffed)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    decided = true
    context.fireChannelInactive()
  }

  /// What `bytes` are, or nil while they could still be either.
  static func sniff(_ bytes: ByteBufferView) -> SniffedProtocol? {
    let compared = min(bytes.count, preface.count)
    if bytes.prefix(compared).elementsEqual(preface.prefix(compared)) {
      return bytes.count >= preface.count ? .http2 : nil
    }
    // METHOD: one or more token characters (upper-case letters, `-`, `_`), then a space.
    var index = bytes.startIndex
    while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z")
      || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "_")
    {
      index += 1
    }
    guard index < bytes.endIndex else { return bytes.count > 32 ? .opaque : nil }
    guard index > bytes.startIndex, bytes[index] == UInt8(ascii: " ") else { return .opaque }
    // The rest of the line must end in ` HTTP/1.0` or ` HTTP/1.1`.
    guard let lf = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
      return bytes.count > maxRequestLine ? .opaque : nil
    }
    let line = bytes[bytes.startIndex..<lf]
    let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
    let tail = Array(trimmed.suffix(9))
    return tail == Array(" HTTP/1.1".utf8) || tail == Array(" HTTP/1.0".utf8) ? .http1 : .opaque
  }

  private func decide(context: ChannelHandlerContext, _ sniffed: SniffedProtocol) {
    guard !decided else { return }
    decided = true
    timer?.cancel()
    handOver(context: context, buffered: &buffered) { try proceed(context.channel, sniffed) }
  }
}
