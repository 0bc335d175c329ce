#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A point in time as Kubernetes writes it (`metav1.Time`): RFC 3339 in UTC with whole
/// seconds, `2024-02-07T14:37:14Z`. `MicroTime` fields use `microseconds`.
public struct Timestamp: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since the Unix epoch.
  public var seconds: Int64
  /// Sub-second part, kept only for `MicroTime`-style fields.
  public var microseconds: Int32

  public init(seconds: Int64, microseconds: Int32 = 0) {
    self.seconds = seconds
    self.microseconds = microseconds
  }

  /// The current time.
  public static func now() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Timestamp(seconds: Int64(ts.tv_sec), microseconds: Int32(ts.tv_nsec / 1000))
  }

  /// This time truncated to whole seconds, as `metav1.Time` stores it.
  public var wholeSeconds: Timestamp { Timestamp(seconds: seconds) }

  /// Parses RFC 3339 (`2024-02-07T14:37:14Z`, `...14.123456Z`, `...14+01:00`).
  public init?(rfc3339 text: String) {
    let b = Array(text.utf8)
    func num(_ from: Int, _ len: Int) -> Int? {
      guard from + len <= b.count else { return nil }
      var v = 0
      for i in from..<(from + len) {
        guard b[i] >= 48 && b[i] <= 57 else { return nil }
        v = v * 10 + Int(b[i] - 48)
      }
      return v
    }
    guard b.count >= 20, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45,
      let day = num(8, 2), b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = num(11, 2), b[13] == 58,
      let minute = num(14, 2), b[16] == 58, let second = num(17, 2)
    else { return nil }
    var i = 19
    var micros = 0
    if i < b.count && b[i] == 46 {
      i += 1
      var digits = 0
      while i < b.count && b[i] >= 48 && b[i] <= 57 {
        if digits < 6 { micros = micros * 10 + Int(b[i] - 48) }
        digits += 1
        i += 1
      }
      guard digits > 0 else { return nil }
      for _ in digits..<6 where digits < 6 { micros *= 10 }
    }
    var offset = 0
    guard i < b.count else { return nil }
    if b[i] == 90 || b[i] == 122 {
      i += 1
    } else if b[i] == 43 || b[i] == 45 {
      guard let oh = num(i + 1, 2), b.count > i + 3, b[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
      offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
      i += 6
    } else {
      return nil
    }
    guard i == b.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
      return nil
    }
    let days = Timestamp.daysFromCivil(year, month, day)
    seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    microseconds = Int32(micros)
  }

  /// `2024-02-07T14:37:14Z`.
  public var rfc3339: String {
    let (y, m, d, hh, mm, ss) = civil
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))Z"
  }

  /// `2024-02-07T14:37:14.123456Z` (MicroTime).
  public var rfc3339Micro: String {
    let base = rfc3339.dropLast()
    return "\(base).\(pad(Int(microseconds), 6))Z"
  }

  public var description: String { rfc3339 }

  var civil: (Int, Int, Int, Int, Int, Int) {
    let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
    let rem = Int(seconds - Int64(days) * 86400)
    let (y, m, d) = Timestamp.civilFromDays(days)
    return (y, m, d, rem / 3600, (rem / 60) % 60, rem % 60)
  }

  private func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  // Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
  static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp + (mp < 10 ? 3 : -9)
    return (m <= 2 ? y + 1 : y, m, d)
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let parsed = Timestamp(rfc3339: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath,
              debugDescription: "parsing time \"\(text)\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"))
    }
    self = parsed
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(microseconds == 0 ? rfc3339 : rfc3339Micro)
  }

  public static func < (a: Timestamp, b: Timestamp) -> Bool {
    (a.seconds, a.microseconds) < (b.seconds, b.microseconds)
  }

  /// Seconds (with fraction) from `self` to `other`.
  public func seconds(until other: Timestamp) -> Double {
    Double(other.seconds - seconds) + Double(other.microseconds - microseconds) / 1e6
  }

  public func adding(seconds delta: Int64) -> Timestamp {
    Timestamp(seconds: seconds + delta, microseconds: microseconds)
  }
}
