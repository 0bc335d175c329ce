import SkiffAPI

extension APIClient {
  /// What a watch handler wants next.
  enum WatchAction {
    case next
    case stop
  }

  /// Watches `path` (`?watch=true` is added) and hands each event (`type`, `object`) to
  /// `handle` until it says `.stop`, the stream ends, or `timeout` seconds pass (then
  /// ``ClientError/timedOut``). Returns the error response when the server refuses.
  @discardableResult
  func watch(
    _ path: String, query: [(String, String)] = [], timeout: Double? = nil,
    handle: (_ type: String, _ object: JSONValue) throws -> WatchAction
  ) throws -> APIResponse? {
    let connection = try UnixHTTPConnection(path: socketPath)
    if let timeout, timeout > 0 {
      connection.deadline = UnixHTTPConnection.monotonicNanoseconds() + UInt64(timeout * 1e9)
    }
    try send(connection, "GET", path, query: query + [("watch", "true")], headers: [], body: nil)
    let (status, headers) = try readHead(connection)
    if status >= 300 {
      let body = try readBody(connection, headers: headers) { _ in }
      return APIResponse(status: status, headers: headers, body: body)
    }
    let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }
    var pending: [UInt8] = []
    func lines(_ bytes: [UInt8]) throws -> WatchAction {
      pending += bytes
      while let newline = pending.firstIndex(of: 0x0a) {
        let line = Array(pending[..<newline])
        pending.removeSubrange(...newline)
        guard let event = try? JSONValue(parsing: line), let object = event["object"] else { continue }
        if try handle(event.string("type"), object) == .stop { return .stop }
      }
      return .next
    }
    while true {
      let data: [UInt8]
      if chunked {
        guard let sizeLine = try connection.readLine() else { return nil }
        guard let size = Int(sizeLine.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
          throw ClientError.protocolError("bad chunk size \"\(sizeLine)\"")
        }
        if size == 0 { return nil }
        data = try connection.readExactly(size)
        _ = try connection.readLine()
      } else {
        guard let line = try connection.readLine() else { return nil }
        data = Array(line.utf8) + [0x0a]
      }
      if try lines(data) == .stop { return nil }
    }
  }
}
