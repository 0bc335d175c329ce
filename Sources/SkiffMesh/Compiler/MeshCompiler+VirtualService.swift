import SkiffAPI
import SkiffMeshConfig
import GoCompat

extension MeshCompiler {
  /// The VirtualService that routes `host` for this proxy. Candidates are bound to the
  /// mesh (no `gateways`, or `mesh` among them), exported to the proxy's namespace, and
  /// name the host exactly or by wildcard. Istio leaves the choice among several undefined
  /// (IST0109); Skiff prefers an exact host over a wildcard, then a VirtualService in the
  /// proxy's namespace, then in the service's, then the oldest (then by namespace/name).
  func virtualService(for host: String, serviceNamespace: String, view: ProxyView) -> IndexedVirtualService? {
    var best: (rank: (Int, Int), vs: IndexedVirtualService)?
    for vs in virtualServices {
      guard let spec = vs.object.spec, Self.boundToMesh(spec.gateways),
        Self.exported(spec.exportTo, from: vs.namespace, to: view.namespace)
      else { continue }
      guard let hostRank = vs.hosts.compactMap({ pattern -> Int? in
        pattern == host ? 0 : Self.hostMatches(pattern, host) ? 1 : nil
      }).min() else { continue }
      let namespaceRank = vs.namespace == view.namespace ? 0 : vs.namespace == serviceNamespace ? 1 : 2
      let rank = (hostRank, namespaceRank)
      // `virtualServices` is sorted oldest first, so a tie keeps the older one.
      if best == nil || rank < best!.rank { best = (rank, vs) }
    }
    return best?.vs
  }

  static func boundToMesh(_ gateways: [String]?) -> Bool {
    guard let gateways, !gateways.isEmpty else { return true }
    return gateways.contains("mesh")
  }

  /// The VirtualService's `http` rules for one service port, in order. Match blocks for
  /// another port, another gateway, or other source labels/namespace are dropped; a rule
  /// left with no match block is dropped too (a rule that had none matches everything).
  func httpRoutes(of vs: IndexedVirtualService, service: Service, port: Int, view: ProxyView) -> [Route] {
    var routes: [Route] = []
    let origin = "VirtualService \(vs.namespace)/\(vs.object.metadata.name ?? "")"
    for rule in vs.object.spec?.http ?? [] {
      var matches: [RouteMatch] = []
      if let blocks = rule.match, !blocks.isEmpty {
        for block in blocks where applies(block, port: port, view: view) {
          matches.append(Self.routeMatch(block))
        }
        if matches.isEmpty { continue }
      }
      guard let action = action(of: rule, vs: vs, port: port) else { continue }
      routes.append(
        Route(
          name: rule.name ?? "", origin: origin, matches: matches, action: action,
          timeout: rule.timeout.flatMap(Self.duration), retry: Self.retryPolicy(rule.retries),
          fault: rule.fault.flatMap(Self.faultPolicy)))
    }
    return routes
  }

  /// The cluster a TCP port's connections go to: the first `tcp` rule for the port (or
  /// without a port), its first destination. Nil when the VirtualService has none.
  func tcpCluster(of vs: IndexedVirtualService, port: Int, view: ProxyView) -> String? {
    for rule in vs.object.spec?.tcp ?? [] {
      let blocks = rule.match ?? []
      let applies =
        blocks.isEmpty
        || blocks.contains { block in
          (block.port.map { Int($0) == port } ?? true) && Self.boundToMesh(block.gateways)
            && (block.sourceNamespace.map { $0 == view.namespace } ?? true)
            && (block.sourceLabels ?? [:]).allSatisfy { view.labels[$0.key] == $0.value }
        }
      guard applies, let destination = rule.route?.first(where: { ($0.weight ?? 1) > 0 || rule.route?.count == 1 })?.destination
      else { continue }
      return clusterName(for: destination, vs: vs, port: port)
    }
    return nil
  }

  func applies(_ block: HTTPMatchRequest, port: Int, view: ProxyView) -> Bool {
    if let blockPort = block.port, Int(blockPort) != port { return false }
    if !Self.boundToMesh(block.gateways) { return false }
    if let namespace = block.sourceNamespace, namespace != view.namespace { return false }
    if let labels = block.sourceLabels, !labels.allSatisfy({ view.labels[$0.key] == $0.value }) { return false }
    return true
  }

  static func routeMatch(_ block: HTTPMatchRequest) -> RouteMatch {
    func matcher(_ match: StringMatch?) -> StringMatcher? {
      guard let match else { return nil }
      if let exact = match.exact { return .exact(exact) }
      if let prefix = match.prefix { return .prefix(prefix) }
      if let regex = match.regex { return .regex(regex) }
      return nil
    }
    func headers(_ map: [String: StringMatch]?, query: Bool = false) -> [HeaderMatcher] {
      (map ?? [:]).sorted { $0.key < $1.key }.map { name, match in
        // An empty match object (or an empty exact value) is a presence check.
        var m = matcher(match)
        if case .exact(let value)? = m, value.isEmpty { m = nil }
        return query ? HeaderMatcher.queryParameter(name, match: m) : HeaderMatcher(name: name, match: m)
      }
    }
    return RouteMatch(
      port: block.port.map { Int($0) }, uri: matcher(block.uri), ignoreUriCase: block.ignoreUriCase ?? false,
      scheme: matcher(block.scheme), method: matcher(block.method), authority: matcher(block.authority),
      headers: headers(block.headers), withoutHeaders: headers(block.withoutHeaders),
      queryParams: headers(block.queryParams, query: true))
  }

