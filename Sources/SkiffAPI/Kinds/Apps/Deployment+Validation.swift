extension Deployment {
  /// `ValidateDeployment` / `ValidateDeploymentUpdate`, and on update the apps/v1 rule that
  /// the selector is immutable.
  public func validate(old: Deployment?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
    } else {
      errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    }
    errs += validateSpec()
    if let old { errs += FieldError.immutable(spec.selector, old.spec.selector, FieldPath("spec").child("selector")) }
    return errs
  }

  /// `ValidateDeploymentSpec`.
  private func validateSpec() -> [FieldError] {
    let path = FieldPath("spec")
    var errs = FieldError.nonNegative(Int64(spec.replicas ?? 0), path.child("replicas"))
    if let selector = spec.selector {
      errs += selector.validateForWorkload(path.child("selector"), kind: "deployment")
    } else {
      errs.append(.required(path.child("selector")))
    }
    if let selector = spec.selector, !selector.isConvertible {
      errs.append(.invalid(path.child("selector"), jsonValue(selector), "invalid label selector"))
    } else {
      errs += spec.template.validateForReplicaSet(selector: spec.selector, path.child("template"))
    }
    errs += validateStrategy(path.child("strategy"))
    errs += FieldError.nonNegative(Int64(spec.minReadySeconds ?? 0), path.child("minReadySeconds"))
    if let limit = spec.revisionHistoryLimit { errs += FieldError.nonNegative(Int64(limit), path.child("revisionHistoryLimit")) }
    if let deadline = spec.progressDeadlineSeconds {
      errs += FieldError.nonNegative(Int64(deadline), path.child("progressDeadlineSeconds"))
      if deadline <= spec.minReadySeconds ?? 0 {
        errs.append(.invalid(path.child("progressDeadlineSeconds"), .int(Int64(deadline)), "must be greater than minReadySeconds"))
      }
    }
    return errs
  }

  /// `ValidateDeploymentStrategy`.
  private func validateStrategy(_ path: FieldPath) -> [FieldError] {
    let strategy = spec.strategy ?? DeploymentStrategy()
    switch strategy.type ?? "" {
    case "Recreate":
      if strategy.rollingUpdate != nil {
        return [.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")]
      }
      return []
    case "RollingUpdate":
      guard let rollingUpdate = strategy.rollingUpdate else {
        return [.required(path.child("rollingUpdate"), "this should be defaulted and never be nil")]
      }
      let p = path.child("rollingUpdate")
      let maxUnavailable = rollingUpdate.maxUnavailable ?? .int(0)
      let maxSurge = rollingUpdate.maxSurge ?? .int(0)
      var errs = maxUnavailable.validatePositiveIntOrPercent(p.child("maxUnavailable"))
      errs += maxSurge.validatePositiveIntOrPercent(p.child("maxSurge"))
      if maxUnavailable.intOrPercentValue == 0 && maxSurge.intOrPercentValue == 0 {
        errs.append(.invalid(p.child("maxUnavailable"), maxUnavailable.jsonValue, "may not be 0 when `maxSurge` is 0"))
      }
      errs += maxUnavailable.validateNotMoreThan100Percent(p.child("maxUnavailable"))
      return errs
    default:
      // Kubernetes shows the internal strategy struct, marshalled with Go's field names.
      let rolling: JSONValue = strategy.rollingUpdate.map { ru in
        .object(["MaxUnavailable": ru.maxUnavailable?.jsonValue ?? 0, "MaxSurge": ru.maxSurge?.jsonValue ?? 0])
      } ?? .null
      let shown: JSONValue = .object(["Type": .string(strategy.type ?? ""), "RollingUpdate": rolling])
      return [.notSupported(path, shown, ["Recreate", "RollingUpdate"])]
    }
  }

  public func warnings() -> [String] { spec.template.spec.warnings(FieldPath("spec.template.spec")) }
}
