/// A `host:port` address as Go's `net.SplitHostPort` reads it; `[::1]:8080` for IPv6 and `:8080`
/// for "this machine".
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
  public var host: String
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `text`; the error message is Go's (`address foo: missing port in address`).
  public init(parsing text: String) throws(AddressError) {
    var rest = Substring(text)
    let host: Substring
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else {
        throw AddressError("address \(text): missing ']' in address")
      }
      host = rest[rest.index(after: rest.startIndex)..<close]
      rest = rest[rest.index(after: close)...]
      guard rest.hasPrefix(":") else { throw AddressError("address \(text): missing port in address") }
    } else {
      guard let colon = rest.lastIndex(of: ":") else {
        throw AddressError("address \(text): missing port in address")
      }
      host = rest[..<colon]
      if host.contains(":") { throw AddressError("address \(text): too many colons in address") }
      rest = rest[colon...]
    }
    let portText = rest.dropFirst()
    guard let port = Int(portText), (0...65535).contains(port) else {
      throw AddressError("address \(text): invalid port \"\(portText)\"")
    }
    self.host = String(host)
    self.port = port
  }

  /// Whether the host is an IPv4 literal (`10.96.0.12`).
  public var isIPv4Literal: Bool {
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
  }

  /// Whether the host is an IPv6 literal (`::1`).
  public var isIPv6Literal: Bool { host.contains(":") }

  public var description: String {
    isIPv6Literal ? "[\(host)]:\(port)" : "\(host):\(port)"
  }
}

/// An address that does not parse; `message` is worded as Go words it.
public struct AddressError: Error, Sendable, CustomStringConvertible {
  public var message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
