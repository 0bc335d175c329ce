import NIOCore
import NIOPosix
import SkiffTLS

/// A client-mode `TLSHandler` on a loopback connection, collecting what it reads until
/// `isComplete` says it has everything.
final class TLSTestClient: Sendable {
  let group: MultiThreadedEventLoopGroup
  let channel: any Channel
  let handshake: EventLoopFuture<TLSHandshakeCompleted>
  let received: EventLoopFuture<ByteBuffer>

  init(
    context: TLSContext, port: Int, serverName: String? = nil,
    isComplete: @escaping @Sendable (ByteBuffer) -> Bool
  ) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop = group.next()
    let handshake = loop.makePromise(of: TLSHandshakeCompleted.self)
    let received = loop.makePromise(of: ByteBuffer.self)
    do {
      channel = try await ClientBootstrap(group: loop)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(TLSHandler(tlsContext: context, serverName: serverName))
            try channel.pipeline.syncOperations.addHandler(
              Collector(handshake: handshake, received: received, isComplete: isComplete))
          }
        }
        .connect(host: "127.0.0.1", port: port).get()
    } catch {
      handshake.fail(error)
      received.fail(error)
      try? await group.shutdownGracefully()
      throw error
    }
    self.group = group
    self.handshake = handshake.futureResult
    self.received = received.futureResult
  }

  func close() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let handshake: EventLoopPromise<TLSHandshakeCompleted>
    let received: EventLoopPromise<ByteBuffer>
    let isComplete: @Sendable (ByteBuffer) -> Bool
    var buffer = ByteBuffer()
    var handshakeDone = false
    var receivedDone = false

    init(
      handshake: EventLoopPromise<TLSHandshakeCompleted>, received: EventLoopPromise<ByteBuffer>,
      isComplete: @escaping @Sendable (ByteBuffer) -> Bool
    ) {
      self.handshake = handshake
      self.received = received
      self.isComplete = isComplete
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
      if let event = event as? TLSHandshakeCompleted, !handshakeDone {
        handshakeDone = true
        handshake.succeed(event)
      }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      var chunk = unwrapInboundIn(data)
      buffer.writeBuffer(&chunk)
      if !receivedDone && isComplete(buffer) {
        receivedDone = true
        received.succeed(buffer)
      }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
      finish(error)
      context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
      finish(TLSTestError("connection closed after \(buffer.readableBytes) bytes"))
    }

    private func finish(_ error: any Error) {
      if !handshakeDone {
        handshakeDone = true
        handshake.fail(error)
      }
      if !receivedDone {
        receivedDone = true
        received.fail(error)
      }
    }
  }
}
