/// An IPv4 or IPv6 address, parsed the way Kubernetes validates IP fields: Go's
/// `ParseIPSloppy` (IPv4 octets may carry leading zeros) with a flag telling whether the
/// strict parser (`netip.ParseAddr`) would have refused it.
struct IPAddress: Equatable, Sendable {
  /// 4 bytes for IPv4, 16 for IPv6.
  var bytes: [UInt8]
  /// Whether an IPv4 part had a leading zero (`010.1.2.3`).
  var hadLeadingZeros = false

  var isIPv4: Bool { bytes.count == 4 }

  static func parse(_ text: String) -> IPAddress? {
    if text.contains(":") { return parseIPv6(text) }
    return parseIPv4(Substring(text))
  }

  private static func parseIPv4(_ text: Substring) -> IPAddress? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var out = IPAddress(bytes: [])
    for part in parts {
      guard !part.isEmpty, part.utf8.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
        let v = Int(part), v <= 255
      else { return nil }
      if part.utf8.count > 1 && part.utf8.first == 0x30 { out.hadLeadingZeros = true }
      out.bytes.append(UInt8(v))
    }
    return out
  }

  private static func parseIPv6(_ text: String) -> IPAddress? {
    var headText = Substring(text)
    var tailText: Substring?
    if let r = text.firstRange(of: "::") {
      headText = text[..<r.lowerBound]
      tailText = text[r.upperBound...]
    }
    var embedded: IPAddress?
    func words(_ part: Substring, last: Bool) -> [UInt16]? {
      if part.isEmpty { return [] }
      let groups = part.split(separator: ":", omittingEmptySubsequences: false)
      var out: [UInt16] = []
      for (i, g) in groups.enumerated() {
        if g.contains(".") {
          guard last, i == groups.count - 1, let v4 = parseIPv4(g) else { return nil }
          embedded = v4
          out.append(UInt16(v4.bytes[0]) << 8 | UInt16(v4.bytes[1]))
          out.append(UInt16(v4.bytes[2]) << 8 | UInt16(v4.bytes[3]))
        } else {
          guard let v = hexGroup(g) else { return nil }
          out.append(v)
        }
      }
      return out
    }
    guard let head = words(headText, last: tailText == nil) else { return nil }
    var all = head
    if let tailText {
      guard let tail = words(tailText, last: true), head.count + tail.count < 8 else { return nil }
      all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
    guard all.count == 8 else { return nil }
    var out = IPAddress(bytes: all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })
    out.hadLeadingZeros = embedded?.hadLeadingZeros ?? false
    return out
  }

  private static func hexGroup(_ g: Substring) -> UInt16? {
    guard !g.isEmpty, g.utf8.count <= 4 else { return nil }
    return UInt16(g, radix: 16)
  }

  var isIPv4Mapped: Bool {
    bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
  }

  /// The address as Go's `net.IP.String()` prints it.
  var canonical: String {
    if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
    if isIPv4Mapped { return bytes[12...].map(String.init).joined(separator: ".") }
    let words = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    // Longest run of at least two zero groups, the first one on ties.
    var bestStart = -1, bestLen = 0, i = 0
    while i < 8 {
      if words[i] == 0 {
        var j = i
        while j < 8 && words[j] == 0 { j += 1 }
        if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
        i = j
      } else {
        i += 1
      }
    }
    var out = ""
    i = 0
    while i < 8 {
      if i == bestStart {
        out += "::"
        i += bestLen
        continue
      }
      if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
      out += String(words[i], radix: 16)
      i += 1
    }
    return out
  }

  private var v4: [UInt8]? {
    if isIPv4 { return bytes }
    if isIPv4Mapped { return Array(bytes[12...]) }
    return nil
  }

  var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }
  var isLoopback: Bool {
    if let v4 { return v4[0] == 127 }
    return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
  }
  var isLinkLocalUnicast: Bool {
    if let v4 { return v4[0] == 169 && v4[1] == 254 }
    return bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
  }
  var isLinkLocalMulticast: Bool {
    if let v4 { return v4[0] == 224 && v4[1] == 0 && v4[2] == 0 }
    return bytes[0] == 0xff && bytes[1] & 0x0f == 0x02
  }

  // MARK: Kubernetes checks

  /// `IsValidIP`: a strict, canonical IP address.
  static func validate(_ value: String, _ path: FieldPath) -> [FieldError] {
    guard let ip = parse(value) else {
      return [.invalid(path, .string(value), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    }
    var errs: [FieldError] = []
    if ip.hadLeadingZeros { errs.append(.invalid(path, .string(value), "must not have leading 0s")) }
    if ip.isIPv4Mapped { errs.append(.invalid(path, .string(value), "must not be an IPv4-mapped IPv6 address")) }
    if !errs.isEmpty { return errs }
    if value != ip.canonical {
      errs.append(.invalid(path, .string(value), "must be in canonical form (\"\(ip.canonical)\")"))
    }
    return errs
  }

  /// `ValidateNonSpecialIP`: no unspecified, loopback or link-local addresses (endpoints,
  /// external IPs).
  static func validateNonSpecial(_ value: String, _ path: FieldPath) -> [FieldError] {
    guard let ip = parse(value) else { return [.invalid(path, .string(value), "must be a valid IP address")] }
    var errs: [FieldError] = []
    if ip.isUnspecified { errs.append(.invalid(path, .string(value), "may not be unspecified (\(value))")) }
    if ip.isLoopback { errs.append(.invalid(path, .string(value), "may not be in the loopback range (127.0.0.0/8, ::1/128)")) }
    if ip.isLinkLocalUnicast {
      errs.append(.invalid(path, .string(value), "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    }
    if ip.isLinkLocalMulticast {
      errs.append(.invalid(path, .string(value), "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    }
    return errs
  }

  /// `IsValidCIDR`: `10.244.0.0/16` with no host bits set, canonical.
  static func validateCIDR(_ value: String, _ path: FieldPath) -> [FieldError] {
    let parts = value.split(separator: "/", omittingEmptySubsequences: false)
    let invalid = FieldError.invalid(path, .string(value), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")
    guard parts.count == 2, let ip = parse(String(parts[0])), !parts[1].isEmpty,
      parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let bits = Int(parts[1]),
      bits <= ip.bytes.count * 8
    else { return [invalid] }
    var errs: [FieldError] = []
    if ip.hadLeadingZeros || (parts[1].utf8.count > 1 && parts[1].utf8.first == 0x30) {
      errs.append(.invalid(path, .string(value), "must not have leading 0s in IP or prefix length"))
    }
    if ip.isIPv4Mapped { errs.append(.invalid(path, .string(value), "must not have an IPv4-mapped IPv6 address")) }
    var masked = ip.bytes
    for i in 0..<masked.count {
      let keep = max(0, min(8, bits - i * 8))
      masked[i] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - keep))
    }
    if masked != ip.bytes { errs.append(.invalid(path, .string(value), "must not have bits set beyond the prefix length")) }
    if !errs.isEmpty { return errs }
    let canonical = "\(ip.canonical)/\(bits)"
    if value != canonical { errs.append(.invalid(path, .string(value), "must be in canonical form (\"\(canonical)\")")) }
    return errs
  }
}
