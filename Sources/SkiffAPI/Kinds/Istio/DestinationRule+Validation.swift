extension DestinationRule {
  /// The API server's checks from the CRD schema (`spec.host` required, enums, durations).
  /// Istio's own rules are in `webhookDenial(old:)`, which runs after these pass.
  public func validate(old: DestinationRule?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
    } else {
      errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    }
    guard let spec else { return errs }
    let path = FieldPath("spec")
    if spec.host == nil { errs.append(.required(path.child("host"))) }
    errs += IstioSchema.trafficPolicy(spec.trafficPolicy, path.child("trafficPolicy"))
    for (i, subset) in (spec.subsets ?? []).enumerated() {
      let p = path.child("subsets").index(i)
      if subset.name == nil { errs.append(.required(p.child("name"))) }
      errs += IstioSchema.trafficPolicy(subset.trafficPolicy, p.child("trafficPolicy"))
    }
    for key in (spec.workloadSelector?.matchLabels ?? [:]).keys.sorted() {
      let p = path.child("workloadSelector").child("matchLabels")
      if key.contains("*") { errs.append(.invalid(p, "object", "wildcard not allowed in label key match")) }
      if key.isEmpty { errs.append(.invalid(p, "object", "key must not be empty")) }
    }
    return errs
  }

  /// Istio's `ValidateDestinationRule`.
  func istioValidation() -> IstioValidation {
    var v = IstioValidation()
    v.append(IstioChecks.metadataChecks(metadata))
    guard v.error == nil else { return v }
    let spec = self.spec ?? DestinationRuleSpec(host: nil)
    let namespace = metadata.namespace ?? "default"
    v.append(IstioChecks.wildcardDomain(spec.host ?? ""))
    v.append(Self.trafficPolicy(spec.trafficPolicy))
    var names: Set<String> = []
    for subset in spec.subsets ?? [] {
      let name = subset.name ?? ""
      if names.contains(name) { v.append("duplicate subset names: \(name)") }
      names.insert(name)
      var subsetErrs = IstioErrors()
      subsetErrs.append(IstioChecks.subsetName(name))
      subsetErrs.append(IstioChecks.labels(subset.labels))
      subsetErrs.append(Self.trafficPolicy(subset.trafficPolicy).error)
      v.append(subsetErrs.value)
    }
    v.append(IstioChecks.exportTo(spec.exportTo, namespace: namespace, drWithSelector: spec.workloadSelector != nil))
    if let selector = spec.workloadSelector {
      for (key, value) in (selector.matchLabels ?? [:]).sorted(by: { $0.key < $1.key }) {
        if key.isEmpty { v.append("empty key is not supported in selector: \(IstioChecks.goQuote("\(key)=\(value)"))") }
        if key.contains("*") || value.contains("*") {
          v.append("wildcard is not supported in selector: \(IstioChecks.goQuote("\(key)=\(value)"))")
        }
      }
      if (selector.matchLabels ?? [:]).isEmpty { v.warn("workload selector specified without labels") }
    }
    return v
  }

  /// `validateTrafficPolicy`.
  static func trafficPolicy(_ policy: TrafficPolicy?) -> IstioValidation {
    guard let policy else { return IstioValidation() }
    if policy.outlierDetection == nil && policy.connectionPool == nil && policy.loadBalancer == nil && policy.tls == nil
      && policy.portLevelSettings == nil && policy.tunnel == nil && policy.proxyProtocol == nil && policy.retryBudget == nil
    {
      return IstioValidation(error: .one("traffic policy must have at least one field"))
    }
    if policy.tunnel != nil && policy.proxyProtocol != nil {
      return IstioValidation(error: .one("tunnel and proxyProtocol must not be set together"))
    }
    var v = outlierDetection(policy.outlierDetection)
    v.append(connectionPool(policy.connectionPool))
    v.append(loadBalancer(policy.loadBalancer, outlier: policy.outlierDetection))
    v.append(tls(policy.tls))
    v.append(portTrafficPolicies(policy.portLevelSettings))
    return v
  }

  static func outlierDetection(_ od: OutlierDetection?) -> IstioValidation {
    guard let od else { return IstioValidation() }
    var v = IstioValidation()
    v.append(IstioChecks.duration(od.baseEjectionTime))
    if (od.consecutiveErrors ?? 0) != 0 {
      v.warn("outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead")
    }
    if od.splitExternalLocalOriginErrors != true && (od.consecutiveLocalOriginFailures ?? 0) > 0 {
      v.append("outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false")
    }
    v.append(IstioChecks.duration(od.interval))
    v.append(IstioChecks.percent(od.maxEjectionPercent))
    v.append(IstioChecks.percent(od.minHealthPercent))
    return v
  }

  static func connectionPool(_ pool: ConnectionPoolSettings?) -> IstioError? {
    guard let pool else { return nil }
    if pool.http == nil && pool.tcp == nil { return .one("connection pool must have at least one field") }
    var errs = IstioErrors()
    if let http = pool.http {
      if (http.http1MaxPendingRequests ?? 0) < 0 { errs.append("http1 max pending requests must be non-negative") }
      if (http.http2MaxRequests ?? 0) < 0 { errs.append("http2 max requests must be non-negative") }
      if (http.maxRequestsPerConnection ?? 0) < 0 { errs.append("max requests per connection must be non-negative") }
      if (http.maxRetries ?? 0) < 0 { errs.append("max retries must be non-negative") }
      errs.append(IstioChecks.duration(http.idleTimeout))
      if http.h2UpgradePolicy == "UPGRADE" && http.useClientProtocol == true {
        errs.append("use client protocol must not be true when H2UpgradePolicy is UPGRADE")
      }
      if (http.maxConcurrentStreams ?? 0) < 0 { errs.append("max concurrent streams must be non-negative") }
      if let keepAlive = http.http2KeepAlive {
        if keepAlive.interval == nil {
          errs.append("http2 keepalive interval is required")
        } else {
          errs.append(IstioChecks.duration(keepAlive.interval))
        }
        if keepAlive.timeout == nil {
          errs.append("http2 keepalive timeout is required")
        } else {
          errs.append(IstioChecks.duration(keepAlive.timeout))
        }
      }
    }
    if let tcp = pool.tcp {
      if (tcp.maxConnections ?? 0) < 0 { errs.append("max connections must be non-negative") }
      errs.append(IstioChecks.duration(tcp.connectTimeout))
      errs.append(IstioChecks.duration(tcp.maxConnectionDuration))
      if let idle = tcp.idleTimeout, GoDuration.parse(idle).map({ $0 / 1_000_000 }) != 0 {
        errs.append(IstioChecks.duration(idle))
      }
      errs.append(IstioChecks.duration(tcp.tcpKeepalive?.time))
      errs.append(IstioChecks.duration(tcp.tcpKeepalive?.interval))
    }
    return errs.value
  }

  static func loadBalancer(_ lb: LoadBalancerSettings?, outlier: OutlierDetection?) -> IstioValidation {
    guard let lb else { return IstioValidation() }
    var v = IstioValidation()
    if let hash = lb.consistentHash {
      if let cookie = hash.httpCookie {
        if (cookie.name ?? "").isEmpty { v.append("name required for HttpCookie") }
        var attributes: Set<String> = []
        for attribute in cookie.attributes ?? [] {
          let name = attribute.name ?? ""
          if name.isEmpty {
            v.append("cookie attribute name cannot be empty")
            continue
          }
          if attributes.contains(name) { v.append("duplicate cookie attribute name: \(name)") }
          attributes.insert(name)
        }
      }
      if (hash.minimumRingSize ?? 0) != 0 {
        v.warn("consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead")
        if hash.maglev != nil || hash.ringHash != nil {
          v.append("only one of MinimumRingSize or Maglev/Ringhash can be specified")
        }
      }
      if let maglev = hash.maglev {
        let size = maglev.tableSize ?? 0
        if size == 0 { v.append("tableSize must be set for maglev") }
        if size >= 5_000_011 { v.append("tableSize must be less than 5000011 for maglev") }
        if !isPrime(size) { v.append("tableSize must be a prime number for maglev") }
      }
    }
    if lb.localityLbSetting != nil && lb.zoneAwareLbSetting != nil {
      v.append("only one of localityLbSetting and zoneAwareLbSetting can be set")
    }
    if let locality = lb.localityLbSetting {
      if !(locality.distribute ?? []).isEmpty && !(locality.failover ?? []).isEmpty {
        v.append("can not simultaneously specify 'distribute' and 'failover'")
        return v
      }
      for distribute in locality.distribute ?? [] {
        var total: UInt32 = 0
        for (_, weight) in distribute.to ?? [:] {
          if weight == 0 || weight > 100 {
            v.append("locality weight must be in range [1, 100]")
            return v
          }
          total += weight
        }
        if total != 100 {
          v.append("total locality weight \(total) != 100")
          return v
        }
      }
      if (!(locality.failover ?? []).isEmpty || !(locality.failoverPriority ?? []).isEmpty) && outlier == nil {
        v.warn("outlier detection policy must be provided for failover")
      }
      for failover in locality.failover ?? [] {
        if failover.from == failover.to { v.append("locality lb failover settings must specify different regions") }
        if (failover.from ?? "").contains("/") || (failover.to ?? "").contains("/") {
          v.append("locality lb failover only specify region")
        }
        if (failover.from ?? "").contains("*") || (failover.to ?? "").contains("*") {
          v.append("locality lb failover region should not contain '*' wildcard")
        }
      }
    }
    return v
  }

  /// Envoy's primality check for maglev table sizes.
  static func isPrime(_ x: UInt64) -> Bool {
    if x != 0 && x < 4 { return true }
    if x & 1 == 0 { return false }
    var factor: UInt64 = 3
    while factor * factor <= x {
      if x % factor == 0 { return false }
      factor += 2
    }
    return true
  }

  /// `ValidateTLS` (ConfigMap credential names aside).
  static func tls(_ settings: ClientTLSSettings?) -> IstioError? {
    guard let settings else { return nil }
    var errs = IstioErrors()
    let mode = settings.mode ?? "DISABLE"
    let credentialName = settings.credentialName ?? ""
    if settings.insecureSkipVerify == true {
      if mode == "SIMPLE" && (!(settings.caCertificates ?? "").isEmpty || !credentialName.isEmpty || settings.subjectAltNames != nil) {
        errs.append("cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true")
      }
      if mode == "MUTUAL" && (!(settings.caCertificates ?? "").isEmpty || settings.subjectAltNames != nil) {
        errs.append("cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true")
      }
    }
    if (mode == "SIMPLE" || mode == "MUTUAL") && !credentialName.isEmpty {
      if ![settings.clientCertificate, settings.caCertificates, settings.privateKey, settings.caCrl].allSatisfy({ ($0 ?? "").isEmpty }) {
        errs.append("cannot specify client certificates or CA certificate or CA CRL If credentialName is set")
      }
      return errs.value
    }
    if mode == "MUTUAL" {
      if (settings.clientCertificate ?? "").isEmpty { errs.append("client certificate required for mutual tls") }
      if (settings.privateKey ?? "").isEmpty { errs.append("private key required for mutual tls") }
    }
    return errs.value
  }

  static func portTrafficPolicies(_ policies: [PortTrafficPolicy]?) -> IstioError? {
    var errs = IstioErrors()
    for policy in policies ?? [] {
      if policy.port == nil { errs.append("portTrafficPolicy must have valid port") }
      if policy.outlierDetection == nil && policy.connectionPool == nil && policy.loadBalancer == nil && policy.tls == nil {
        errs.append("port traffic policy must have at least one field")
      } else {
        errs.append(outlierDetection(policy.outlierDetection).error)
        errs.append(connectionPool(policy.connectionPool))
        errs.append(loadBalancer(policy.loadBalancer, outlier: policy.outlierDetection).error)
        errs.append(tls(policy.tls))
      }
    }
    return errs.value
  }
}
