public import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP response from the daemon.
public struct APIResponse {
  public var status: Int
  public var headers: [(String, String)]
  public var body: [UInt8]

  public func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name.lowercased() }?.1
  }

  /// Warning headers (`299 - "unknown field \"spec.foo\""`) as the text kubectl prints:
  /// the quoted-string unquoted and its backslash escapes undone.
  public var warnings: [String] {
    headers.filter { $0.0.lowercased() == "warning" }.map { value in
      var text = Substring(value.1)
      if text.hasPrefix("299 - ") { text = text.dropFirst(6) }
      guard text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 else { return String(text) }
      var out = ""
      var escaped = false
      for c in text.dropFirst().dropLast() {
        if !escaped && c == "\\" {
          escaped = true
          continue
        }
        escaped = false
        out.append(c)
      }
      return out
    }
  }

  public var json: JSONValue? { try? JSONValue(parsing: body) }
}

/// The CLI's client for the daemon's Kubernetes API over its unix socket.
public struct APIClient {
  public var socketPath: String

  public init(socketPath: String) {
    self.socketPath = socketPath
  }

  /// Sends one request and reads the whole response.
  public func request(
    _ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
    body: [UInt8]? = nil
  ) throws(ClientError) -> APIResponse {
    let connection = try UnixHTTPConnection(path: socketPath)
    try send(connection, method, path, query: query, headers: headers, body: body)
    let (status, responseHeaders) = try readHead(connection)
    let responseBody = try readBody(connection, headers: responseHeaders) { _ in }
    return APIResponse(status: status, headers: responseHeaders, body: responseBody)
  }

  /// Sends a request whose response streams (watch, `logs -f`): `onChunk` gets each piece of
  /// the body as it arrives. Returns the status and headers once the stream ends.
  public func stream(
    _ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
    onChunk: ([UInt8]) -> Void
  ) throws(ClientError) -> APIResponse {
    let connection = try UnixHTTPConnection(path: socketPath)
    try send(connection, method, path, query: query, headers: headers, body: nil)
    let (status, responseHeaders) = try readHead(connection)
    if status >= 300 {
      let body = try readBody(connection, headers: responseHeaders) { _ in }
      return APIResponse(status: status, headers: responseHeaders, body: body)
    }
    _ = try readBody(connection, headers: responseHeaders, onChunk: onChunk)
    return APIResponse(status: status, headers: responseHeaders, body: [])
  }

  /// Opens a connection and upgrades it to a WebSocket with `subprotocol`; returns the open
  /// connection (for exec and attach).
  func upgrade(_ path: String, query: [(String, String)], subprotocol: String) throws(ClientError)
    -> (UnixHTTPConnection, APIResponse)
  {
    let connection = try UnixHTTPConnection(path: socketPath)
    var keyBytes = [UInt8](repeating: 0, count: 16)
    for i in keyBytes.indices { keyBytes[i] = UInt8.random(in: 0...255) }
    let key = base64(keyBytes)
    try send(connection, "GET", path, query: query, headers: [
      ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
      ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Protocol", subprotocol),
    ], body: nil)
    let (status, headers) = try readHead(connection)
    var response = APIResponse(status: status, headers: headers, body: [])
    if status != 101 {
      response.body = try readBody(connection, headers: headers) { _ in }
    }
    return (connection, response)
  }

  func send(
    _ connection: UnixHTTPConnection, _ method: String, _ path: String, query: [(String, String)],
    headers: [(String, String)], body: [UInt8]?
  ) throws(ClientError) {
    var target = path
    if !query.isEmpty {
      target += "?" + query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }
    var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: skiff/\(skiffCLIVersion)\r\n"
    var hasAccept = false
    for (name, value) in headers {
      head += "\(name): \(value)\r\n"
      if name.lowercased() == "accept" { hasAccept = true }
    }
    if !hasAccept { head += "Accept: application/json\r\n" }
    if let body {
      if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { head += "Content-Type: application/json\r\n" }
      head += "Content-Length: \(body.count)\r\n"
    }
    if !headers.contains(where: { $0.0.lowercased() == "connection" }) { head += "Connection: close\r\n" }
    head += "\r\n"
    try connection.send(Array(head.utf8) + (body ?? []))
  }

  func readHead(_ connection: UnixHTTPConnection) throws(ClientError) -> (Int, [(String, String)]) {
    guard let statusLine = try connection.readLine() else {
      throw .protocolError("the daemon closed the connection without answering")
    }
    let parts = statusLine.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, let status = Int(parts[1]) else { throw .protocolError("bad status line \"\(statusLine)\"") }
    var headers: [(String, String)] = []
    while let line = try connection.readLine(), !line.isEmpty {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let value = line[line.index(after: colon)...].drop { $0 == " " }
      headers.append((String(line[..<colon]), String(value)))
    }
    return (status, headers)
  }

  func readBody(
    _ connection: UnixHTTPConnection, headers: [(String, String)], onChunk: ([UInt8]) -> Void
  ) throws(ClientError) -> [UInt8] {
    let lookup = { (name: String) in headers.first { $0.0.lowercased() == name }?.1 }
    if lookup("transfer-encoding")?.lowercased() == "chunked" {
      var body: [UInt8] = []
      while let sizeLine = try connection.readLine() {
        let sizeText = sizeLine.split(separator: ";").first.map(String.init) ?? ""
        guard let size = Int(sizeText, radix: 16) else { throw .protocolError("bad chunk size \"\(sizeLine)\"") }
        if size == 0 {
          _ = try connection.readLine()
          break
        }
        let chunk = try connection.readExactly(size)
        _ = try connection.readLine()
        onChunk(chunk)
        body += chunk
      }
      return body
    }
    if let length = lookup("content-length").flatMap(Int.init) {
      let body = try connection.readExactly(length)
      onChunk(body)
      return body
    }
    let body = try connection.readToEnd()
    onChunk(body)
    return body
  }
}

func percentEncode(_ text: String) -> String {
  var out = ""
  for b in text.utf8 {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
      out.unicodeScalars.append(UnicodeScalar(b))
    default:
      let hex = String(b, radix: 16, uppercase: true)
      out += "%" + (hex.count == 1 ? "0" + hex : hex)
    }
  }
  return out
}

func base64(_ bytes: [UInt8]) -> String {
  let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  var out = ""
  var i = 0
  while i < bytes.count {
    let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
    out.append(table[Int(b0 >> 2)])
    out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
    out.append(i + 1 < bytes.count ? table[Int((b1 & 0x0f) << 2 | b2 >> 6)] : "=")
    out.append(i + 2 < bytes.count ? table[Int(b2 & 0x3f)] : "=")
    i += 3
  }
  return out
}

/// The CLI's version.
public let skiffCLIVersion = "0.1.0"
