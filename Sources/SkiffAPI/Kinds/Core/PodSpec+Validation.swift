// PodSpec validation (`ValidatePodSpec` in kubernetes `pkg/apis/core/validation/validation.go`),
// check for check in Kubernetes' order so the error list reads the same.

extension PodSpec {
  /// Every error in the spec. `isPod` adds what Kubernetes only checks on pods, not on pod
  /// templates.
  func validate(_ path: FieldPath, isPod: Bool) -> [FieldError] {
    var errs: [FieldError] = []
    if terminationGracePeriodSeconds == nil { errs.append(.required(path.child("terminationGracePeriodSeconds"))) }
    let hostUsers = self.hostUsers ?? true
    let (volumes, volumeErrors) = validateVolumes(path.child("volumes"))
    errs += volumeErrors
    let claimNames = Set((resourceClaims ?? []).map(\.name).filter { !$0.isEmpty })
    errs += validateResourceClaims(path.child("resourceClaims"))
    let context = PodValidationContext(
      volumes: volumes, claimNames: claimNames, gracePeriod: terminationGracePeriodSeconds,
      restartPolicy: restartPolicy ?? "", hostUsers: hostUsers)
    errs += validateContainers(path.child("containers"), context)
    errs += validateInitContainers(path.child("initContainers"), context)
    errs += validateHostNetworkPorts(path, isPod: isPod)
    switch restartPolicy ?? "" {
    case "Always", "OnFailure", "Never": break
    case "": errs.append(.required(path.child("restartPolicy")))
    case let other: errs.append(.notSupported(path.child("restartPolicy"), .string(other), ["Always", "OnFailure", "Never"]))
    }
    switch dnsPolicy ?? "" {
    case "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None": break
    case "": errs.append(.required(path.child("dnsPolicy")))
    case let other:
      errs.append(.notSupported(path.child("dnsPolicy"), .string(other), ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]))
    }
    errs += ObjectMeta.validateLabels(nodeSelector, path.child("nodeSelector"))
    errs += validateSecurityContext(path.child("securityContext"))
    errs += validateDNSConfig(path.child("dnsConfig"))
    for (i, gate) in (readinessGates ?? []).enumerated() {
      let p = path.child("readinessGates").index(i).child("conditionType")
      for msg in Identifiers.labelKey(gate.conditionType) { errs.append(.invalid(p, .string(gate.conditionType), msg)) }
    }
    var gates: Set<String> = []
    for (i, gate) in (schedulingGates ?? []).enumerated() {
      let p = path.child("schedulingGates").index(i)
      for msg in Identifiers.labelKey(gate.name) { errs.append(.invalid(p, .string(gate.name), msg)) }
      if gates.contains(gate.name) { errs.append(.duplicate(p, .string(gate.name))) }
      gates.insert(gate.name)
    }
    if self.hostUsers == false {
      if hostNetwork == true { errs.append(.forbidden(path.child("hostNetwork"), "when `pod.Spec.HostUsers` is false")) }
      if hostPID == true { errs.append(.forbidden(path.child("HostPID"), "when `pod.Spec.HostUsers` is false")) }
      if hostIPC == true { errs.append(.forbidden(path.child("HostIPC"), "when `pod.Spec.HostUsers` is false")) }
    }
    errs += Self.validateName(serviceAccountName, .dnsSubdomain, path.child("serviceAccountName"))
    errs += Self.validateName(nodeName, .dnsSubdomain, path.child("nodeName"))
    if let activeDeadlineSeconds, activeDeadlineSeconds < 1 || activeDeadlineSeconds > Int64(Int32.max) {
      errs.append(.invalid(path.child("activeDeadlineSeconds"), .int(activeDeadlineSeconds),
                           Identifiers.inclusiveRange(1, Int64(Int32.max))))
    }
    errs += Self.validateName(hostname, .dnsLabel, path.child("hostname"))
    errs += Self.validateName(subdomain, .dnsLabel, path.child("subdomain"))
    errs += Self.validateTolerations(tolerations ?? [], path.child("tolerations"))
    for (i, alias) in (hostAliases ?? []).enumerated() {
      let p = path.child("hostAliases").index(i)
      errs += IPAddress.validate(alias.ip, p.child("ip"))
      for (j, hostname) in (alias.hostnames ?? []).enumerated() {
        for msg in Identifiers.dns1123Subdomain(hostname) {
          errs.append(.invalid(p.child("hostnames").index(j), .string(hostname), msg))
        }
      }
    }
    errs += Self.validateName(priorityClassName, .dnsSubdomain, path.child("priorityClassName"))
    if let runtimeClassName {
      for msg in Identifiers.dns1123Subdomain(runtimeClassName) {
        errs.append(.invalid(path.child("runtimeClassName"), .string(runtimeClassName), msg))
      }
    }
    if let preemptionPolicy {
      switch preemptionPolicy {
      case "PreemptLowerPriority", "Never": break
      case "": errs.append(.required(path.child("preemptionPolicy")))
      default:
        errs.append(.notSupported(path.child("preemptionPolicy"), .string(preemptionPolicy), ["PreemptLowerPriority", "Never"]))
      }
    }
    if let overhead {
      errs += ResourceRequirements(limits: overhead).validate(path.child("overhead"), claimNames: claimNames)
    }
    if let os {
      if os.name.isEmpty {
        errs.append(.required(path.child("os").child("name"), "cannot be empty"))
      } else if os.name != "linux" && os.name != "windows" {
        errs.append(.notSupported(path.child("os"), .string(os.name), ["linux", "windows"]))
      } else if os.name == "linux" {
        if securityContext?.windowsOptions != nil {
          errs.append(.forbidden(path.child("securityContext").child("windowsOptions"), "windows options cannot be set for a linux pod"))
        }
        for (p, container) in allContainers(path) where container.securityContext?.windowsOptions != nil {
          errs.append(.forbidden(p.child("securityContext").child("windowsOptions"), "windows options cannot be set for a linux pod"))
        }
      }
    }
    return errs
  }

  /// Regular, then init containers, with their paths.
  func allContainers(_ path: FieldPath) -> [(FieldPath, Container)] {
    containers.enumerated().map { (path.child("containers").index($0.offset), $0.element) }
      + (initContainers ?? []).enumerated().map { (path.child("initContainers").index($0.offset), $0.element) }
  }

  static func validateName(_ name: String?, _ rule: NameRule, _ path: FieldPath) -> [FieldError] {
    guard let name, !name.isEmpty else { return [] }
    return rule.messages(name, prefix: false).map { .invalid(path, .string(name), $0) }
  }

  // MARK: Containers

  private func validateContainers(_ path: FieldPath, _ context: PodValidationContext) -> [FieldError] {
    guard !containers.isEmpty else { return [.required(path)] }
    var errs: [FieldError] = []
    var names: Set<String> = []
    for (i, container) in containers.enumerated() {
      let p = path.index(i)
      errs += container.validateCommon(p, context)
      if names.contains(container.name) {
        errs.append(.duplicate(p.child("name"), .string(container.name)))
      } else {
        names.insert(container.name)
      }
      errs += container.validateProbesAndLifecycle(p, gracePeriod: context.gracePeriod)
      if container.restartPolicy != nil {
        errs.append(.forbidden(p.child("restartPolicy"), "may not be set for non-init containers"))
      }
    }
    var seen: Set<String> = []
    errs += Container.validateHostPortConflicts(Array(containers.enumerated()), path, seen: &seen)
    return errs
  }

  private func validateInitContainers(_ path: FieldPath, _ context: PodValidationContext) -> [FieldError] {
    var errs: [FieldError] = []
    var names = Set(containers.map(\.name))
    for (i, container) in (initContainers ?? []).enumerated() {
      let p = path.index(i)
      errs += container.validateCommon(p, context)
      var restartAlways = false
      if let policy = container.restartPolicy {
        if policy != "Always" { errs.append(.notSupported(p.child("restartPolicy"), .string(policy), ["Always"])) }
        restartAlways = policy == "Always"
      }
      if names.contains(container.name) {
        errs.append(.duplicate(p.child("name"), .string(container.name)))
      } else if !container.name.isEmpty {
        names.insert(container.name)
      }
      var seen: Set<String> = []
      errs += Container.validateHostPortConflicts([(i, container)], path, seen: &seen)
      if restartAlways {
        errs += container.validateProbesAndLifecycle(p, gracePeriod: context.gracePeriod)
      } else {
        let why = "may not be set for init containers without restartPolicy=Always"
        if container.lifecycle != nil { errs.append(.forbidden(p.child("lifecycle"), why)) }
        if container.livenessProbe != nil { errs.append(.forbidden(p.child("livenessProbe"), why)) }
        if container.readinessProbe != nil { errs.append(.forbidden(p.child("readinessProbe"), why)) }
        if container.startupProbe != nil { errs.append(.forbidden(p.child("startupProbe"), why)) }
      }
    }
    return errs
  }

  private func validateHostNetworkPorts(_ path: FieldPath, isPod: Bool) -> [FieldError] {
    guard hostNetwork == true else { return [] }
    var errs: [FieldError] = []
    for (i, container) in containers.enumerated() {
      for (j, port) in (container.ports ?? []).enumerated() {
        let hostPort = port.hostPort ?? 0
        if (isPod || hostPort != 0) && hostPort != port.containerPort {
          errs.append(.invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                               .int(Int64(hostPort)), "must match `containerPort` when `hostNetwork` is true"))
        }
      }
    }
    return errs
  }

  private func validateResourceClaims(_ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    var names: Set<String> = []
    for (i, claim) in (resourceClaims ?? []).enumerated() {
      let p = path.index(i)
      if claim.name.isEmpty {
        errs.append(.required(p.child("name")))
      } else if names.contains(claim.name) {
        errs.append(.duplicate(p.child("name"), .string(claim.name)))
      } else {
        for msg in Identifiers.dns1123Label(claim.name) { errs.append(.invalid(p.child("name"), .string(claim.name), msg)) }
        names.insert(claim.name)
      }
      if claim.resourceClaimName != nil && claim.resourceClaimTemplateName != nil {
        errs.append(.invalid(p, jsonValue(claim), "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"))
      }
      if claim.resourceClaimName == nil && claim.resourceClaimTemplateName == nil {
        errs.append(.invalid(p, jsonValue(claim), "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
      }
      errs += Self.validateName(claim.resourceClaimName, .dnsSubdomain, p.child("resourceClaimName"))
      errs += Self.validateName(claim.resourceClaimTemplateName, .dnsSubdomain, p.child("resourceClaimTemplateName"))
    }
    return errs
  }

  // MARK: Volumes

  /// `ValidateVolumes`: the volumes that passed, by name, and the errors of the others.
  func validateVolumes(_ path: FieldPath) -> ([String: Volume], [FieldError]) {
    var errs: [FieldError] = []
    var valid: [String: Volume] = [:]
    for (i, volume) in (volumes ?? []).enumerated() {
      let p = path.index(i)
      var own = volume.validateSource(p)
      if volume.name.isEmpty {
        own.append(.required(p.child("name")))
      } else {
        for msg in Identifiers.dns1123Label(volume.name) { own.append(.invalid(p.child("name"), .string(volume.name), msg)) }
      }
      if valid[volume.name] != nil { own.append(.duplicate(p.child("name"), .string(volume.name))) }
      if own.isEmpty {
        valid[volume.name] = volume
      } else {
        errs += own
      }
    }
    return (valid, errs)
  }

  // MARK: Pod security context, DNS, tolerations

  private func validateSecurityContext(_ path: FieldPath) -> [FieldError] {
    guard let sc = securityContext else { return [] }
    var errs: [FieldError] = []
    if let fsGroup = sc.fsGroup { errs += SecurityContext.validateID(fsGroup, path.child("fsGroup")) }
    if let runAsUser = sc.runAsUser { errs += SecurityContext.validateID(runAsUser, path.child("runAsUser")) }
    if let runAsGroup = sc.runAsGroup { errs += SecurityContext.validateID(runAsGroup, path.child("runAsGroup")) }
    for (i, gid) in (sc.supplementalGroups ?? []).enumerated() {
      errs += SecurityContext.validateID(gid, path.child("supplementalGroups").index(i))
    }
    // Kubernetes keeps these two in the pod security context internally and names them so.
    if shareProcessNamespace == true && hostPID == true {
      errs.append(.invalid(path.child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"))
    }
    var sysctlNames: Set<String> = []
    for (i, sysctl) in (sc.sysctls ?? []).enumerated() {
      let p = path.child("sysctls").index(i).child("name")
      if sysctl.name.isEmpty {
        errs.append(.required(p))
      } else if !Self.isValidSysctlName(sysctl.name) {
        errs.append(.invalid(p, .string(sysctl.name),
          "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"))
      } else if sysctlNames.contains(sysctl.name) {
        errs.append(.duplicate(p, .string(sysctl.name)))
      }
      sysctlNames.insert(sysctl.name)
    }
    if let policy = sc.fsGroupChangePolicy, policy != "Always" && policy != "OnRootMismatch" {
      errs.append(.notSupported(path.child("fsGroupChangePolicy"), .string(policy), ["Always", "OnRootMismatch"]))
    }
    errs += sc.seccompProfile?.validate(path.child("seccompProfile")) ?? []
    errs += sc.appArmorProfile?.validate(path.child("appArmorProfile")) ?? []
    if let policy = sc.supplementalGroupsPolicy, policy != "Merge" && policy != "Strict" {
      errs.append(.notSupported(path.child("supplementalGroupsPolicy"), .string(policy), ["Merge", "Strict"]))
    }
    if let policy = sc.seLinuxChangePolicy, policy != "MountOption" && policy != "Recursive" {
      errs.append(.notSupported(path.child("seLinuxChangePolicy"), .string(policy), ["MountOption", "Recursive"]))
    }
    return errs
  }

  static func isValidSysctlName(_ name: String) -> Bool {
    guard name.utf8.count <= 253 else { return false }
    var segments: [Substring] = []
    var current = Substring("")
    for c in name {
      if c == "." || c == "/" {
        segments.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    segments.append(current)
    return segments.allSatisfy { segment in
      let u = segment.utf8
      guard let f = u.first, let l = u.last, Identifiers.isLowerAlnum(f), Identifiers.isLowerAlnum(l) else { return false }
      return u.allSatisfy { Identifiers.isLowerAlnum($0) || $0 == 0x2d || $0 == 0x5f }
    }
  }

  private func validateDNSConfig(_ path: FieldPath) -> [FieldError] {
    if dnsPolicy == "None" {
      guard let dnsConfig else { return [.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")] }
      if (dnsConfig.nameservers ?? []).isEmpty {
        return [.required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")]
      }
    }
    guard let dnsConfig else { return [] }
    var errs: [FieldError] = []
    let nameservers = dnsConfig.nameservers ?? []
    if nameservers.count > 3 {
      errs.append(.invalid(path.child("nameservers"), jsonValue(nameservers), "must not have more than 3 nameservers"))
    }
    for (i, ns) in nameservers.enumerated() { errs += IPAddress.validate(ns, path.child("nameservers").index(i)) }
    let searches = dnsConfig.searches ?? []
    if searches.count > 32 {
      errs.append(.invalid(path.child("searches"), jsonValue(searches), "must not have more than 32 search paths"))
    }
    if searches.joined(separator: " ").utf8.count > 2048 {
      errs.append(.invalid(path.child("searches"), jsonValue(searches),
                           "must not have more than 2048 characters (including spaces) in the search list"))
    }
    // Relaxed search validation (GA in 1.34): "." alone, underscores allowed.
    for (i, search) in searches.enumerated() where search != "." {
      let trimmed = search.hasSuffix(".") ? String(search.dropLast()) : search
      if !Self.isSubdomainWithUnderscore(trimmed) {
        errs.append(.invalid(path.child("searches").index(i), .string(trimmed), Identifiers.regexError(
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character",
          "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*", "example.com")))
      }
    }
    for (i, option) in (dnsConfig.options ?? []).enumerated() where option.name?.isEmpty ?? true {
      errs.append(.required(path.child("options").index(i), "must not be empty"))
    }
    return errs
  }

  static func isSubdomainWithUnderscore(_ s: String) -> Bool {
    guard !s.isEmpty, s.utf8.count <= 253 else { return false }
    return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
      var u = Substring(part).utf8[...]
      if u.first == 0x5f { u = u.dropFirst() }
      guard let f = u.first, let l = u.last, Identifiers.isLowerAlnum(f), Identifiers.isLowerAlnum(l) else { return false }
      return u.allSatisfy { Identifiers.isLowerAlnum($0) || $0 == 0x2d || $0 == 0x5f }
    }
  }

  static func validateTolerations(_ tolerations: [Toleration], _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    for (i, toleration) in tolerations.enumerated() {
      let p = path.index(i)
      let key = toleration.key ?? ""
      let op = toleration.operator ?? ""
      let effect = toleration.effect ?? ""
      if !key.isEmpty {
        for msg in Identifiers.labelKey(key) { errs.append(.invalid(p.child("key"), .string(key), msg)) }
      }
      if key.isEmpty && op != "Exists" {
        errs.append(.invalid(p.child("operator"), .string(op),
          "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
      }
      if toleration.tolerationSeconds != nil && effect != "NoExecute" {
        errs.append(.invalid(p.child("effect"), .string(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"))
      }
      switch op {
      case "Equal", "":
        let msgs = Identifiers.labelValue(toleration.value ?? "")
        if !msgs.isEmpty { errs.append(.invalid(p.child("operator"), .string(toleration.value ?? ""), msgs.joined(separator: ";"))) }
      case "Exists":
        if let value = toleration.value, !value.isEmpty {
          errs.append(.invalid(p.child("operator"), .string(value), "value must be empty when `operator` is 'Exists'"))
        }
      default:
        errs.append(.notSupported(p.child("operator"), .string(op), ["Equal", "Exists"]))
      }
      if !effect.isEmpty { errs += validateTaintEffect(effect, p.child("effect")) }
    }
    return errs
  }

  static func validateTaintEffect(_ effect: String, _ path: FieldPath) -> [FieldError] {
    let supported = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
    return supported.contains(effect) ? [] : [.notSupported(path, .string(effect), supported)]
  }
}

extension Volume {
  /// `validateVolumeSource`: exactly one source, each checked.
  func validateSource(_ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    let names = sourceNames
    if names.isEmpty { return [.required(path, "must specify a volume type")] }
    for extra in names.dropFirst() {
      errs.append(.forbidden(path.child(extra), "may not specify more than 1 volume type"))
    }
    switch names[0] {
    case "emptyDir":
      if let value = emptyDir?.sizeLimit?.value, value < 0 {
        errs.append(.forbidden(path.child("emptyDir").child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
      }
    case "hostPath":
      let p = path.child("hostPath")
      if let hostPath {
        if hostPath.path.isEmpty {
          errs.append(.required(p.child("path")))
        } else {
          errs += Self.validateNoBacksteps(hostPath.path, p.child("path"))
          let types = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]
          if let type = hostPath.type, !types.contains(type) {
            errs.append(.notSupported(p.child("type"), .string(type), types))
          }
        }
      }
    case "secret":
      let p = path.child("secret")
      if secret?.secretName?.isEmpty ?? true { errs.append(.required(p.child("secretName"))) }
      errs += Self.validateMode(secret?.defaultMode, p.child("defaultMode"))
      for (i, item) in (secret?.items ?? []).enumerated() { errs += item.validate(p.child("items").index(i)) }
    case "configMap":
      let p = path.child("configMap")
      if configMap?.name?.isEmpty ?? true { errs.append(.required(p.child("name"))) }
      errs += Self.validateMode(configMap?.defaultMode, p.child("defaultMode"))
      for (i, item) in (configMap?.items ?? []).enumerated() { errs += item.validate(p.child("items").index(i)) }
    case "persistentVolumeClaim":
      if persistentVolumeClaim?.claimName.isEmpty ?? true {
        errs.append(.required(path.child("persistentVolumeClaim").child("claimName")))
      }
    case "downwarAPI":
      let p = path.child("downwardAPI")
      errs += Self.validateMode(downwardAPI?.defaultMode, p.child("defaultMode"))
      for item in downwardAPI?.items ?? [] { errs += item.validate(p) }
    case "projected":
      errs += validateProjected(path.child("projected"))
    default:
      break
    }
    return errs
  }

  private func validateProjected(_ path: FieldPath) -> [FieldError] {
    guard let projected else { return [] }
    var errs = Self.validateMode(projected.defaultMode, path.child("defaultMode"))
    var paths: Set<String> = []
    for (i, source) in (projected.sources ?? []).enumerated() {
      let p = path.child("sources").index(i)
      var count = 0
      func checkItems(_ items: [KeyToPath]?, _ itemsPath: FieldPath, owner: String) {
        for (j, item) in (items ?? []).enumerated() {
          errs += item.validate(itemsPath.index(j))
          if !item.path.isEmpty {
            if paths.contains(item.path) {
              errs.append(.invalid(path, .string(owner), "conflicting duplicate paths"))
            } else {
              paths.insert(item.path)
            }
          }
        }
      }
      if let secret = source.secret {
        count += 1
        if secret.name?.isEmpty ?? true { errs.append(.required(p.child("secret").child("name"))) }
        checkItems(secret.items, p.child("secret").child("items"), owner: secret.name ?? "")
      }
      if let configMap = source.configMap {
        count += 1
        if configMap.name?.isEmpty ?? true { errs.append(.required(p.child("configMap").child("name"))) }
        checkItems(configMap.items, p.child("configMap").child("items"), owner: configMap.name ?? "")
      }
      if let downwardAPI = source.downwardAPI {
        count += 1
        for item in downwardAPI.items ?? [] {
          errs += item.validate(p.child("downwardAPI"))
          if !item.path.isEmpty {
            if paths.contains(item.path) {
              errs.append(.invalid(path, "", "conflicting duplicate paths"))
            } else {
              paths.insert(item.path)
            }
          }
        }
      }
      if let token = source.serviceAccountToken {
        count += 1
        let tp = p.child("serviceAccountToken")
        if let seconds = token.expirationSeconds {
          if seconds < 600 {
            errs.append(.invalid(tp.child("expirationSeconds"), .int(seconds), "may not specify a duration less than 10 minutes"))
          } else if seconds > 1 << 32 {
            errs.append(.invalid(tp.child("expirationSeconds"), .int(seconds), "may not specify a duration larger than 2^32 seconds"))
          }
        }
        if token.path.isEmpty { errs.append(.required(tp.child("path"))) }
        errs += Self.validateLocalNonReservedPath(token.path, tp.child("path"))
      }
      if source.clusterTrustBundle != nil { count += 1 }
      if source.podCertificate != nil { count += 1 }
      if count != 1 { errs.append(.forbidden(p, "may not specify more than 1 volume type per source")) }
    }
    return errs
  }

  static func validateMode(_ mode: Int32?, _ path: FieldPath) -> [FieldError] {
    guard let mode, mode > 0o777 || mode < 0 else { return [] }
    return [.invalid(path, .int(Int64(mode)), "must be a number between 0 and 0777 (octal), both inclusive")]
  }

  static func validateNoBacksteps(_ target: String, _ path: FieldPath) -> [FieldError] {
    target.split(separator: "/", omittingEmptySubsequences: false).contains("..")
      ? [.invalid(path, .string(target), "must not contain '..'")] : []
  }

  static func validateLocalDescendingPath(_ target: String, _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    if target.hasPrefix("/") { errs.append(.invalid(path, .string(target), "must be a relative path")) }
    return errs + validateNoBacksteps(target, path)
  }

  static func validateLocalNonReservedPath(_ target: String, _ path: FieldPath) -> [FieldError] {
    var errs = validateLocalDescendingPath(target, path)
    if errs.isEmpty && target.hasPrefix("..") && !target.hasPrefix("../") {
      errs.append(.invalid(path, .string(target), "must not start with '..'"))
    }
    return errs
  }
}

extension KeyToPath {
  func validate(_ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    if key.isEmpty { errs.append(.required(path.child("key"))) }
    if self.path.isEmpty { errs.append(.required(path.child("path"))) }
    errs += Volume.validateLocalNonReservedPath(self.path, path.child("path"))
    errs += Volume.validateMode(mode, path.child("mode"))
    return errs
  }
}

extension DownwardAPIVolumeFile {
  static let volumeFieldPaths = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"]

  /// Errors are reported on the volume's path plus the item's own fields, as Kubernetes does.
  func validate(_ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    if self.path.isEmpty { errs.append(.required(path.child("path"))) }
    errs += Volume.validateLocalNonReservedPath(self.path, path.child("path"))
    if let fieldRef {
      errs += fieldRef.validate(path.child("fieldRef"), allowed: Self.volumeFieldPaths)
      if resourceFieldRef != nil {
        errs.append(.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
      }
    } else if let resourceFieldRef {
      errs += resourceFieldRef.validate(path.child("resourceFieldRef"), volume: true)
    } else {
      errs.append(.required(path, "one of fieldRef and resourceFieldRef is required"))
    }
    errs += Volume.validateMode(mode, path.child("mode"))
    return errs
  }
}
