extension JSONValue {
  /// Compact JSON text (no spaces), as the API server sends objects.
  public func jsonBytes() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(into: &out, indent: nil, level: 0)
    return out
  }

  /// Compact JSON text.
  public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

  /// Indented JSON text (`indent` spaces per level) as `kubectl get -o json` prints it.
  public func prettyJSONString(indent: Int = 4) -> String {
    var out: [UInt8] = []
    write(into: &out, indent: indent, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  func write(into out: inout [UInt8], indent: Int?, level: Int) {
    switch self {
    case .null: out.append(contentsOf: [0x6e, 0x75, 0x6c, 0x6c])
    case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
    case .int(let i): out.append(contentsOf: Array(String(i).utf8))
    case .double(let d): out.append(contentsOf: Array(Self.formatDouble(d).utf8))
    case .string(let s): Self.writeString(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: [0x5b, 0x5d])
        return
      }
      out.append(0x5b)
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(0x2c) }
        Self.newline(&out, indent, level + 1)
        item.write(into: &out, indent: indent, level: level + 1)
      }
      Self.newline(&out, indent, level)
      out.append(0x5d)
    case .object(let object):
      if object.isEmpty {
        out.append(contentsOf: [0x7b, 0x7d])
        return
      }
      out.append(0x7b)
      var first = true
      for (key, value) in object {
        if !first { out.append(0x2c) }
        first = false
        Self.newline(&out, indent, level + 1)
        Self.writeString(key, into: &out)
        out.append(0x3a)
        if indent != nil { out.append(0x20) }
        value.write(into: &out, indent: indent, level: level + 1)
      }
      Self.newline(&out, indent, level)
      out.append(0x7d)
    }
  }

  static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
    guard let indent else { return }
    out.append(0x0a)
    out.append(contentsOf: repeatElement(0x20, count: indent * level))
  }

  /// Go's encoding of a float64 in JSON: shortest form, integers without a fraction.
  public static func formatDouble(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d.rounded() == d && abs(d) < 9e18 { return String(Int64(d)) }
    return "\(d)"
  }

  static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(0x22)
    for b in s.utf8 {
      switch b {
      case 0x22: out.append(contentsOf: [0x5c, 0x22])
      case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
      case 0x0a: out.append(contentsOf: [0x5c, 0x6e])
      case 0x0d: out.append(contentsOf: [0x5c, 0x72])
      case 0x09: out.append(contentsOf: [0x5c, 0x74])
      case 0x3c, 0x3e, 0x26:
        // Go escapes <, > and & for HTML safety; kubectl output shows them that way.
        out.append(contentsOf: Array("\\u00\(String(b, radix: 16))".utf8))
      case 0..<0x20:
        let hex = String(b, radix: 16)
        out.append(contentsOf: Array("\\u00\(hex.count < 2 ? "0" + hex : hex)".utf8))
      default: out.append(b)
      }
    }
    out.append(0x22)
  }
}
