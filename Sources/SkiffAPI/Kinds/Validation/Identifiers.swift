/// Kubernetes' checks on names, keys and numbers (apimachinery `pkg/util/validation` and
/// `pkg/api/validate/content`): each returns the list of messages a bad value earns, worded
/// exactly as Kubernetes words them, and nothing for a good value.
enum Identifiers {
  static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
  static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
  static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
  static let labelKeyFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
  static let labelValueFormat = "(" + labelKeyFormat + ")?"

  /// `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`, double space included,
  /// as Go's `RegexError` builds it.
  static func regexError(_ message: String, _ format: String, _ examples: String...) -> String {
    guard !examples.isEmpty else { return "\(message) (regex used for validation is '\(format)')" }
    var out = message + " (e.g. "
    for (i, example) in examples.enumerated() {
      if i > 0 { out += " or " }
      out += "'\(example)', "
    }
    return out + "regex used for validation is '\(format)')"
  }

  static func maxLength(_ n: Int) -> String { "must be no more than \(n) characters" }

  static func inclusiveRange(_ lo: Int64, _ hi: Int64) -> String { "must be between \(lo) and \(hi), inclusive" }

  // MARK: Character classes

  static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) }
  static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 0x41 && c <= 0x5a) }
  static func isLowerAlpha(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7a }

  static func matchesDNS1123Label(_ s: Substring.UTF8View) -> Bool {
    guard let first = s.first, let last = s.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
    return s.allSatisfy { isLowerAlnum($0) || $0 == 0x2d }
  }

  static func matchesDNS1123Subdomain(_ s: String) -> Bool {
    guard !s.isEmpty else { return false }
    return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { matchesDNS1123Label($0.utf8) }
  }

  static func matchesLabelKeyName(_ s: Substring) -> Bool {
    let u = s.utf8
    guard let first = u.first, let last = u.last, isAlnum(first), isAlnum(last) else { return false }
    return u.allSatisfy { isAlnum($0) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }
  }

  // MARK: DNS names

  static func dns1123Label(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > 63 { errs.append(maxLength(63)) }
    if !matchesDNS1123Label(Substring(value).utf8) {
      if matchesDNS1123Subdomain(value) {
        errs.append("must not contain dots")
      } else {
        errs.append(regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          dns1123LabelFormat, "my-name", "123-abc"))
      }
    }
    return errs
  }

  static func dns1123Subdomain(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > 253 { errs.append(maxLength(253)) }
    if !matchesDNS1123Subdomain(value) {
      errs.append(regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123SubdomainFormat, "example.com"))
    }
    return errs
  }

  static func dns1035Label(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > 63 { errs.append(maxLength(63)) }
    let u = value.utf8
    let ok = u.first.map(isLowerAlpha) == true && u.last.map(isLowerAlnum) == true
      && u.allSatisfy { isLowerAlnum($0) || $0 == 0x2d }
    if !ok {
      errs.append(regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFormat, "my-name", "abc-123"))
    }
    return errs
  }

  /// `NameIsDNSSubdomain` etc. with `prefix`: a generateName may end in '-'.
  static func maskTrailingDash(_ name: String) -> String {
    guard name.utf8.count > 1, name.hasSuffix("-") else { return name }
    return String(name.dropLast(2)) + "a"
  }

  // MARK: Labels

  /// A label key (a "qualified name"): `[prefix/]name`.
  static func labelKey(_ value: String) -> [String] {
    let labelKeyMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    var errs: [String] = []
    let parts = value.split(separator: "/", omittingEmptySubsequences: false)
    let name: Substring
    switch parts.count {
    case 1:
      name = parts[0]
    case 2:
      let prefix = String(parts[0])
      name = parts[1]
      if prefix.isEmpty {
        errs.append("prefix part must be non-empty")
      } else {
        errs += dns1123Subdomain(prefix).map { "prefix part " + $0 }
      }
    default:
      return ["a valid label key " + regexError(labelKeyMessage, labelKeyFormat, "MyName", "my.name", "123-abc")
        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    }
    if name.isEmpty {
      errs.append("name part must be non-empty")
    } else if name.utf8.count > 63 {
      errs.append("name part " + maxLength(63))
    }
    if !matchesLabelKeyName(name) {
      errs.append("name part " + regexError(labelKeyMessage, labelKeyFormat, "MyName", "my.name", "123-abc"))
    }
    return errs
  }

  static func labelValue(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > 63 { errs.append(maxLength(63)) }
    if !value.isEmpty && !matchesLabelKeyName(Substring(value)) {
      errs.append(regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValueFormat, "MyValue", "my_value", "12345"))
    }
    return errs
  }

  // MARK: Ports and protocols

  static func portNumber(_ port: Int64) -> [String] {
    (1...65535).contains(port) ? [] : [inclusiveRange(1, 65535)]
  }

  /// An IANA_SVC_NAME: at most 15 of `[-a-z0-9]`, at least one letter, no `--`, no edge '-'.
  static func portName(_ port: String) -> [String] {
    var errs: [String] = []
    let u = port.utf8
    if u.count > 15 { errs.append(maxLength(15)) }
    if u.isEmpty || !u.allSatisfy({ isLowerAlnum($0) || $0 == 0x2d }) {
      errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    }
    if !u.contains(where: isLowerAlpha) { errs.append("must contain at least one letter (a-z)") }
    if port.contains("--") { errs.append("must not contain consecutive hyphens") }
    if let f = u.first, let l = u.last, f == 0x2d || l == 0x2d { errs.append("must not begin or end with a hyphen") }
    return errs
  }

  static func percent(_ value: String) -> [String] {
    let u = value.utf8
    let ok = u.count >= 2 && u.last == 0x25 && u.dropLast().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    return ok ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%")]
  }

  // MARK: Environment, config keys, headers

  /// Relaxed rules (gate RelaxedEnvironmentVariableValidation, on by default since 1.32, GA 1.34).
  static func envVarName(_ value: String) -> [String] {
    var errs: [String] = []
    if value.isEmpty { errs.append("environment variable name must be non-empty") }
    if value.unicodeScalars.contains(where: { $0.value > 127 || $0.value < 0x20 || $0.value == 0x7f || $0 == "=" }) {
      errs.append("a valid environment variable name must consist only of printable ASCII characters other than '='")
    }
    return errs
  }

  static func configMapKey(_ value: String) -> [String] {
    var errs: [String] = []
    if value.utf8.count > 253 { errs.append(maxLength(253)) }
    let u = value.utf8
    if u.isEmpty || !u.allSatisfy({ isAlnum($0) || $0 == 0x2d || $0 == 0x2e || $0 == 0x5f }) {
      errs.append(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"))
    }
    if value == "." {
      errs.append("must not be '.'")
    } else if value == ".." {
      errs.append("must not be '..'")
    } else if value.hasPrefix("..") {
      errs.append("must not start with '..'")
    }
    return errs
  }

  static func httpHeaderName(_ value: String) -> [String] {
    let u = value.utf8
    let ok = !u.isEmpty && u.allSatisfy { isAlnum($0) || $0 == 0x2d }
    return ok ? [] : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+", "X-Header-Name")]
  }

  /// Names that become path segments in REST URLs (`ValidatePathSegmentName`).
  static func pathSegmentName(_ name: String, prefix: Bool) -> [String] {
    if !prefix {
      if name == "." { return ["may not be '.'"] }
      if name == ".." { return ["may not be '..'"] }
    }
    var errs: [String] = []
    if name.contains("/") { errs.append("may not contain '/'") }
    if name.contains("%") { errs.append("may not contain '%'") }
    return errs
  }
}
