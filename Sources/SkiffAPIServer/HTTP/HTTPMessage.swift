public import NIOCore
public import NIOHTTP1

/// A complete HTTP request as handlers see it: the body is collected (up to the server's
/// limit) before the handler runs.
public struct HTTPRequest: Sendable {
  public var method: HTTPMethod
  /// The path without the query string, percent-decoded.
  public var path: String
  /// Query parameters in order; a name may repeat (`command=sh&command=-c`).
  public var query: [(name: String, value: String)]
  public var headers: HTTPHeaders
  public var body: ByteBuffer
  /// Who sent it, on the authenticated port; nil on the root-only unix socket.
  public var user: UserInfo?

  public init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: ByteBuffer = ByteBuffer()) {
    self.method = method
    self.headers = headers
    self.body = body
    let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    path = percentDecode(String(parts[0]))
    query = parts.count > 1 ? parseQuery(String(parts[1])) : []
  }

  /// The first value of query parameter `name`.
  public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

  /// Every value of query parameter `name`.
  public func queryValues(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

  /// A boolean query parameter (`watch=true`, `watch=1`).
  public func queryFlag(_ name: String) -> Bool {
    guard let v = queryValue(name)?.lowercased() else { return false }
    return v == "true" || v == "1" || v == "yes"
  }

  public var bodyBytes: [UInt8] { Array(body.readableBytesView) }
}

/// What a handler answers: a status, headers, and a body that is either complete or a
/// stream of chunks (watches, `logs -f`).
public struct HTTPResponse: Sendable {
  public enum Body: Sendable {
    case bytes([UInt8])
    /// Sent with chunked encoding as chunks arrive; the response ends with the stream.
    case stream(AsyncStream<[UInt8]>)
  }

  public var status: HTTPResponseStatus
  public var headers: HTTPHeaders
  public var body: Body

  public init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  public init(status: HTTPResponseStatus, contentType: String, bytes: [UInt8]) {
    self.init(status: status, headers: ["Content-Type": contentType], body: .bytes(bytes))
  }
}

func percentDecode(_ text: String) -> String {
  guard text.contains("%") || text.contains("+") else { return text }
  var out: [UInt8] = []
  var bytes = Array(text.utf8)[...]
  while let b = bytes.first {
    bytes = bytes.dropFirst()
    if b == UInt8(ascii: "%"), bytes.count >= 2,
      let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
    {
      out.append(v)
      bytes = bytes.dropFirst(2)
    } else {
      out.append(b)
    }
  }
  return String(decoding: out, as: UTF8.self)
}

func parseQuery(_ text: String) -> [(name: String, value: String)] {
  text.split(separator: "&").map { pair in
    let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    let decode = { (s: Substring) in percentDecode(s.replacingOccurrences(of: "+", with: " ")) }
    return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
  }
}

extension Substring {
  func replacingOccurrences(of target: Character, with replacement: Character) -> String {
    String(map { $0 == target ? replacement : $0 })
  }

  func replacingOccurrences(of target: String, with replacement: String) -> String {
    guard target.count == 1, replacement.count == 1 else { return String(self) }
    return replacingOccurrences(of: Character(target), with: Character(replacement))
  }
}
