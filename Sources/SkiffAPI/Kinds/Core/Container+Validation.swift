// Container validation, as kubernetes `pkg/apis/core/validation/validation.go`
// (`validateContainerCommon` and what it calls) orders and words it.

/// What container checks need from the pod around them.
struct PodValidationContext {
  /// Volumes that passed validation, by name (mounts of others are `Not found`).
  var volumes: [String: Volume]
  var claimNames: Set<String>
  var gracePeriod: Int64?
  var restartPolicy: String
  var hostUsers: Bool
}

extension Container {
  func validateCommon(_ path: FieldPath, _ context: PodValidationContext) -> [FieldError] {
    var errs: [FieldError] = []
    if name.isEmpty {
      errs.append(.required(path.child("name")))
    } else {
      for msg in Identifiers.dns1123Label(name) { errs.append(.invalid(path.child("name"), .string(name), msg)) }
    }
    if image?.isEmpty ?? true { errs.append(.required(path.child("image"))) }
    switch terminationMessagePolicy ?? "" {
    case "File", "FallbackToLogsOnError": break
    case "": errs.append(.required(path.child("terminationMessagePolicy")))
    case let other:
      errs.append(.notSupported(path.child("terminationMessagePolicy"), .string(other), ["File", "FallbackToLogsOnError"]))
    }
    errs += Self.validatePorts(ports ?? [], path.child("ports"))
    errs += Self.validateEnv(env ?? [], path.child("env"))
    errs += Self.validateEnvFrom(envFrom ?? [], path.child("envFrom"))
    errs += validateVolumeMounts(path.child("volumeMounts"), context)
    errs += validateVolumeDevices(path.child("volumeDevices"), context)
    switch imagePullPolicy ?? "" {
    case "Always", "IfNotPresent", "Never": break
    case "": errs.append(.required(path.child("imagePullPolicy")))
    case let other:
      errs.append(.notSupported(path.child("imagePullPolicy"), .string(other), ["Always", "IfNotPresent", "Never"]))
    }
    errs += (resources ?? ResourceRequirements()).validate(path.child("resources"), claimNames: context.claimNames)
    errs += validateResizePolicy(path.child("resizePolicy"), restartPolicy: context.restartPolicy)
    errs += securityContext?.validate(path.child("securityContext"), hostUsers: context.hostUsers) ?? []
    return errs
  }

  /// Probes and lifecycle, for regular containers and sidecars (`restartPolicy: Always`).
  func validateProbesAndLifecycle(_ path: FieldPath, gracePeriod: Int64?) -> [FieldError] {
    var errs: [FieldError] = []
    if let lifecycle {
      if let postStart = lifecycle.postStart {
        errs += Self.validateHandler(postStart.exec, postStart.httpGet, postStart.tcpSocket, nil, postStart.sleep,
                                     gracePeriod: gracePeriod, path.child("lifecycle").child("postStart"))
      }
      if let preStop = lifecycle.preStop {
        errs += Self.validateHandler(preStop.exec, preStop.httpGet, preStop.tcpSocket, nil, preStop.sleep,
                                     gracePeriod: gracePeriod, path.child("lifecycle").child("preStop"))
      }
    }
    if let livenessProbe {
      let p = path.child("livenessProbe")
      errs += livenessProbe.validate(p, gracePeriod: gracePeriod)
      if (livenessProbe.successThreshold ?? 0) != 1 {
        errs.append(.invalid(p.child("successThreshold"), .int(Int64(livenessProbe.successThreshold ?? 0)), "must be 1"))
      }
    }
    if let readinessProbe {
      let p = path.child("readinessProbe")
      errs += readinessProbe.validate(p, gracePeriod: gracePeriod)
      if let t = readinessProbe.terminationGracePeriodSeconds {
        errs.append(.invalid(p.child("terminationGracePeriodSeconds"), .int(t), "must not be set for readinessProbes"))
      }
    }
    if let startupProbe {
      let p = path.child("startupProbe")
      errs += startupProbe.validate(p, gracePeriod: gracePeriod)
      if (startupProbe.successThreshold ?? 0) != 1 {
        errs.append(.invalid(p.child("successThreshold"), .int(Int64(startupProbe.successThreshold ?? 0)), "must be 1"))
      }
    }
    return errs
  }

