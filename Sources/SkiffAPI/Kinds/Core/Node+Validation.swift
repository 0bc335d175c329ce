extension Node {
  /// `ValidateNode` / `ValidateNodeUpdate`: taints, pod CIDRs (fixed once set), resource
  /// quantities.
  public func validate(old: Node?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
    } else {
      errs += metadata.validate(namespaced: false, name: .dnsSubdomain)
    }
    errs += Self.validateTaints(spec?.taints ?? [], FieldPath("metadata").child("taints"))
    for (name, quantity) in (status?.capacity ?? [:]).sorted(by: { $0.key < $1.key }) {
      errs += ResourceRequirements.validateQuantity(quantity, FieldPath("status").child("capacity").child(name))
    }
    for (name, quantity) in (status?.allocatable ?? [:]).sorted(by: { $0.key < $1.key }) {
      errs += ResourceRequirements.validateQuantity(quantity, FieldPath("status").child("allocatable").child(name))
    }
    let cidrs = spec?.podCIDRs ?? []
    let cidrPath = FieldPath("spec").child("podCIDRs")
    for (i, cidr) in cidrs.enumerated() { errs += IPAddress.validateCIDR(cidr, cidrPath.index(i)) }
    if cidrs.count > 1 {
      let v4 = cidrs.filter { $0.split(separator: "/").first.flatMap { IPAddress.parse(String($0)) }?.isIPv4 == true }.count
      if v4 != 1 || cidrs.count > 2 {
        errs.append(.invalid(cidrPath, jsonValue(cidrs), "may specify no more than one CIDR for each IP family"))
      }
      var seen: Set<String> = []
      for (i, cidr) in cidrs.enumerated() {
        if seen.contains(cidr) { errs.append(.duplicate(cidrPath.index(i), .string(cidr))) }
        seen.insert(cidr)
      }
    }
    if let old {
      let oldCIDRs = old.spec?.podCIDRs ?? []
      if !oldCIDRs.isEmpty && oldCIDRs != cidrs {
        errs.append(.forbidden(cidrPath, "node updates may not change podCIDR except from \"\" to valid"))
      }
      if let oldProvider = old.spec?.providerID, !oldProvider.isEmpty, oldProvider != spec?.providerID {
        errs.append(.forbidden(FieldPath("spec").child("providerID"), "node updates may not change providerID except from \"\" to valid"))
      }
    }
    return errs
  }

  /// `validateNodeTaints` (Kubernetes reports them under `metadata.taints`).
  static func validateTaints(_ taints: [Taint], _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    var unique: [String: Set<String>] = [:]
    for (i, taint) in taints.enumerated() {
      let p = path.index(i)
      for msg in Identifiers.labelKey(taint.key) { errs.append(.invalid(p.child("key"), .string(taint.key), msg)) }
      let msgs = Identifiers.labelValue(taint.value ?? "")
      if !msgs.isEmpty { errs.append(.invalid(p.child("value"), .string(taint.value ?? ""), msgs.joined(separator: ";"))) }
      if taint.effect.isEmpty {
        errs.append(.required(p.child("effect")))
      } else {
        errs += PodSpec.validateTaintEffect(taint.effect, p.child("effect"))
      }
      if unique[taint.effect]?.contains(taint.key) == true {
        // The internal Taint has no JSON tags: Go's field names show.
        let shown: JSONValue = [
          "Key": .string(taint.key), "Value": .string(taint.value ?? ""), "Effect": .string(taint.effect),
          "TimeAdded": taint.timeAdded.map { .string($0.rfc3339) } ?? .null,
        ]
        errs.append(FieldError(.duplicate, p.text, value: shown, "taints must be unique by key and effect pair"))
        continue
      }
      unique[taint.effect, default: []].insert(taint.key)
    }
    return errs
  }
}
