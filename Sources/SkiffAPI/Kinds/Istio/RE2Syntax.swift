/// Go's `regexp.Compile` verdict on a pattern (RE2 syntax, Perl flags), with Go's error
/// text: `error parsing regexp: missing closing ]: `[a-z``. Istio compiles match regexes
/// with Go, so a pattern is valid exactly when Go accepts it; Swift's `Regex` then backs
/// the check up for anything this scanner lets through.
enum RE2Syntax {
  static func check(_ pattern: String) -> String? {
    if let problem = scan(pattern) { return "error parsing regexp: \(problem.code): `\(problem.expr)`" }
    do {
      _ = try Regex(pattern)
    } catch {
      return "error parsing regexp: \(error)"
    }
    return nil
  }

  struct Problem: Equatable {
    var code: String
    var expr: String
  }

  /// A walk over the pattern with Go's parser's rules for brackets, groups, escapes and
  /// repetition operators.
  static func scan(_ pattern: String) -> Problem? {
    let s = Array(pattern.unicodeScalars)
    func text(_ from: Int, _ to: Int) -> String {
      var out = String.UnicodeScalarView()
      out.append(contentsOf: s[from..<min(to, s.count)])
      return String(out)
    }
    // Whether the previous item can take a repetition operator, and where the previous
    // repetition started (for `invalid nested repetition operator`).
    var canRepeat = false
    var lastRepeatStart: Int?
    var depth = 0
    var i = 0
    while i < s.count {
      let c = s[i]
      switch c {
      case "(":
        if i + 1 < s.count && s[i + 1] == "?" {
          if let problem = perlGroup(s, i, text) { return problem }
          // Flags only (`(?i)`) close right away; otherwise a group opens.
          var j = i + 2
          while j < s.count && s[j] != ":" && s[j] != ")" && s[j] != ">" { j += 1 }
          if j < s.count && s[j] == ")" {
            i = j + 1
            canRepeat = false
            lastRepeatStart = nil
            continue
          }
          depth += 1
          i = j + 1
        } else {
          depth += 1
          i += 1
        }
        canRepeat = false
        lastRepeatStart = nil
      case ")":
        if depth == 0 { return Problem(code: "unexpected )", expr: pattern) }
        depth -= 1
        i += 1
        canRepeat = true
        lastRepeatStart = nil
      case "|":
        i += 1
        canRepeat = false
        lastRepeatStart = nil
      case "*", "+", "?", "{":
        var end = i + 1
        if c == "{" {
          guard let (close, min, max) = repeatCount(s, i) else {
            // Not a repeat count: a literal brace.
            i += 1
            canRepeat = true
            lastRepeatStart = nil
            continue
          }
          end = close + 1
          if max > 1000 || min > 1000 || (max >= 0 && min > max) {
            return Problem(code: "invalid repeat count", expr: text(i, end))
          }
        }
        if end < s.count && s[end] == "?" { end += 1 }
        if let start = lastRepeatStart { return Problem(code: "invalid nested repetition operator", expr: text(start, end)) }
        if !canRepeat { return Problem(code: "missing argument to repetition operator", expr: text(i, end)) }
        lastRepeatStart = i
        i = end
      case "[":
        switch classEnd(s, i, text) {
        case .failure(let problem): return problem
        case .success(let after): i = after
        }
        canRepeat = true
        lastRepeatStart = nil
      case "\\":
        switch escape(s, i, inClass: false, text) {
        case .failure(let problem): return problem
        case .success(let after): i = after
        }
        canRepeat = true
        lastRepeatStart = nil
      default:
        i += 1
        canRepeat = true
        lastRepeatStart = nil
      }
    }
    if depth > 0 { return Problem(code: "missing closing )", expr: pattern) }
    return nil
  }

  /// `(?` groups: flags, non-capturing, named captures; lookarounds are not RE2.
  private static func perlGroup(_ s: [Unicode.Scalar], _ i: Int, _ text: (Int, Int) -> String) -> Problem? {
    let rest = text(i, s.count)
    if rest.hasPrefix("(?P<") || rest.hasPrefix("(?<") {
      let begin = rest.hasPrefix("(?P<") ? 4 : 3
      guard let close = s[(i + begin)...].firstIndex(of: ">") else {
        return Problem(code: "invalid named capture", expr: rest)
      }
      let name = text(i + begin, close)
      let valid = !name.isEmpty && name.unicodeScalars.allSatisfy {
        $0 == "_" || ($0.properties.isAlphabetic && $0.isASCII) || ($0.value >= 0x30 && $0.value <= 0x39)
      }
      return valid ? nil : Problem(code: "invalid named capture", expr: text(i, close + 1))
    }
    var j = i + 2
    var sawFlag = false
    var sawMinus = false
    while j < s.count {
      switch s[j] {
      case "i", "m", "s", "U":
        sawFlag = true
        j += 1
        continue
      case "-":
        if sawMinus { return Problem(code: "invalid or unsupported Perl syntax", expr: text(i, j + 1)) }
        sawMinus = true
        sawFlag = false
        j += 1
        continue
      case ":", ")":
        if sawMinus && !sawFlag { return Problem(code: "invalid or unsupported Perl syntax", expr: text(i, j + 1)) }
        return nil
      default:
        return Problem(code: "invalid or unsupported Perl syntax", expr: text(i, j + 1))
      }
    }
    return Problem(code: "missing closing )", expr: text(0, s.count))
  }

