extension Pod {
  /// `ValidatePodEphemeralContainersUpdate`: existing ephemeral containers stay as they were
  /// (`kubectl debug` adds one at a time, through the pods/ephemeralcontainers subresource),
  /// and new ones are containers without ports, probes, lifecycle or resources, named apart
  /// from every other container, targeting one that exists.
  func validateEphemeralContainers(old: Pod) -> [FieldError] {
    let path = FieldPath("spec").child("ephemeralContainers")
    let current = spec.ephemeralContainers ?? []
    let previous = old.spec.ephemeralContainers ?? []
    var errs: [FieldError] = []
    let byName = Dictionary(current.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    for (i, before) in previous.enumerated() {
      let name = before["name"]?.stringValue ?? ""
      guard let after = byName[name] else {
        errs.append(.forbidden(path.index(i), "existing ephemeral containers \"\(name)\" may not be removed"))
        continue
      }
      if after != before { errs.append(.forbidden(path.index(i), "existing ephemeral containers \"\(name)\" may not be changed")) }
    }
    let existing = Set(previous.compactMap { $0["name"]?.stringValue })
    var names = Set(spec.containers.map(\.name) + (spec.initContainers ?? []).map(\.name))
    let targets = names
    for (i, json) in current.enumerated() {
      let name = json["name"]?.stringValue ?? ""
      if existing.contains(name) {
        names.insert(name)
        continue
      }
      let p = path.index(i)
      if name.isEmpty {
        errs.append(.required(p.child("name")))
      } else {
        errs += PodSpec.validateName(name, .dnsLabel, p.child("name"))
        if names.contains(name) { errs.append(.duplicate(p.child("name"), .string(name))) }
        names.insert(name)
      }
      if (json["image"]?.stringValue ?? "").isEmpty { errs.append(.required(p.child("image"))) }
      // Go's allow-list check: a field set to its zero value ({} or []) is not set.
      for field in ["ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "resources", "resizePolicy"]
      where !(json[field].map(Self.isZero) ?? true) {
        errs.append(.forbidden(p.child(field), "cannot be set for an Ephemeral Container"))
      }
      if let target = json["targetContainerName"]?.stringValue, !target.isEmpty, !targets.contains(target) {
        errs.append(.notFound(p.child("targetContainerName"), .string(target)))
      }
    }
    return errs
  }

  static func isZero(_ value: JSONValue) -> Bool {
    switch value {
    case .null: return true
    case .object(let members): return members.allSatisfy { isZero($0.value) }
    case .array(let items): return items.isEmpty
    default: return false
    }
  }

  /// The ephemeral containers as containers (the node runs them like others, never
  /// restarting them), with the container each one shares a process namespace with.
  public var ephemeralContainers: [(container: Container, target: String?)] {
    (spec.ephemeralContainers ?? []).compactMap { json in
      guard let container = try? JSONValueDecoder().decode(Container.self, from: json).value else { return nil }
      let target = json["targetContainerName"]?.stringValue
      return (container, target?.isEmpty == false ? target : nil)
    }
  }
}
