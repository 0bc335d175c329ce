public import NIOCore
public import NIOHTTP1
public import NIOPosix
public import NIOWebSocket
import SkiffTLS
public import Logging

/// Answers ordinary HTTP requests.
public protocol HTTPRequestHandler: Sendable {
  func handle(_ request: HTTPRequest) async -> HTTPResponse
}

/// Serves WebSocket sessions (exec, attach, port-forward). `accepts` decides at upgrade time
/// and names the subprotocol to echo; `serve` runs the session.
public protocol WebSocketSessionHandler: Sendable {
  /// The subprotocol to answer with, or nil to refuse the upgrade (the request is then
  /// handled as plain HTTP, which answers with a Status).
  func acceptedSubprotocol(for head: HTTPRequestHead) -> String?
  func serve(_ head: HTTPRequestHead, _ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async
}

/// An HTTP/1.1 server (keep-alive, chunked streaming, WebSocket upgrade) on a unix socket or
/// a TCP address, over SwiftNIO.
public final class HTTPServer: Sendable {
  public enum Address: Sendable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)
    /// A socket already bound and listening (the daemon binds its loopback port in the host
    /// network namespace before it enters the node namespace).
    case listening(descriptor: Int32)

    public var description: String {
      switch self {
      case .unix(let path): return "unix:\(path)"
      case .tcp(let host, let port): return "\(host):\(port)"
      case .listening(let descriptor): return "fd \(descriptor)"
      }
    }
  }

  enum Upgrade: Sendable {
    case websocket(HTTPRequestHead, NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
    case http(NIOAsyncChannel<HTTPServerRequestPart, HTTPPart<HTTPResponseHead, ByteBuffer>>, ConnectionIdentity)
  }

  /// Largest request body accepted (Kubernetes' own limit is 3 MiB per object).
  public static let maxBodyBytes = 3 * 1024 * 1024

  let handler: any HTTPRequestHandler
  let websockets: (any WebSocketSessionHandler)?
  let logger: Logger
  /// TLS and authentication (the loopback port); nil on the root-only unix socket.
  let security: HTTPSecurity?
  private let channel: NIOAsyncChannel<EventLoopFuture<Upgrade>, Never>
  /// Where the server listens (the real port when 0 was asked).
  public let boundAddress: SocketAddress?

  /// Binds `address`. For a unix socket an existing socket file is replaced.
  public init(
    address: Address, handler: any HTTPRequestHandler, websockets: (any WebSocketSessionHandler)? = nil,
    security: HTTPSecurity? = nil, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) async throws {
    self.handler = handler
    self.websockets = websockets
    self.security = security
    self.logger = logger
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .serverChannelOption(.backlog, value: 256)
    let initializer: @Sendable (any Channel) -> EventLoopFuture<EventLoopFuture<Upgrade>> = { channel in
      channel.eventLoop.makeCompletedFuture {
        try Self.configure(channel, websockets: websockets, security: security)
      }
    }
    switch address {
    case .unix(let path):
      channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
    case .tcp(let host, let port):
      channel = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
    case .listening(let descriptor):
      channel = try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
    }
    boundAddress = channel.channel.localAddress
  }

  static func configure(
    _ channel: any Channel, websockets: (any WebSocketSessionHandler)?, security: HTTPSecurity?
  ) throws -> EventLoopFuture<Upgrade> {
    let connection = ConnectionIdentity()
    if let security {
      try channel.pipeline.syncOperations.addHandler(TLSHandler(tlsContext: security.tls))
      try channel.pipeline.syncOperations.addHandler(ConnectionIdentityRecorder(connection))
    }
    let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
      maxFrameSize: 1 << 20,
      shouldUpgrade: { channel, head in
        // Without credentials the request is not upgraded; the HTTP side answers 401.
        guard let websockets, let subprotocol = websockets.acceptedSubprotocol(for: head),
          security.map({ $0.user(head.headers, connection) != nil }) ?? true
        else {
          connection.refuse(head)
          return channel.eventLoop.makeSucceededFuture(nil)
        }
        var headers = HTTPHeaders()
        if !subprotocol.isEmpty { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
        return channel.eventLoop.makeSucceededFuture(headers)
      },
      upgradePipelineHandler: { channel, head in
        channel.eventLoop.makeCompletedFuture {
          .websocket(head, try NIOAsyncChannel(wrappingChannelSynchronously: channel))
        }
      })
    let configuration = NIOTypedHTTPServerUpgradeConfiguration<Upgrade>(
      upgraders: [upgrader],
      notUpgradingCompletionHandler: { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(HTTPByteBufferResponsePartHandler())
          return .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel), connection)
        }
      })
    let upgraded = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
      configuration: .init(upgradeConfiguration: configuration))
    let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
    try channel.pipeline.syncOperations.addHandler(UnknownUpgradeFilter(), position: .after(decoder))
    return upgraded
  }

  /// Accepts and serves connections until the task is cancelled or `close()` is called.
  public func run() async throws {
    try await withThrowingDiscardingTaskGroup { group in
      try await channel.executeThenClose { inbound in
        for try await upgrade in inbound {
          group.addTask { await self.serveConnection(upgrade) }
        }
      }
    }
  }

  /// Stops accepting; `run()` returns once open connections finish.
  public func close() {
    channel.channel.close(promise: nil)
  }

  private func serveConnection(_ upgrade: EventLoopFuture<Upgrade>) async {
    do {
      switch try await upgrade.get() {
      case .websocket(let head, let ws):
        await websockets?.serve(head, ws)
      case .http(let http, let identity):
        try await serveHTTP(http, identity: identity)
      }
    } catch {
      logger.debug("connection ended: \(error)")
    }
  }

  private func serveHTTP(
    _ http: NIOAsyncChannel<HTTPServerRequestPart, HTTPPart<HTTPResponseHead, ByteBuffer>>, identity: ConnectionIdentity
  ) async throws {
    try await http.executeThenClose { inbound, outbound in
      var parts = inbound.makeAsyncIterator()
      // A refused upgrade request (bodiless GET) comes first, whole.
      var refused = identity.takeRefused()
      while true {
        var body = ByteBuffer()
        var tooLarge = false
        let head: HTTPRequestHead
        var readBody = true
        if let pending = refused {
          // Its end was consumed with it.
          head = pending
          refused = nil
          readBody = false
        } else {
          guard let first = try await parts.next() else { break }
          guard case .head(let next) = first else { continue }
          head = next
        }
        while readBody, let part = try await parts.next() {
          if case .body(var chunk) = part {
            if body.readableBytes + chunk.readableBytes > Self.maxBodyBytes {
              tooLarge = true
            } else {
              body.writeBuffer(&chunk)
            }
          } else if case .end = part {
            break
          }
        }
        let response: HTTPResponse
        if tooLarge {
          // apiserver `limitedReadBody`: NewRequestEntityTooLargeError("limit is N").
          response = jsonResponse(Status(code: 413, reason: "RequestEntityTooLarge",
            message: "Request entity too large: limit is \(Self.maxBodyBytes)"))
        } else if let security, security.user(head.headers, identity) == nil {
          response = unauthorizedResponse()
        } else {
          var request = HTTPRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
          request.user = security?.user(head.headers, identity)
          response = await handler.handle(request)
        }
        var streaming = false
        if case .stream = response.body { streaming = true }
        // A streamed response (watch, logs -f) ends its connection: the client's side closing
        // is how an idle stream learns the client left.
        let keepAlive = head.isKeepAlive && !tooLarge && !streaming
        var headers = response.headers
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        switch response.body {
        case .bytes(let bytes):
          headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
          try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
          if !bytes.isEmpty { try await outbound.write(.body(ByteBuffer(bytes: bytes))) }
          try await outbound.write(.end(nil))
          if !keepAlive { return }
        case .stream(let stream):
          headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
          try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
          let reader = IteratorHandoff(parts)
          try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
              for await chunk in stream {
                try await outbound.write(.body(ByteBuffer(bytes: chunk)))
              }
              try await outbound.write(.end(nil))
            }
            group.addTask {
              while try await reader.iterator.next() != nil {}
              throw CancellationError()
            }
            _ = try await group.next()
            group.cancelAll()
          }
          return
        }
      }
    }
  }
}