  /// A rule's action: weighted destinations (relative weights; a lone destination takes
  /// everything; zero weights are dropped when others remain), a direct response or a
  /// redirect. Nil for rules Skiff cannot serve (delegates).
  func action(of rule: HTTPRoute, vs: IndexedVirtualService, port: Int) -> RouteAction? {
    if let route = rule.route, !route.isEmpty {
      var weighted: [WeightedCluster] = []
      for destination in route {
        guard let target = destination.destination else { continue }
        let weight = route.count == 1 ? 100 : UInt32(max(0, destination.weight ?? 0))
        weighted.append(WeightedCluster(cluster: clusterName(for: target, vs: vs, port: port), weight: weight))
      }
      if weighted.contains(where: { $0.weight > 0 }) { weighted.removeAll { $0.weight == 0 } }
      return weighted.isEmpty ? nil : .weightedClusters(weighted)
    }
    if let direct = rule.directResponse {
      return .directResponse(status: Int(direct.status ?? 200), body: direct.body?.string)
    }
    if let redirect = rule.redirect {
      let authority = redirect.authority.map { "\(redirect.scheme ?? "http")://\($0)" } ?? ""
      return .redirect(status: Int(redirect.redirectCode ?? 301), location: authority + (redirect.uri ?? "/"))
    }
    return nil
  }

  /// `outbound|<port>|<subset>|<host>`: the host expands with the VirtualService's
  /// namespace; the port is the destination's, else the routed port when the destination
  /// service has it, else the destination service's only port.
  func clusterName(for destination: Destination, vs: IndexedVirtualService, port: Int) -> String {
    let host = Self.expand(destination.host ?? "", namespace: vs.namespace, domain: domain)
    var number = destination.port?.number.map { Int($0) }
    if number == nil, let service = servicesByHost[host] {
      let ports = (service.spec.ports ?? []).map { Int($0.port) }
      number = ports.contains(port) ? port : ports.count == 1 ? ports[0] : port
    }
    let subset = destination.subset.flatMap { $0.isEmpty ? nil : $0 }
    return ClusterName.outbound(port: number ?? port, subset: subset, service: host)
  }

  // MARK: - Timeouts, retries, faults

  static func duration(_ text: String) -> MeshDuration? {
    guard let value = GoDuration.parse(text) else { return nil }
    let (seconds, attoseconds) = value.components
    return .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
  }

  /// Istio's conversion (`route/retry/retry.go`): no `retries` → the default policy;
  /// `attempts: 0` → none; `retryOn` numbers become retriable status codes.
  static func retryPolicy(_ retries: HTTPRetry?) -> RetryPolicy? {
    guard let retries else { return .istioDefault }
    let attempts = Int(retries.attempts ?? 0)
    guard attempts > 0 else { return nil }
    var policy = RetryPolicy.istioDefault
    policy.attempts = attempts
    if let retryOn = retries.retryOn, !retryOn.isEmpty {
      var conditions: [RetryCondition] = []
      var codes: [Int] = []
      for item in retryOn.split(separator: ",").map({ $0.trimming(" ") }) {
        if let code = Int(item) {
          codes.append(code)
        } else if let condition = RetryCondition(rawValue: item) {
          conditions.append(condition)
        }
      }
      if !codes.isEmpty && !conditions.contains(.retriableStatusCodes) { conditions.append(.retriableStatusCodes) }
      policy.retryOn = conditions
      policy.retriableStatusCodes = codes
    }
    if let perTry = retries.perTryTimeout.flatMap(duration) { policy.perTryTimeout = perTry }
    return policy
  }

  /// Fault injection; a missing percentage means 0 % (nothing injected), as in Istio.
  static func faultPolicy(_ fault: HTTPFaultInjection) -> FaultPolicy? {
    var policy = FaultPolicy()
    if let delay = fault.delay, let fixed = delay.fixedDelay.flatMap(duration) {
      let percentage = delay.percentage?.value ?? delay.percent.map { Double($0) } ?? 0
      policy.delay = .init(fixedDelay: fixed, percentage: percentage)
    }
    if let abort = fault.abort {
      let grpc = abort.grpcStatus.flatMap(grpcCode)
      if abort.httpStatus != nil || grpc != nil {
        policy.abort = .init(
          httpStatus: abort.httpStatus.map { Int($0) } ?? (grpc != nil ? 200 : nil), grpcStatus: grpc,
          percentage: abort.percentage?.value ?? 0)
      }
    }
    return policy.delay == nil && policy.abort == nil ? nil : policy
  }

  /// gRPC status names (`UNAVAILABLE`) or numbers to codes.
  static func grpcCode(_ text: String) -> Int? {
    let names = [
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]
    return Int(text) ?? names.firstIndex(of: text.uppercased())
  }
}