  // MARK: Ports

  static func validatePorts(_ ports: [ContainerPort], _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    var names: Set<String> = []
    for (i, port) in ports.enumerated() {
      let p = path.index(i)
      if let name = port.name, !name.isEmpty {
        let msgs = Identifiers.portName(name)
        if !msgs.isEmpty {
          for msg in msgs { errs.append(.invalid(p.child("name"), .string(name), msg)) }
        } else if names.contains(name) {
          errs.append(.duplicate(p.child("name"), .string(name)))
        } else {
          names.insert(name)
        }
      }
      if port.containerPort == 0 {
        errs.append(.required(p.child("containerPort")))
      } else {
        for msg in Identifiers.portNumber(Int64(port.containerPort)) {
          errs.append(.invalid(p.child("containerPort"), .int(Int64(port.containerPort)), msg))
        }
      }
      if let hostPort = port.hostPort, hostPort != 0 {
        for msg in Identifiers.portNumber(Int64(hostPort)) {
          errs.append(.invalid(p.child("hostPort"), .int(Int64(hostPort)), msg))
        }
      }
      errs += validateProtocol(port.protocol, p.child("protocol"))
    }
    return errs
  }

  static func validateProtocol(_ proto: String?, _ path: FieldPath) -> [FieldError] {
    switch proto ?? "" {
    case "TCP", "UDP", "SCTP": return []
    case "": return [.required(path)]
    case let other: return [.notSupported(path, .string(other), ["SCTP", "TCP", "UDP"])]
    }
  }

