// Go's text forms of JSON values, so patches and error messages read byte for byte as
// kubectl and the API server write them: `fmt`'s %v (used in apimachinery's messages and
// to sort scalars) and `encoding/json`'s Marshal of a map (keys sorted by bytes).

/// Go's `strings.Compare(a, b) < 0`: byte-wise order, as Go sorts map keys.
func goLess(_ a: String, _ b: String) -> Bool {
  a.utf8.lexicographicallyPrecedes(b.utf8)
}

extension JSONValue {
  /// `fmt.Sprintf("%v", v)` of the value as Go's `json.Unmarshal` into `interface{}` holds it:
  /// `<nil>`, `map[a:1 b:[x y]]`, floats in %g form (`1e+06`).
  var goDescription: String {
    switch self {
    case .null: return "<nil>"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d): return GoFloat.formatG(d)
    case .string(let s): return s
    case .array(let items): return "[" + items.map(\.goDescription).joined(separator: " ") + "]"
    case .object(let object):
      let members = object.keys.sorted(by: goLess).map { "\($0):\(object[$0]!.goDescription)" }
      return "map[" + members.joined(separator: " ") + "]"
    }
  }

  /// The same value with every object's keys in Go's `json.Marshal` order (sorted by bytes),
  /// so `jsonString()` of a computed patch is the text kubectl sends.
  func sortingKeysAsGo() -> JSONValue {
    switch self {
    case .array(let items): return .array(items.map { $0.sortingKeysAsGo() })
    case .object(let object):
      var sorted = JSONObject()
      for key in object.keys.sorted(by: goLess) { sorted[key] = object[key]!.sortingKeysAsGo() }
      return .object(sorted)
    default: return self
    }
  }

  /// Go's `json.Marshal` of the value: compact, keys sorted, `<>&` and U+2028/U+2029
  /// escaped, `\b` and `\f` short escapes (Go 1.22+), floats in Go's form.
  func goJSONBytes() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    writeGoJSON(into: &out)
    return out
  }

  func goJSONString() -> String { String(decoding: goJSONBytes(), as: UTF8.self) }

  private func writeGoJSON(into out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .double(let d): out.append(contentsOf: GoFloat.formatJSON(d).utf8)
    case .string(let s): Self.writeGoString(s, into: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        item.writeGoJSON(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      for (i, key) in object.keys.sorted(by: goLess).enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeGoString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        object[key]!.writeGoJSON(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func writeGoString(_ s: String, into out: inout [UInt8]) {
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for scalar in s.unicodeScalars {
      switch scalar.value {
      case 0x22: out.append(contentsOf: [0x5c, 0x22])
      case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
      case 0x08: out.append(contentsOf: [0x5c, UInt8(ascii: "b")])
      case 0x0c: out.append(contentsOf: [0x5c, UInt8(ascii: "f")])
      case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
      case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
      case 0..<0x20, 0x3c, 0x3e, 0x26, 0x2028, 0x2029:
        let v = Int(scalar.value)
        out.append(contentsOf: Array("\\u".utf8))
        for shift in [12, 8, 4, 0] { out.append(hex[(v >> shift) & 0xf]) }
      default: out.append(contentsOf: String(scalar).utf8)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

/// Go's shortest float64 text forms (strconv `'g'`/`'f'`/`'e'` with precision -1).
enum GoFloat {
  /// Decimal digits (no leading/trailing zeros) and the decimal point position:
  /// value = 0.d1d2d3... × 10^point. Swift's description is also shortest round-trip.
  static func decompose(_ d: Double) -> (negative: Bool, digits: [UInt8], point: Int) {
    var text = Array(String(describing: abs(d)).utf8)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
      exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
      text = Array(text[..<e])
    }
    var digits: [UInt8] = []
    var point = 0
    var seenPoint = false
    for c in text {
      if c == UInt8(ascii: ".") {
        seenPoint = true
        continue
      }
      digits.append(c)
      if !seenPoint { point += 1 }
    }
    point += exponent
    while let first = digits.first, first == UInt8(ascii: "0") {
      digits.removeFirst()
      point -= 1
    }
    while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
    if digits.isEmpty { point = 0 }
    return (d.sign == .minus && d != 0, digits, point)
  }

  static func fixed(_ digits: [UInt8], _ point: Int) -> String {
    if digits.isEmpty { return "0" }
    var out: [UInt8] = []
    if point <= 0 {
      out.append(contentsOf: Array("0.".utf8))
      out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
      out.append(contentsOf: digits)
    } else if point >= digits.count {
      out.append(contentsOf: digits)
      out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digits.count))
    } else {
      out.append(contentsOf: digits[..<point])
      out.append(UInt8(ascii: "."))
      out.append(contentsOf: digits[point...])
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func exponential(_ digits: [UInt8], _ point: Int, minExponentDigits: Int) -> String {
    let digits = digits.isEmpty ? [UInt8(ascii: "0")] : digits
    var mantissa = String(decoding: digits[..<1], as: UTF8.self)
    if digits.count > 1 { mantissa += "." + String(decoding: digits[1...], as: UTF8.self) }
    let exponent = digits == [UInt8(ascii: "0")] ? 0 : point - 1
    var expDigits = String(abs(exponent))
    while expDigits.count < minExponentDigits { expDigits = "0" + expDigits }
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + expDigits
  }

  /// `fmt.Sprintf("%v", f)`: strconv's shortest %g, which switches to the exponent form
  /// when the exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`).
  static func formatG(_ d: Double) -> String {
    guard d.isFinite else { return d.isNaN ? "NaN" : (d < 0 ? "-Inf" : "+Inf") }
    let (negative, digits, point) = decompose(d)
    let exponent = digits.isEmpty ? -1 : point - 1
    let body = exponent < -4 || exponent >= 6
      ? exponential(digits, point, minExponentDigits: 2)
      : fixed(digits, point)
    return (negative ? "-" : "") + body
  }

  /// `encoding/json`'s float64 form: 'f' for 1e-6 ≤ |f| < 1e21, else 'e' without a
  /// leading zero in a negative exponent (`1e-7`).
  static func formatJSON(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    let (negative, digits, point) = decompose(d)
    let magnitude = abs(d)
    let body = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)
      ? exponential(digits, point, minExponentDigits: 1)
      : fixed(digits, point)
    return (negative ? "-" : "") + body
  }
}
