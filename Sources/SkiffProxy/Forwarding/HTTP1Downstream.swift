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

  /// Graceful shutdown: the request in progress finishes, then the connection closes.
  func drain() {
    draining = true
    if exchange == nil { closeConnection() }
  }
}

/// The first handler of a connection to an HTTP/1.1 port: clients that open with the HTTP/2
/// connection preface (h2c with prior knowledge) get HTTP/2, the others HTTP/1.1, as Envoy's
/// `codec_type: AUTO` decides.
final class HTTPVersionDetector: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
  let proceed: (any Channel, _ http2: Bool) throws -> Void
  var buffered: ByteBuffer?

  init(proceed: @escaping (any Channel, _ http2: Bool) throws -> Void) { self.proceed = proceed }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var bytes = unwrapInboundIn(data)
    if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
    let seen = buffered!.readableBytesView
    let compared = min(seen.count, Self.preface.count)
    let matches = seen.prefix(compared).elementsEqual(Self.preface.prefix(compared))
    guard !matches || seen.count >= Self.preface.count else { return }  // undecided yet
    do {
      try proceed(context.channel, matches)
    } catch {
      context.close(promise: nil)
      return
    }
    context.fireChannelRead(wrapInboundOut(buffered.take()!))
    context.fireChannelReadComplete()
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }
}
