/// Command-line flags parsed exactly as Go's `flag` package parses them, so the workload
/// programs accept every spelling the Go originals accept (`-addr=:8080`, `--repeat 100`,
/// `--insecure`, `--insecure=true`) and reject the rest with Go's own messages.
///
/// Parsing stops at the first non-flag argument, at a lone `-`, or after `--`. Boolean flags
/// take a value only as `-flag=value`.
public struct GoFlagSet: Sendable {
  /// A flag's type, which decides how its value parses and how usage names it.
  public enum Kind: Sendable, Equatable {
    case bool, string, int, duration, stringList
  }

  /// A parsed flag value.
  public enum Value: Sendable, Equatable {
    case bool(Bool)
    case string(String)
    case int(Int)
    case duration(Duration)
    case stringList([String])
  }

  struct Definition: Sendable {
    var name: String
    var kind: Kind
    var defaultValue: Value
    var usage: String
  }

  /// Why parsing stopped.
  public enum ParseError: Error, Equatable, Sendable {
    /// `-h`, `-help` or `--help` was given and is not a defined flag.
    case helpRequested
    /// A Go-worded message such as `flag provided but not defined: -x`.
    case invalid(String)
  }

  /// `Usage of <name>:` heads the usage text; nil gives Go's unnamed `Usage:`.
  public var name: String?
  private var definitions: [String: Definition] = [:]

  public init(name: String?) {
    self.name = name
  }

  public mutating func bool(_ name: String, default value: Bool = false, usage: String) {
    define(name, .bool, .bool(value), usage)
  }

  public mutating func string(_ name: String, default value: String = "", usage: String) {
    define(name, .string, .string(value), usage)
  }

  public mutating func int(_ name: String, default value: Int = 0, usage: String) {
    define(name, .int, .int(value), usage)
  }

  public mutating func duration(_ name: String, default value: Duration = .zero, usage: String) {
    define(name, .duration, .duration(value), usage)
  }

  /// A repeatable string flag: every occurrence appends.
  public mutating func stringList(_ name: String, usage: String) {
    define(name, .stringList, .stringList([]), usage)
  }

  private mutating func define(_ name: String, _ kind: Kind, _ value: Value, _ usage: String) {
    definitions[name] = Definition(name: name, kind: kind, defaultValue: value, usage: usage)
  }

  /// Parses `arguments` (without the program name).
  public func parse(_ arguments: [String]) throws(ParseError) -> GoFlags {
    var values: [String: Value] = [:]
    var args = arguments[...]
    while let arg = args.first {
      let bytes = Array(arg.utf8)
      if bytes.count < 2 || bytes[0] != UInt8(ascii: "-") { break }
      var dashes = 1
      if bytes[1] == UInt8(ascii: "-") {
        dashes = 2
        if bytes.count == 2 {
          args = args.dropFirst()
          break
        }
      }
      var name = String(arg.dropFirst(dashes))
      if name.isEmpty || name.hasPrefix("-") || name.hasPrefix("=") {
        throw .invalid("bad flag syntax: \(arg)")
      }
      args = args.dropFirst()
      var value: String?
      if let eq = name.dropFirst().firstIndex(of: "=") {
        value = String(name[name.index(after: eq)...])
        name = String(name[..<eq])
      }
      guard let definition = definitions[name] else {
        if name == "help" || name == "h" { throw .helpRequested }
        throw .invalid("flag provided but not defined: -\(name)")
      }
      if definition.kind == .bool {
        guard let text = value else {
          values[name] = .bool(true)
          continue
        }
        guard let parsed = Self.parseBool(text) else {
          throw .invalid("invalid boolean value \(goQuote(text)) for -\(name): parse error")
        }
        values[name] = .bool(parsed)
        continue
      }
      if value == nil, let next = args.first {
        value = next
        args = args.dropFirst()
      }
      guard let text = value else { throw .invalid("flag needs an argument: -\(name)") }
      let invalid = ParseError.invalid("invalid value \(goQuote(text)) for flag -\(name): parse error")
      switch definition.kind {
      case .string: values[name] = .string(text)
      case .int:
        guard let n = Self.parseInt(text) else { throw invalid }
        values[name] = .int(n)
      case .duration:
        guard let d = GoDuration.parse(text) else { throw invalid }
        values[name] = .duration(d)
      case .stringList:
        var list: [String] = []
        if case .stringList(let existing)? = values[name] { list = existing }
        values[name] = .stringList(list + [text])
      case .bool: break
      }
    }
    var result = GoFlags(arguments: Array(args))
    for (name, definition) in definitions {
      result.values[name] = values[name] ?? definition.defaultValue
      result.setExplicitly[name] = values[name] != nil
    }
    return result
  }

