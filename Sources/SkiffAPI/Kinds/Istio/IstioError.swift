/// An error as Istio's validation builds it with hashicorp/go-multierror: one message, or
/// a list that prints as `2 errors occurred:\n\t* a\n\t* b\n\n`. Which one a path yields
/// depends on whether Istio used `multierror.Append` or its `appendErrors` wrapper, so the
/// webhook's message is reproduced exactly only by keeping the distinction.
enum IstioError: Sendable, Equatable {
  case one(String)
  case list([String])

  var messages: [String] {
    switch self {
    case .one(let m): return [m]
    case .list(let ms): return ms
    }
  }

  /// `err.Error()`.
  var text: String {
    switch self {
    case .one(let m): return m
    case .list(let ms) where ms.count == 1: return "1 error occurred:\n\t* \(ms[0])\n\n"
    case .list(let ms): return "\(ms.count) errors occurred:\n\t" + ms.map { "* \($0)" }.joined(separator: "\n\t") + "\n\n"
    }
  }
}

/// Istio's `Validation`: an error and a warning, each built up with the same rules.
struct IstioValidation: Sendable {
  var error: IstioError?
  var warning: IstioError?

  init(error: IstioError? = nil, warning: IstioError? = nil) {
    self.error = error
    self.warning = warning
  }

  /// `appendErrors` / `AppendValidation`: nil stays out, a first error is kept as is, a
  /// second one turns the pair into a flattened list.
  static func join(_ a: IstioError?, _ b: IstioError?) -> IstioError? {
    guard let a else { return b }
    guard let b else { return a }
    return .list(a.messages + b.messages)
  }

  /// `multierror.Append(errs, err)`: always a list.
  static func multiAppend(_ a: IstioError?, _ message: String) -> IstioError {
    .list((a?.messages ?? []) + [message])
  }

  mutating func append(_ e: IstioError?) { error = Self.join(error, e) }
  mutating func append(_ message: String) { error = Self.join(error, .one(message)) }
  mutating func append(_ v: IstioValidation) {
    error = Self.join(error, v.error)
    warning = Self.join(warning, v.warning)
  }
  mutating func warn(_ message: String) { warning = Self.join(warning, .one(message)) }
}

/// Errors of one validation step, in the `(errs error)` style of Istio's helpers.
struct IstioErrors: Sendable {
  var value: IstioError?

  mutating func append(_ e: IstioError?) { value = IstioValidation.join(value, e) }
  mutating func append(_ message: String) { value = IstioValidation.join(value, .one(message)) }
  /// `multierror.Append`.
  mutating func multiAppend(_ message: String) { value = IstioValidation.multiAppend(value, message) }
}

/// Go's `time.ParseDuration`, in nanoseconds.
enum GoDuration {
  static func parse(_ text: String) -> Int64? {
    var s = Substring(text)
    var negative = false
    if s.first == "-" || s.first == "+" {
      negative = s.first == "-"
      s = s.dropFirst()
    }
    if s == "0" { return 0 }
    guard !s.isEmpty else { return nil }
    var total: Double = 0
    while !s.isEmpty {
      let numberEnd = s.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? s.endIndex
      let number = s[..<numberEnd]
      guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number) else { return nil }
      s = s[numberEnd...]
      let unitEnd = s.firstIndex { $0.isASCII && ($0.isNumber || $0 == ".") } ?? s.endIndex
      let unit = s[..<unitEnd]
      s = s[unitEnd...]
      let scale: Double
      switch unit {
      case "ns": scale = 1
      case "us", "µs", "μs": scale = 1e3
      case "ms": scale = 1e6
      case "s": scale = 1e9
      case "m": scale = 60e9
      case "h": scale = 3600e9
      default: return nil
      }
      total += value * scale
    }
    guard total < 9.3e18 else { return nil }
    let ns = Int64(total.rounded())
    return negative ? -ns : ns
  }

  /// Istio's `ValidateDuration` on a parsed duration.
  static func istioCheck(_ nanoseconds: Int64) -> String? {
    if nanoseconds < 1_000_000 { return "duration must be greater than 1ms" }
    if nanoseconds % 1_000_000 != 0 { return "only durations to ms precision are supported" }
    return nil
  }
}
