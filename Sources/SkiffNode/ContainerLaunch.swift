public import SkiffAPI
public import SkiffRuntime

/// Why a container cannot be configured (`CreateContainerConfigError`).
public struct ContainerConfigError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Turns a pod's container into a `LaunchSpec`, as the kubelet and containerd do between
/// them: argv from command/args and the image's entrypoint/cmd, the environment (service
/// links, downward API, ConfigMaps), mounts (the pod's /etc files, volumes), identity and
/// security context, seccomp.
public struct ContainerLaunch: Sendable {
  public var pod: Pod
  public var container: Container
  public var image: ResolvedImage
  /// Files the pod shares: hosts, resolv.conf, hostname.
  public var etcDirectory: String
  /// Volume name → directory on the node (emptyDir and configMap volumes, hostPath).
  public var volumeDirectories: [String: String]
  /// Services visible to the pod (its namespace), for service-link variables.
  public var services: [Service]
  /// ConfigMaps of the pod's namespace, for env `valueFrom`/`envFrom`.
  public var configMaps: [String: ConfigMap]
  /// Secrets of the pod's namespace, for env `valueFrom`/`envFrom`.
  public var secrets: [String: Secret]
  public var nodeName: String
  public var hostIP: String

  public init(
    pod: Pod, container: Container, image: ResolvedImage, etcDirectory: String, volumeDirectories: [String: String],
    services: [Service], configMaps: [String: ConfigMap], secrets: [String: Secret] = [:], nodeName: String, hostIP: String
  ) {
    self.pod = pod
    self.container = container
    self.image = image
    self.etcDirectory = etcDirectory
    self.volumeDirectories = volumeDirectories
    self.services = services
    self.configMaps = configMaps
    self.secrets = secrets
    self.nodeName = nodeName
    self.hostIP = hostIP
  }

  /// Kubernetes' rule: `command` replaces the entrypoint (and drops the image's cmd),
  /// `args` replace the cmd.
  public static func argv(command: [String]?, args: [String]?, image: ImageConfig) -> [String] {
    if let command, !command.isEmpty { return command + (args ?? []) }
    return image.entrypoint + (args ?? image.cmd)
  }

  public func processSpec() throws(ContainerConfigError) -> ProcessSpec {
    // The pod's command and args expand `$(VAR)` from the container's environment (the
    // kubelet's expandContainerCommandAndArgs); the image's entrypoint and cmd do not.
    let env = try environment()
    let pairs = env.compactMap { entry -> (String, String)? in
      guard let eq = entry.firstIndex(of: "=") else { return nil }
      return (String(entry[..<eq]), String(entry[entry.index(after: eq)...]))
    }
    let args = Self.argv(
      command: container.command.map { $0.map { expand($0, pairs) } }, args: container.args.map { $0.map { expand($0, pairs) } },
      image: image.config)
    guard !args.isEmpty else {
      throw ContainerConfigError("no command specified: the image \(container.image ?? "") has no entrypoint and the container sets no command")
    }
    let security = container.securityContext
    let podSecurity = pod.spec.securityContext
    let uid = UInt32(security?.runAsUser ?? podSecurity?.runAsUser ?? 0)
    let gid = UInt32(security?.runAsGroup ?? podSecurity?.runAsGroup ?? 0)
    if (security?.runAsNonRoot ?? podSecurity?.runAsNonRoot ?? false) && uid == 0 {
      throw ContainerConfigError("container has runAsNonRoot and image will run as root (pod: \"\(pod.metadata.name ?? "")_\(pod.metadata.namespace ?? "")(\(pod.metadata.uid ?? ""))\", container: \(container.name))")
    }
    let privileged = security?.privileged ?? false
    let capabilities = Capabilities.sets(
      add: security?.capabilities?.add ?? [], drop: security?.capabilities?.drop ?? [], privileged: privileged, uid: uid)
    let seccompType = security?.seccompProfile?.type ?? podSecurity?.seccompProfile?.type
    let seccomp: SeccompSpec? = (seccompType == "RuntimeDefault" && !privileged)
      ? SeccompProfile.runtimeDefault(capabilities: capabilities.bounding) : nil
    var groups = (podSecurity?.supplementalGroups ?? []).map { UInt32($0) }
    if let fsGroup = podSecurity?.fsGroup { groups.append(UInt32(fsGroup)) }
    return ProcessSpec(
      args: args, env: env, cwd: container.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? image.config.workingDir,
      uid: uid, gid: gid, additionalGids: groups, capabilities: capabilities,
      noNewPrivileges: security?.allowPrivilegeEscalation == false, seccomp: seccomp, terminal: container.tty ?? false,
      rlimits: [], openStdin: container.stdin == true ? true : nil, stdinOnce: container.stdinOnce == true ? true : nil)
  }