  /// `{n}`, `{n,}`, `{n,m}` at `i`: the index of `}` and the counts (max -1 for none).
  private static func repeatCount(_ s: [Unicode.Scalar], _ i: Int) -> (Int, Int, Int)? {
    var j = i + 1
    func number() -> Int? {
      let start = j
      while j < s.count, s[j].value >= 0x30 && s[j].value <= 0x39 { j += 1 }
      guard j > start else { return nil }
      let digits = s[start..<j].map { Character($0) }
      return Int(String(digits)) ?? Int.max
    }
    guard let min = number() else { return nil }
    var max = min
    if j < s.count && s[j] == "," {
      j += 1
      max = number() ?? -1
    }
    guard j < s.count && s[j] == "}" else { return nil }
    return (j, min, max)
  }

  private enum Step {
    case success(Int)
    case failure(Problem)
  }

  /// A character class from `[` at `i` to just past its `]`.
  private static func classEnd(_ s: [Unicode.Scalar], _ i: Int, _ text: (Int, Int) -> String) -> Step {
    let missing = Step.failure(Problem(code: "missing closing ]", expr: text(i, s.count)))
    var j = i + 1
    if j < s.count && s[j] == "^" { j += 1 }
    var first = true
    while j >= s.count || s[j] != "]" || first {
      guard j < s.count else { return missing }
      first = false
      if s[j] == "[", j + 1 < s.count, s[j + 1] == ":" {
        var k = j + 2
        while k + 1 < s.count && !(s[k] == ":" && s[k + 1] == "]") { k += 1 }
        if k + 1 < s.count {
          j = k + 2
          continue
        }
      }
      let rangeStart = j
      let (lo, afterLo) = classChar(s, j, missing: missing, text)
      guard case .success(var k) = afterLo else { return afterLo }
      if k + 1 < s.count && s[k] == "-" && s[k + 1] != "]" {
        let (hi, afterHi) = classChar(s, k + 1, missing: missing, text)
        guard case .success(let m) = afterHi else { return afterHi }
        if let lo, let hi, hi < lo { return .failure(Problem(code: "invalid character class range", expr: text(rangeStart, m))) }
        k = m
      }
      j = k
    }
    return .success(j + 1)
  }

  /// One class member at `j`: its scalar value (nil for a class escape like `\d`) and
  /// where the next member starts.
  private static func classChar(_ s: [Unicode.Scalar], _ j: Int, missing: Step, _ text: (Int, Int) -> String)
    -> (UInt32?, Step)
  {
    guard j < s.count else { return (nil, missing) }
    guard s[j] == "\\" else { return (s[j].value, .success(j + 1)) }
    let step = escape(s, j, inClass: true, text)
    guard j + 1 < s.count, !"dDsSwWpP".unicodeScalars.contains(s[j + 1]) else { return (nil, step) }
    return (s[j + 1].value, step)
  }

  /// An escape at `i`: where it ends, or Go's complaint.
  private static func escape(_ s: [Unicode.Scalar], _ i: Int, inClass: Bool, _ text: (Int, Int) -> String) -> Step {
    guard i + 1 < s.count else { return .failure(Problem(code: "trailing backslash at end of expression", expr: "")) }
    let c = s[i + 1]
    if !c.properties.isAlphabetic && !(c.value >= 0x30 && c.value <= 0x39) && c.isASCII {
      return .success(i + 2)  // escaped punctuation is a literal
    }
    switch c {
    case "a", "f", "n", "r", "t", "v", "d", "D", "s", "S", "w", "W":
      return .success(i + 2)
    case "A", "b", "B", "z":
      return inClass ? .failure(Problem(code: "invalid escape sequence", expr: text(i, i + 2))) : .success(i + 2)
    case "0"..."7":
      // `\0` and octal after a leading digit are fine; `\1`..`\7` alone are backreferences.
      if c != "0" && !(i + 2 < s.count && s[i + 2].value >= 0x30 && s[i + 2].value <= 0x37) {
        return .failure(Problem(code: "invalid escape sequence", expr: text(i, i + 2)))
      }
      var j = i + 2
      while j < s.count && j < i + 4 && s[j].value >= 0x30 && s[j].value <= 0x37 { j += 1 }
      return .success(j)
    case "x":
      if i + 2 < s.count && s[i + 2] == "{" {
        guard let close = s[(i + 2)...].firstIndex(of: "}"), close > i + 3,
          s[(i + 3)..<close].allSatisfy({ $0.properties.isASCIIHexDigit })
        else { return .failure(Problem(code: "invalid escape sequence", expr: text(i, min(s.count, i + 3)))) }
        return .success(close + 1)
      }
      guard i + 3 < s.count, s[i + 2].properties.isASCIIHexDigit, s[i + 3].properties.isASCIIHexDigit else {
        return .failure(Problem(code: "invalid escape sequence", expr: text(i, min(s.count, i + 4))))
      }
      return .success(i + 4)
    case "p", "P":
      guard i + 2 < s.count else { return .failure(Problem(code: "invalid character class range", expr: text(i, i + 2))) }
      if s[i + 2] == "{" {
        guard let close = s[(i + 2)...].firstIndex(of: "}") else {
          return .failure(Problem(code: "invalid character class range", expr: text(i, s.count)))
        }
        return .success(close + 1)
      }
      return .success(i + 3)
    case "Q":
      if inClass { return .failure(Problem(code: "invalid escape sequence", expr: text(i, i + 2))) }
      var j = i + 2
      while j + 1 < s.count && !(s[j] == "\\" && s[j + 1] == "E") { j += 1 }
      return .success(j + 1 < s.count ? j + 2 : s.count)
    default:
      return .failure(Problem(code: "invalid escape sequence", expr: text(i, i + 2)))
    }
  }
}
