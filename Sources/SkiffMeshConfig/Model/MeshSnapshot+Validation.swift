extension MeshSnapshot {
  /// Checks what a proxy must refuse (and NACK) rather than half-apply: duplicate names,
  /// listeners pointing at missing route tables, empty or zero-weight splits, bad ports,
  /// statuses and percentages, regexes that do not compile, a snapshot for another proxy.
  ///
  /// A route to a cluster the snapshot lacks is valid, as in Envoy: such requests get
  /// 503 `NC` at run time (this is how a missing DestinationRule subset shows).
  public func validate(for expected: ProxyIdentity? = nil) throws(MeshConfigError) {
    if let expected, expected.namespace != proxy.namespace || expected.name != proxy.name {
      throw MeshConfigError(.wrongProxy, "snapshot is for proxy \(proxy.id), this is \(expected.id)")
    }
    var problems: [String] = []
    if version.isEmpty { problems.append("version is empty") }
    problems += Self.duplicates(outbound.map(\.name), what: "listener")
    problems += Self.duplicates(inbound.map(\.name), what: "inbound listener")
    problems += Self.duplicates(routeTables.map(\.name), what: "route table")
    problems += Self.duplicates(clusters.map(\.name), what: "cluster")
    let tables = Set(routeTables.map(\.name))
    for listener in outbound {
      if !(1...65535).contains(listener.port) { problems.append("listener \(listener.name): port \(listener.port) out of range") }
      if listener.protocol.hasRouteTable {
        if let table = listener.routeTable {
          if !tables.contains(table) { problems.append("listener \(listener.name): route table \"\(table)\" not in snapshot") }
        } else {
          problems.append("listener \(listener.name): \(listener.protocol.rawValue) listener without a route table")
        }
      }
      if listener.protocol.hasTCPCluster && listener.tcpCluster == nil {
        problems.append("listener \(listener.name): \(listener.protocol.rawValue) listener without a cluster")
      }
    }
    for listener in inbound where !(1...65535).contains(listener.port) || !(1...65535).contains(listener.targetPort) {
      problems.append("inbound listener \(listener.name): port out of range")
    }
    for table in routeTables {
      for (index, route) in table.routes.enumerated() {
        problems += Self.problems(of: route, at: "route table \(table.name) route #\(index) (\(route.name))")
      }
    }
    for cluster in clusters {
      if cluster.name != ClusterName.outbound(port: cluster.port, subset: cluster.subset, service: cluster.service) {
        problems.append("cluster \(cluster.name): name does not match its service, port and subset")
      }
      problems += Self.duplicates(cluster.endpoints.map(\.hostPort), what: "endpoint in cluster \(cluster.name):")
      for endpoint in cluster.endpoints where !(1...65535).contains(endpoint.port) || endpoint.address.isEmpty {
        problems.append("cluster \(cluster.name): endpoint \(endpoint.hostPort) is not an address")
      }
    }
    if !problems.isEmpty { throw MeshConfigError(.invalid, problems) }
  }

  private static func duplicates(_ names: [String], what: String) -> [String] {
    var seen = Set<String>()
    var reported = Set<String>()
    var out: [String] = []
    for name in names where !seen.insert(name).inserted && reported.insert(name).inserted {
      out.append("duplicate \(what) \"\(name)\"")
    }
    return out
  }

  private static func problems(of route: Route, at place: String) -> [String] {
    var problems: [String] = []
    switch route.action {
    case .weightedClusters(let clusters):
      if clusters.isEmpty { problems.append("\(place): no destination") }
      if !clusters.isEmpty && clusters.allSatisfy({ $0.weight == 0 }) { problems.append("\(place): total destination weight = 0") }
    case .directResponse(let status, _):
      if !(200...599).contains(status) { problems.append("\(place): HTTP status \(status) is not in range 200-599") }
    case .redirect(let status, let location):
      if !(300...399).contains(status) { problems.append("\(place): redirect status \(status) is not a 3xx") }
      if location.isEmpty { problems.append("\(place): redirect without a location") }
    }
    for match in route.matches {
      do { _ = try CompiledRouteMatch(match) } catch { problems += error.problems.map { "\(place): \($0)" } }
    }
    if let retry = route.retry, retry.attempts < 0 { problems.append("\(place): attempts cannot be negative") }
    if let timeout = route.timeout, timeout.milliseconds < 0 { problems.append("\(place): negative timeout") }
    if let fault = route.fault {
      if fault.delay == nil && fault.abort == nil { problems.append("\(place): fault injection must have an abort and/or a delay") }
      for percentage in [fault.delay?.percentage, fault.abort?.percentage].compactMap({ $0 }) where !(0...100).contains(percentage) {
        problems.append("\(place): percentage \(percentage) is not in range 0..100")
      }
      if let abort = fault.abort {
        if abort.httpStatus == nil && abort.grpcStatus == nil { problems.append("\(place): abort without a status") }
        if let status = abort.httpStatus, !(200...599).contains(status) {
          problems.append("\(place): HTTP status \(status) is not in range 200-599")
        }
      }
    }
    return problems
  }
}