/// Hands the connection's inbound iterator to the task that watches for the client leaving
/// during a streamed response.
// @unchecked Sendable: after the handoff only that one task uses the iterator; the
// connection's own loop returns without touching it again.
final class IteratorHandoff<Iterator>: @unchecked Sendable {
  var iterator: Iterator
  init(_ iterator: Iterator) { self.iterator = iterator }
}

/// Lets handlers write `HTTPPart<HTTPResponseHead, ByteBuffer>` to NIO's HTTP encoder, which
/// takes `IOData` bodies.
final class HTTPByteBufferResponsePartHandler: ChannelOutboundHandler, Sendable {
  typealias OutboundIn = HTTPPart<HTTPResponseHead, ByteBuffer>
  typealias OutboundOut = HTTPServerResponsePart

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let part = unwrapOutboundIn(data)
    switch part {
    case .head(let head): context.write(wrapOutboundOut(.head(head)), promise: promise)
    case .body(let buffer): context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: promise)
    case .end(let trailers): context.write(wrapOutboundOut(.end(trailers)), promise: promise)
    }
  }
}

/// A JSON response carrying a Kubernetes `Status`.
func jsonResponse(_ status: Status) -> HTTPResponse {
  let bytes = (try? JSONValueEncoderBridge.encode(status)) ?? Array("{}".utf8)
  return HTTPResponse(
    status: HTTPResponseStatus(statusCode: Int(status.code ?? 500)), contentType: "application/json", bytes: bytes)
}

import SkiffAPI

enum JSONValueEncoderBridge {
  static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
    try JSONValueEncoder().encode(value).jsonBytes()
  }
}
