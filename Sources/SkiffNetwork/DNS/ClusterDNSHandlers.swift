import NIOCore
import Synchronization

/// What both transports share: the current records, the responder and the
/// counters. Handlers on any event loop call it.
final class ClusterDNSExchange: Sendable {
  let records: ClusterDNSRecords
  let responder: ClusterDNSResponder
  private let counters = Mutex(ClusterDNSMetrics())

  init(records: ClusterDNSRecords, responder: ClusterDNSResponder) {
    self.records = records
    self.responder = responder
  }

  var metrics: ClusterDNSMetrics {
    counters.withLock { $0 }
  }

  func handle(_ packet: ByteBuffer, over transport: DNSTransport) -> ClusterDNSResponder.Outcome {
    let outcome = responder.respond(
      to: Array(packet.readableBytesView), over: transport, using: records.snapshot)
    counters.withLock { $0.record(outcome, over: transport) }
    return outcome
  }

  func countConnection() {
    counters.withLock { $0.tcpConnections += 1 }
  }
}

/// UDP: one datagram in, at most one datagram back to its sender.
final class ClusterDNSDatagramHandler: ChannelInboundHandler {
  typealias InboundIn = AddressedEnvelope<ByteBuffer>
  typealias OutboundOut = AddressedEnvelope<ByteBuffer>

  private let exchange: ClusterDNSExchange

  init(exchange: ClusterDNSExchange) {
    self.exchange = exchange
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let envelope = unwrapInboundIn(data)
    guard case .reply(let bytes, _) = exchange.handle(envelope.data, over: .udp) else { return }
    let reply = AddressedEnvelope(
      remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: bytes))
    context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    // A failed send (e.g. ICMP unreachable from a client that went away) must not
    // stop the server: the channel stays open.
  }
}

/// TCP framing (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its 2-byte length.
struct DNSStreamFrameDecoder: ByteToMessageDecoder {
  typealias InboundOut = ByteBuffer

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
      buffer.readableBytes >= 2 + Int(length)
    else { return .needMoreData }
    buffer.moveReaderIndex(forwardBy: 2)
    let frame = buffer.readSlice(length: Int(length))!
    context.fireChannelRead(wrapInboundOut(frame))
    return .continue
  }

  mutating func decodeLast(
    context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
  ) throws -> DecodingState {
    // Whole messages still buffered are answered; a partial one is dropped.
    while try decode(context: context, buffer: &buffer) == .continue {}
    return .needMoreData
  }
}

/// TCP: answers each framed query in order, several per connection; closes on
/// idle timeout, on a packet that is not a query, and after the client's EOF
/// once the answers are written.
final class ClusterDNSStreamHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let exchange: ClusterDNSExchange
  private var lastWrite: EventLoopFuture<Void>? = nil

  init(exchange: ClusterDNSExchange) {
    self.exchange = exchange
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .reply(let bytes, _) = exchange.handle(unwrapInboundIn(data), over: .tcp) else {
      context.close(promise: nil)
      return
    }
    // The responder keeps TCP answers within 65535 bytes, so the length fits.
    var frame = context.channel.allocator.buffer(capacity: 2 + bytes.count)
    frame.writeInteger(UInt16(clamping: bytes.count))
    frame.writeBytes(bytes)
    let promise = context.eventLoop.makePromise(of: Void.self)
    context.write(wrapOutboundOut(frame), promise: promise)
    lastWrite = promise.futureResult
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    context.flush()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    switch event {
    case let idle as IdleStateHandler.IdleStateEvent where idle == .read:
      context.close(promise: nil)
    case ChannelEvent.inputClosed:
      context.flush()
      let close = { [context] in context.close(promise: nil) }
      if let lastWrite {
        lastWrite.assumeIsolated().whenComplete { _ in close() }
      } else {
        close()
      }
    default:
      context.fireUserInboundEventTriggered(event)
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    context.close(promise: nil)
  }
}
