extension Service {
  /// `ValidateService`, plus on update the cluster IP rules of `ValidateServiceUpdate`: a
  /// cluster IP may be set once (from empty) and never changed.
  public func validate(old: Service?) -> [FieldError] {
    guard let old else { return validateService() }
    var updated = self
    updated.prepareForUpdate(old: old)
    var errs = updated.metadata.validateUpdate(old: old.metadata)
    errs += updated.validateClusterIPUpdate(old: old)
    errs += updated.validateService()
    return errs
  }

  /// What the API server does to an updated service before validating it: keep the
  /// allocated cluster IPs and node ports the new object left out (`patchAllocatedValues`),
  /// then line `clusterIPs` up with a changed `clusterIP` (`NormalizeClusterIPs`).
  /// Idempotent; `validate(old:)` applies it to its own copy.
  public mutating func prepareForUpdate(old: Service) {
    func needsClusterIP(_ s: Service) -> Bool { s.spec.type != "ExternalName" }
    func needsNodePort(_ s: Service) -> Bool { s.spec.type == "NodePort" || s.spec.type == "LoadBalancer" }
    if needsClusterIP(old) && needsClusterIP(self) && (spec.clusterIP ?? "").isEmpty && (spec.clusterIPs ?? []).isEmpty {
      spec.clusterIP = old.spec.clusterIP
      spec.clusterIPs = old.spec.clusterIPs
    }
    if needsNodePort(old) && needsNodePort(self), var ports = spec.ports {
      let oldPorts = old.spec.ports ?? []
      let used = Set(oldPorts.compactMap(\.nodePort)).intersection(ports.compactMap(\.nodePort))
      let byName = Dictionary(oldPorts.map { ($0.name ?? "", $0.nodePort ?? 0) }, uniquingKeysWith: { a, _ in a })
      for i in ports.indices where (ports[i].nodePort ?? 0) == 0 {
        if let previous = byName[ports[i].name ?? ""], previous != 0, !used.contains(previous) { ports[i].nodePort = previous }
      }
      spec.ports = ports
    }
    let oldIPs = old.spec.clusterIPs ?? []
    if !oldIPs.isEmpty && (spec.clusterIPs ?? []).isEmpty && old.spec.clusterIP == spec.clusterIP {
      spec.clusterIPs = oldIPs
    }
    if old.spec.clusterIP != spec.clusterIP {
      if !(old.spec.clusterIP ?? "").isEmpty && (spec.clusterIP ?? "").isEmpty && (spec.clusterIPs ?? []) == oldIPs {
        spec.clusterIPs = nil
      }
      if (spec.clusterIPs ?? []) == oldIPs { spec.clusterIPs = [spec.clusterIP ?? ""] }
    }
  }

  private var isHeadless: Bool { spec.clusterIPs == ["None"] }