  /// Host ports must not collide (`AccumulateUniqueHostPorts`).
  static func validateHostPortConflicts(_ containers: [(Int, Container)], _ path: FieldPath, seen: inout Set<String>) -> [FieldError] {
    var errs: [FieldError] = []
    for (ci, container) in containers {
      for (pi, port) in (container.ports ?? []).enumerated() {
        guard let hostPort = port.hostPort, hostPort != 0 else { continue }
        let key = "\(port.protocol ?? "")/\(port.hostIP ?? "")/\(hostPort)"
        if seen.contains(key) {
          errs.append(.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), .string(key)))
        } else {
          seen.insert(key)
        }
      }
    }
    return errs
  }

  // MARK: Environment

  static func validateEnv(_ env: [EnvVar], _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    for (i, variable) in env.enumerated() {
      let p = path.index(i)
      if variable.name.isEmpty {
        errs.append(.required(p.child("name")))
      } else {
        for msg in Identifiers.envVarName(variable.name) { errs.append(.invalid(p.child("name"), .string(variable.name), msg)) }
      }
      if let source = variable.valueFrom {
        errs += source.validate(p.child("valueFrom"), hasValue: !(variable.value ?? "").isEmpty)
      }
    }
    return errs
  }

  static func validateEnvFrom(_ sources: [EnvFromSource], _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    for (i, source) in sources.enumerated() {
      let p = path.index(i)
      if let prefix = source.prefix, !prefix.isEmpty {
        for msg in Identifiers.envVarName(prefix) { errs.append(.invalid(p.child("prefix"), .string(prefix), msg)) }
      }
      var count = 0
      if let ref = source.configMapRef {
        count += 1
        errs += validateReferencedName(ref.name, p.child("configMapRef").child("name"))
      }
      if let ref = source.secretRef {
        count += 1
        errs += validateReferencedName(ref.name, p.child("secretRef").child("name"))
      }
      if count == 0 {
        errs.append(.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
      } else if count > 1 {
        errs.append(.invalid(path, "", "may not have more than one field specified at a time"))
      }
    }
    return errs
  }

  private static func validateReferencedName(_ name: String?, _ path: FieldPath) -> [FieldError] {
    guard let name, !name.isEmpty else { return [.required(path)] }
    return NameRule.dnsSubdomain.messages(name, prefix: true).map { .invalid(path, .string(name), $0) }
  }

  // MARK: Volumes

  func validateVolumeMounts(_ path: FieldPath, _ context: PodValidationContext) -> [FieldError] {
    var errs: [FieldError] = []
    var mountPaths: Set<String> = []
    let devices = Dictionary((volumeDevices ?? []).map { ($0.name, $0.devicePath) }, uniquingKeysWith: { a, _ in a })
    for (i, mount) in (volumeMounts ?? []).enumerated() {
      let p = path.index(i)
      if mount.name.isEmpty { errs.append(.required(p.child("name"))) }
      if context.volumes[mount.name] == nil { errs.append(.notFound(p.child("name"), .string(mount.name))) }
      if mount.mountPath.isEmpty { errs.append(.required(p.child("mountPath"))) }
      if mountPaths.contains(mount.mountPath) {
        errs.append(.invalid(p.child("mountPath"), .string(mount.mountPath), "must be unique"))
      }
      mountPaths.insert(mount.mountPath)
      if devices[mount.name] != nil {
        errs.append(.invalid(p.child("name"), .string(mount.name), "must not already exist in volumeDevices"))
      }
      if devices.values.contains(mount.mountPath) {
        errs.append(.invalid(p.child("mountPath"), .string(mount.mountPath), "must not already exist as a path in volumeDevices"))
      }
      // Kubernetes reports sub-path problems on the list's path, not the item's.
      if let subPath = mount.subPath, !subPath.isEmpty {
        errs += Volume.validateLocalDescendingPath(subPath, path.child("subPath"))
      }
      if let expr = mount.subPathExpr, !expr.isEmpty {
        if !(mount.subPath ?? "").isEmpty {
          errs.append(.invalid(p.child("subPathExpr"), .string(expr), "subPathExpr and subPath are mutually exclusive"))
        }
        errs += Volume.validateLocalDescendingPath(expr, path.child("subPathExpr"))
      }
      if let propagation = mount.mountPropagation {
        let supported = ["Bidirectional", "HostToContainer", "None"]
        if !supported.contains(propagation) {
          errs.append(.notSupported(path.child("mountPropagation"), .string(propagation), supported))
        } else if propagation == "Bidirectional" && securityContext?.privileged != true {
          errs.append(.forbidden(path.child("mountPropagation"),
            "Bidirectional mount propagation is available only to privileged containers"))
        }
      }
    }
    return errs
  }

  func validateVolumeDevices(_ path: FieldPath, _ context: PodValidationContext) -> [FieldError] {
    var errs: [FieldError] = []
    var paths: Set<String> = []
    var names: Set<String> = []
    let mounts = Dictionary((volumeMounts ?? []).map { ($0.name, $0.mountPath) }, uniquingKeysWith: { a, _ in a })
    for (i, device) in (volumeDevices ?? []).enumerated() {
      let p = path.index(i)
      let volume = context.volumes[device.name]
      if device.name.isEmpty { errs.append(.required(p.child("name"))) }
      if names.contains(device.name) { errs.append(.invalid(p.child("name"), .string(device.name), "must be unique")) }
      if let volume, volume.persistentVolumeClaim == nil && volume.ephemeral == nil {
        errs.append(.invalid(p.child("name"), .string(device.name),
          "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
      }
      if volume == nil { errs.append(.notFound(p.child("name"), .string(device.name))) }
      if device.devicePath.isEmpty { errs.append(.required(p.child("devicePath"))) }
      if paths.contains(device.devicePath) {
        errs.append(.invalid(p.child("devicePath"), .string(device.devicePath), "must be unique"))
      }
      if !device.devicePath.isEmpty && device.devicePath.split(separator: "/").contains("..") {
        errs.append(.invalid(p.child("devicePath"), .string(device.devicePath), "can not contain backsteps ('..')"))
      } else {
        paths.insert(device.devicePath)
      }
      if mounts[device.name] != nil {
        errs.append(.invalid(p.child("name"), .string(device.name), "must not already exist in volumeMounts"))
      }
      if mounts.values.contains(device.devicePath) {
        errs.append(.invalid(p.child("devicePath"), .string(device.devicePath), "must not already exist as a path in volumeMounts"))
      }
      if !device.name.isEmpty { names.insert(device.name) }
    }
    return errs
  }

  func validateResizePolicy(_ path: FieldPath, restartPolicy: String) -> [FieldError] {
    var errs: [FieldError] = []
    var seen: Set<String> = []
    for (i, policy) in (resizePolicy ?? []).enumerated() {
      if seen.contains(policy.resourceName) { errs.append(.duplicate(path.index(i), .string(policy.resourceName))) }
      seen.insert(policy.resourceName)
      switch policy.resourceName {
      case "cpu", "memory": break
      case "": errs.append(.required(path))
      case let other: errs.append(.notSupported(path, .string(other), ["cpu", "memory"]))
      }
      switch policy.restartPolicy {
      case "NotRequired", "RestartContainer": break
      case "": errs.append(.required(path))
      case let other: errs.append(.notSupported(path, .string(other), ["NotRequired", "RestartContainer"]))
      }
      if restartPolicy == "Never" && policy.restartPolicy != "NotRequired" {
        errs.append(.invalid(path, .string(policy.restartPolicy), "must be 'NotRequired' when `restartPolicy` is 'Never'"))
      }
    }
    return errs
  }

  // MARK: Handlers

  static func validateHandler(_ exec: ExecAction?, _ httpGet: HTTPGetAction?, _ tcpSocket: TCPSocketAction?,
                              _ grpc: GRPCAction?, _ sleep: SleepAction?, gracePeriod: Int64?,
                              _ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    var handlers = 0
    func more(_ name: String) -> Bool {
      if handlers > 0 {
        errs.append(.forbidden(path.child(name), "may not specify more than 1 handler type"))
        return false
      }
      handlers += 1
      return true
    }
    if let exec, more("exec"), (exec.command ?? []).isEmpty {
      errs.append(.required(path.child("exec").child("command")))
    }
    if let httpGet, more("httpGet") {
      let p = path.child("httpGet")
      if httpGet.path?.isEmpty ?? true { errs.append(.required(p.child("path"))) }
      errs += validatePortNumOrName(httpGet.port, p.child("port"))
      let scheme = httpGet.scheme ?? ""
      if scheme != "HTTP" && scheme != "HTTPS" { errs.append(.notSupported(p.child("scheme"), .string(scheme), ["HTTP", "HTTPS"])) }
      for header in httpGet.httpHeaders ?? [] {
        for msg in Identifiers.httpHeaderName(header.name) { errs.append(.invalid(p.child("httpHeaders"), .string(header.name), msg)) }
      }
    }
    if let tcpSocket, more("tcpSocket") {
      errs += validatePortNumOrName(tcpSocket.port, path.child("tcpSocket").child("port"))
    }
    if let grpc, more("grpc") {
      errs += validatePortNumOrName(.int(grpc.port), path.child("grpc").child("port"))
    }
    if let sleep, more("sleep"), let gracePeriod, sleep.seconds < 0 || sleep.seconds > gracePeriod {
      errs.append(.invalid(path.child("sleep"), .int(sleep.seconds),
        "must be non-negative and less than terminationGracePeriodSeconds (\(gracePeriod))"))
    }
    if handlers == 0 { errs.append(.required(path, "must specify a handler type")) }
    return errs
  }

  static func validatePortNumOrName(_ port: IntOrString, _ path: FieldPath) -> [FieldError] {
    switch port {
    case .int(let n): return Identifiers.portNumber(Int64(n)).map { .invalid(path, .int(Int64(n)), $0) }
    case .string(let s): return Identifiers.portName(s).map { .invalid(path, .string(s), $0) }
    }
  }
}

extension Probe {
  func validate(_ path: FieldPath, gracePeriod: Int64?) -> [FieldError] {
    var errs = Container.validateHandler(exec, httpGet, tcpSocket, grpc, nil, gracePeriod: gracePeriod, path)
    errs += FieldError.nonNegative(Int64(initialDelaySeconds ?? 0), path.child("initialDelaySeconds"))
    errs += FieldError.nonNegative(Int64(timeoutSeconds ?? 0), path.child("timeoutSeconds"))
    errs += FieldError.nonNegative(Int64(periodSeconds ?? 0), path.child("periodSeconds"))
    errs += FieldError.nonNegative(Int64(successThreshold ?? 0), path.child("successThreshold"))
    errs += FieldError.nonNegative(Int64(failureThreshold ?? 0), path.child("failureThreshold"))
    if let t = terminationGracePeriodSeconds, t <= 0 {
      errs.append(.invalid(path.child("terminationGracePeriodSeconds"), .int(t), "must be greater than 0"))
    }
    return errs
  }
}

extension EnvVarSource {
  static let envFieldPaths = [
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
  ]
  static let resourceFieldPaths = [
    "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage",
    "requests.memory",
  ]

  func validate(_ path: FieldPath, hasValue: Bool) -> [FieldError] {
    var errs: [FieldError] = []
    var count = 0
    if let fieldRef {
      count += 1
      errs += fieldRef.validate(path.child("fieldRef"), allowed: Self.envFieldPaths)
    }
    if let resourceFieldRef {
      count += 1
      errs += resourceFieldRef.validate(path.child("resourceFieldRef"), volume: false)
    }
    if let ref = configMapKeyRef {
      count += 1
      errs += Self.validateKeySelector(name: ref.name, key: ref.key, path.child("configMapKeyRef"))
    }
    if let ref = secretKeyRef {
      count += 1
      errs += Self.validateKeySelector(name: ref.name, key: ref.key, path.child("secretKeyRef"))
    }
    if fileKeyRef != nil { count += 1 }
    if count == 0 {
      errs.append(.invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
    } else if hasValue {
      errs.append(.invalid(path, "", "may not be specified when `value` is not empty"))
    } else if count > 1 {
      errs.append(.invalid(path, "", "may not have more than one field specified at a time"))
    }
    return errs
  }

  static func validateKeySelector(name: String?, key: String, _ path: FieldPath) -> [FieldError] {
    var errs = NameRule.dnsSubdomain.messages(name ?? "", prefix: false).map { FieldError.invalid(path.child("name"), .string(name ?? ""), $0) }
    if key.isEmpty {
      errs.append(.required(path.child("key")))
    } else {
      for msg in Identifiers.configMapKey(key) { errs.append(.invalid(path.child("key"), .string(key), msg)) }
    }
    return errs
  }
}

extension ObjectFieldSelector {
  /// `validateObjectFieldSelector` with the v1 field-label conversion in front of it.
  func validate(_ path: FieldPath, allowed: [String]) -> [FieldError] {
    guard let apiVersion, !apiVersion.isEmpty else { return [.required(path.child("apiVersion"))] }
    guard !fieldPath.isEmpty else { return [.required(path.child("fieldPath"))] }
    guard apiVersion == "v1" else {
      return [.invalid(path.child("fieldPath"), .string(fieldPath), "error converting fieldPath: unsupported pod version: \(apiVersion)")]
    }
    if let open = fieldPath.firstIndex(of: "["), fieldPath.hasSuffix("']"),
      fieldPath[fieldPath.index(after: open)...].hasPrefix("'")
    {
      let base = String(fieldPath[..<open])
      let key = String(fieldPath[fieldPath.index(open, offsetBy: 2)..<fieldPath.index(fieldPath.endIndex, offsetBy: -2)])
      switch base {
      case "metadata.annotations":
        return Identifiers.labelKey(key.lowercased()).map { .invalid(path, .string(key.lowercased()), $0) }
      case "metadata.labels":
        return Identifiers.labelKey(key).map { .invalid(path, .string(key), $0) }
      default:
        return [.invalid(path.child("fieldPath"), .string(fieldPath),
          "error converting fieldPath: field label does not support subscript: \(fieldPath)")]
      }
    }
    let known = [
      "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
      "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
      "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs", "spec.host",
    ]
    guard known.contains(fieldPath) else {
      return [.invalid(path.child("fieldPath"), .string(fieldPath), "error converting fieldPath: field label not supported: \(fieldPath)")]
    }
    let internalPath = fieldPath == "spec.host" ? "spec.nodeName" : fieldPath
    guard allowed.contains(internalPath) else {
      return [.notSupported(path.child("fieldPath"), .string(internalPath), allowed.sorted())]
    }
    return []
  }
}

extension ResourceFieldSelector {
  func validate(_ path: FieldPath, volume: Bool) -> [FieldError] {
    if volume && (containerName ?? "").isEmpty { return [.required(path.child("containerName"))] }
    if resource.isEmpty { return [.required(path.child("resource"))] }
    if !EnvVarSource.resourceFieldPaths.contains(resource)
      && !resource.hasPrefix("requests.hugepages-") && !resource.hasPrefix("limits.hugepages-")
    {
      return [.notSupported(path.child("resource"), .string(resource), EnvVarSource.resourceFieldPaths)]
    }
    return []
  }
}

extension ResourceRequirements {
  static let standardResourceNames: Set<String> = [
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
  ]

  /// `ValidateContainerResourceRequirements`: names, non-negative quantities, requests
  /// not above limits.
  func validate(_ path: FieldPath, claimNames: Set<String>) -> [FieldError] {
    var errs: [FieldError] = []
    let limitsPath = path.child("limits")
    let requestsPath = path.child("requests")
    for (name, quantity) in (limits ?? [:]).sorted(by: { $0.key < $1.key }) {
      let p = limitsPath.key(name)
      errs += Self.validateContainerResourceName(name, p)
      errs += Self.validateQuantity(quantity, p)
    }
    for (name, quantity) in (requests ?? [:]).sorted(by: { $0.key < $1.key }) {
      let p = requestsPath.key(name)
      errs += Self.validateContainerResourceName(name, p)
      errs += Self.validateQuantity(quantity, p)
      let overcommitAllowed = Self.isNative(name) && !name.hasPrefix("hugepages-")
      if let limit = limits?[name] {
        if let r = quantity.value, let l = limit.value {
          if r != l && !overcommitAllowed {
            errs.append(.invalid(requestsPath, .string(quantity.text), "must be equal to \(name) limit of \(limit.text)"))
          } else if r > l {
            errs.append(.invalid(requestsPath, .string(quantity.text), "must be less than or equal to \(name) limit of \(limit.text)"))
          }
        }
      } else if !overcommitAllowed {
        errs.append(.required(limitsPath, "Limit must be set for non overcommitable resources"))
      }
    }
    var seen: Set<String> = []
    for (i, claim) in (claims ?? []).enumerated() {
      let p = path.child("claims").index(i)
      if claim.name.isEmpty {
        errs.append(.required(p))
        continue
      }
      let key = claim.request.map { "\(claim.name)/\($0)" } ?? claim.name
      if seen.contains(key) { errs.append(.duplicate(p, .string(key))) }
      seen.insert(key)
      if let request = claim.request, !request.isEmpty {
        for msg in Identifiers.dns1123Label(request) { errs.append(.invalid(p.child("request"), .string(request), msg)) }
      }
      if !claimNames.contains(claim.name) {
        let detail = "must be one of the names in pod.spec.resourceClaims"
          + (claimNames.isEmpty ? " which is empty" : ": " + claimNames.sorted().joined(separator: ", "))
        errs.append(.notFound(p, .string(claim.name), detail))
      }
    }
    return errs
  }

  static func isNative(_ name: String) -> Bool { !name.contains("/") || name.contains("kubernetes.io/") }

  static func validateContainerResourceName(_ name: String, _ path: FieldPath) -> [FieldError] {
    let msgs = Identifiers.labelKey(name)
    if !msgs.isEmpty { return msgs.map { .invalid(path, .string(name), $0) } }
    if !name.contains("/") {
      let hugePages = name.hasPrefix("hugepages-")
      if !standardResourceNames.contains(name) && !hugePages {
        return [.invalid(path, .string(name), "must be a standard resource type or fully qualified")]
      }
      if !["cpu", "memory", "ephemeral-storage"].contains(name) && !hugePages {
        return [.invalid(path, .string(name), "must be a standard resource for containers")]
      }
    } else if !isNative(name) {
      if name.hasPrefix("requests.") || !Identifiers.labelKey("requests." + name).isEmpty {
        return [.invalid(path, .string(name), "doesn't follow extended resource name standard")]
      }
    }
    return []
  }

  static func validateQuantity(_ quantity: Quantity, _ path: FieldPath) -> [FieldError] {
    guard let value = quantity.value, value < 0 else { return [] }
    return [.invalid(path, .string(quantity.text), "must be greater than or equal to 0")]
  }
}

extension SecurityContext {
  /// `ValidateSecurityContext` (privileged containers are allowed, as `--allow-privileged`).
  func validate(_ path: FieldPath, hostUsers: Bool) -> [FieldError] {
    var errs: [FieldError] = []
    if let runAsUser { errs += Self.validateID(runAsUser, path.child("runAsUser")) }
    if let runAsGroup { errs += Self.validateID(runAsGroup, path.child("runAsGroup")) }
    if let procMount {
      if procMount != "Default" && procMount != "Unmasked" {
        errs.append(.notSupported(path.child("procMount"), .string(procMount), ["Default", "Unmasked"]))
      }
      if hostUsers && procMount == "Unmasked" {
        errs.append(.invalid(path.child("procMount"), .string(procMount), "`hostUsers` must be false to use `Unmasked`"))
      }
    }
    errs += seccompProfile?.validate(path.child("seccompProfile")) ?? []
    if allowPrivilegeEscalation == false {
      if privileged == true {
        errs.append(.invalid(path, jsonValue(self), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
      }
      if capabilities?.add?.contains("CAP_SYS_ADMIN") == true {
        errs.append(.invalid(path, jsonValue(self), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
      }
    }
    errs += appArmorProfile?.validate(path.child("appArmorProfile")) ?? []
    return errs
  }

  static func validateID(_ id: Int64, _ path: FieldPath) -> [FieldError] {
    (0...Int64(Int32.max)).contains(id) ? [] : [.invalid(path, .int(id), Identifiers.inclusiveRange(0, Int64(Int32.max)))]
  }
}

extension SeccompProfile {
  func validate(_ path: FieldPath) -> [FieldError] {
    var errs: [FieldError] = []
    switch type {
    case "Localhost", "RuntimeDefault", "Unconfined": break
    case "": errs.append(.required(path.child("type"), "type is required when seccompProfile is set"))
    default: errs.append(.notSupported(path.child("type"), .string(type), ["Localhost", "RuntimeDefault", "Unconfined"]))
    }
    if type == "Localhost" {
      if let localhostProfile {
        errs += Volume.validateLocalDescendingPath(localhostProfile, path.child("localhostProfile"))
      } else {
        errs.append(.required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"))
      }
    } else if localhostProfile != nil {
      let shown: JSONValue = ["Type": .string(type), "LocalhostProfile": localhostProfile.map { .string($0) } ?? .null]
      errs.append(.invalid(path.child("localhostProfile"), shown, "can only be set when seccomp type is Localhost"))
    }
    return errs
  }
}

extension AppArmorProfile {
  func validate(_ path: FieldPath) -> [FieldError] {
    switch type {
    case "Localhost":
      guard let localhostProfile else {
        return [.required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost")]
      }
      if localhostProfile.trimmingWhitespace != localhostProfile {
        return [.invalid(path.child("localhostProfile"), .string(localhostProfile), "must not be padded with whitespace")]
      }
      if localhostProfile.isEmpty {
        return [.required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost")]
      }
      return []
    case "RuntimeDefault", "Unconfined":
      if let localhostProfile {
        return [.invalid(path.child("localhostProfile"), .string(localhostProfile), "can only be set when AppArmor type is Localhost")]
      }
      return []
    case "":
      return [.required(path.child("type"), "type is required when appArmorProfile is set")]
    default:
      return [.notSupported(path.child("type"), .string(type), ["Localhost", "RuntimeDefault", "Unconfined"])]
    }
  }
}

extension String {
  var trimmingWhitespace: String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
  }
}
