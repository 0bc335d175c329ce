/// An IPv4 or IPv6 address, parsed from and printed as Kubernetes writes them
/// (dotted quad; RFC 5952 compressed IPv6).
///
/// Parsing is strict like Go's `net/netip`: no leading zeros in IPv4 octets, no
/// zone suffix, at most one `::`.
public enum IPAddress: Hashable, Sendable {
  /// An IPv4 address in host byte order (`10.0.0.1` is `0x0A00_0001`).
  case v4(UInt32)
  /// An IPv6 address as its high and low 64 bits in host byte order.
  case v6(UInt64, UInt64)

  /// Parses `10.244.0.5` or `fd00::5`; `nil` for anything else.
  public init?(_ text: String) {
    if text.contains(":") {
      guard let address = IPAddress.parseV6(Array(text.utf8)) else { return nil }
      self = address
    } else {
      guard let address = IPAddress.parseV4(Array(text.utf8)[...]) else { return nil }
      self = .v4(address)
    }
  }

  /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
  public var bytes: [UInt8] {
    switch self {
    case .v4(let value):
      return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    case .v6(let high, let low):
      return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
        + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }
  }

  /// Builds an address from 4 or 16 bytes in network order.
  public init?(bytes: some Collection<UInt8>) {
    let bytes = Array(bytes)
    switch bytes.count {
    case 4:
      self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
    case 16:
      self = .v6(
        bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
        bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    default:
      return nil
    }
  }

  /// Whether this is an IPv4 address (served as an A record; IPv6 as AAAA).
  public var isIPv4: Bool {
    if case .v4 = self { return true }
    return false
  }

  // MARK: - Parsing

  private static func parseV4(_ text: ArraySlice<UInt8>) -> UInt32? {
    var value: UInt32 = 0
    var octets = 0
    for part in text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
      guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return nil }
      if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
      let octet = part.reduce(0) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
      guard octet <= 255 else { return nil }
      value = value << 8 | octet
      octets += 1
    }
    return octets == 4 ? value : nil
  }

  private static func parseV6(_ text: [UInt8]) -> IPAddress? {
    // Split around the single allowed "::", parse both sides as groups.
    var head: [UInt16] = []
    var tail: [UInt16] = []
    var sawGap = false
    var index = 0
    if text.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
      sawGap = true
      index = 2
    } else if text.first == UInt8(ascii: ":") {
      return nil
    }
    while index < text.count {
      var end = index
      while end < text.count && text[end] != UInt8(ascii: ":") { end += 1 }
      let group = text[index..<end]
      // An embedded IPv4 address may end the text (`::ffff:10.0.0.1`).
      if group.contains(UInt8(ascii: ".")) {
        guard end == text.count, let v4 = parseV4(group) else { return nil }
        let groups = [UInt16(v4 >> 16), UInt16(truncatingIfNeeded: v4)]
        if sawGap { tail += groups } else { head += groups }
        break
      }
      guard (1...4).contains(group.count), group.allSatisfy(isHexDigit) else { return nil }
      let value = group.reduce(UInt16(0)) { $0 << 4 | UInt16(hexValue($1)) }
      if sawGap { tail.append(value) } else { head.append(value) }
      if end == text.count { index = end; break }
      // A colon: either a separator or the start of "::".
      if end + 1 < text.count && text[end + 1] == UInt8(ascii: ":") {
        guard !sawGap else { return nil }
        sawGap = true
        index = end + 2
      } else {
        guard end + 1 < text.count else { return nil }  // trailing single colon
        index = end + 1
      }
    }
    let count = head.count + tail.count
    if sawGap {
      guard count <= 7 else { return nil }
    } else {
      guard count == 8 else { return nil }
    }
    let groups = head + Array(repeating: 0, count: 8 - count) + tail
    let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    return .v6(high, low)
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8 {
    isDigit(byte) ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
  }
}

extension IPAddress: CustomStringConvertible {
  /// `10.244.0.5`, or IPv6 in RFC 5952 form (`fd00::5`, longest zero run compressed).
  public var description: String {
    switch self {
    case .v4:
      return bytes.map(String.init).joined(separator: ".")
    case .v6(let high, let low):
      let groups = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
        + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
      // Longest run of two or more zero groups; the first one wins a tie.
      var best: Range<Int>? = nil
      var start: Int? = nil
      for index in 0...8 {
        if index < 8 && groups[index] == 0 {
          if start == nil { start = index }
        } else if let runStart = start {
          if index - runStart >= 2 && index - runStart > (best?.count ?? 0) {
            best = runStart..<index
          }
          start = nil
        }
      }
      let hex = groups.map { String($0, radix: 16) }
      guard let gap = best else { return hex.joined(separator: ":") }
      return hex[..<gap.lowerBound].joined(separator: ":") + "::"
        + hex[gap.upperBound...].joined(separator: ":")
    }
  }
}
