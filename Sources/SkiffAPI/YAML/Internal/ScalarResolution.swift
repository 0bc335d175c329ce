/// What a YAML scalar means once resolved. go-yaml v2 yields these Go types when it decodes
/// into `interface{}` (int, uint64, float64, bool, nil, string); sigs.k8s.io/yaml then turns
/// them into JSON.
enum ResolvedScalar: Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case float(Double)
  case string(String)
}

/// The YAML 1.1 core tags, in the long form libyaml reports them.
enum YAMLTag {
  static let prefix = "tag:yaml.org,2002:"
  static let null = prefix + "null"
  static let bool = prefix + "bool"
  static let str = prefix + "str"
  static let int = prefix + "int"
  static let float = prefix + "float"
  static let timestamp = prefix + "timestamp"
  static let binary = prefix + "binary"
  static let merge = prefix + "merge"

  /// `!!int` for `tag:yaml.org,2002:int`, as go-yaml names tags in messages.
  static func short(_ tag: String) -> String {
    tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
  }
}

/// YAML 1.1 scalar resolution exactly as go-yaml v2 (`resolve.go`, v2.4, the version
/// sigs.k8s.io/yaml forks) does it, because that decides what a Kubernetes manifest means:
/// `yes`/`on`/`y` are true, `010` is 8, `1e3` is a float, `2024-01-01` stays a string.
enum ScalarResolver {
  /// The type a plain scalar resolves to without a tag.
  enum Kind: Equatable {
    case str, null, bool, int, float, timestamp

    var tag: String {
      switch self {
      case .str: return YAMLTag.str
      case .null: return YAMLTag.null
      case .bool: return YAMLTag.bool
      case .int: return YAMLTag.int
      case .float: return YAMLTag.float
      case .timestamp: return YAMLTag.timestamp
      }
    }
  }