  /// The container's environment, in the kubelet's order: the image's, service links, the
  /// container's `envFrom`, then `env` (later entries win), plus HOSTNAME.
  func environment() throws(ContainerConfigError) -> [String] {
    var env: [(String, String)] = []
    func set(_ name: String, _ value: String) {
      env.removeAll { $0.0 == name }
      env.append((name, value))
    }
    for entry in image.config.env {
      if let eq = entry.firstIndex(of: "=") { set(String(entry[..<eq]), String(entry[entry.index(after: eq)...])) }
    }
    set("HOSTNAME", pod.spec.hostname ?? pod.metadata.name ?? "")
    if pod.spec.enableServiceLinks ?? true {
      for (name, value) in serviceLinks() { set(name, value) }
    }
    // The kubernetes service's variables are always set.
    for (name, value) in kubernetesServiceLinks() { set(name, value) }
    for source in container.envFrom ?? [] {
      if let ref = source.configMapRef {
        guard let map = configMaps[ref.name ?? ""] else {
          if ref.optional == true { continue }
          throw ContainerConfigError("configmap \"\(ref.name ?? "")\" not found")
        }
        for (key, value) in (map.data ?? [:]).sorted(by: { $0.key < $1.key }) { set((source.prefix ?? "") + key, value) }
      } else if let ref = source.secretRef {
        guard let secret = secrets[ref.name ?? ""] else {
          if ref.optional == true { continue }
          throw ContainerConfigError("secret \"\(ref.name ?? "")\" not found")
        }
        for key in (secret.data ?? [:]).keys.sorted() {
          set((source.prefix ?? "") + key, String(decoding: secret.value(key) ?? [], as: UTF8.self))
        }
      }
    }
    for variable in container.env ?? [] {
      if let value = variable.value {
        set(variable.name, expand(value, env))
      } else if let from = variable.valueFrom {
        if let field = from.fieldRef?.fieldPath {
          set(variable.name, fieldValue(field))
        } else if let key = from.configMapKeyRef {
          guard let map = configMaps[key.name ?? ""], let value = map.data?[key.key] else {
            if key.optional == true { continue }
            throw ContainerConfigError("couldn't find key \(key.key) in ConfigMap \(pod.metadata.namespace ?? "")/\(key.name ?? "")")
          }
          set(variable.name, value)
        } else if let resource = from.resourceFieldRef {
          set(variable.name, resourceValue(resource.resource))
        } else if let key = from.secretKeyRef {
          guard let secret = secrets[key.name ?? ""], let value = secret.value(key.key) else {
            if key.optional == true { continue }
            // The kubelet's wording (kubelet_pods.go makeEnvironmentVariables).
            throw ContainerConfigError(secrets[key.name ?? ""] == nil
              ? "secret \"\(key.name ?? "")\" not found"
              : "couldn't find key \(key.key) in Secret \(pod.metadata.namespace ?? "")/\(key.name ?? "")")
          }
          set(variable.name, String(decoding: value, as: UTF8.self))
        }
      } else {
        set(variable.name, "")
      }
    }
    return env.map { "\($0.0)=\($0.1)" }
  }

