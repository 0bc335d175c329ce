extension VirtualService {
  /// The API server's checks from the CRD schema (destinations and their hosts required,
  /// enums, durations). Istio's own rules are in `webhookDenial(old:)`.
  public func validate(old: VirtualService?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
    } else {
      errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    }
    guard let spec else { return errs }
    let path = FieldPath("spec")
    for (i, http) in (spec.http ?? []).enumerated() {
      let p = path.child("http").index(i)
      errs += IstioSchema.duration(http.corsPolicy?.maxAge, p.child("corsPolicy").child("maxAge"))
      errs += IstioSchema.oneOf(http.corsPolicy?.unmatchedPreflights, ["UNSPECIFIED", "FORWARD", "IGNORE"],
                                p.child("corsPolicy").child("unmatchedPreflights"))
      if let response = http.directResponse, response.status == nil {
        errs.append(.required(p.child("directResponse").child("status")))
      }
      errs += IstioSchema.duration(http.fault?.delay?.exponentialDelay, p.child("fault").child("delay").child("exponentialDelay"))
      errs += IstioSchema.duration(http.fault?.delay?.fixedDelay, p.child("fault").child("delay").child("fixedDelay"))
      if let mirror = http.mirror, mirror.host == nil { errs.append(.required(p.child("mirror").child("host"))) }
      for (j, mirror) in (http.mirrors ?? []).enumerated() {
        errs += IstioSchema.destination(mirror.destination, p.child("mirrors").index(j).child("destination"))
      }
      errs += IstioSchema.oneOf(http.redirect?.derivePort, ["FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT"],
                                p.child("redirect").child("derivePort"))
      errs += IstioSchema.duration(http.retries?.backoff, p.child("retries").child("backoff"))
      errs += IstioSchema.duration(http.retries?.perTryTimeout, p.child("retries").child("perTryTimeout"))
      for (j, route) in (http.route ?? []).enumerated() {
        errs += IstioSchema.destination(route.destination, p.child("route").index(j).child("destination"))
      }
      errs += IstioSchema.duration(http.timeout, p.child("timeout"))
    }
    for (i, tcp) in (spec.tcp ?? []).enumerated() {
      for (j, route) in (tcp.route ?? []).enumerated() {
        errs += IstioSchema.destination(route.destination, path.child("tcp").index(i).child("route").index(j).child("destination"))
      }
    }
    for (i, tls) in (spec.tls ?? []).enumerated() {
      let p = path.child("tls").index(i)
      if tls.match == nil { errs.append(.required(p.child("match"))) }
      for (j, match) in (tls.match ?? []).enumerated() where match.sniHosts == nil {
        errs.append(.required(p.child("match").index(j).child("sniHosts")))
      }
      for (j, route) in (tls.route ?? []).enumerated() {
        errs += IstioSchema.destination(route.destination, p.child("route").index(j).child("destination"))
      }
    }
    return errs
  }

  /// Istio's `ValidateVirtualService` (mesh semantics: Skiff has no gateways).
  func istioValidation() -> IstioValidation {
    var v = IstioValidation()
    v.append(IstioChecks.metadataChecks(metadata))
    guard v.error == nil else { return v }
    let spec = self.spec ?? VirtualServiceSpec(hosts: nil)
    let hosts = spec.hosts ?? []
    let gateways = spec.gateways ?? []
    if hosts.isEmpty {
      if !gateways.isEmpty { v.append("delegate virtual service must have no gateways specified") }
      if !(spec.tls ?? []).isEmpty { v.append("delegate virtual service must have no tls route specified") }
      if !(spec.tcp ?? []).isEmpty { v.append("delegate virtual service must have no tcp route specified") }
    }
    var appliesToGateway = false
    if !gateways.isEmpty {
      v.append(Self.gatewayNames(gateways))
      appliesToGateway = !gateways.contains("mesh")
    }
    if !appliesToGateway {
      for http in spec.http ?? [] {
        for match in http.match ?? [] {
          for key in ((match.headers ?? [:]).keys.sorted() + (match.withoutHeaders ?? [:]).keys.sorted())
          where key.hasPrefix("@request.auth.claims") {
            v.append("JWT claim based routing (key: \(key)) is only supported for gateway, found no gateways: [\(gateways.joined(separator: " "))]")
          }
        }
      }
    }
    var allHostsValid = true
    for host in hosts {
      // A gateway-bound host may also be a wildcard or an IP; Skiff checks mesh rules.
      if let e = IstioChecks.wildcardDomain(host) {
        if IPAddress.parse(host) == nil {
          v.append(e)
          allHostsValid = false
        }
      } else if !appliesToGateway && host == "*" {
        v.append("wildcard host * is not allowed for virtual services bound to the mesh gateway")
        allHostsValid = false
      }
    }
    if allHostsValid {
      for i in hosts.indices {
        for j in hosts.indices where j > i && Self.hostsMatch(hosts[i], hosts[j]) {
          v.append("duplicate hosts in virtual service: \(hosts[i]) & \(hosts[j])")
        }
      }
    }
    if (spec.http ?? []).isEmpty && (spec.tcp ?? []).isEmpty && (spec.tls ?? []).isEmpty {
      v.append("http, tcp or tls must be provided in virtual service")
    }
    for http in spec.http ?? [] { v.append(Self.httpRoute(http, delegate: hosts.isEmpty)) }
    for tls in spec.tls ?? [] { v.append(Self.tlsRoute(tls, hosts: hosts, gateway: appliesToGateway)) }
    for tcp in spec.tcp ?? [] { v.append(Self.tcpRoute(tcp)) }
    v.append(IstioChecks.exportTo(spec.exportTo, namespace: metadata.namespace ?? "default"))
    for warning in Self.unreachableRules(spec.http ?? []) { v.warn(warning) }
    return v
  }

  /// `host.Name.Matches`: equal, or one wildcard covers the other.
  static func hostsMatch(_ a: String, _ b: String) -> Bool {
    let aWild = a.hasPrefix("*"), bWild = b.hasPrefix("*")
    if aWild && bWild {
      return a.count < b.count ? b.dropFirst().hasSuffix(a.dropFirst()) : a.dropFirst().hasSuffix(b.dropFirst())
    }
    if aWild { return b.hasSuffix(a.dropFirst()) }
    if bWild { return a.hasSuffix(b.dropFirst()) }
    return a == b
  }

  /// `validateGatewayNames`.
  static func gatewayNames(_ names: [String]) -> IstioValidation {
    var v = IstioValidation()
    for name in names {
      let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
      if parts.count != 2 {
        if name.contains(".") {
          let dotted = name.split(separator: ".", omittingEmptySubsequences: false)
          v.warn("using legacy gatewayName format \(IstioChecks.goQuote(name)); prefer the <namespace>/<name> format: \(IstioChecks.goQuote("\(dotted[1])/\(dotted[0])"))")
        }
        v.append(IstioChecks.fqdn(name))
        return v
      }
      if parts[0].isEmpty || parts[1].isEmpty { v.append("config namespace and gateway name cannot be empty") }
      if !IstioChecks.isDNS1123Label(parts[0]) { v.append("invalid value for namespace: \(IstioChecks.goQuote(String(parts[0])))") }
      if !IstioChecks.isDNS1123Label(parts[1]) { v.append("invalid value for gateway name: \(IstioChecks.goQuote(String(parts[1])))") }
    }
    return v
  }

  // MARK: HTTP routes

  /// `validateHTTPRoute`.
  static func httpRoute(_ http: HTTPRoute, delegate: Bool) -> IstioValidation {
    var v = IstioValidation(error: routeConflicts(http, delegate: delegate))
    v.append(matchRequests(http))
    v.append(headerOperations(http.headers))
    v.append(corsPolicy(http.corsPolicy))
    v.append(fault(http.fault))
    let mirrorPercent = http.mirrorPercent ?? http.mirror_percent
    if let mirrorPercent {
      if mirrorPercent > 100 { v.append("mirror_percent must have a max value of 100 (it has \(mirrorPercent))") }
      v.warn("using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead")
    }
    if let value = http.mirrorPercentage?.value {
      if value > 100 { v.append("mirror_percentage must have a max value of 100 (it has \(goFloatF(value)))") }
      if value < 0 { v.append("mirror_percentage must have a min value of 0 (it has \(goFloatF(value)))") }
    }
    v.append(destination(http.mirror))
    v.append(mirrors(http.mirrors))
    v.append(redirect(http.redirect, matches: http.match ?? []))
    if let response = http.directResponse {
      let size = (response.body?.string?.utf8.count ?? 0) + (response.body?.bytes.map { $0.utf8.count * 3 / 4 } ?? 0)
      if size > 1024 * 1024 {
        v.append("large direct_responses may impact control plane performance, must be less than 1MB")
      } else if size > 100 * 1024 {
        v.warn("large direct_responses may impact control plane performance")
      }
      v.append(httpStatus(Int64(response.status ?? 0)))
    }
    v.append(retries(http.retries))
    v.append(rewrite(http.rewrite))
    v.append(authorityRewrite(http))
    v.append(routeDestinations(http.route ?? []))
    v.append(IstioChecks.duration(http.timeout))
    return v
  }

  static func routeConflicts(_ http: HTTPRoute, delegate: Bool) -> IstioError? {
    var errs = IstioErrors()
    if !delegate && http.delegate != nil {
      if http.redirect != nil { errs.append("root HTTP route \(http.name ?? "") must not specify redirect") }
      if http.route != nil { errs.append("root HTTP route \(http.name ?? "") must not specify route") }
      return errs.value
    }
    if delegate && http.delegate != nil { errs.append("delegate HTTP route cannot contain delegate") }
    let routes = http.route ?? []
    if http.redirect != nil {
      if !routes.isEmpty { errs.append("HTTP route cannot contain both route and redirect") }
      if http.fault != nil { errs.append("HTTP route cannot contain both fault and redirect") }
      if http.rewrite != nil { errs.append("HTTP route rule cannot contain both rewrite and redirect") }
      if http.directResponse != nil { errs.append("HTTP route rule cannot contain both direct_response and redirect") }
    } else if http.directResponse != nil {
      if !routes.isEmpty { errs.append("HTTP route cannot contain both route and direct_response") }
      if http.fault != nil { errs.append("HTTP route cannot contain both fault and direct_response") }
      if http.rewrite != nil { errs.append("HTTP route rule cannot contain both rewrite and direct_response") }
    } else if routes.isEmpty {
      errs.append("HTTP route, redirect or direct_response is required")
    }
    if http.mirror != nil && !(http.mirrors ?? []).isEmpty { errs.append("HTTP route cannot contain both mirror and mirrors") }
    return errs.value
  }

  /// `validateHTTPRouteMatchRequest`.
  static func matchRequests(_ http: HTTPRoute) -> IstioError? {
    var errs = IstioErrors()
    for match in http.match ?? [] {
      for (name, header) in (match.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
        errs.append(headerNameOrClaim(name))
        errs.append(stringMatch(header, "headers"))
      }
      for (name, header) in (match.withoutHeaders ?? [:]).sorted(by: { $0.key < $1.key }) {
        errs.append(headerNameOrClaim(name))
        if header.regex != "*" { errs.append(stringMatch(header, "withoutHeaders")) }
      }
      errs.append(stringMatchRegex(match.uri, "uri"))
      errs.append(stringMatch(match.scheme, "scheme"))
      errs.append(stringMatch(match.method, "method"))
      errs.append(stringMatch(match.authority, "authority"))
      for (_, param) in (match.queryParams ?? [:]).sorted(by: { $0.key < $1.key }) {
        errs.append(stringMatch(param, "queryParams"))
      }
    }
    for match in http.match ?? [] {
      if let port = match.port, port != 0 { errs.append(IstioChecks.port(Int64(port))) }
      errs.append(IstioChecks.labels(match.sourceLabels))
      errs.append(gatewayNames(match.gateways ?? []).error)
      if let ns = match.sourceNamespace, !ns.isEmpty, !IstioChecks.isDNS1123Label(Substring(ns)) {
        errs.append("sourceNamespace match \(ns) is invalid")
      }
    }
    return errs.value
  }

  static let pseudoHeaders: Set<String> = [":method", ":scheme", ":authority", ":path", ":status"]

  static func headerNameOrClaim(_ name: String) -> IstioError? {
    if name.isEmpty { return .one("header name cannot be empty") }
    if name.hasPrefix("@request.auth.claims") || pseudoHeaders.contains(name) { return nil }
    return isToken(name) ? nil : .one("header name \(name) is not a valid header name")
  }

  /// RFC 7230 token characters.
  static func isToken(_ name: String) -> Bool {
    let extra = Set("!#$%&'*+-.^_`|~".unicodeScalars)
    return !name.isEmpty && name.unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || ($0.value >= 0x30 && $0.value <= 0x39) || extra.contains($0))
    }
  }

  /// `validateStringMatch`: a prefix may not be empty, a regex must compile.
  static func stringMatch(_ match: StringMatch?, _ location: String) -> IstioError? {
    guard let match else { return nil }
    if match.exact == nil, let prefix = match.prefix {
      return prefix.isEmpty ? .one("\(IstioChecks.goQuote(location)): prefix string match should not be empty") : nil
    }
    return stringMatchRegex(match, location)
  }

  static func stringMatchRegex(_ match: StringMatch?, _ location: String) -> IstioError? {
    guard let match, match.exact == nil, match.prefix == nil, let regex = match.regex else { return nil }
    if regex.isEmpty { return .one("\(IstioChecks.goQuote(location)): regex string match should not be empty") }
    return regexCheck(regex, location)
  }

  static func regexCheck(_ regex: String, _ location: String) -> IstioError? {
    if regex.utf8.count > 1024 { return .one("\(IstioChecks.goQuote(location)): regex is too large, max length allowed is 1024") }
    guard let problem = RE2Syntax.check(regex) else { return nil }
    return .one("\(IstioChecks.goQuote(location)): \(problem); Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)")
  }

  static func headerOperations(_ headers: Headers?) -> IstioError? {
    var errs = IstioErrors()
    func withAuthority(_ name: String) -> IstioError? {
      if name.isEmpty { return .one("header name cannot be empty") }
      let internalHeader = name.hasPrefix(":") || name.lowercased() == "host"
      let authority = name.lowercased() == ":authority" || name.lowercased() == "host"
      return internalHeader && !authority ? .one("invalid header \(IstioChecks.goQuote(name)): header cannot have \":\" prefix") : nil
    }
    func operation(_ name: String) -> IstioError? {
      if name.isEmpty { return .one("header name cannot be empty") }
      if name.lowercased() == "host" { return .one("invalid header \(IstioChecks.goQuote(name)): cannot set Host header") }
      if name.hasPrefix(":") { return .one("invalid header \(IstioChecks.goQuote(name)): header cannot have \":\" prefix") }
      return nil
    }
    func value(_ v: String) -> IstioError? {
      let bad = v.unicodeScalars.contains { ($0.value <= 0x08) || ($0.value >= 0x0a && $0.value <= 0x1f) || $0.value == 0x7f }
      return bad ? .one("header value configuration \(v) is invalid") : nil
    }
    for (name, v) in (headers?.request?.add ?? [:]).sorted(by: { $0.key < $1.key }) {
      errs.append(withAuthority(name))
      errs.append(value(v))
    }
    for (name, v) in (headers?.request?.set ?? [:]).sorted(by: { $0.key < $1.key }) {
      errs.append(withAuthority(name))
      errs.append(value(v))
    }
    for name in headers?.request?.remove ?? [] { errs.append(operation(name)) }
    for (name, v) in (headers?.response?.add ?? [:]).sorted(by: { $0.key < $1.key }) {
      errs.append(operation(name))
      errs.append(value(v))
    }
    for (name, v) in (headers?.response?.set ?? [:]).sorted(by: { $0.key < $1.key }) {
      errs.append(operation(name))
      errs.append(value(v))
    }
    for name in headers?.response?.remove ?? [] { errs.append(operation(name)) }
    return errs.value
  }

  static let corsMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "*"]

  static func corsPolicy(_ policy: CorsPolicy?) -> IstioError? {
    guard let policy else { return nil }
    var errs = IstioErrors()
    for origin in policy.allowOrigins ?? [] {
      let match = origin.exact ?? origin.prefix ?? origin.regex ?? ""
      if match.isEmpty {
        errs.append("'\(match)' is not a valid match type for CORS allow origins")
      } else {
        errs.append(stringMatchRegex(origin, "corsPolicy.allowOrigins"))
      }
    }
    for method in policy.allowMethods ?? [] where !corsMethods.contains(method) {
      errs.append("\(IstioChecks.goQuote(method)) is not a supported HTTP method")
    }
    for name in (policy.allowHeaders ?? []) + (policy.exposeHeaders ?? []) {
      if name.isEmpty {
        errs.append("header name cannot be empty")
      } else if name != "*" && !isToken(name) {
        errs.append("header name \(name) is not a valid header name")
      }
    }
    if let maxAge = policy.maxAge {
      errs.append(IstioChecks.duration(maxAge))
      if let ns = GoDuration.parse(maxAge), ns % 1_000_000_000 != 0 {
        errs.multiAppend("max_age duration is accurate only to seconds precision")
      }
    }
    return errs.value
  }

  static func fault(_ fault: HTTPFaultInjection?) -> IstioError? {
    guard let fault else { return nil }
    var errs = IstioErrors()
    if fault.abort == nil && fault.delay == nil { errs.multiAppend("HTTP fault injection must have an abort and/or a delay") }
    if let abort = fault.abort {
      var v = IstioValidation(error: percentage(abort.percentage))
      if let grpcStatus = abort.grpcStatus {
        if !grpcStatusCodes.contains(grpcStatus) {
          v.append("gRPC status \(IstioChecks.goQuote(grpcStatus)) is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'")
        }
      } else if abort.http2Error != nil {
        v.append("HTTP/2 abort fault injection not supported yet")
      } else if let status = abort.httpStatus {
        v.append(httpStatus(Int64(status)))
      }
      errs.append(v.error)
    }
    if let delay = fault.delay {
      errs.append(percentage(delay.percentage))
      if let fixed = delay.fixedDelay {
        errs.append(IstioChecks.duration(fixed))
      } else if let exponential = delay.exponentialDelay {
        errs.append(IstioChecks.duration(exponential))
        errs.multiAppend("exponentialDelay not supported yet")
      }
    }
    return errs.value
  }

  static let grpcStatusCodes: Set<String> = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
  ]

  static func percentage(_ percent: Percent?) -> IstioError? {
    guard let value = percent?.value else { return nil }
    if value < 0 || value > 100 || (value > 0 && value < 0.0001) {
      return .one("percentage \(goFloat(value)) is neither 0.0, nor in range [0.0001, 100.0]")
    }
    return nil
  }

  static func httpStatus(_ status: Int64) -> IstioError? {
    (200...600).contains(status) ? nil : .one("HTTP status \(status) is not in range 200-599")
  }

  /// `validateDestination`.
  static func destination(_ destination: Destination?) -> IstioError? {
    guard let destination else { return nil }
    var errs = IstioErrors()
    let host = destination.host ?? ""
    if host == "*" {
      errs.append("invalid destination host \(host)")
    } else {
      errs.append(IstioChecks.wildcardDomain(host))
    }
    if let subset = destination.subset, !subset.isEmpty { errs.append(IstioChecks.subsetName(subset)) }
    if let port = destination.port { errs.append(IstioChecks.port(Int64(port.number ?? 0))) }
    return errs.value
  }

  static func mirrors(_ mirrors: [HTTPMirrorPolicy]?) -> IstioError? {
    var v = IstioValidation()
    for mirror in mirrors ?? [] {
      guard let target = mirror.destination else {
        v.append("destination is required for mirrors")
        continue
      }
      v.append(destination(target))
      if let value = mirror.percentage?.value {
        if value > 100 { v.append("mirror percentage must have a max value of 100 (it has \(goFloatF(value)))") }
        if value < 0 { v.append("mirror percentage must have a min value of 0 (it has \(goFloatF(value)))") }
      }
    }
    return v.error
  }

  static func redirect(_ redirect: HTTPRedirect?, matches: [HTTPMatchRequest]) -> IstioError? {
    guard let redirect else { return nil }
    let uri = redirect.uri ?? "", prefixRewrite = redirect.prefixRewrite ?? ""
    if !uri.isEmpty && !prefixRewrite.isEmpty { return .one("redirect may only specify one of uri or prefix_rewrite") }
    if !prefixRewrite.isEmpty {
      for match in matches where match.uri != nil && (match.uri?.exact != nil || match.uri?.prefix == nil) {
        return .one("redirect prefix_rewrite requires all URI matches to use prefix match type")
      }
    }
    if uri.isEmpty && prefixRewrite.isEmpty && (redirect.authority ?? "").isEmpty && redirect.port == nil
      && redirect.derivePort == nil && (redirect.scheme ?? "").isEmpty
    {
      return .one("redirect must specify URI, authority, scheme, or port")
    }
    if let code = redirect.redirectCode, code != 0, code < 300 || code > 399 {
      return .one("\(code) is not a valid redirect code, must be 3xx")
    }
    if let scheme = redirect.scheme, !scheme.isEmpty, scheme != "http" && scheme != "https" {
      return .one("invalid redirect scheme, must be \"http\" or \"https\"")
    }
    if let port = redirect.port, port > 0 { return IstioChecks.port(Int64(port)) }
    return nil
  }

  static let retryOnPolicies: Set<String> = [
    "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
    "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure", "cancelled",
    "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
  ]

  /// `ValidateHTTPRetry`.
  static func retries(_ retries: HTTPRetry?) -> IstioError? {
    guard let retries else { return nil }
    var errs = IstioErrors()
    let attempts = retries.attempts ?? 0
    if attempts < 0 { errs.multiAppend("attempts cannot be negative") }
    if attempts == 0 && (retries.perTryTimeout != nil || !(retries.retryOn ?? "").isEmpty || retries.retryRemoteLocalities != nil) {
      errs.append("http retry policy configured when attempts are set to 0 (disabled)")
    }
    errs.append(IstioChecks.duration(retries.perTryTimeout))
    if let retryOn = retries.retryOn, !retryOn.isEmpty {
      for policy in retryOn.split(separator: ",", omittingEmptySubsequences: false) {
        let policy = String(policy)
        let isStatus = Int(policy).map { httpStatusTexts.contains($0) } ?? false
        if !isStatus && !retryOnPolicies.contains(policy) {
          errs.append("\(IstioChecks.goQuote(policy)) is not a valid retryOn policy")
        }
      }
    }
    errs.append(IstioChecks.duration(retries.backoff))
    return errs.value
  }

  /// The status codes Go's `net/http.StatusText` knows.
  static let httpStatusTexts: Set<Int> = [
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
    424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
  ]

  static func rewrite(_ rewrite: HTTPRewrite?) -> IstioError? {
    guard let rewrite else { return nil }
    let uri = rewrite.uri ?? ""
    if !uri.isEmpty && rewrite.uriRegexRewrite != nil { return .one("rewrite may only contain one of URI or UriRegexRewrite") }
    if uri.isEmpty && rewrite.uriRegexRewrite == nil && (rewrite.authority ?? "").isEmpty {
      return .one("rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified")
    }
    guard let regexRewrite = rewrite.uriRegexRewrite else { return nil }
    let problem: String?
    if (regexRewrite.match ?? "").isEmpty || (regexRewrite.rewrite ?? "").isEmpty {
      problem = "UriRegexRewrite requires both Rewrite and Match fields to be specified"
    } else {
      problem = regexCheck(regexRewrite.match ?? "", "HTTPRewrite.UriRegexRewrite.Match")?.text
    }
    // errors.Join prints its errors on separate lines.
    return problem.map { .one("UriRegexRewrite has errors\n\($0)") }
  }

  static func authorityRewrite(_ http: HTTPRoute) -> IstioError? {
    var current = http.rewrite?.authority ?? ""
    for ops in [http.headers?.request?.set, http.headers?.request?.add] {
      for (key, value) in (ops ?? [:]).sorted(by: { $0.key < $1.key }) {
        let k = key.lowercased()
        guard k == ":authority" || k == "host" else { continue }
        if !current.isEmpty {
          return .one("authority header cannot be set multiple times: have \(IstioChecks.goQuote(current)), attempting to set \(IstioChecks.goQuote(value))")
        }
        current = value
      }
    }
    return nil
  }

  /// `validateHTTPRouteDestinations`: weights are relative, but not negative and not all 0.
  static func routeDestinations(_ routes: [HTTPRouteDestination]) -> IstioError? {
    var errs = IstioErrors()
    var total: Int64 = 0
    for route in routes {
      if route.destination == nil { errs.multiAppend("destination is required") }
      errs.append(headerOperations(route.headers))
      errs.append(destination(route.destination))
      let weight = Int64(route.weight ?? 0)
      if weight < 0 { errs.append("weight \(weight) < 0") }
      total += weight
    }
    if routes.count > 1 && total == 0 { errs.append("total destination weight = 0") }
    return errs.value
  }

  static func plainRouteDestinations(_ routes: [RouteDestination]) -> IstioError? {
    var errs = IstioErrors()
    var total: Int64 = 0
    for route in routes {
      if route.destination == nil { errs.multiAppend("destination is required") }
      errs.append(destination(route.destination))
      let weight = Int64(route.weight ?? 0)
      if weight < 0 { errs.append("weight \(weight) < 0") }
      total += weight
    }
    if routes.count > 1 && total == 0 { errs.append("total destination weight = 0") }
    return errs.value
  }

  static func tcpRoute(_ tcp: TCPRoute) -> IstioError? {
    var errs = IstioErrors()
    for match in tcp.match ?? [] {
      for subnet in match.destinationSubnets ?? [] { errs.append(ipSubnet(subnet)) }
      if let port = match.port, port != 0 { errs.append(IstioChecks.port(Int64(port))) }
      errs.append(IstioChecks.labels(match.sourceLabels))
      errs.append(gatewayNames(match.gateways ?? []).error)
    }
    if (tcp.route ?? []).isEmpty { errs.append("TCP route is required") }
    errs.append(plainRouteDestinations(tcp.route ?? []))
    return errs.value
  }

  static func tlsRoute(_ tls: TLSRoute, hosts: [String], gateway: Bool) -> IstioValidation {
    var v = IstioValidation()
    if (tls.match ?? []).isEmpty { v.append("TLS route must have at least one match condition") }
    for match in tls.match ?? [] {
      let sniHosts = match.sniHosts ?? []
      if sniHosts.isEmpty {
        v.append("TLS match must have at least one SNI host")
      } else {
        for sni in sniHosts {
          if let e = IstioChecks.wildcardDomain(sni) {
            if IPAddress.parse(sni) != nil {
              v.warn("using an IP address (\(IstioChecks.goQuote(sni))) goes against SNI spec and most clients do not support this")
            } else {
              v.append(e)
            }
            continue
          }
          if !hosts.contains(where: { hostIsSubset(sni, of: $0) }) {
            v.append("SNI host \(IstioChecks.goQuote(sni)) is not a compatible subset of any of the virtual service hosts: [\(hosts.joined(separator: ", "))]")
          }
        }
      }
      for subnet in match.destinationSubnets ?? [] { v.append(ipSubnet(subnet)) }
      if let port = match.port, port != 0 { v.append(IstioChecks.port(Int64(port))) }
      v.append(IstioChecks.labels(match.sourceLabels))
      v.append(gatewayNames(match.gateways ?? []))
    }
    if (tls.route ?? []).isEmpty { v.append("TLS route is required") }
    v.append(plainRouteDestinations(tls.route ?? []))
    return v
  }

  /// `host.Name.SubsetOf`.
  static func hostIsSubset(_ a: String, of b: String) -> Bool {
    if b.hasPrefix("*") {
      return a.hasPrefix("*") ? a.dropFirst().hasSuffix(b.dropFirst()) : a.hasSuffix(b.dropFirst())
    }
    return !a.hasPrefix("*") && a == b
  }

  static func ipSubnet(_ subnet: String) -> IstioError? {
    if subnet.contains("/") {
      return IPAddress.validateCIDR(subnet, "").isEmpty ? nil : .one("invalid CIDR block: \(subnet)")
    }
    return IPAddress.parse(subnet) == nil ? .one("\(IstioChecks.goQuote(subnet)) is not a valid IP") : nil
  }

  /// Go's `%v` for a float64: shortest representation.
  static func goFloat(_ value: Double) -> String { JSONValue.double(value).jsonString() }

  /// Go's `%f`: six decimals.
  static func goFloatF(_ value: Double) -> String {
    let scaled = (abs(value) * 1_000_000).rounded()
    let whole = Int64(scaled / 1_000_000)
    let frac = Int64(scaled) % 1_000_000
    let fracText = String(frac)
    return (value < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 6 - fracText.count) + fracText
  }

  /// Rules no request can reach (Istio's webhook warnings IST0130/IST0131, without the
  /// prefix-overlap analysis).
  static func unreachableRules(_ routes: [HTTPRoute]) -> [String] {
    var out: [String] = []
    var seen: [JSONValue: Int] = [:]
    var emptyMatchSeen = false
    func routeName(_ i: Int) -> String { routes[i].name.map { IstioChecks.goQuote($0) } ?? "#\(i)" }
    for (i, route) in routes.enumerated() {
      let matches = route.match ?? []
      if matches.isEmpty {
        if emptyMatchSeen { out.append("virtualService rule \(routeName(i)) not used (only the last rule can have no matches)") }
        emptyMatchSeen = true
        continue
      }
      var duplicates = 0
      for (j, match) in matches.enumerated() {
        if emptyMatchSeen {
          out.append("virtualService rule \(routeName(i)) not used (route without matches defined before)")
          continue
        }
        var unnamed = match
        unnamed.name = nil
        let key = jsonValue(unnamed)
        if let previous = seen[key] {
          let matchName = match.name.map { IstioChecks.goQuote($0) } ?? "#\(j)"
          out.append("virtualService rule \(routeName(i)) match \(matchName) is not used (duplicate/overlapping match in rule \(routeName(previous)))")
          duplicates += 1
          continue
        }
        seen[key] = i
      }
      if duplicates == matches.count { out.append("virtualService rule \(routeName(i)) not used (all matches used by prior rules)") }
    }
    return out
  }
}
