extension Pod {
  /// `ValidatePodCreate`, or `ValidatePodUpdate` when `old` is the stored pod.
  public func validate(old: Pod?) -> [FieldError] {
    if let old { return validateUpdate(old: old) }
    var errs = validateMetadataAndSpec()
    if !(spec.ephemeralContainers ?? []).isEmpty {
      errs.append(.forbidden(FieldPath("spec").child("ephemeralContainers"), "cannot be set on create"))
    }
    if !(spec.nodeName ?? "").isEmpty && !(spec.schedulingGates ?? []).isEmpty {
      errs.append(.forbidden(FieldPath("spec").child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
    }
    return errs
  }

  /// `validatePodMetadataAndSpec`.
  private func validateMetadataAndSpec() -> [FieldError] {
    let specPath = FieldPath("spec")
    var errs = metadata.validate(namespaced: true, name: .dnsSubdomain)
    errs += spec.validate(specPath, isPod: true)
    if (spec.serviceAccountName ?? "").isEmpty {
      for (vi, volume) in (spec.volumes ?? []).enumerated() {
        for (si, source) in (volume.projected?.sources ?? []).enumerated() where source.serviceAccountToken != nil {
          errs.append(.forbidden(
            specPath.child("volumes").index(vi).child("projected").child("sources").index(si).child("serviceAccountToken"),
            "must not be specified when serviceAccountName is not set"))
        }
      }
    }
    for (p, container) in spec.allContainers(specPath) {
      if let image = container.image, image.trimmingWhitespace != image {
        errs.append(.invalid(p.child("image"), .string(image), "must not have leading or trailing whitespace"))
      }
    }
    return errs
  }

  static let updatableSpecFields = [
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
  ]

  /// `ValidatePodUpdate`: a pod's spec is fixed once created, but for images, a shorter
  /// active deadline, more tolerations and fewer scheduling gates.
  private func validateUpdate(old: Pod) -> [FieldError] {
    let specPath = FieldPath("spec")
    var errs = metadata.validateUpdate(old: old.metadata)
    errs += validateMetadataAndSpec()
    func containerUpdates(_ new: [Container], _ old: [Container], _ path: FieldPath) -> Bool {
      if new.count != old.count {
        errs.append(.forbidden(path, "pod updates may not add or remove containers"))
        return false
      }
      for (i, container) in new.enumerated() {
        let image = container.image ?? ""
        if image.isEmpty { errs.append(.required(path.index(i).child("image"))) }
        if image.trimmingWhitespace != image {
          errs.append(.invalid(path.index(i).child("image"), .string(image), "must not have leading or trailing whitespace"))
        }
      }
      return true
    }
    guard containerUpdates(spec.containers, old.spec.containers, specPath.child("containers")),
      containerUpdates(spec.initContainers ?? [], old.spec.initContainers ?? [], specPath.child("initContainers"))
    else { return errs }
    if let deadline = spec.activeDeadlineSeconds {
      if deadline < 0 || deadline > Int64(Int32.max) {
        errs.append(.invalid(specPath.child("activeDeadlineSeconds"), .int(deadline), Identifiers.inclusiveRange(0, Int64(Int32.max))))
        return errs
      }
      if let oldDeadline = old.spec.activeDeadlineSeconds, oldDeadline < deadline {
        errs.append(.invalid(specPath.child("activeDeadlineSeconds"), .int(deadline), "must be less than or equal to previous value"))
        return errs
      }
    } else if old.spec.activeDeadlineSeconds != nil {
      errs.append(.invalid(specPath.child("activeDeadlineSeconds"), .null, "must not update from a positive integer to nil value"))
    }
    let newTolerations = spec.tolerations ?? []
    for oldToleration in old.spec.tolerations ?? [] {
      let kept = newTolerations.contains { new in
        var o = oldToleration
        o.tolerationSeconds = new.tolerationSeconds
        return o == new
      }
      if !kept {
        errs.append(.forbidden(specPath.child("tolerations"), "existing toleration can not be modified except its tolerationSeconds"))
        break
      }
    }
    let oldGates = Set((old.spec.schedulingGates ?? []).map(\.name))
    for (i, gate) in (spec.schedulingGates ?? []).enumerated() where !oldGates.contains(gate.name) {
      errs.append(.forbidden(specPath.child("schedulingGates").index(i).child("name"),
        "only deletion is allowed, but found new scheduling gate '\(gate.name)'"))
    }
    errs += validateEphemeralContainers(old: old)
    guard spec != old.spec else { return errs }
    var munged = spec
    for i in munged.containers.indices { munged.containers[i].image = old.spec.containers[i].image }
    if var initContainers = munged.initContainers, let oldInit = old.spec.initContainers {
      for i in initContainers.indices { initContainers[i].image = oldInit[i].image }
      munged.initContainers = initContainers
    }
    munged.activeDeadlineSeconds = old.spec.activeDeadlineSeconds
    munged.schedulingGates = old.spec.schedulingGates
    munged.ephemeralContainers = old.spec.ephemeralContainers  // checked on their own
    // Pods stored before serviceAccount mirrored serviceAccountName.
    if (old.spec.serviceAccount ?? "").isEmpty { munged.serviceAccount = old.spec.serviceAccount }
    munged.tolerations = old.spec.tolerations
    if let oldGrace = old.spec.terminationGracePeriodSeconds, oldGrace < 0, munged.terminationGracePeriodSeconds == 1 {
      munged.terminationGracePeriodSeconds = oldGrace
    }
    if munged != old.spec {
      errs.append(.forbidden(specPath, "pod updates may not change fields other than "
        + Self.updatableSpecFields.joined(separator: ",") + "\n" + Self.specDiff(old.spec, munged)))
    }
    return errs
  }

  /// A short account of what changed, one changed top-level field per line (Kubernetes
  /// prints a go-cmp diff here).
  static func specDiff(_ old: PodSpec, _ new: PodSpec) -> String {
    guard case .object(let a) = jsonValue(old), case .object(let b) = jsonValue(new) else { return "" }
    var lines = ["  core.PodSpec{"]
    for key in (a.keys + b.keys.filter { a[$0] == nil }) where a[key] != b[key] {
      if let before = a[key] { lines.append("- \t\(key): \(before.jsonString()),") }
      if let after = b[key] { lines.append("+ \t\(key): \(after.jsonString()),") }
    }
    lines.append("  }")
    return lines.joined(separator: "\n")
  }

  public func warnings() -> [String] { spec.warnings(FieldPath("spec")) }
}

extension Node {
  /// The name of the one node Skiff runs.
  public static let skiffNodeName = "skiff"
}
