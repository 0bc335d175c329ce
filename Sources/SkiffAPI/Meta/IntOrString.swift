/// A field that holds a number or a string (`targetPort: 8080` or `targetPort: grpc`,
/// `maxSurge: 25%`), as `intstr.IntOrString`.
public enum IntOrString: Codable, Sendable, Hashable, CustomStringConvertible {
  case int(Int32)
  case string(String)

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let i = try? c.decode(Int32.self) {
      self = .int(i)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else {
      throw DecodingError.typeMismatch(
        IntOrString.self,
        .init(codingPath: decoder.codingPath,
              debugDescription: "json: cannot unmarshal into Go struct field \(fieldPath(decoder.codingPath)) of type intstr.IntOrString"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .int(let i): try c.encode(i)
    case .string(let s): try c.encode(s)
    }
  }

  public var description: String {
    switch self {
    case .int(let i): return String(i)
    case .string(let s): return s
    }
  }

  /// The value scaled against `total` as Kubernetes does for `maxSurge`/`maxUnavailable`:
  /// a percentage rounds up (`roundUp`) or down; a number is taken as is.
  public func scaled(total: Int, roundUp: Bool) -> Int? {
    switch self {
    case .int(let i): return Int(i)
    case .string(let s):
      guard s.hasSuffix("%"), let percent = Int(s.dropLast()) else { return nil }
      let exact = Double(percent) * Double(total) / 100
      return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
    }
  }
}

/// A resource quantity (`resource.Quantity`): `128Mi`, `500m`, `1`, `0.5`. Kept as written;
/// numbers in YAML are accepted and written back as strings, as the API server does.
public struct Quantity: Codable, Sendable, Hashable, CustomStringConvertible {
  public var text: String

  public init(_ text: String) { self.text = text }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let s = try? c.decode(String.self) {
      text = s
    } else if let i = try? c.decode(Int64.self) {
      text = String(i)
    } else if let d = try? c.decode(Double.self) {
      text = String(d)
    } else {
      throw DecodingError.typeMismatch(
        Quantity.self,
        .init(codingPath: decoder.codingPath,
              debugDescription: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
    }
    guard Quantity.parse(text) != nil else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath,
              debugDescription: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(text)
  }

  public var description: String { text }

  /// The value in base units (bytes, cores), or nil when the text is not a quantity.
  public var value: Double? { Quantity.parse(text) }

  /// Bytes for memory quantities (`128Mi` → 134217728).
  public var bytes: Int64? { value.map { Int64($0.rounded(.up)) } }

  /// Millicores for CPU quantities (`500m` → 500, `2` → 2000).
  public var millis: Int64? { value.map { Int64(($0 * 1000).rounded(.up)) } }

  static func parse(_ text: String) -> Double? {
    let suffixes: [(String, Double)] = [
      ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
      ("Pi", 1_125_899_906_842_624), ("Ei", 1_152_921_504_606_846_976),
      ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
      ("P", 1e15), ("E", 1e18),
    ]
    var number = Substring(text)
    var scale = 1.0
    for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
      number = number.dropLast(suffix.count)
      scale = factor
      break
    }
    if scale == 1.0, let e = number.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      guard let exponent = Int(number[number.index(after: e)...]) else { return nil }
      scale = pow10(exponent)
      number = number[..<e]
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." || $0 == "+" || $0 == "-" }),
      let v = Double(number)
    else { return nil }
    return v * scale
  }

  private static func pow10(_ e: Int) -> Double {
    var r = 1.0
    for _ in 0..<abs(e) { r *= 10 }
    return e < 0 ? 1 / r : r
  }
}
