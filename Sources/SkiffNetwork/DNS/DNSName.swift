/// A domain name as DNS carries it: a sequence of labels of 1...63 bytes each,
/// at most 255 bytes on the wire. Comparison is byte-exact; lookups lowercase
/// first (`lowercased()`), so an answer can keep the question's spelling.
struct DNSName: Hashable, Sendable {
  /// Uncompressed wire form without the root's terminating zero byte:
  /// `[3, "f", "o", "o", 5, "l", "o", "c", "a", "l"]` for `foo.local.`.
  let wire: [UInt8]

  static let maxLabelLength = 63
  /// 255 on the wire includes the root's zero byte.
  static let maxWireLength = 254

  static let root = DNSName(trustedWire: [])

  init(trustedWire wire: [UInt8]) {
    self.wire = wire
  }

  /// Parses dotted text (`foo.default.svc.cluster.local`, trailing dot
  /// optional, `.` for the root); `nil` for empty text or labels, labels over 63
  /// bytes or names over 255 bytes. No escapes: cluster names never need them.
  init?(_ text: String) {
    if text == "." {
      self = .root
      return
    }
    var body = Substring(text)
    if body.hasSuffix(".") { body = body.dropLast() }
    var wire: [UInt8] = []
    for label in body.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
      guard (1...DNSName.maxLabelLength).contains(label.count) else { return nil }
      wire.append(UInt8(label.count))
      wire.append(contentsOf: label)
    }
    guard wire.count <= DNSName.maxWireLength else { return nil }
    self.wire = wire
  }

  /// Builds a name from labels; `nil` if one is empty or too long, or the name is.
  init?(labels: [some Collection<UInt8>]) {
    var wire: [UInt8] = []
    for label in labels {
      guard (1...DNSName.maxLabelLength).contains(label.count) else { return nil }
      wire.append(UInt8(label.count))
      wire.append(contentsOf: label)
    }
    guard wire.count <= DNSName.maxWireLength else { return nil }
    self.wire = wire
  }

  var isRoot: Bool { wire.isEmpty }

  /// Offsets in `wire` where each label's length byte sits.
  var labelOffsets: [Int] {
    var offsets: [Int] = []
    var index = 0
    while index < wire.count {
      offsets.append(index)
      index += 1 + Int(wire[index])
    }
    return offsets
  }

  var labels: [ArraySlice<UInt8>] {
    labelOffsets.map { wire[($0 + 1)..<($0 + 1 + Int(wire[$0]))] }
  }

  var labelCount: Int { labelOffsets.count }

  /// ASCII letters folded to lower case (RFC 4343); other bytes unchanged.
  func lowercased() -> DNSName {
    var folded = wire
    var index = 0
    while index < folded.count {
      let length = Int(folded[index])
      for position in (index + 1)..<(index + 1 + length)
      where (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(folded[position]) {
        folded[position] |= 0x20
      }
      index += 1 + length
    }
    return DNSName(trustedWire: folded)
  }

  /// Whether `zone` is this name or one of its ancestors (byte-exact; lowercase both first).
  func isSubdomain(of zone: DNSName) -> Bool {
    if zone.isRoot { return true }
    guard wire.count >= zone.wire.count else { return false }
    let start = wire.count - zone.wire.count
    return labelOffsets.contains(start) && wire[start...].elementsEqual(zone.wire)
  }

  /// The name without its first `count` labels (`svc.cluster.local` for `a.svc.cluster.local`, 1).
  func droppingFirstLabels(_ count: Int) -> DNSName {
    let offsets = labelOffsets
    guard count < offsets.count else { return .root }
    return DNSName(trustedWire: Array(wire[offsets[count]...]))
  }

  /// `label.self`; `nil` if the label is invalid or the result too long.
  func prepending(_ label: some Collection<UInt8>) -> DNSName? {
    guard (1...DNSName.maxLabelLength).contains(label.count),
      wire.count + 1 + label.count <= DNSName.maxWireLength
    else { return nil }
    return DNSName(trustedWire: [UInt8(label.count)] + label + wire)
  }

  /// `label.self` for a label given as text.
  func prepending(_ label: String) -> DNSName? {
    prepending(Array(label.utf8))
  }
}

extension DNSName: CustomStringConvertible {
  /// Presentation form with the trailing dot, `\.`, `\\` and `\DDD` escapes (RFC 1035 §5.1).
  var description: String {
    if isRoot { return "." }
    var text = ""
    for label in labels {
      for byte in label {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "\\"):
          text += "\\" + String(UnicodeScalar(byte))
        case 0x21...0x7E:
          text.unicodeScalars.append(UnicodeScalar(byte))
        default:
          let digits = String(byte)
          text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
        }
      }
      text += "."
    }
    return text
  }
}
