/// Go's `encoding/base64`: the standard alphabet padded (`StdEncoding`, JSON's `[]byte`,
/// YAML's `!!binary`) and the URL alphabet unpadded (`RawURLEncoding`, list continue tokens).
public enum Base64 {
  public enum Variant: Sendable {
    /// `+/`, padded with `=`.
    case standard
    /// `-_`, no padding.
    case rawURL

    var alphabet: [UInt8] {
      switch self {
      case .standard: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
      case .rawURL: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
      }
    }
  }

  /// Where Go's decoder stops: `illegal base64 data at input byte N`.
  public struct CorruptInput: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public init(offset: Int) { self.offset = offset }
    public var description: String { "illegal base64 data at input byte \(offset)" }
  }

  public static func encode(_ bytes: some Collection<UInt8>, _ variant: Variant = .standard) -> String {
    let alphabet = variant.alphabet
    let bytes = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
      let count = min(3, bytes.count - i)
      let b0 = UInt32(bytes[i])
      let b1 = count > 1 ? UInt32(bytes[i + 1]) : 0
      let b2 = count > 2 ? UInt32(bytes[i + 2]) : 0
      let n = b0 << 16 | b1 << 8 | b2
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      if count > 1 { out.append(alphabet[Int(n >> 6 & 63)]) } else if variant == .standard { out.append(UInt8(ascii: "=")) }
      if count > 2 { out.append(alphabet[Int(n & 63)]) } else if variant == .standard { out.append(UInt8(ascii: "=")) }
      i += count
    }
    return String(decoding: out, as: UTF8.self)
  }

  public static func decode(_ text: String, _ variant: Variant = .standard) throws(CorruptInput) -> [UInt8] {
    let alphabet = variant.alphabet
    var lookup = [UInt8](repeating: 0xff, count: 256)
    for (i, c) in alphabet.enumerated() { lookup[Int(c)] = UInt8(i) }
    let input = Array(text.utf8)
    var values: [UInt8] = []
    values.reserveCapacity(input.count)
    var offset = 0
    while offset < input.count {
      let c = input[offset]
      if c == UInt8(ascii: "="), variant == .standard {
        // Padding ends the last quantum: only in its third or fourth place, filling it,
        // and nothing may follow (Go: the offset of what follows).
        let place = offset % 4
        guard place >= 2 else { throw CorruptInput(offset: offset) }
        if place == 2 {
          guard offset + 1 < input.count else { throw CorruptInput(offset: input.count) }
          guard input[offset + 1] == UInt8(ascii: "=") else { throw CorruptInput(offset: offset + 1) }
        }
        let end = offset + (4 - place)
        if end < input.count { throw CorruptInput(offset: end) }
        break
      }
      let v = lookup[Int(c)]
      if v == 0xff { throw CorruptInput(offset: offset) }
      values.append(v)
      offset += 1
    }
    // An unfinished quantum: one symbol cannot hold a byte; the standard variant needs padding.
    if values.count % 4 != 0, offset == input.count, variant == .standard || values.count % 4 == 1 {
      throw CorruptInput(offset: values.count / 4 * 4)
    }
    var out: [UInt8] = []
    out.reserveCapacity(values.count * 3 / 4)
    var i = 0
    while i < values.count {
      let n = min(4, values.count - i)
      var chunk: UInt32 = 0
      for j in 0..<4 { chunk = chunk << 6 | UInt32(j < n ? values[i + j] : 0) }
      let bytes = [UInt8(chunk >> 16 & 0xff), UInt8(chunk >> 8 & 0xff), UInt8(chunk & 0xff)]
      out.append(contentsOf: bytes.prefix(n - 1))
      i += 4
    }
    return out
  }
}
