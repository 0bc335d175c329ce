extension PodTemplateSpec {
  /// `ValidatePodTemplateSpecForReplicaSet`: the selector must select the template's
  /// labels, and the template must be a valid pod that restarts `Always`.
  func validateForReplicaSet(selector: LabelSelector?, _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    // A missing selector selects nothing (`labels.Nothing()`), an empty one everything.
    let matches = selector.map { $0.isEmpty || $0.matches(metadata.labels ?? [:]) } ?? false
    if !matches {
      errs.append(.invalid(path.child("metadata").child("labels"), jsonValue(metadata.labels),
                           "`selector` does not match template `labels`"))
    }
    errs += validate(path)
    let restartPolicy = spec.restartPolicy ?? ""
    if restartPolicy != "Always" {
      errs.append(.notSupported(path.child("spec").child("restartPolicy"), .string(restartPolicy), ["Always"]))
    }
    if spec.activeDeadlineSeconds != nil {
      errs.append(.forbidden(path.child("spec").child("activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"))
    }
    return errs
  }

  /// `ValidatePodTemplateSpec`.
  func validate(_ path: FieldPath) -> [FieldError] {
    var errs = ObjectMeta.validateLabels(metadata.labels, path.child("labels"))
    errs += ObjectMeta.validateAnnotations(metadata.annotations, path.child("annotations"))
    errs += spec.validate(path.child("spec"), isPod: false)
    if !(spec.ephemeralContainers ?? []).isEmpty {
      errs.append(.forbidden(path.child("spec").child("ephemeralContainers"), "ephemeral containers not allowed in pod template"))
    }
    return errs
  }
}

extension LabelSelector {
  /// Whether the selector converts to a label selector (`LabelSelectorAsSelector` fails
  /// on exactly what `ValidateLabelSelector` reports).
  var isConvertible: Bool { validate(FieldPath("")).isEmpty }

  /// `ValidateLabelSelector` plus the apps rules: required, not empty, convertible.
  func validateForWorkload(_ path: FieldPath, kind: String) -> [FieldError] {
    var errs = validate(path)
    if isEmpty { errs.append(.invalid(path, jsonValue(self), "empty selector is invalid for \(kind)")) }
    return errs
  }
}

extension IntOrString {
  /// `ValidatePositiveIntOrPercent`.
  func validatePositiveIntOrPercent(_ path: FieldPath) -> [FieldError] {
    switch self {
    case .string(let s): return Identifiers.percent(s).map { .invalid(path, .string(s), $0) }
    case .int(let i): return FieldError.nonNegative(Int64(i), path)
    }
  }

  /// The number or percentage, 0 when neither (`getIntOrPercentValue`).
  var intOrPercentValue: Int {
    switch self {
    case .int(let i): return Int(i)
    case .string(let s):
      if Identifiers.percent(s).isEmpty { return Int(s.dropLast()) ?? 0 }
      return Int(s) ?? 0
    }
  }

  /// `IsNotMoreThan100Percent`.
  func validateNotMoreThan100Percent(_ path: FieldPath) -> [FieldError] {
    guard case .string(let s) = self, Identifiers.percent(s).isEmpty, let value = Int(s.dropLast()), value > 100 else { return [] }
    return [.invalid(path, .string(s), "must not be greater than 100%")]
  }

  var jsonValue: JSONValue {
    switch self {
    case .int(let i): return .int(Int64(i))
    case .string(let s): return .string(s)
    }
  }
}
