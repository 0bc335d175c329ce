import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffAPI
import Synchronization

/// A response as a client sees it.
struct TestResponse: Sendable {
  var status: Int
  var headers: HTTPHeaders
  var body: [UInt8]

  var text: String { String(decoding: body, as: UTF8.self) }
  var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }
  /// `message` of a Status body.
  var message: String? { json["message"]?.stringValue }
  var reason: String? { json["reason"]?.stringValue }
  var code: Int64? { json["code"]?.intValue }
  func header(_ name: String) -> String? { headers[name].first }
}

struct TestClientError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A small HTTP/1.1 client over the server's unix socket: one connection per request (as the
/// `skiff` CLI does), and watch streams read line by line as they arrive. Everything is
/// non-blocking (SwiftNIO), so tests never hold a cooperative thread the in-process server
/// needs.
struct TestClient: Sendable {
  let socketPath: String

  typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

  func connect() async throws -> Connection {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(unixDomainSocketPath: socketPath) { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          return try Connection(wrappingChannelSynchronously: channel)
        }
      }
  }

  static func head(_ method: HTTPMethod, _ target: String, bodyLength: Int?, headers: [(String, String)]) -> HTTPRequestHead {
    var h = HTTPHeaders([("Host", "localhost"), ("User-Agent", "skiff-apiserver-tests")])
    if !headers.contains(where: { $0.0.lowercased() == "accept" }) { h.add(name: "Accept", value: "application/json") }
    for (name, value) in headers {
      // A test's own User-Agent stands in for the default one.
      if name.lowercased() == "user-agent" { h.replaceOrAdd(name: name, value: value) } else { h.add(name: name, value: value) }
    }
    if let bodyLength {
      if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { h.add(name: "Content-Type", value: "application/json") }
      h.add(name: "Content-Length", value: String(bodyLength))
    }
    return HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: h)
  }

  /// Sends one request and reads the whole response.
  func request(
    _ method: HTTPMethod, _ target: String, body: [UInt8]? = nil, headers: [(String, String)] = []
  ) async throws -> TestResponse {
    let connection = try await connect()
    return try await connection.executeThenClose { inbound, outbound in
      // A server may answer and close before the last write is through (413 does): the
      // answer counts, the failed write does not.
      var writeError: (any Error)?
      do {
        try await outbound.write(.head(Self.head(method, target, bodyLength: body?.count, headers: headers)))
        if let body, !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
      } catch {
        writeError = error
      }
      var status = 0
      var responseHeaders = HTTPHeaders()
      var bytes: [UInt8] = []
      for try await part in inbound {
        switch part {
        case .head(let head):
          status = Int(head.status.code)
          responseHeaders = head.headers
        case .body(var buffer):
          bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
          return TestResponse(status: status, headers: responseHeaders, body: bytes)
        }
      }
      throw writeError ?? TestClientError("\(method) \(target): the connection closed before the response ended")
    }
  }

  func get(_ target: String, headers: [(String, String)] = []) async throws -> TestResponse {
    try await request(.GET, target, headers: headers)
  }

  func post(_ target: String, _ body: JSONValue, headers: [(String, String)] = []) async throws -> TestResponse {
    try await request(.POST, target, body: body.jsonBytes(), headers: headers)
  }

  func post(_ target: String, raw: String, headers: [(String, String)] = []) async throws -> TestResponse {
    try await request(.POST, target, body: Array(raw.utf8), headers: headers)
  }

  func put(_ target: String, _ body: JSONValue) async throws -> TestResponse {
    try await request(.PUT, target, body: body.jsonBytes())
  }

  func patch(_ target: String, _ contentType: String, _ body: String) async throws -> TestResponse {
    try await request(.PATCH, target, body: Array(body.utf8), headers: [("Content-Type", contentType)])
  }

  func delete(_ target: String, _ body: JSONValue? = nil) async throws -> TestResponse {
    try await request(.DELETE, target, body: body?.jsonBytes())
  }

  /// Opens a watch (`target` should carry `watch=true`) and returns once the response head
  /// has arrived.
  func watch(_ target: String, headers: [(String, String)] = []) async throws -> WatchStream {
    let connection = try await connect()
    let stream = WatchStream(channel: connection.channel)
    stream.task.withLock { $0 = Task {
      do {
        try await connection.executeThenClose { inbound, outbound in
          try await outbound.write(.head(Self.head(.GET, target, bodyLength: nil, headers: headers)))
          try await outbound.write(.end(nil))
          for try await part in inbound {
            switch part {
            case .head(let head): stream.received(head: head)
            case .body(var buffer): stream.received(bytes: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
              stream.ended()
              return
            }
          }
        }
      } catch {}
      stream.ended()
    } }
    try await stream.waitForHead()
    return stream
  }
}