  /// go-yaml's table of words, case variants included, that resolve without parsing.
  static let words: [String: (Kind, ResolvedScalar)] = {
    var table: [String: (Kind, ResolvedScalar)] = [:]
    let lists: [(Kind, ResolvedScalar, [String])] = [
      (.bool, .bool(true), ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]),
      (.bool, .bool(false), ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]),
      (.null, .null, ["", "~", "null", "Null", "NULL"]),
      (.float, .float(.nan), [".nan", ".NaN", ".NAN"]),
      (.float, .float(.infinity), [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]),
      (.float, .float(-.infinity), ["-.inf", "-.Inf", "-.INF"]),
    ]
    for (kind, value, words) in lists {
      for word in words { table[word] = (kind, value) }
    }
    return table
  }()

  /// go-yaml's first-byte hint: which resolutions a scalar can possibly have.
  enum Hint { case none, sign, digit, word, dot }

  static func hint(_ s: String) -> Hint {
    guard let first = s.utf8.first else { return .word }  // "" is in the word table (null)
    switch first {
    case UInt8(ascii: "+"), UInt8(ascii: "-"): return .sign
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
    case UInt8(ascii: "."): return .dot
    default:
      return "yYnNtTfFoO~".utf8.contains(first) ? .word : .none
    }
  }

  /// go-yaml's `resolve("", s)`: the implicit type of a plain scalar. Timestamps are only
  /// recognised (and then kept as strings, as go-yaml v2 keeps them for `interface{}`) when
  /// `timestamps` is set.
  static func implicit(_ s: String, timestamps: Bool = true) -> (Kind, ResolvedScalar) {
    let hint = hint(s)
    if hint == .none { return (.str, .string(s)) }
    if let word = words[s] { return word }
    switch hint {
    case .dot:
      if let d = parseDecimalFloat(Substring(s)) { return (.float, .float(d)) }
    case .digit, .sign:
      if timestamps && isTimestamp(s) { return (.timestamp, .string(s)) }
      let plain = s.filter { $0 != "_" }
      if let i = parseGoInt(Substring(plain), allowSign: true) { return (.int, .int(i)) }
      if let u = parseGoUInt(Substring(plain)) { return (.int, .uint(u)) }
      if let d = parseDecimalFloat(Substring(plain)) { return (.float, .float(d)) }
      // go-yaml retries a binary literal whose digits carry their own sign (`0b-101`).
      if plain.hasPrefix("0b"), let i = parseSignedRadix(plain.dropFirst(2), radix: 2) { return (.int, .int(i)) }
      if plain.hasPrefix("-0b"), let i = parseSignedRadix("-" + plain.dropFirst(3), radix: 2) {
        return (.int, .int(i))
      }
    case .word, .none:
      break
    }
    return (.str, .string(s))
  }

  /// Resolves a scalar event's text with its tag. `tag` is nil when the scalar has none;
  /// `plain` is libyaml's `plain_implicit` (a plain scalar without a tag, or tagged `!`).
  /// Returns the problem text when an explicit tag does not fit.
  static func resolve(_ value: String, tag: String?, plain: Bool) -> Result<ResolvedScalar, YAMLError> {
    let tag = tag ?? ""
    // Quoted and block scalars without a tag are strings, whatever they look like.
    if tag.isEmpty && !plain { return .success(.string(value)) }
    switch tag {
    case "", YAMLTag.bool, YAMLTag.int, YAMLTag.float, YAMLTag.null, YAMLTag.timestamp:
      break
    case YAMLTag.str:
      return .success(.string(value))
    case YAMLTag.binary:
      guard let bytes = decodeBase64(value) else {
        return .failure(YAMLError(.tagMismatch, "!!binary value contains invalid base64 data"))
      }
      // JSON strings are UTF-8; Go's encoder replaces invalid bytes as this does.
      return .success(.string(String(decoding: bytes, as: UTF8.self)))
    default:
      // `!`, `!!map`, application tags (`!Ref`): go-yaml keeps the text as a string.
      return .success(.string(value))
    }
    let (kind, resolved) = implicit(value, timestamps: tag.isEmpty || tag == YAMLTag.timestamp)
    if tag.isEmpty { return .success(resolved) }
    if kind.tag == tag { return .success(resolved) }
    if tag == YAMLTag.float {
      switch resolved {
      case .int(let i): return .success(.float(Double(i)))
      case .uint(let u): return .success(.float(Double(u)))
      default: break
      }
    }
    return .failure(
      YAMLError(.tagMismatch, "cannot decode \(YAMLTag.short(kind.tag)) `\(value)` as a \(YAMLTag.short(tag))"))
  }

  // MARK: Numbers, as Go's strconv reads them

  /// `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`/`0o`/`0b` prefixes, a leading `0`
  /// for octal, or decimal. Nil on syntax error or overflow.
  static func parseGoInt(_ s: Substring, allowSign: Bool) -> Int64? {
    var body = s
    var negative = false
    if allowSign, let first = body.first, first == "+" || first == "-" {
      negative = first == "-"
      body = body.dropFirst()
    }
    guard let magnitude = parseGoUInt(body) else { return nil }
    if negative {
      if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
      return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
    }
    return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
  }

  /// `strconv.ParseUint(s, 0, 64)`: no sign allowed.
  static func parseGoUInt(_ s: Substring) -> UInt64? {
    let lower = s.lowercased()
    var digits = Substring(lower)
    var radix: UInt64 = 10
    if lower.hasPrefix("0x") {
      radix = 16
      digits = digits.dropFirst(2)
    } else if lower.hasPrefix("0o") {
      radix = 8
      digits = digits.dropFirst(2)
    } else if lower.hasPrefix("0b") {
      radix = 2
      digits = digits.dropFirst(2)
    } else if lower.hasPrefix("0") && lower.count > 1 {
      radix = 8
      digits = digits.dropFirst(1)
    }
    return parseRadix(digits, radix: radix)
  }

  static func parseRadix(_ digits: Substring, radix: UInt64) -> UInt64? {
    guard !digits.isEmpty else { return nil }
    var value: UInt64 = 0
    for c in digits.utf8 {
      let d: UInt64
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): d = UInt64(c - UInt8(ascii: "a")) + 10
      default: return nil
      }
      guard d < radix else { return nil }
      let (times, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) = times.addingReportingOverflow(d)
      if o1 || o2 { return nil }
      value = sum
    }
    return value
  }

  /// `strconv.ParseInt(s, radix, 64)` with an explicit radix: optional sign, no prefix.
  static func parseSignedRadix(_ s: Substring, radix: UInt64) -> Int64? {
    var body = s
    var negative = false
    if let first = body.first, first == "+" || first == "-" {
      negative = first == "-"
      body = body.dropFirst()
    }
    guard let magnitude = parseRadix(Substring(body.lowercased()), radix: radix) else { return nil }
    if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
    return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
  }

  /// go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` followed by
  /// `strconv.ParseFloat`, which fails (so the scalar stays a string) on overflow.
  static func parseDecimalFloat(_ s: Substring) -> Double? {
    let bytes = Array(s.utf8)
    var i = 0
    func digits() -> Int {
      let start = i
      while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
      return i - start
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
    let integerDigits = digits()
    var fractionDigits = 0
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      fractionDigits = digits()
      // `.5` needs its fraction; `5.` is fine.
      if integerDigits == 0 && fractionDigits == 0 { return nil }
    } else if integerDigits == 0 {
      return nil
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      guard digits() > 0 else { return nil }
    }
    guard i == bytes.count, let d = Double(String(s)), d.isFinite else { return nil }
    return d
  }

  // MARK: Timestamps and base-60 numbers

  /// go-yaml v2's `parseTimestamp`: `time.Parse` with the layouts
  /// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` and
  /// `2006-1-2`, including Go's range checks (no February 30th).
  static func isTimestamp(_ s: String) -> Bool {
    let b = Array(s.utf8)
    var i = 0
    func isDigit(_ j: Int) -> Bool { j < b.count && b[j] >= UInt8(ascii: "0") && b[j] <= UInt8(ascii: "9") }
    func expect(_ c: Character) -> Bool {
      guard i < b.count, b[i] == c.asciiValue! else { return false }
      i += 1
      return true
    }
    // Go's `getnum(value, false)`: one digit, or two when a second follows.
    func number() -> Int? {
      guard isDigit(i) else { return nil }
      var n = Int(b[i] - UInt8(ascii: "0"))
      i += 1
      if isDigit(i) {
        n = n * 10 + Int(b[i] - UInt8(ascii: "0"))
        i += 1
      }
      return n
    }
    guard b.count >= 5, (0..<4).allSatisfy(isDigit), b[4] == UInt8(ascii: "-") else { return false }
    let year = Int(String(decoding: b[0..<4], as: UTF8.self))!
    i = 5
    guard let month = number(), (1...12).contains(month), expect("-"), let day = number() else { return false }
    let daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    guard day >= 1, day <= daysInMonth[month - 1] + (month == 2 && leap ? 1 : 0) else { return false }
    if i == b.count { return true }
    let separator = b[i]
    guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
      return false
    }
    i += 1
    guard let hour = number(), hour < 24, expect(":"), let minute = number(), minute < 60, expect(":"),
      let second = number(), second < 60
    else { return false }
    if i + 1 < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ","), isDigit(i + 1) {
      i += 1
      while isDigit(i) { i += 1 }
    }
    if separator == UInt8(ascii: " ") { return i == b.count }
    if expect("Z") { return i == b.count }
    // `Z07:00` also takes a numeric offset: `+09:00`.
    guard i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.count - i == 6,
      isDigit(i + 1), isDigit(i + 2), b[i + 3] == UInt8(ascii: ":"), isDigit(i + 4), isDigit(i + 5)
    else { return false }
    let offsetHour = Int(b[i + 1] - 48) * 10 + Int(b[i + 2] - 48)
    let offsetMinute = Int(b[i + 4] - 48) * 10 + Int(b[i + 5] - 48)
    return offsetHour <= 24 && offsetMinute <= 60
  }

  /// go-yaml v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
  /// YAML 1.1 parsers read `1:20` as 80, so go-yaml quotes such strings when it prints them.
  static func isBase60Float(_ s: String) -> Bool {
    let b = Array(s.utf8)
    var i = 0
    func isDigit(_ j: Int) -> Bool { j < b.count && b[j] >= UInt8(ascii: "0") && b[j] <= UInt8(ascii: "9") }
    if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
    guard isDigit(i) else { return false }
    i += 1
    while isDigit(i) || (i < b.count && b[i] == UInt8(ascii: "_")) { i += 1 }
    var groups = 0
    while i < b.count, b[i] == UInt8(ascii: ":") {
      i += 1
      // `[0-5]?[0-9]`: one digit, or two when the first is 0-5.
      if isDigit(i), isDigit(i + 1), b[i] <= UInt8(ascii: "5") {
        i += 2
      } else if isDigit(i) {
        i += 1
      } else {
        return false
      }
      groups += 1
    }
    guard groups > 0 else { return false }
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      while isDigit(i) || (i < b.count && b[i] == UInt8(ascii: "_")) { i += 1 }
    }
    return i == b.count
  }

  // MARK: Base64 (`!!binary`)

  /// Go's `base64.StdEncoding.DecodeString`: padded standard alphabet; line breaks ignored.
  static func decodeBase64(_ text: String) -> [UInt8]? {
    try? Base64.decode(String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" })))
  }
}
