extension Endpoints {
  /// `ValidateEndpoints`: every subset has addresses, every address a usable IP.
  public func validate(old: Endpoints?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old { errs += metadata.validateUpdate(old: old.metadata) }
    errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    for (i, subset) in (subsets ?? []).enumerated() {
      let p = FieldPath("subsets").index(i)
      if (subset.addresses ?? []).isEmpty && (subset.notReadyAddresses ?? []).isEmpty {
        errs.append(.required(p, "must specify `addresses` or `notReadyAddresses`"))
      }
      for (j, address) in (subset.addresses ?? []).enumerated() {
        errs += address.validate(p.child("addresses").index(j))
      }
      for (j, address) in (subset.notReadyAddresses ?? []).enumerated() {
        errs += address.validate(p.child("notReadyAddresses").index(j))
      }
      let ports = subset.ports ?? []
      for (j, port) in ports.enumerated() {
        errs += port.validate(p.child("ports").index(j), requireName: ports.count > 1)
      }
    }
    return errs
  }
}

extension EndpointAddress {
  func validate(_ path: FieldPath) -> [FieldError] {
    var errs = IPAddress.validate(ip, path.child("ip"))
    if let hostname, !hostname.isEmpty {
      for msg in Identifiers.dns1123Label(hostname) { errs.append(.invalid(path.child("hostname"), .string(hostname), msg)) }
    }
    if let nodeName {
      for msg in Identifiers.dns1123Subdomain(nodeName) { errs.append(.invalid(path.child("nodeName"), .string(nodeName), msg)) }
    }
    errs += IPAddress.validateNonSpecial(ip, path.child("ip"))
    return errs
  }
}

extension EndpointPort {
  func validate(_ path: FieldPath, requireName: Bool) -> [FieldError] {
    var errs: [FieldError] = []
    let name = self.name ?? ""
    if requireName && name.isEmpty {
      errs.append(.required(path.child("name")))
    } else if !name.isEmpty {
      for msg in Identifiers.dns1123Label(name) { errs.append(.invalid(path.child("name"), .string(name), msg)) }
    }
    for msg in Identifiers.portNumber(Int64(port)) { errs.append(.invalid(path.child("port"), .int(Int64(port)), msg)) }
    errs += Container.validateProtocol(self.protocol, path.child("protocol"))
    if let appProtocol {
      for msg in Identifiers.labelKey(appProtocol) { errs.append(.invalid(path.child("appProtocol"), .string(appProtocol), msg)) }
    }
    return errs
  }
}
