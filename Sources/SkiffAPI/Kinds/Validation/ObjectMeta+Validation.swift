/// How a kind's names are checked (`NameIsDNSSubdomain`, `NameIsDNSLabel`, ...).
enum NameRule: Sendable {
  case dnsSubdomain
  case dnsLabel
  case dns1035Label
  case pathSegment

  func messages(_ name: String, prefix: Bool) -> [String] {
    let checked = prefix ? Identifiers.maskTrailingDash(name) : name
    switch self {
    case .dnsSubdomain: return Identifiers.dns1123Subdomain(checked)
    case .dnsLabel: return Identifiers.dns1123Label(checked)
    case .dns1035Label: return Identifiers.dns1035Label(checked)
    case .pathSegment: return Identifiers.pathSegmentName(name, prefix: prefix)
    }
  }
}

extension ObjectMeta {
  /// `ValidateObjectMeta` (apimachinery `pkg/api/validation/objectmeta.go` plus core's
  /// finalizer check). The namespace of a namespaced object may be absent: the API server
  /// fills it from the request path before it validates.
  func validate(namespaced: Bool, name rule: NameRule, path: FieldPath = "metadata") -> [FieldError] {
    var errs: [FieldError] = []
    if let generateName, !generateName.isEmpty {
      for msg in rule.messages(generateName, prefix: true) {
        errs.append(.invalid(path.child("generateName"), .string(generateName), msg))
      }
    }
    if let name, !name.isEmpty {
      for msg in rule.messages(name, prefix: false) { errs.append(.invalid(path.child("name"), .string(name), msg)) }
    } else {
      errs.append(.required(path.child("name"), "name or generateName is required"))
    }
    if namespaced, let namespace, !namespace.isEmpty {
      for msg in Identifiers.dns1123Label(namespace) {
        errs.append(.invalid(path.child("namespace"), .string(namespace), msg))
      }
    }
    errs += validateCommon(path: path)
    return errs
  }

