public import NIOCore
import NIOHTTP1
import NIOPosix

/// The admin endpoint (Envoy's 127.0.0.1:15000): `GET /ready` answers `LIVE` (200) while the
/// proxy serves, `GET /stats/prometheus` the engine's stats as Prometheus text; `routes` adds
/// more (the sidecar's `/healthz/ready`, `/config_dump`).
public final class AdminServer: Sendable {
  /// One answer: status, content type, body.
  public struct Response: Sendable {
    public var status: Int
    public var contentType: String
    public var body: String
    public init(status: Int, contentType: String = "text/plain", body: String) {
      self.status = status
      self.contentType = contentType
      self.body = body
    }
  }

  let stats: ProxyStats
  let group: any EventLoopGroup
  let routes: [String: @Sendable () -> Response]

  public init(stats: ProxyStats, group: any EventLoopGroup, routes: [String: @Sendable () -> Response] = [:]) {
    self.stats = stats
    self.group = group
    self.routes = routes
  }

  /// Listens on `host:port`; returns the bound address and the listening channel.
  public func listen(host: String, port: Int) async throws -> any Channel {
    try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { [stats, routes] channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(AdminHandler(stats: stats, routes: routes))
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
  let routes: [String: @Sendable () -> AdminServer.Response]
  var path = ""
  var method = HTTPMethod.GET
  var keepAlive = true

  init(stats: ProxyStats, routes: [String: @Sendable () -> AdminServer.Response]) {
    self.stats = stats
    self.routes = routes
  }

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
    if let route = routes[path] {
      let response = route()
      return (HTTPResponseStatus(statusCode: response.status), response.contentType, response.body)
    }
    switch path {
    case "/ready": return (.ok, "text/plain", "LIVE\n")
    case "/stats/prometheus": return (.ok, "text/plain; version=0.0.4", stats.prometheusText())
    default: return (.notFound, "text/plain", "invalid path: \(path)\n")
    }
  }
}
