/// Go's `time.Duration` text form: parsing as `time.ParseDuration` does and printing as
/// `Duration.String()` does, so flags and messages read exactly like the Go originals.
public enum GoDuration {
  /// Parses `1s`, `500ms`, `1m30s`, `1.5h`, `-2us`, `0`. Units: ns, us, µs, ms, s, m, h.
  /// Returns nil for anything Go would reject.
  public static func parse(_ text: String) -> Duration? {
    var s = Substring(text)
    var negative = false
    if let first = s.first, first == "-" || first == "+" {
      negative = first == "-"
      s = s.dropFirst()
    }
    if s == "0" { return .zero }
    if s.isEmpty { return nil }
    var totalNanos: Double = 0
    while !s.isEmpty {
      let number = s.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, number != ".", let value = Double(number) else { return nil }
      s = s.dropFirst(number.count)
      let unit = s.prefix { !($0.isNumber || $0 == ".") }
      s = s.dropFirst(unit.count)
      let scale: Double
      switch unit {
      case "ns": scale = 1
      case "us", "µs", "μs": scale = 1e3
      case "ms": scale = 1e6
      case "s": scale = 1e9
      case "m": scale = 60e9
      case "h": scale = 3600e9
      default: return nil  // includes a missing unit, as Go's "missing unit in duration"
      }
      totalNanos += value * scale
    }
    guard totalNanos < 9.3e18 else { return nil }
    let nanos = Int64(totalNanos.rounded())
    return .nanoseconds(negative ? -nanos : nanos)
  }

  /// Formats like Go: `1s`, `1.5s`, `2m0s`, `1h0m0s`, `500ms`, `1.2µs`, `0s`.
  public static func format(_ duration: Duration) -> String {
    let (seconds, attos) = duration.components
    var nanos = seconds * 1_000_000_000 + attos / 1_000_000_000
    if nanos == 0 { return "0s" }
    var sign = ""
    if nanos < 0 {
      sign = "-"
      nanos = -nanos
    }
    if nanos < 1_000_000_000 {
      // Sub-second: the largest unit that keeps the integer part non-zero.
      if nanos < 1_000 { return sign + "\(nanos)ns" }
      if nanos < 1_000_000 { return sign + fraction(nanos, 1_000) + "µs" }
      return sign + fraction(nanos, 1_000_000) + "ms"
    }
    let hours = nanos / 3_600_000_000_000
    let minutes = (nanos / 60_000_000_000) % 60
    let secondsPart = nanos % 60_000_000_000
    var out = sign
    if hours > 0 { out += "\(hours)h" }
    if hours > 0 || minutes > 0 { out += "\(minutes)m" }
    out += fraction(secondsPart, 1_000_000_000) + "s"
    return out
  }

  /// `value / unit` with the fractional digits Go prints (trailing zeros trimmed).
  private static func fraction(_ value: Int64, _ unit: Int64) -> String {
    let whole = value / unit
    var rest = value % unit
    if rest == 0 { return "\(whole)" }
    var digits = ""
    var scale = unit / 10
    while rest > 0 && scale > 0 {
      digits.append(Character(String(rest / scale)))
      rest %= scale
      scale /= 10
    }
    return "\(whole).\(digits)"
  }
}
