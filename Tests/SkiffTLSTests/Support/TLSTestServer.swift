import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffTLS

/// A loopback TLS server on 127.0.0.1 (port 0, read back) whose pipeline is what the API
/// server's will be: `TLSHandler`, then either the HTTP/1.1 codec and `HTTPEchoHandler`, or
/// a raw byte echo.
final class TLSTestServer: Sendable {
  enum Application: Sendable {
    case httpEcho
    case rawEcho
  }

  let group: MultiThreadedEventLoopGroup
  let channel: any Channel
  let log: ServerLog
  var port: Int { channel.localAddress?.port ?? 0 }

  init(context: TLSContext, application: Application = .httpEcho) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let log = ServerLog()
    do {
      channel = try await ServerBootstrap(group: group)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(TLSHandler(tlsContext: context))
            switch application {
            case .httpEcho:
              try sync.configureHTTPServerPipeline()
              try sync.addHandler(HTTPEchoHandler(log: log))
            case .rawEcho:
              try sync.addHandler(RawEchoHandler(log: log))
            }
          }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    } catch {
      try? await group.shutdownGracefully()
      throw error
    }
    self.group = group
    self.log = log
  }

  func stop() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  /// Runs `body` against a fresh server, then stops it.
  static func with<T>(
    context: TLSContext, application: Application = .httpEcho, _ body: (TLSTestServer) async throws -> T
  ) async throws -> T {
    let server = try await TLSTestServer(context: context, application: application)
    do {
      let result = try await body(server)
      await server.stop()
      return result
    } catch {
      await server.stop()
      throw error
    }
  }
}

/// Answers every request with its body (or, without one, "cn=... o=... alpn=..."), and the
/// TLS facts in headers: x-peer-cn, x-peer-o, x-alpn, x-tls-version. The peer identity is read
/// from the `TLSHandler` in the pipeline, as the API server's authenticator will.
final class HTTPEchoHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let log: ServerLog
  private var body: ByteBuffer?

  init(log: ServerLog) { self.log = log }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let handshake = event as? TLSHandshakeCompleted { log.handshake(handshake) }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    log.error(error)
    context.close(promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head:
      body = context.channel.allocator.buffer(capacity: 0)
    case .body(var chunk):
      body?.writeBuffer(&chunk)
    case .end:
      let tls = try? context.pipeline.syncOperations.handler(type: TLSHandler.self)
      let identity = tls?.peerIdentity
      let alpn = tls?.handshakeResult?.applicationProtocol ?? "none"
      var reply = body ?? context.channel.allocator.buffer(capacity: 0)
      if reply.readableBytes == 0 {
        reply.writeString(
          "cn=\(identity?.commonName ?? "none") o=\(identity?.organizations.joined(separator: ",") ?? "none") alpn=\(alpn)\n")
      }
      var headers = HTTPHeaders()
      headers.add(name: "content-length", value: "\(reply.readableBytes)")
      headers.add(name: "x-peer-cn", value: identity?.commonName ?? "none")
      headers.add(name: "x-peer-o", value: identity?.organizations.joined(separator: ",") ?? "none")
      headers.add(name: "x-alpn", value: alpn)
      headers.add(name: "x-tls-version", value: tls?.handshakeResult?.protocolVersion ?? "none")
      context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
      context.write(wrapOutboundOut(.body(.byteBuffer(reply))), promise: nil)
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
      body = nil
    }
  }
}

/// Writes back whatever it reads.
final class RawEchoHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let log: ServerLog

  init(log: ServerLog) { self.log = log }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let handshake = event as? TLSHandshakeCompleted { log.handshake(handshake) }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    log.error(error)
    context.close(promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.write(data, promise: nil)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    context.flush()
  }
}
