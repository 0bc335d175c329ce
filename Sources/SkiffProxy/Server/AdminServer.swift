public import NIOCore
import NIOHTTP1
import NIOPosix

/// The admin endpoint (Envoy's 127.0.0.1:15000): `GET /ready` answers `LIVE` (200) while the
/// proxy serves, `GET /stats/prometheus` the engine's stats as Prometheus text.
public final class AdminServer: Sendable {
  let stats: ProxyStats
  let group: any EventLoopGroup

  public init(stats: ProxyStats, group: any EventLoopGroup) {
    self.stats = stats
    self.group = group
  }

  /// Listens on `host:port`; returns the bound address and the listening channel.
  public func listen(host: String, port: Int) async throws -> any Channel {
    try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { [stats] channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(AdminHandler(stats: stats))
        }
      }
      .bind(host: host, port: port)
      .get()
  }
}

final class AdminHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let stats: ProxyStats
  var path = ""
  var method = HTTPMethod.GET
  var keepAlive = true

  init(stats: ProxyStats) { self.stats = stats }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
      method = head.method
      keepAlive = head.isKeepAlive
    case .body:
      break
    case .end:
      let (status, contentType, body) = respond()
      var headers = HTTPHeaders()
      headers.add(name: "content-type", value: contentType)
      headers.add(name: "content-length", value: String(body.utf8.count))
      if !keepAlive { headers.add(name: "connection", value: "close") }
      context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
      context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
      let keepAlive = keepAlive
      context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
        if !keepAlive { context.close(promise: nil) }
      }
    }
  }

  func respond() -> (HTTPResponseStatus, String, String) {
    guard method == .GET || method == .HEAD else { return (.methodNotAllowed, "text/plain", "method not allowed\n") }
    switch path {
    case "/ready": return (.ok, "text/plain", "LIVE\n")
    case "/stats/prometheus": return (.ok, "text/plain; version=0.0.4", stats.prometheusText())
    default: return (.notFound, "text/plain", "invalid path: \(path)\n")
    }
  }
}
