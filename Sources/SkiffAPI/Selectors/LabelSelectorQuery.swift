/// A label selector as written in `-l` and `?labelSelector=`: `app=x,version!=v2`,
/// `env in (a,b)`, `tier notin (c)`, `gpu`, `!canary` (apimachinery `labels.Parse`).
public struct LabelSelectorQuery: Sendable, Equatable {
  public enum Requirement: Sendable, Equatable {
    case equals(String, String)
    case notEquals(String, String)
    case `in`(String, Set<String>)
    case notIn(String, Set<String>)
    case exists(String)
    case doesNotExist(String)

    func matches(_ labels: [String: String]) -> Bool { matches { labels[$0] } }

    func matches(_ label: (String) -> String?) -> Bool {
      switch self {
      case .equals(let k, let v): return label(k) == v
      case .notEquals(let k, let v): return label(k) != v
      case .in(let k, let vs): return label(k).map { vs.contains($0) } ?? false
      case .notIn(let k, let vs): return label(k).map { !vs.contains($0) } ?? true
      case .exists(let k): return label(k) != nil
      case .doesNotExist(let k): return label(k) == nil
      }
    }
  }

  public var requirements: [Requirement]

  /// Everything matches.
  public static let everything = LabelSelectorQuery(requirements: [])

  public init(requirements: [Requirement]) { self.requirements = requirements }

  /// Parses the text form; the error says what is wrong where, as apimachinery does.
  public init(parsing text: String) throws(SelectorError) {
    var requirements: [Requirement] = []
    for raw in Self.splitTopLevel(text) {
      let part = raw.trimmingSpaces
      if part.isEmpty { continue }
      if let r = Self.parseSetRequirement(part, keyword: " notin ") {
        requirements.append(.notIn(r.0, r.1))
      } else if let r = Self.parseSetRequirement(part, keyword: " in ") {
        requirements.append(.in(r.0, r.1))
      } else if let range = part.firstRange(of: "!=") {
        requirements.append(.notEquals(String(part[..<range.lowerBound]).trimmingSpaces, String(part[range.upperBound...]).trimmingSpaces))
      } else if let range = part.firstRange(of: "==") {
        requirements.append(.equals(String(part[..<range.lowerBound]).trimmingSpaces, String(part[range.upperBound...]).trimmingSpaces))
      } else if let eq = part.firstIndex(of: "=") {
        requirements.append(.equals(String(part[..<eq]).trimmingSpaces, String(part[part.index(after: eq)...]).trimmingSpaces))
      } else if part.hasPrefix("!") {
        requirements.append(.doesNotExist(String(part.dropFirst()).trimmingSpaces))
      } else {
        requirements.append(.exists(part))
      }
    }
    for r in requirements {
      let key: String
      switch r {
      case .equals(let k, _), .notEquals(let k, _), .in(let k, _), .notIn(let k, _), .exists(let k), .doesNotExist(let k): key = k
      }
      if key.isEmpty || key.contains(" ") || key.contains("(") {
        throw SelectorError(message: "unable to parse requirement: invalid label key \"\(key)\"")
      }
    }
    self.requirements = requirements
  }

  public func matches(_ labels: [String: String]) -> Bool { requirements.allSatisfy { $0.matches(labels) } }

  /// Whether an object's `metadata.labels` match, read in place (a LIST filters thousands of
  /// objects; building a dictionary of each one's labels cost more than the matching).
  public func matches(object: JSONValue) -> Bool {
    if requirements.isEmpty { return true }
    let labels = object.value(at: ["metadata", "labels"])?.objectValue
    return requirements.allSatisfy { requirement in requirement.matches { labels?[$0]?.stringValue } }
  }

  public var isEverything: Bool { requirements.isEmpty }

  /// Splits on commas that are not inside parentheses.
  static func splitTopLevel(_ text: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var depth = 0
    for c in text {
      if c == "(" { depth += 1 }
      if c == ")" { depth -= 1 }
      if c == "," && depth == 0 {
        parts.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    parts.append(current)
    return parts
  }

  static func parseSetRequirement(_ part: String, keyword: String) -> (String, Set<String>)? {
    guard let range = part.firstRange(of: keyword), part.hasSuffix(")"),
      let open = part[range.upperBound...].firstIndex(of: "(")
    else { return nil }
    let key = String(part[..<range.lowerBound]).trimmingSpaces
    let inner = part[part.index(after: open)..<part.index(before: part.endIndex)]
    let values = Set(inner.split(separator: ",").map { String($0).trimmingSpaces })
    return (key, values)
  }
}

/// A field selector (`?fieldSelector=metadata.name=x,status.phase!=Running`): equality
/// requirements on dotted JSON paths.
public struct FieldSelectorQuery: Sendable, Equatable {
  public var requirements: [(path: String, value: String, equal: Bool)]

  public static func == (a: FieldSelectorQuery, b: FieldSelectorQuery) -> Bool {
    a.requirements.elementsEqual(b.requirements) { $0.path == $1.path && $0.value == $1.value && $0.equal == $1.equal }
  }

  public init(parsing text: String) throws(SelectorError) {
    var requirements: [(String, String, Bool)] = []
    for raw in text.split(separator: ",") {
      let part = String(raw).trimmingSpaces
      if let r = part.firstRange(of: "!=") {
        requirements.append((String(part[..<r.lowerBound]), String(part[r.upperBound...]), false))
      } else if let r = part.firstRange(of: "==") {
        requirements.append((String(part[..<r.lowerBound]), String(part[r.upperBound...]), true))
      } else if let eq = part.firstIndex(of: "=") {
        requirements.append((String(part[..<eq]), String(part[part.index(after: eq)...]), true))
      } else {
        throw SelectorError(message: "invalid selector: '\(text)'; can't understand '\(part)'")
      }
    }
    self.requirements = requirements
  }

  /// Whether the object's fields satisfy every requirement (a missing field reads as "").
  public func matches(_ object: JSONValue) -> Bool {
    requirements.allSatisfy { r in
      let value = object.value(at: r.path.split(separator: ".").map(String.init))
      let text: String
      switch value {
      case .string(let s)?: text = s
      case .int(let i)?: text = String(i)
      case .bool(let b)?: text = String(b)
      default: text = ""
      }
      return (text == r.value) == r.equal
    }
  }
}

public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
