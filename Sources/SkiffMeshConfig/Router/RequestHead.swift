/// The parts of a request that routing looks at: the HTTP/2 pseudo-headers and the
/// regular headers (names lower-case, as HTTP/2 carries them).
public struct RequestHead: Sendable, Equatable {
  public var method: String
  /// `:path`, with its query string.
  public var path: String
  public var authority: String
  public var scheme: String
  public var headers: [Header]

  public struct Header: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
      self.name = name.lowercased()
      self.value = value
    }
  }

  public init(method: String = "POST", path: String, authority: String, scheme: String = "http", headers: [Header] = []) {
    self.method = method
    self.path = path
    self.authority = authority
    self.scheme = scheme
    self.headers = headers
  }

  /// A header's value; several values are joined with `,` (as Envoy matches them).
  public func header(_ name: String) -> String? {
    let name = name.lowercased()
    let values = headers.lazy.filter { $0.name == name }.map(\.value)
    return values.isEmpty ? nil : values.joined(separator: ",")
  }

  /// The path without its query string.
  public var pathWithoutQuery: Substring {
    path.firstIndex(of: "?").map { path[..<$0] } ?? Substring(path)
  }

  /// A query parameter's first value (no percent-decoding), or nil.
  public func queryParameter(_ name: String) -> Substring? {
    guard let mark = path.firstIndex(of: "?") else { return nil }
    for pair in path[path.index(after: mark)...].split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      if parts[0] == name { return parts.count > 1 ? parts[1] : "" }
    }
    return nil
  }

  /// Whether this is a gRPC call (`content-type: application/grpc...`): local replies are
  /// then trailers-only with a `grpc-status`.
  public var isGRPC: Bool {
    header("content-type")?.lowercased().hasPrefix("application/grpc") ?? false
  }
}

/// Where the client was connecting before the capture rules redirected it: the service
/// `ClusterIP:port` (`SO_ORIGINAL_DST`).
public struct OriginalDestination: Hashable, Sendable, CustomStringConvertible {
  public var address: String
  public var port: Int

  public init(address: String, port: Int) {
    self.address = address
    self.port = port
  }

  public var description: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}