  /// The usage text Go's default `Usage` prints: a heading, then each flag sorted by name.
  public func usage() -> String {
    var out = name.map { "Usage of \($0):\n" } ?? "Usage:\n"
    for definition in definitions.values.sorted(by: { $0.name < $1.name }) {
      var line = "  -\(definition.name)"
      let (typeName, text) = Self.unquoteUsage(definition)
      if !typeName.isEmpty { line += " " + typeName }
      line += line.utf8.count <= 4 ? "\t" : "\n    \t"
      line += text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    \t")
      switch definition.defaultValue {
      case .string(let s) where !s.isEmpty: line += " (default \(goQuote(s)))"
      case .bool(true): line += " (default true)"
      case .int(let n) where n != 0: line += " (default \(n))"
      case .duration(let d) where d != .zero: line += " (default \(GoDuration.format(d)))"
      default: break
      }
      out += line + "\n"
    }
    return out
  }

  /// Go's `UnquoteUsage`: a back-quoted word in the usage names the value; else the type does.
  private static func unquoteUsage(_ definition: Definition) -> (String, String) {
    let usage = definition.usage
    if let open = usage.firstIndex(of: "`") {
      let afterOpen = usage.index(after: open)
      if let close = usage[afterOpen...].firstIndex(of: "`") {
        let name = String(usage[afterOpen..<close])
        let text = String(usage[..<open]) + name + String(usage[usage.index(after: close)...])
        return (name, text)
      }
    }
    switch definition.kind {
    case .bool: return ("", usage)
    case .string: return ("string", usage)
    case .int: return ("int", usage)
    case .duration: return ("duration", usage)
    case .stringList: return ("value", usage)
    }
  }

  /// Go's `strconv.ParseBool`.
  static func parseBool(_ text: String) -> Bool? {
    switch text {
    case "1", "t", "T", "true", "TRUE", "True": return true
    case "0", "f", "F", "false", "FALSE", "False": return false
    default: return nil
    }
  }

  /// Go's `strconv.ParseInt(s, 0, 64)`: decimal, `0x` hex, `0o`/leading-0 octal, `0b` binary, `_` separators.
  static func parseInt(_ text: String) -> Int? {
    var s = Substring(text)
    var negative = false
    if let f = s.first, f == "+" || f == "-" {
      negative = f == "-"
      s = s.dropFirst()
    }
    var radix = 10
    let lower = s.lowercased()
    if lower.hasPrefix("0x") { radix = 16; s = s.dropFirst(2) }
    else if lower.hasPrefix("0b") { radix = 2; s = s.dropFirst(2) }
    else if lower.hasPrefix("0o") { radix = 8; s = s.dropFirst(2) }
    else if s.count > 1 && s.hasPrefix("0") { radix = 8; s = s.dropFirst() }
    let digits = s.filter { $0 != "_" }
    guard !digits.isEmpty, let magnitude = Int(digits, radix: radix) else { return nil }
    return negative ? -magnitude : magnitude
  }
}

/// The result of parsing: every defined flag's value (given or default) and the arguments left.
public struct GoFlags: Sendable {
  /// Arguments after the flags.
  public var arguments: [String]
  var values: [String: GoFlagSet.Value] = [:]
  var setExplicitly: [String: Bool] = [:]

  init(arguments: [String]) {
    self.arguments = arguments
  }

  /// Whether the flag appeared on the command line (Go's `flag.Visit`).
  public func isSet(_ name: String) -> Bool { setExplicitly[name] ?? false }

  public func bool(_ name: String) -> Bool {
    if case .bool(let v)? = values[name] { return v }
    preconditionFailure("flag -\(name) is not a defined bool flag")
  }

  public func string(_ name: String) -> String {
    if case .string(let v)? = values[name] { return v }
    preconditionFailure("flag -\(name) is not a defined string flag")
  }

  public func int(_ name: String) -> Int {
    if case .int(let v)? = values[name] { return v }
    preconditionFailure("flag -\(name) is not a defined int flag")
  }

  public func duration(_ name: String) -> Duration {
    if case .duration(let v)? = values[name] { return v }
    preconditionFailure("flag -\(name) is not a defined duration flag")
  }

  public func stringList(_ name: String) -> [String] {
    if case .stringList(let v)? = values[name] { return v }
    preconditionFailure("flag -\(name) is not a defined list flag")
  }
}

/// Go's `%q` for the strings flags carry: double quotes, with `"` and `\` escaped and control
/// characters as escapes.
public func goQuote(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7f {
        let hex = String(scalar.value, radix: 16)
        out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out + "\""
}

/// What a Go program using the global `flag.Parse()` (ExitOnError) does with a parse error:
/// prints the message and usage to stderr; returns the exit status (0 for help, else 2).
public func reportFlagError(_ error: GoFlagSet.ParseError, _ flagSet: GoFlagSet) -> Int32 {
  switch error {
  case .helpRequested:
    writeStderr(flagSet.usage())
    return 0
  case .invalid(let message):
    writeStderr(message + "\n" + flagSet.usage())
    return 2
  }
}