  /// `$(VAR)` references to earlier variables, as Kubernetes expands them (`$$` escapes).
  func expand(_ value: String, _ env: [(String, String)]) -> String {
    guard value.contains("$(") || value.contains("$$") else { return value }
    var out = ""
    var rest = Substring(value)
    while let dollar = rest.firstIndex(of: "$") {
      out += rest[..<dollar]
      let after = rest[rest.index(after: dollar)...]
      if after.hasPrefix("$") {
        out += "$"
        rest = after.dropFirst()
      } else if after.hasPrefix("("), let close = after.firstIndex(of: ")") {
        let name = String(after[after.index(after: after.startIndex)..<close])
        if let found = env.last(where: { $0.0 == name }) { out += found.1 } else { out += "$(\(name))" }
        rest = after[after.index(after: close)...]
      } else {
        out += "$"
        rest = after
      }
    }
    return out + rest
  }

  func fieldValue(_ path: String) -> String {
    Self.fieldValue(path, pod: pod, nodeName: nodeName, hostIP: hostIP)
  }

  /// The value of a downward API `fieldRef` for `pod`.
  static func fieldValue(_ path: String, pod: Pod, nodeName: String, hostIP: String) -> String {
    switch path {
    case "metadata.name": return pod.metadata.name ?? ""
    case "metadata.namespace": return pod.metadata.namespace ?? ""
    case "metadata.uid": return pod.metadata.uid ?? ""
    case "spec.nodeName": return nodeName
    case "spec.serviceAccountName": return pod.spec.serviceAccountName ?? "default"
    case "status.podIP": return pod.status?.podIP ?? ""
    case "status.podIPs": return pod.status?.podIP ?? ""
    case "status.hostIP", "status.hostIPs": return hostIP
    default:
      if path.hasPrefix("metadata.labels['"), path.hasSuffix("']") {
        return pod.metadata.labels?[String(path.dropFirst(17).dropLast(2))] ?? ""
      }
      if path.hasPrefix("metadata.annotations['"), path.hasSuffix("']") {
        return pod.metadata.annotations?[String(path.dropFirst(22).dropLast(2))] ?? ""
      }
      return ""
    }
  }

  func resourceValue(_ resource: String) -> String { Self.resourceValue(resource, container: container) }

  /// The value of a downward API `resourceFieldRef` for `container`.
  static func resourceValue(_ resource: String, container: Container?) -> String {
    let limits = container?.resources?.limits ?? [:]
    let requests = container?.resources?.requests ?? [:]
    switch resource {
    case "limits.cpu": return limits["cpu"].flatMap { $0.millis.map { String(($0 + 999) / 1000) } } ?? "2"
    case "limits.memory": return limits["memory"].flatMap { $0.bytes.map(String.init) } ?? "0"
    case "requests.cpu": return requests["cpu"].flatMap { $0.millis.map { String(($0 + 999) / 1000) } } ?? "0"
    case "requests.memory": return requests["memory"].flatMap { $0.bytes.map(String.init) } ?? "0"
    default: return "0"
    }
  }