/// A watch response being read: its head, then one JSON event per line.
final class WatchStream: Sendable {
  private struct State {
    var head: HTTPResponseHead?
    var buffer: [UInt8] = []
    var lines: [String] = []
    var consumed = 0
    var ended = false
  }

  private let state = Mutex(State())
  private let channel: any Channel
  /// The reader; it ends when the connection closes.
  let task = Mutex<Task<Void, Never>?>(nil)

  init(channel: any Channel) { self.channel = channel }

  fileprivate func received(head: HTTPResponseHead) { state.withLock { $0.head = head } }

  fileprivate func received(bytes: [UInt8]) {
    state.withLock { state in
      state.buffer += bytes
      while let newline = state.buffer.firstIndex(of: 0x0a) {
        state.lines.append(String(decoding: state.buffer[..<newline], as: UTF8.self))
        state.buffer.removeSubrange(...newline)
      }
    }
  }

  fileprivate func ended() { state.withLock { $0.ended = true } }

  func waitForHead(timeout: Duration = .seconds(10)) async throws {
    let deadline = ContinuousClock.now + timeout
    while state.withLock({ $0.head == nil && !$0.ended }) {
      guard ContinuousClock.now < deadline else { throw TestClientError("no watch response within \(timeout)") }
      try await Task.sleep(for: .milliseconds(2))
    }
  }

  var status: Int { state.withLock { Int($0.head?.status.code ?? 0) } }
  var headers: HTTPHeaders { state.withLock { $0.head?.headers ?? HTTPHeaders() } }
  var isEnded: Bool { state.withLock { $0.ended && $0.consumed == $0.lines.count } }

  /// Every line received so far, consumed or not.
  var allLines: [String] { state.withLock { $0.lines } }

  /// The next event line, parsed; fails after `timeout` or when the stream ends first.
  func next(timeout: Duration = .seconds(10)) async throws -> JSONValue {
    let deadline = ContinuousClock.now + timeout
    while true {
      let (line, ended) = state.withLock { state -> (String?, Bool) in
        if state.consumed < state.lines.count {
          defer { state.consumed += 1 }
          return (state.lines[state.consumed], false)
        }
        return (nil, state.ended)
      }
      if let line {
        guard let event = try? JSONValue(parsing: line) else { throw TestClientError("watch line is not JSON: \(line)") }
        return event
      }
      if ended { throw TestClientError("the watch ended") }
      guard ContinuousClock.now < deadline else { throw TestClientError("no watch event within \(timeout)") }
      try await Task.sleep(for: .milliseconds(2))
    }
  }

  /// `TYPE name` of the next event, the way a test most often wants to compare it.
  func nextSummary(timeout: Duration = .seconds(10)) async throws -> String {
    let event = try await next(timeout: timeout)
    return "\(event["type"]?.stringValue ?? "?") \(event.value(at: ["object", "metadata", "name"])?.stringValue ?? "?")"
  }

  /// Fails if an event arrives within `interval`.
  func expectQuiet(for interval: Duration = .milliseconds(300)) async throws {
    try await Task.sleep(for: interval)
    let extra = state.withLock { Array($0.lines[$0.consumed...]) }
    if !extra.isEmpty { throw TestClientError("unexpected watch events: \(extra)") }
  }

  /// Waits for the server to end the stream.
  func waitForEnd(timeout: Duration = .seconds(10)) async throws {
    let deadline = ContinuousClock.now + timeout
    while !state.withLock({ $0.ended }) {
      guard ContinuousClock.now < deadline else { throw TestClientError("the watch did not end within \(timeout)") }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  func close() {
    channel.close(promise: nil)
  }

  deinit { channel.close(promise: nil) }
}
