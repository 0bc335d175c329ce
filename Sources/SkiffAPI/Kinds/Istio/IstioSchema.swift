// Checks the API server makes from the Istio CRDs' OpenAPI schemas (istio/api
// `kubernetes/customresourcedefinitions.gen.yaml`) before Istio's webhook sees an object:
// required fields, enums and the CEL duration rules. Worded as Kubernetes words them.

enum IstioSchema {
  /// `x-kubernetes-validations: duration(self) >= duration('1ms')`. CEL failures name the
  /// value's type, not the value.
  static func duration(_ value: String?, _ path: FieldPath) -> [FieldError] {
    guard let value else { return [] }
    if let ns = GoDuration.parse(value), ns >= 1_000_000 { return [] }
    return [.invalid(path, "string", "must be a valid duration greater than 1ms")]
  }

  static func oneOf(_ value: String?, _ allowed: [String], _ path: FieldPath) -> [FieldError] {
    guard let value, !allowed.contains(value) else { return [] }
    return [.notSupported(path, .string(value), allowed)]
  }

  static func trafficPolicy(_ policy: TrafficPolicy?, _ path: FieldPath) -> [FieldError] {
    guard let policy else { return [] }
    var errs = connectionPool(policy.connectionPool, path.child("connectionPool"))
    errs += loadBalancer(policy.loadBalancer, path.child("loadBalancer"))
    errs += outlierDetection(policy.outlierDetection, path.child("outlierDetection"))
    for (i, port) in (policy.portLevelSettings ?? []).enumerated() {
      let p = path.child("portLevelSettings").index(i)
      errs += connectionPool(port.connectionPool, p.child("connectionPool"))
      errs += loadBalancer(port.loadBalancer, p.child("loadBalancer"))
      errs += outlierDetection(port.outlierDetection, p.child("outlierDetection"))
      errs += oneOf(port.tls?.mode, ["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"], p.child("tls").child("mode"))
    }
    if (policy.portLevelSettings ?? []).count > 4096 {
      errs.append(FieldError(.tooMany, path.child("portLevelSettings").text, value: .int(Int64(policy.portLevelSettings!.count)),
                             "must have at most 4096 items"))
    }
    errs += oneOf(policy.proxyProtocol?.version, ["V1", "V2"], path.child("proxyProtocol").child("version"))
    errs += oneOf(policy.tls?.mode, ["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"], path.child("tls").child("mode"))
    return errs
  }

  static func connectionPool(_ pool: ConnectionPoolSettings?, _ path: FieldPath) -> [FieldError] {
    guard let pool else { return [] }
    var errs: [FieldError] = []
    if let tcp = pool.tcp {
      let p = path.child("tcp")
      errs += duration(tcp.connectTimeout, p.child("connectTimeout"))
      errs += duration(tcp.maxConnectionDuration, p.child("maxConnectionDuration"))
      errs += duration(tcp.tcpKeepalive?.interval, p.child("tcpKeepalive").child("interval"))
      errs += duration(tcp.tcpKeepalive?.time, p.child("tcpKeepalive").child("time"))
    }
    if let http = pool.http {
      let p = path.child("http")
      errs += oneOf(http.h2UpgradePolicy, ["DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"], p.child("h2UpgradePolicy"))
      errs += duration(http.http2KeepAlive?.interval, p.child("http2KeepAlive").child("interval"))
      errs += duration(http.http2KeepAlive?.timeout, p.child("http2KeepAlive").child("timeout"))
      errs += duration(http.idleTimeout, p.child("idleTimeout"))
    }
    return errs
  }

  static func loadBalancer(_ lb: LoadBalancerSettings?, _ path: FieldPath) -> [FieldError] {
    guard let lb else { return [] }
    var errs = oneOf(lb.simple, LoadBalancerSettings.simpleValues, path.child("simple"))
    if let cookie = lb.consistentHash?.httpCookie {
      let p = path.child("consistentHash").child("httpCookie")
      if cookie.name == nil { errs.append(.required(p.child("name"))) }
      for (i, attribute) in (cookie.attributes ?? []).enumerated() where attribute.name == nil {
        errs.append(.required(p.child("attributes").index(i).child("name")))
      }
    }
    errs += duration(lb.warmupDurationSecs, path.child("warmupDurationSecs"))
    return errs
  }

  static func outlierDetection(_ od: OutlierDetection?, _ path: FieldPath) -> [FieldError] {
    guard let od else { return [] }
    return duration(od.baseEjectionTime, path.child("baseEjectionTime")) + duration(od.interval, path.child("interval"))
  }

  /// Destinations, mirrors and direct responses of a VirtualService route.
  static func destination(_ destination: Destination?, _ path: FieldPath) -> [FieldError] {
    guard let destination else { return [.required(path)] }
    return destination.host == nil ? [.required(path.child("host"))] : []
  }
}

/// Checks Istio's webhook shares across kinds (`pkg/config/validation/agent`).
enum IstioChecks {
  /// `CheckDNS1123Preconditions` and `ValidateWildcardDomain`: `*` or `*.example.com` or
  /// `reviews` or `reviews.default.svc.cluster.local`.
  static func wildcardDomain(_ domain: String) -> IstioError? {
    if let e = dnsPreconditions(domain) { return e }
    let parts = domain.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    if !isWildcardDNS1123Label(parts[0]) {
      return .one("domain name \(goQuote(domain)) invalid (label \(goQuote(String(parts[0]))) invalid)")
    }
    if parts.count > 1 { return dns1123Labels(String(parts[1])) }
    return nil
  }

  /// `ValidateFQDN`.
  static func fqdn(_ name: String) -> IstioError? {
    dnsPreconditions(name) ?? dns1123Labels(name)
  }

