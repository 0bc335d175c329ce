/// A `StringMatcher` ready to run: regexes compiled once when the snapshot is taken.
struct CompiledStringMatcher: Sendable {
  enum Kind: Sendable {
    case exact(String)
    case prefix(String)
    case regex(PatternRegex)
  }

  let kind: Kind
  let ignoreCase: Bool

  init(_ matcher: StringMatcher, ignoreCase: Bool = false) throws(MeshConfigError) {
    self.ignoreCase = ignoreCase
    switch matcher {
    case .exact(let value): kind = .exact(ignoreCase ? value.lowercased() : value)
    case .prefix(let value): kind = .prefix(ignoreCase ? value.lowercased() : value)
    case .regex(let pattern):
      do {
        kind = .regex(PatternRegex(try Regex(pattern)))
      } catch {
        throw MeshConfigError(.invalid, "regex \"\(pattern)\" does not compile: \(error)")
      }
    }
  }

  func matches(_ value: some StringProtocol) -> Bool {
    switch kind {
    case .exact(let expected): return ignoreCase ? value.lowercased() == expected : value == expected
    case .prefix(let prefix): return ignoreCase ? value.lowercased().hasPrefix(prefix) : value.hasPrefix(prefix)
    // RE2 semantics in Istio: the regex must match the whole value.
    case .regex(let regex): return (try? regex.regex.wholeMatch(in: String(value))) != nil
    }
  }
}

/// A `RouteMatch` with its string matchers compiled.
struct CompiledRouteMatch: Sendable {
  let port: Int?
  let uri: CompiledStringMatcher?
  let scheme: CompiledStringMatcher?
  let method: CompiledStringMatcher?
  let authority: CompiledStringMatcher?
  let headers: [(name: String, matcher: CompiledStringMatcher?)]
  let withoutHeaders: [(name: String, matcher: CompiledStringMatcher?)]
  let queryParams: [(name: String, matcher: CompiledStringMatcher?)]

  init(_ match: RouteMatch) throws(MeshConfigError) {
    port = match.port
    uri = try match.uri.map { m throws(MeshConfigError) in try CompiledStringMatcher(m, ignoreCase: match.ignoreUriCase) }
    scheme = try match.scheme.map { m throws(MeshConfigError) in try CompiledStringMatcher(m) }
    method = try match.method.map { m throws(MeshConfigError) in try CompiledStringMatcher(m) }
    authority = try match.authority.map { m throws(MeshConfigError) in try CompiledStringMatcher(m) }
    func compile(_ list: [HeaderMatcher]) throws(MeshConfigError) -> [(name: String, matcher: CompiledStringMatcher?)] {
      var out: [(name: String, matcher: CompiledStringMatcher?)] = []
      for header in list {
        out.append((header.name, try header.match.map { m throws(MeshConfigError) in try CompiledStringMatcher(m) }))
      }
      return out
    }
    headers = try compile(match.headers)
    withoutHeaders = try compile(match.withoutHeaders)
    queryParams = try compile(match.queryParams)
  }

  /// Whether every condition holds for `request` sent to `port`.
  func matches(_ request: RequestHead, port requestPort: Int) -> Bool {
    if let port, port != requestPort { return false }
    if let uri, !uri.matches(request.pathWithoutQuery) { return false }
    if let scheme, !scheme.matches(request.scheme) { return false }
    if let method, !method.matches(request.method) { return false }
    if let authority, !authority.matches(request.authority) { return false }
    for (name, matcher) in headers {
      guard let value = request.header(name) else { return false }
      if let matcher, !matcher.matches(value) { return false }
    }
    for (name, matcher) in withoutHeaders {
      if let value = request.header(name), matcher?.matches(value) ?? true { return false }
    }
    for (name, matcher) in queryParams {
      guard let value = request.queryParameter(name) else { return false }
      if let matcher, !matcher.matches(value) { return false }
    }
    return true
  }
}

/// A regex compiled from a pattern string.
///
/// `@unchecked Sendable` is safe: `Regex<AnyRegexOutput>` is not Sendable only because
/// `AnyRegexOutput` may hold values of custom regex components, and one parsed from a
/// string holds only substrings of the input; the regex itself is an immutable value whose
/// lazily lowered program is published with an atomic compare-and-exchange in the standard
/// library, so concurrent matches are safe.
struct PatternRegex: @unchecked Sendable {
  let regex: Regex<AnyRegexOutput>

  init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
}