  /// `ValidateObjectMetaUpdate`: what may not change once stored, plus the common checks.
  func validateUpdate(old: ObjectMeta, path: FieldPath = "metadata") -> [FieldError] {
    var errs: [FieldError] = []
    errs += FieldError.nonNegative(generation, path.child("generation"))
    if let generation, let oldGeneration = old.generation, generation < oldGeneration {
      errs.append(.invalid(path.child("generation"), .int(generation), "must not be decremented"))
    }
    errs += FieldError.immutable(name ?? "", old.name ?? "", path.child("name"))
    errs += FieldError.immutable(namespace ?? "", old.namespace ?? "", path.child("namespace"))
    if let uid, let oldUID = old.uid { errs += FieldError.immutable(uid, oldUID, path.child("uid")) }
    if let creationTimestamp, let oldCreated = old.creationTimestamp {
      errs += FieldError.immutable(creationTimestamp, oldCreated, path.child("creationTimestamp"))
    }
    if old.deletionTimestamp != nil {
      let added = Set(finalizers ?? []).subtracting(old.finalizers ?? []).sorted()
      if !added.isEmpty {
        errs.append(.forbidden(path.child("finalizers"),
          "no new finalizers can be added if the object is being deleted, found new finalizers []string{\(added.map { "\"\($0)\"" }.joined(separator: ", "))}"))
      }
    }
    errs += validateLabelsAnnotationsOwners(path: path)
    for (i, finalizer) in (finalizers ?? []).enumerated() {
      errs += Self.validateKubeFinalizerName(finalizer, path.child("finalizers").index(i))
    }
    return errs
  }

  private func validateCommon(path: FieldPath) -> [FieldError] {
    var errs = FieldError.nonNegative(generation, path.child("generation"))
    errs += validateLabelsAnnotationsOwners(path: path)
    let finalizers = finalizers ?? []
    for finalizer in finalizers {
      for msg in Identifiers.labelKey(finalizer) {
        errs.append(.invalid(path.child("finalizers"), .string(finalizer), msg))
      }
    }
    if finalizers.contains("orphan") && finalizers.contains("foregroundDeletion") {
      errs.append(.invalid(path.child("finalizers"), jsonValue(finalizers),
        "finalizer orphan and foregroundDeletion cannot be both set"))
    }
    for (i, finalizer) in finalizers.enumerated() {
      errs += Self.validateKubeFinalizerName(finalizer, path.child("finalizers").index(i))
    }
    return errs
  }

  private func validateLabelsAnnotationsOwners(path: FieldPath) -> [FieldError] {
    var errs = Self.validateLabels(labels, path.child("labels"))
    errs += Self.validateAnnotations(annotations, path.child("annotations"))
    var firstController: String?
    for (i, ref) in (ownerReferences ?? []).enumerated() {
      let refPath = path.child("ownerReferences").index(i)
      if ref.apiVersion.isEmpty {
        errs.append(.required(refPath.child("apiVersion"), "must not be empty"))
      } else {
        let (_, version) = splitAPIVersion(ref.apiVersion)
        if version.isEmpty || ref.apiVersion.split(separator: "/", omittingEmptySubsequences: false).count > 2 {
          errs.append(.invalid(refPath.child("apiVersion"), .string(ref.apiVersion), "must be <group>/<version> or <version>"))
        }
      }
      if ref.kind.isEmpty { errs.append(.required(refPath.child("kind"), "must not be empty")) }
      if ref.name.isEmpty { errs.append(.required(refPath.child("name"), "must not be empty")) }
      if ref.uid.isEmpty { errs.append(.required(refPath.child("uid"), "must not be empty")) }
      if ref.apiVersion == "v1" && ref.kind == "Event" {
        errs.append(.invalid(refPath, jsonValue(ref), "/v1, Kind=Event is disallowed from being an owner"))
      }
      if ref.controller == true {
        let current = "\(ref.kind)/\(ref.name)"
        if let firstController {
          errs.append(.invalid(path.child("ownerReferences"), jsonValue(ownerReferences),
            "Only one reference can have Controller set to true. Found \"true\" in references for \(firstController) and \(current)"))
        } else {
          firstController = current
        }
      }
    }
    return errs
  }

  /// `ValidateLabels`: every key a qualified name, every value a label value; errors name
  /// the map (`metadata.labels`), as Kubernetes does.
  static func validateLabels(_ labels: [String: String]?, _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    for (key, value) in (labels ?? [:]).sorted(by: { $0.key < $1.key }) {
      for msg in Identifiers.labelKey(key) { errs.append(.invalid(path, .string(key), msg)) }
      for msg in Identifiers.labelValue(value) { errs.append(.invalid(path, .string(value), msg)) }
    }
    return errs
  }

  static func validateAnnotations(_ annotations: [String: String]?, _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    var size = 0
    for (key, value) in (annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
      for msg in Identifiers.labelKey(key.lowercased()) { errs.append(.invalid(path, .string(key), msg)) }
      size += key.utf8.count + value.utf8.count
    }
    if size > 256 * 1024 { errs.append(.tooLong(path, maxBytes: 256 * 1024)) }
    return errs
  }

  /// Core's rule that an unqualified finalizer name must be one of Kubernetes' own.
  static func validateKubeFinalizerName(_ name: String, _ path: FieldPath) -> [FieldError] {
    guard !name.contains("/"), !["kubernetes", "orphan", "foregroundDeletion"].contains(name) else { return [] }
    return [.invalid(path, .string(name), "name is neither a standard finalizer name nor is it fully qualified")]
  }
}

extension LabelSelector {
  /// `ValidateLabelSelector` (strict: label values in expressions must be valid).
  func validate(_ path: FieldPath) -> [FieldError] {
    var errs = ObjectMeta.validateLabels(matchLabels, path.child("matchLabels"))
    for (i, req) in (matchExpressions ?? []).enumerated() {
      let reqPath = path.child("matchExpressions").index(i)
      switch req.operator {
      case "In", "NotIn":
        if (req.values ?? []).isEmpty {
          errs.append(.required(reqPath.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
        }
      case "Exists", "DoesNotExist":
        if !(req.values ?? []).isEmpty {
          errs.append(.forbidden(reqPath.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        }
      default:
        errs.append(.invalid(reqPath.child("operator"), .string(req.operator), "not a valid selector operator"))
      }
      for msg in Identifiers.labelKey(req.key) { errs.append(.invalid(reqPath.child("key"), .string(req.key), msg)) }
      for (j, value) in (req.values ?? []).enumerated() {
        for msg in Identifiers.labelValue(value) {
          errs.append(.invalid(reqPath.child("values").index(j), .string(value), msg))
        }
      }
    }
    return errs
  }

  /// Whether the selector selects nothing in particular (no labels, no expressions).
  var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }
}