  static func dnsPreconditions(_ name: String) -> IstioError? {
    if name.utf8.count > 255 { return .one("domain name \(goQuote(name)) too long (max 255)") }
    if name.isEmpty { return .one("empty domain name not allowed") }
    return nil
  }

  static func dns1123Labels(_ domain: String) -> IstioError? {
    let parts = domain.split(separator: ".", omittingEmptySubsequences: false)
    let top = String(parts[parts.count - 1])
    if Int(top) != nil { return .one("domain name \(goQuote(domain)) invalid (top level domain \(goQuote(top)) cannot be all-numeric)") }
    for (i, label) in parts.enumerated() {
      if i == parts.count - 1 && label.isEmpty { return nil }
      if !isDNS1123Label(label) { return .one("domain name \(goQuote(domain)) invalid (label \(goQuote(String(label))) invalid)") }
    }
    return nil
  }

  /// Istio's labels accept upper case: `[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?`.
  static func isDNS1123Label(_ value: Substring) -> Bool {
    let u = value.utf8
    guard u.count <= 63, let f = u.first, let l = u.last, Identifiers.isAlnum(f), Identifiers.isAlnum(l) else { return false }
    return u.allSatisfy { Identifiers.isAlnum($0) || $0 == 0x2d }
  }

  /// `*`, `*label`, `*-label` or a label.
  static func isWildcardDNS1123Label(_ value: Substring) -> Bool {
    guard value.utf8.count <= 63 else { return false }
    if value == "*" { return true }
    var rest = value
    if rest.hasPrefix("*-") {
      rest = rest.dropFirst(2)
    } else if rest.hasPrefix("*") {
      rest = rest.dropFirst()
    }
    return isDNS1123Label(rest)
  }

  static func port(_ port: Int64) -> IstioError? {
    (1...65535).contains(port) ? nil : .one("port number \(port) must be in the range 1..65535")
  }

  static func duration(_ text: String?) -> IstioError? {
    guard let text, let ns = GoDuration.parse(text) else { return nil }
    return GoDuration.istioCheck(ns).map { .one($0) }
  }

  static func percent(_ value: Int32?) -> IstioError? {
    guard let value, value < 0 || value > 100 else { return nil }
    return .one("percentage \(value) is not in range 0..100")
  }

  /// `labels.Instance.Validate`: always a list (`multierror.Append`).
  static func labels(_ labels: [String: String]?) -> IstioError? {
    var errs = IstioErrors()
    for (key, value) in (labels ?? [:]).sorted(by: { $0.key < $1.key }) {
      if let e = tagKey(key) { errs.multiAppend(e) }
      if !value.isEmpty && !Identifiers.matchesLabelKeyName(Substring(value)) {
        errs.multiAppend("invalid tag value: \(goQuote(value))")
      }
    }
    return errs.value
  }

  static func tagKey(_ key: String) -> String? {
    let parts = key.split(separator: "/", omittingEmptySubsequences: false)
    let name: Substring
    if parts.count == 2 {
      let prefix = parts[0]
      guard !prefix.isEmpty, prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isDNS1123Label($0) })
      else { return "invalid tag key: \(goQuote(key))" }
      if prefix.utf8.count > 253 { return "invalid tag key: \(goQuote(key)) (DNS prefix is too long)" }
      name = parts[1]
    } else if parts.count == 1 {
      name = parts[0]
    } else {
      return "invalid tag key: \(goQuote(key))"
    }
    guard Identifiers.matchesLabelKeyName(name) else { return "invalid tag key: \(goQuote(key))" }
    if name.utf8.count > 63 { return "invalid tag key: \(goQuote(key)) (name is too long)" }
    return nil
  }

  /// `validateExportTo` for non-ServiceEntry kinds.
  static func exportTo(_ exportTo: [String]?, namespace: String, drWithSelector: Bool = false) -> IstioError? {
    guard let exportTo, !exportTo.isEmpty else { return nil }
    var errs = IstioErrors()
    var seen: [String] = []
    for entry in exportTo {
      let key = entry == "." ? namespace : entry
      if seen.contains(key) {
        errs.append(key != entry ? "duplicate entries in exportTo: . and current namespace \(namespace)"
          : "duplicate entries in exportTo for entry \(entry)")
      } else if key == "~" {
        errs.append("exportTo ~ (none) is not allowed for Istio configuration objects")
      } else if key != "*" && key != "." && !isDNS1123Label(Substring(key)) {
        errs.append("only .,*, or a valid DNS 1123 label is allowed as exportTo entry")
      } else {
        seen.append(key)
      }
    }
    if drWithSelector && !seen.isEmpty {
      if seen.contains(namespace) {
        if seen.count > 1 { errs.append("destination rule with workload selector cannot have multiple entries in exportTo") }
      } else {
        errs.append("destination rule with workload selector cannot have exportTo beyond current namespace")
      }
    }
    if seen.contains("*") && exportTo.count > 1 {
      errs.append("cannot have both public (*) and non-public exportTo values for a resource")
    }
    return errs.value
  }

  /// `validateSubsetName`.
  static func subsetName(_ name: String) -> IstioError? {
    if name.isEmpty { return .one("subset name cannot be empty") }
    return isDNS1123Label(Substring(name)) ? nil : .one("subset name is invalid: \(name)")
  }

  /// Go's `%q` for the strings these messages quote.
  static func goQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
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

  /// Istio's check that only AuthorizationPolicies carry `istio.io/dry-run`.
  static func metadataChecks(_ meta: ObjectMeta) -> IstioError? {
    guard meta.annotations?["istio.io/dry-run"] != nil else { return nil }
    return .one("\(meta.namespace ?? "")/\(meta.name ?? "") has unsupported annotation istio.io/dry-run, please remove the annotation")
  }
}
