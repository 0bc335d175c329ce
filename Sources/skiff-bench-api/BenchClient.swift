import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffAPI

/// One keep-alive HTTP/1.1 connection to the daemon's unix socket, used for a sequence of
/// requests, each timed from the first byte sent to the end of the response.
struct BenchConnection {
  typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

  struct Response {
    var status: Int
    var body: [UInt8]
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func open(_ socketPath: String) async throws -> Channel {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(unixDomainSocketPath: socketPath) { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          return try Channel(wrappingChannelSynchronously: channel)
        }
      }
  }

  /// Runs `body` with a `send` function that makes one request on the connection.
  static func with<T>(
    _ socketPath: String,
    _ body: (_ send: (HTTPMethod, String, [UInt8]?, String?) async throws -> Response) async throws -> T
  ) async throws -> T {
    let channel = try await open(socketPath)
    return try await channel.executeThenClose { inbound, outbound in
      var parts = inbound.makeAsyncIterator()
      return try await body { method, target, payload, contentType in
        var headers = HTTPHeaders([("Host", "localhost"), ("Accept", "application/json")])
        if let payload {
          headers.add(name: "Content-Type", value: contentType ?? "application/json")
          headers.add(name: "Content-Length", value: String(payload.count))
        }
        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)))
        if let payload { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: payload)))) }
        try await outbound.write(.end(nil))
        var status = 0
        var bytes: [UInt8] = []
        while let part = try await parts.next() {
          switch part {
          case .head(let head): status = Int(head.status.code)
          case .body(var buffer): bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
          case .end: return Response(status: status, body: bytes)
          }
        }
        throw Failure(description: "\(method) \(target): connection closed mid-response")
      }
    }
  }
}