  private func validateService() -> [FieldError] {
    let specPath = FieldPath("spec")
    var errs = metadata.validate(namespaced: true, name: .dns1035Label)
    let type = spec.type ?? ""
    let ports = spec.ports ?? []
    if ports.isEmpty && !isHeadless && type != "ExternalName" { errs.append(.required(specPath.child("ports"))) }
    switch type {
    case "LoadBalancer" where isHeadless:
      errs.append(.invalid(specPath.child("clusterIPs").index(0), "None", "may not be set to 'None' for LoadBalancer services"))
    case "NodePort" where isHeadless:
      errs.append(.invalid(specPath.child("clusterIPs").index(0), "None", "may not be set to 'None' for NodePort services"))
    case "ExternalName":
      if !(spec.clusterIPs ?? []).isEmpty {
        errs.append(.forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"))
      }
      if !(spec.ipFamilies ?? []).isEmpty {
        errs.append(.forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"))
      }
      if spec.ipFamilyPolicy != nil {
        errs.append(.forbidden(specPath.child("ipFamilyPolicy"), "may not be set for ExternalName services"))
      }
      var cname = spec.externalName ?? ""
      if cname.hasSuffix(".") { cname.removeLast() }
      if cname.isEmpty {
        errs.append(.required(specPath.child("externalName")))
      } else {
        for msg in Identifiers.dns1123Subdomain(cname) { errs.append(.invalid(specPath.child("externalName"), .string(cname), msg)) }
      }
    default:
      break
    }
    var portNames: Set<String> = []
    for (i, port) in ports.enumerated() {
      errs += port.validate(specPath.child("ports").index(i), requireName: ports.count > 1, names: &portNames)
    }
    if spec.selector != nil { errs += ObjectMeta.validateLabels(spec.selector, specPath.child("selector")) }
    switch spec.sessionAffinity ?? "" {
    case "": errs.append(.required(specPath.child("sessionAffinity")))
    case "ClientIP":
      let p = specPath.child("sessionAffinityConfig")
      if let config = spec.sessionAffinityConfig {
        if let clientIP = config.clientIP {
          if let timeout = clientIP.timeoutSeconds {
            if timeout <= 0 || timeout > 86400 {
              errs.append(.invalid(p.child("clientIP").child("timeoutSeconds"), .int(Int64(timeout)), "must be greater than 0 and less than 86400"))
            }
          } else {
            errs.append(.required(p.child("clientIP").child("timeoutSeconds"), "when session affinity type is ClientIP"))
          }
        } else {
          errs.append(.required(p.child("clientIP"), "when session affinity type is ClientIP"))
        }
      } else {
        errs.append(.required(p, "when session affinity type is ClientIP"))
      }
    case "None":
      if spec.sessionAffinityConfig != nil {
        errs.append(.forbidden(specPath.child("sessionAffinityConfig"), "must not be set when session affinity is None"))
      }
    case let other:
      errs.append(.notSupported(specPath.child("sessionAffinity"), .string(other), ["ClientIP", "None"]))
    }
    errs += validateClusterIPs()
    for (i, ip) in (spec.externalIPs ?? []).enumerated() {
      let p = specPath.child("externalIPs").index(i)
      let ipErrs = IPAddress.validate(ip, p)
      errs += ipErrs.isEmpty ? IPAddress.validateNonSpecial(ip, p) : ipErrs
    }
    let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    if type.isEmpty {
      errs.append(.required(specPath.child("type")))
    } else if !types.contains(type) {
      errs.append(.notSupported(specPath.child("type"), .string(type), types))
    }
    if type == "ClusterIP" {
      for (i, port) in ports.enumerated() where (port.nodePort ?? 0) != 0 {
        errs.append(.forbidden(specPath.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
      }
    }
    var nodePorts: Set<String> = []
    for (i, port) in ports.enumerated() {
      guard let nodePort = port.nodePort, nodePort != 0 else { continue }
      let key = "\(port.protocol ?? "")/\(nodePort)"
      if nodePorts.contains(key) { errs.append(.duplicate(specPath.child("ports").index(i).child("nodePort"), .int(Int64(nodePort)))) }
      nodePorts.insert(key)
    }
    var seenPorts: Set<String> = []
    for (i, port) in ports.enumerated() {
      let key = "\(port.protocol ?? "")/\(port.port)"
      if seenPorts.contains(key) {
        // Kubernetes prints the (protocol, port) key: an internal ServicePort with only those
        // two set, marshalled with Go's field names.
        let shown: JSONObject = [
          "Name": "", "Protocol": .string(port.protocol ?? ""), "AppProtocol": nil, "Port": .int(Int64(port.port)),
          "TargetPort": 0, "NodePort": 0,
        ]
        errs.append(.duplicate(specPath.child("ports").index(i), .object(shown)))
      }
      seenPorts.insert(key)
    }
    if !(spec.loadBalancerSourceRanges ?? []).isEmpty {
      let p = specPath.child("LoadBalancerSourceRanges")
      if type != "LoadBalancer" { errs.append(.forbidden(p, "may only be used when `type` is 'LoadBalancer'")) }
      for (i, range) in (spec.loadBalancerSourceRanges ?? []).enumerated() {
        errs += IPAddress.validateCIDR(range.trimmingWhitespace, p.index(i))
      }
    }
    if spec.allocateLoadBalancerNodePorts != nil && type != "LoadBalancer" {
      errs.append(.forbidden(specPath.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
    }
    if type == "LoadBalancer" && spec.allocateLoadBalancerNodePorts == nil {
      errs.append(.required(FieldPath("allocateLoadBalancerNodePorts")))
    }
    if spec.loadBalancerClass != nil && type != "LoadBalancer" {
      errs.append(.forbidden(specPath.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"))
    }
    let externallyAccessible = type == "NodePort" || type == "LoadBalancer"
      || (type == "ClusterIP" && !(spec.externalIPs ?? []).isEmpty)
    let externalPolicy = spec.externalTrafficPolicy ?? ""
    if !externallyAccessible {
      if !externalPolicy.isEmpty {
        errs.append(.invalid(specPath.child("externalTrafficPolicy"), .string(externalPolicy), "may only be set for externally-accessible services"))
      }
    } else if externalPolicy.isEmpty {
      errs.append(.required(specPath.child("externalTrafficPolicy")))
    } else if externalPolicy != "Cluster" && externalPolicy != "Local" {
      errs.append(.notSupported(specPath.child("externalTrafficPolicy"), .string(externalPolicy), ["Cluster", "Local"]))
    }
    let needsHealthCheck = type == "LoadBalancer" && externalPolicy == "Local"
    let healthCheckNodePort = spec.healthCheckNodePort ?? 0
    if !needsHealthCheck && healthCheckNodePort != 0 {
      errs.append(.invalid(specPath.child("healthCheckNodePort"), .int(Int64(healthCheckNodePort)),
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    }
    if let internalPolicy = spec.internalTrafficPolicy {
      if internalPolicy != "Cluster" && internalPolicy != "Local" {
        errs.append(.notSupported(specPath.child("internalTrafficPolicy"), .string(internalPolicy), ["Cluster", "Local"]))
      }
    } else if ["NodePort", "LoadBalancer", "ClusterIP"].contains(type) {
      errs.append(.required(specPath.child("internalTrafficPolicy")))
    }
    if let distribution = spec.trafficDistribution, distribution != "PreferClose" {
      errs.append(.notSupported(specPath.child("trafficDistribution"), .string(distribution), ["PreferClose"]))
    }
    return errs
  }

  /// `ValidateServiceClusterIPsRelatedFields`.
  private func validateClusterIPs() -> [FieldError] {
    guard spec.type != "ExternalName" else { return [] }
    var errs: [FieldError] = []
    let specPath = FieldPath("spec")
    let clusterIPsPath = specPath.child("clusterIPs")
    let clusterIPs = spec.clusterIPs ?? []
    if let clusterIP = spec.clusterIP, !clusterIP.isEmpty {
      if clusterIPs.isEmpty {
        errs.append(.required(clusterIPsPath))
      } else if clusterIPs[0] != clusterIP {
        errs.append(.invalid(clusterIPsPath, jsonValue(clusterIPs), "first value must match `clusterIP`"))
      }
    } else if !clusterIPs.isEmpty {
      errs.append(.invalid(clusterIPsPath, jsonValue(clusterIPs), "must be empty when `clusterIP` is not specified"))
    }
    var families: Set<String> = []
    for (i, family) in (spec.ipFamilies ?? []).enumerated() {
      if family != "IPv4" && family != "IPv6" {
        errs.append(.notSupported(specPath.child("ipFamilies").index(i), .string(family), ["IPv4", "IPv6"]))
      }
      if families.contains(family) { errs.append(.duplicate(specPath.child("ipFamilies").index(i), .string(family))) }
      families.insert(family)
    }
    if let policy = spec.ipFamilyPolicy, !["PreferDualStack", "RequireDualStack", "SingleStack"].contains(policy) {
      errs.append(.notSupported(specPath.child("ipFamilyPolicy"), .string(policy), ["PreferDualStack", "RequireDualStack", "SingleStack"]))
    }
    var invalidIPs = false
    for (i, ip) in clusterIPs.enumerated() {
      if i == 0 && ip == "None" {
        if clusterIPs.count > 1 {
          invalidIPs = true
          errs.append(.invalid(clusterIPsPath, jsonValue(clusterIPs), "'None' must be the first and only value"))
        }
        continue
      }
      let ipErrs = IPAddress.validate(ip, clusterIPsPath.index(i))
      invalidIPs = invalidIPs || !ipErrs.isEmpty
      errs += ipErrs
    }
    if clusterIPs.count > 2 { errs.append(.invalid(clusterIPsPath, jsonValue(clusterIPs), "may only hold up to 2 values")) }
    if invalidIPs { return errs }
    if clusterIPs.count > 1 {
      let v4 = clusterIPs.filter { IPAddress.parse($0)?.isIPv4 == true }.count
      if v4 != 1 || clusterIPs.count != 2 {
        errs.append(.invalid(clusterIPsPath, jsonValue(clusterIPs), "may specify no more than one IP for each IP family"))
      }
    }
    if !isHeadless, let families = spec.ipFamilies {
      for (i, ip) in clusterIPs.enumerated() where i < families.count {
        let isV6 = IPAddress.parse(ip).map { !$0.isIPv4 } ?? false
        if families[i] == "IPv4" && isV6 {
          errs.append(.invalid(clusterIPsPath.index(i), .string(ip), "expected an IPv4 value as indicated by `ipFamilies[\(i)]`"))
        }
        if families[i] == "IPv6" && !isV6 {
          errs.append(.invalid(clusterIPsPath.index(i), .string(ip), "expected an IPv6 value as indicated by `ipFamilies[\(i)]`"))
        }
      }
    }
    return errs
  }

  /// `validateUpgradeDowngradeClusterIPs`.
  private func validateClusterIPUpdate(old: Service) -> [FieldError] {
    guard spec.type != "ExternalName", old.spec.type != "ExternalName" else { return [] }
    let newIPs = spec.clusterIPs ?? []
    let oldIPs = old.spec.clusterIPs ?? []
    if oldIPs == ["None"] && newIPs == ["None"] { return [] }
    let path = FieldPath("spec").child("clusterIPs")
    var errs: [FieldError] = []
    if oldIPs.count == newIPs.count {
      for (i, ip) in oldIPs.enumerated() where ip != newIPs[i] {
        errs.append(.invalid(path.index(i), jsonValue(newIPs), "may not change once set"))
      }
    } else if oldIPs.count > newIPs.count {
      if newIPs.isEmpty { errs.append(.invalid(path.index(0), jsonValue(newIPs), "primary clusterIP can not be unset")) }
      if !oldIPs.isEmpty && !newIPs.isEmpty && newIPs[0] != oldIPs[0] {
        errs.append(.invalid(path.index(0), jsonValue(newIPs), "may not change once set"))
      }
      if newIPs.count == 1 && spec.ipFamilyPolicy != "SingleStack" {
        errs.append(.invalid(FieldPath("spec").child("ipFamilyPolicy"), jsonValue(spec.ipFamilyPolicy),
                             "must be set to 'SingleStack' when releasing the secondary clusterIP"))
      }
    } else if !oldIPs.isEmpty && newIPs[0] != oldIPs[0] {
      errs.append(.invalid(path.index(0), jsonValue(newIPs), "may not change once set"))
    }
    return errs
  }
}

extension ServicePort {
  func validate(_ path: FieldPath, requireName: Bool, names: inout Set<String>) -> [FieldError] {
    var errs: [FieldError] = []
    let name = self.name ?? ""
    if requireName && name.isEmpty {
      errs.append(.required(path.child("name")))
    } else if !name.isEmpty {
      for msg in Identifiers.dns1123Label(name) { errs.append(.invalid(path.child("name"), .string(name), msg)) }
      if names.contains(name) {
        errs.append(.duplicate(path.child("name"), .string(name)))
      } else {
        names.insert(name)
      }
    }
    for msg in Identifiers.portNumber(Int64(port)) { errs.append(.invalid(path.child("port"), .int(Int64(port)), msg)) }
    errs += Container.validateProtocol(self.protocol, path.child("protocol"))
    errs += Container.validatePortNumOrName(targetPort ?? .int(0), path.child("targetPort"))
    if let appProtocol {
      for msg in Identifiers.labelKey(appProtocol) { errs.append(.invalid(path.child("appProtocol"), .string(appProtocol), msg)) }
    }
    return errs
  }
}