  /// Docker-link style variables for every service of the namespace with a cluster IP.
  func serviceLinks() -> [(String, String)] {
    var out: [(String, String)] = []
    for service in services.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }) {
      guard let ip = service.spec.clusterIP, !ip.isEmpty, ip != "None" else { continue }
      let name = (service.metadata.name ?? "").uppercased().replacingDashes
      out += links(prefix: name, ip: ip, ports: service.spec.ports ?? [])
    }
    return out
  }

  func kubernetesServiceLinks() -> [(String, String)] {
    links(prefix: "KUBERNETES", ip: "10.96.0.1", ports: [ServicePort(port: 443, name: "https", protocol: "TCP")])
  }

  func links(prefix: String, ip: String, ports: [ServicePort]) -> [(String, String)] {
    guard let first = ports.first else { return [] }
    var out = [("\(prefix)_SERVICE_HOST", ip), ("\(prefix)_SERVICE_PORT", String(first.port))]
    for port in ports {
      if let name = port.name, !name.isEmpty {
        out.append(("\(prefix)_SERVICE_PORT_\(name.uppercased().replacingDashes)", String(port.port)))
      }
    }
    let proto = (first.protocol ?? "TCP").lowercased()
    out.append(("\(prefix)_PORT", "\(proto)://\(ip):\(first.port)"))
    for port in ports {
      let p = (port.protocol ?? "TCP")
      let key = "\(prefix)_PORT_\(port.port)_\(p.uppercased())"
      out += [(key, "\(p.lowercased())://\(ip):\(port.port)"), (key + "_PROTO", p.lowercased()),
              (key + "_PORT", String(port.port)), (key + "_ADDR", ip)]
    }
    return out
  }

  /// Mounts: the defaults, the pod's /etc files, then the container's volume mounts.
  public func mounts() throws(ContainerConfigError) -> [MountSpec] {
    var mounts = SetupPlan.defaultMounts
    if container.securityContext?.privileged == true {
      mounts = mounts.map { m in
        var copy = m
        if m.destination == "/sys" { copy.options.removeAll { $0 == "ro" } }
        return copy
      }
    }
    mounts.append(MountSpec(destination: "/etc/hosts", type: "bind", source: etcDirectory + "/hosts", options: ["rbind", "rprivate"]))
    mounts.append(MountSpec(destination: "/etc/hostname", type: "bind", source: etcDirectory + "/hostname", options: ["rbind", "rprivate"]))
    mounts.append(MountSpec(destination: "/etc/resolv.conf", type: "bind", source: etcDirectory + "/resolv.conf", options: ["rbind", "rprivate"]))
    for mount in container.volumeMounts ?? [] {
      guard var source = volumeDirectories[mount.name] else {
        throw ContainerConfigError("volume \"\(mount.name)\" not found for mount \(mount.mountPath) (its type may not be supported by Skiff)")
      }
      if let subPath = mount.subPath, !subPath.isEmpty { source += "/" + subPath }
      var options = ["rbind", "rprivate"]
      if mount.readOnly == true { options.append("ro") }
      mounts.append(MountSpec(destination: mount.mountPath, type: "bind", source: source, options: options))
    }
    return mounts
  }

  /// The whole launch spec, with the container's state under `directory`.
  public func spec(id: String, sandbox: SandboxHandle, directory: String, logPath: String, cgroups: [String]) throws(ContainerConfigError) -> LaunchSpec {
    var spec = LaunchSpec(
      id: id, joinNamespaces: sandbox.joinList, newNamespaces: ["mnt", "pid"],
      hostname: pod.spec.hostname ?? pod.metadata.name,
      rootfs: RootfsSpec(
        lowerDirs: [image.rootfs], upperDir: directory + "/upper", workDir: directory + "/work",
        mountPoint: directory + "/rootfs", readOnly: container.securityContext?.readOnlyRootFilesystem ?? false),
      mounts: try mounts(), devices: SetupPlan.defaultDevices,
      maskedPaths: container.securityContext?.privileged == true ? [] : SetupPlan.defaultMaskedPaths,
      readonlyPaths: container.securityContext?.privileged == true ? [] : SetupPlan.defaultReadonlyPaths,
      process: try processSpec(), cgroups: cgroups, logPath: logPath, exitPath: directory + "/exit.json")
    // `kubectl attach` (and `kubectl run -it`) connect to the shim here.
    spec.attachDirectory = directory
    return spec
  }
}

extension String {
  var replacingDashes: String { String(map { $0 == "-" || $0 == "." ? "_" : $0 }) }
}
