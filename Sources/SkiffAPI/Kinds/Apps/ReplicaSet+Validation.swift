extension ReplicaSet {
  /// `ValidateReplicaSet` / `ValidateReplicaSetUpdate`, and on update the apps/v1 rule that
  /// the selector is immutable.
  public func validate(old: ReplicaSet?) -> [FieldError] {
    let path = FieldPath("spec")
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
    } else {
      errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    }
    errs += FieldError.nonNegative(Int64(spec.replicas ?? 0), path.child("replicas"))
    errs += FieldError.nonNegative(Int64(spec.minReadySeconds ?? 0), path.child("minReadySeconds"))
    if let selector = spec.selector {
      // Kubernetes says "deployment" here too.
      errs += selector.validateForWorkload(path.child("selector"), kind: "deployment")
    } else {
      errs.append(.required(path.child("selector")))
    }
    if let selector = spec.selector, !selector.isConvertible {
      errs.append(.invalid(path.child("selector"), jsonValue(selector), "invalid label selector"))
    } else {
      errs += spec.template.validateForReplicaSet(selector: spec.selector, path.child("template"))
    }
    if let old { errs += FieldError.immutable(spec.selector, old.spec.selector, path.child("selector")) }
    return errs
  }

  public func warnings() -> [String] { spec.template.spec.warnings(FieldPath("spec.template.spec")) }
}
