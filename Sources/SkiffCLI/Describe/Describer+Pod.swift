import SkiffAPI

extension Describer {
  /// `describePod`.
  func describePod(_ pod: JSONValue) throws -> String {
    let events = try self.events(for: pod, kind: nil)
    var w = writer()
    let spec = pod["spec"] ?? [:]
    let status = pod["status"] ?? [:]
    nameAndNamespace(pod, into: &w)
    if let priority = spec["priority"]?.intValue { w.write(0, "Priority:\t\(priority)\n") }
    if !spec.string("priorityClassName").isEmpty { w.write(0, "Priority Class Name:\t\(spec.string("priorityClassName"))\n") }
    if !spec.string("runtimeClassName").isEmpty { w.write(0, "Runtime Class Name:\t\(spec.string("runtimeClassName"))\n") }
    if !spec.string("serviceAccountName").isEmpty { w.write(0, "Service Account:\t\(spec.string("serviceAccountName"))\n") }
    if spec.string("nodeName").isEmpty {
      w.write(0, "Node:\t<none>\n")
    } else {
      w.write(0, "Node:\t\(spec.string("nodeName"))/\(status.string("hostIP"))\n")
    }
    if !status.string("startTime").isEmpty { w.write(0, "Start Time:\t\(GoTime.rfc1123Z(status.string("startTime")))\n") }
    w.labels("Labels", Self.metadataMap(pod, "labels"))
    w.annotations("Annotations", Self.metadataMap(pod, "annotations"))
    let phase = status.string("phase")
    if let deletion = pod.metadataString("deletionTimestamp"), phase != "Failed" && phase != "Succeeded" {
      w.write(0, "Status:\tTerminating (lasts \(EventTimes.since(deletion, now: now)))\n")
      w.write(0, "Termination Grace Period:\t\(pod.value(at: ["metadata", "deletionGracePeriodSeconds"])?.intValue ?? 0)s\n")
    } else {
      w.write(0, "Status:\t\(phase)\n")
    }
    if !status.string("reason").isEmpty { w.write(0, "Reason:\t\(status.string("reason"))\n") }
    if !status.string("message").isEmpty { w.write(0, "Message:\t\(status.string("message"))\n") }
    if let profile = spec.value(at: ["securityContext", "seccompProfile"]), profile.objectValue != nil {
      w.write(0, "SeccompProfile:\t\(profile.string("type"))\n")
      if profile.string("type") == "Localhost" { w.write(0, "LocalhostProfile:\t\(profile.string("localhostProfile"))\n") }
    }
    w.write(0, "IP:\t\(status.string("podIP"))\n")
    let ips = status.array("podIPs")
    if ips.isEmpty {
      w.write(0, "IPs:\t<none>\n")
    } else {
      w.write(0, "IPs:\n")
      for ip in ips { w.write(1, "IP:\t\(ip.string("ip"))\n") }
    }
    if let controller = Self.controller(of: pod) { w.write(0, "Controlled By:\t\(controller)\n") }
    if !status.string("nominatedNodeName").isEmpty { w.write(0, "NominatedNodeName:\t\(status.string("nominatedNodeName"))\n") }
    if let resources = spec["resources"], resources.objectValue != nil {
      w.write(0, "Resources:\n")
      Self.resources(resources, level: 1, into: &w)
    }
    let env = EnvironmentResolver(pod: pod)
    if !spec.array("initContainers").isEmpty {
      Self.containers("Init Containers", spec.array("initContainers"), statuses: status.array("initContainerStatuses"), env: env, space: "", into: &w)
    }
    Self.containers("Containers", spec.array("containers"), statuses: status.array("containerStatuses"), env: env, space: "", into: &w)
    if !spec.array("ephemeralContainers").isEmpty {
      Self.containers(
        "Ephemeral Containers", spec.array("ephemeralContainers"), statuses: status.array("ephemeralContainerStatuses"), env: env,
        space: "", into: &w)
    }
    let conditions = status.array("conditions")
    if !spec.array("readinessGates").isEmpty {
      w.write(0, "Readiness Gates:\n  Type\tStatus\n")
      for gate in spec.array("readinessGates") {
        let type = gate.string("conditionType")
        let value = conditions.first { $0.string("type") == type }?.string("status") ?? "<none>"
        w.write(1, "\(type) \t\(value) \n")
      }
    }
    if !conditions.isEmpty {
      w.write(0, "Conditions:\n  Type\tStatus\n")
      for condition in conditions { w.write(1, "\(condition.string("type")) \t\(condition.string("status")) \n") }
    }
    Self.volumes(spec.array("volumes"), space: "", into: &w)
    w.write(0, "QoS Class:\t\(Self.qosClass(pod))\n")
    w.labels("Node-Selectors", spec.stringMap("nodeSelector"))
    w.tolerations("Tolerations", spec.array("tolerations"))
    Self.topologySpreadConstraints(spec.array("topologySpreadConstraints"), space: "", into: &w)
    w.events(events)
    return w.finish()
  }

  /// `qos.GetPodQOS`: the recorded class, else computed from requests and limits.
  static func qosClass(_ pod: JSONValue) -> String {
    if let recorded = pod.value(at: ["status", "qosClass"])?.stringValue, !recorded.isEmpty { return recorded }
    guard let spec = pod["spec"], let typed = try? JSONValueDecoder().decode(PodSpec.self, from: spec).value else {
      return "BestEffort"
    }
    return typed.qosClass
  }

  // MARK: - Containers

  /// `describeContainers`: the label line, then each container's block.
  static func containers(
    _ label: String, _ containers: [JSONValue], statuses: [JSONValue], env: EnvironmentResolver?, space: String,
    into w: inout DescribeWriter
  ) {
    var byName: [String: JSONValue] = [:]
    for status in statuses { byName[status.string("name")] = status }
    w.write(0, "\(space)\(label):\(containers.isEmpty ? " <none>" : "")\n")
    for container in containers {
      let status = byName[container.string("name")]
      basicInfo(container, status: status, space: space, into: &w)
      command(container, into: &w)
      if let status { state(status, into: &w) }
      if let resources = container["resources"] { Self.resources(resources, level: 2, into: &w) }
      probes(container, into: &w)
      if !container.array("envFrom").isEmpty { environmentFrom(container, into: &w) }
      environment(container, env: env, into: &w)
      mounts(container, into: &w)
    }
  }

  static func basicInfo(_ container: JSONValue, status: JSONValue?, space: String, into w: inout DescribeWriter) {
    w.write(1, "\(space.isEmpty ? "" : " ")\(container.string("name")):\n")
    if let status { w.write(2, "Container ID:\t\(status.string("containerID"))\n") }
    w.write(2, "Image:\t\(container.string("image"))\n")
    if let status { w.write(2, "Image ID:\t\(status.string("imageID"))\n") }
    let ports = container.array("ports")
    let portText = ports.map { "\($0.int("containerPort"))/\($0.string("protocol"))" }.joined(separator: ", ")
    if portText.contains(",") {
      w.write(2, "Ports:\t\(portText)\n")
    } else {
      w.write(2, "Port:\t\(portText.isEmpty ? "<none>" : portText)\n")
    }
    let hostText = ports.map { "\($0.int("hostPort"))/\($0.string("protocol"))" }.joined(separator: ", ")
    if hostText.contains(",") {
      w.write(2, "Host Ports:\t\(hostText)\n")
    } else {
      w.write(2, "Host Port:\t\(hostText.isEmpty ? "<none>" : hostText)\n")
    }
    if let profile = container.value(at: ["securityContext", "seccompProfile"]), profile.objectValue != nil {
      w.write(2, "SeccompProfile:\t\(profile.string("type"))\n")
      if profile.string("type") == "Localhost" { w.write(3, "LocalhostProfile:\t\(profile.string("localhostProfile"))\n") }
    }
  }

  static func command(_ container: JSONValue, into w: inout DescribeWriter) {
    for (title, key) in [("Command", "command"), ("Args", "args")] {
      let items = container.array(key).compactMap(\.stringValue)
      guard !items.isEmpty else { continue }
      w.write(2, "\(title):\n")
      for item in items {
        for part in item.split(separator: "\n", omittingEmptySubsequences: false) { w.write(3, "\(part)\n") }
      }
    }
  }

  static func state(_ status: JSONValue, into w: inout DescribeWriter) {
    describeState("State", status["state"] ?? [:], into: &w)
    if let last = status["lastState"], last["terminated"]?.objectValue != nil {
      describeState("Last State", last, into: &w)
    }
    w.write(2, "Ready:\t\(status["ready"]?.boolValue == true ? "True" : "False")\n")
    w.write(2, "Restart Count:\t\(status.int("restartCount"))\n")
  }

  /// `describeStatus`.
  static func describeState(_ name: String, _ state: JSONValue, into w: inout DescribeWriter) {
    if let running = state["running"], running.objectValue != nil {
      w.write(2, "\(name):\tRunning\n")
      w.write(3, "Started:\t\(GoTime.rfc1123Z(running.string("startedAt")))\n")
    } else if let waiting = state["waiting"], waiting.objectValue != nil {
      w.write(2, "\(name):\tWaiting\n")
      if !waiting.string("reason").isEmpty { w.write(3, "Reason:\t\(waiting.string("reason"))\n") }
    } else if let terminated = state["terminated"], terminated.objectValue != nil {
      w.write(2, "\(name):\tTerminated\n")
      if !terminated.string("reason").isEmpty { w.write(3, "Reason:\t\(terminated.string("reason"))\n") }
      if !terminated.string("message").isEmpty { w.write(3, "Message:\t\(terminated.string("message"))\n") }
      w.write(3, "Exit Code:\t\(terminated.int("exitCode"))\n")
      if terminated.int("signal") > 0 { w.write(3, "Signal:\t\(terminated.int("signal"))\n") }
      w.write(3, "Started:\t\(GoTime.rfc1123Z(terminated.string("startedAt")))\n")
      w.write(3, "Finished:\t\(GoTime.rfc1123Z(terminated.string("finishedAt")))\n")
    } else {
      w.write(2, "\(name):\tWaiting\n")
    }
  }

  /// `describeResources`: limits then requests, resource names sorted.
  static func resources(_ resources: JSONValue, level: Int, into w: inout DescribeWriter) {
    for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
      let values = resources[key]?.objectValue ?? JSONObject()
      guard !values.isEmpty else { continue }
      w.write(level, "\(title):\n")
      for name in values.keys.sorted() { w.write(level + 1, "\(name):\t\(values[name]!.goText)\n") }
    }
  }

  static func probes(_ container: JSONValue, into w: inout DescribeWriter) {
    for (title, key) in [("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")] {
      if let probe = container[key], probe.objectValue != nil { w.write(2, "\(title):\t\(probeText(probe))\n") }
    }
  }

  /// `DescribeProbe` (kubectl 1.32 wording: `#success=1 #failure=3`).
  static func probeText(_ probe: JSONValue) -> String {
    let attrs = "delay=\(probe.int("initialDelaySeconds"))s timeout=\(probe.int("timeoutSeconds"))s period=\(probe.int("periodSeconds"))s #success=\(probe.int("successThreshold")) #failure=\(probe.int("failureThreshold"))"
    if let exec = probe["exec"], exec.objectValue != nil {
      return "exec [\(exec.array("command").map(\.goText).joined(separator: " "))] \(attrs)"
    }
    if let http = probe["httpGet"], http.objectValue != nil {
      let port = http["port"]?.intOrStringText ?? ""
      let host = http.string("host")
      let hostPort = port.isEmpty ? host : (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
      let scheme = http.string("scheme").lowercased()
      var path = http.string("path")
      if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
      return "http-get \(scheme.isEmpty ? "" : scheme + ":")//\(hostPort)\(path) \(attrs)"
    }
    if let tcp = probe["tcpSocket"], tcp.objectValue != nil {
      return "tcp-socket \(tcp.string("host")):\(tcp["port"]?.intOrStringText ?? "") \(attrs)"
    }
    if let grpc = probe["grpc"], grpc.objectValue != nil {
      return "grpc <pod>:\(grpc.int("port")) \(grpc.string("service")) \(attrs)"
    }
    return "unknown \(attrs)"
  }

  static func environmentFrom(_ container: JSONValue, into w: inout DescribeWriter) {
    w.write(2, "Environment Variables from:\n")
    for source in container.array("envFrom") {
      var from = "", name = "", optional = false
      if let ref = source["configMapRef"], ref.objectValue != nil {
        from = "ConfigMap"
        name = ref.string("name")
        optional = ref["optional"]?.boolValue == true
      } else if let ref = source["secretRef"], ref.objectValue != nil {
        from = "Secret"
        name = ref.string("name")
        optional = ref["optional"]?.boolValue == true
      }
      let prefix = source.string("prefix")
      if prefix.isEmpty {
        w.write(3, "\(name)\t\(from)\tOptional: \(optional)\n")
      } else {
        w.write(3, "\(name)\t\(from) with prefix '\(prefix)'\tOptional: \(optional)\n")
      }
    }
  }

  static func environment(_ container: JSONValue, env: EnvironmentResolver?, into w: inout DescribeWriter) {
    let vars = container.array("env")
    w.write(2, "Environment:\(vars.isEmpty ? "\t<none>" : "")\n")
    for variable in vars {
      let name = variable.string("name")
      guard let from = variable["valueFrom"], from.objectValue != nil else {
        for (i, part) in variable.string("value").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
          w.write(3, i == 0 ? "\(name):\t\(part)\n" : "\t\(part)\n")
        }
        continue
      }
      if let field = from["fieldRef"], field.objectValue != nil {
        let value = env?.fieldValue(field.string("fieldPath")) ?? ""
        w.write(3, "\(name):\t\(value) (\(field.string("apiVersion")):\(field.string("fieldPath")))\n")
      } else if let resource = from["resourceFieldRef"], resource.objectValue != nil {
        let key = resource.string("resource")
        var value = EnvironmentResolver.resourceValue(key, container: container)
        if value == "0" && (key == "limits.cpu" || key == "limits.memory") { value = "node allocatable" }
        w.write(3, "\(name):\t\(value) (\(key))\n")
      } else if let secret = from["secretKeyRef"], secret.objectValue != nil {
        let optional = secret["optional"]?.boolValue == true
        w.write(3, "\(name):\t<set to the key '\(secret.string("key"))' in secret '\(secret.string("name"))'>\tOptional: \(optional)\n")
      } else if let map = from["configMapKeyRef"], map.objectValue != nil {
        let optional = map["optional"]?.boolValue == true
        w.write(3, "\(name):\t<set to the key '\(map.string("key"))' of config map '\(map.string("name"))'>\tOptional: \(optional)\n")
      }
    }
  }

  static func mounts(_ container: JSONValue, into w: inout DescribeWriter) {
    let mounts = container.array("volumeMounts")
    w.write(2, "Mounts:\(mounts.isEmpty ? "\t<none>" : "")\n")
    let sorted = mounts.enumerated().sorted { a, b in
      let (pa, pb) = (a.element.string("mountPath"), b.element.string("mountPath"))
      return pa == pb ? a.offset < b.offset : pa < pb
    }.map(\.element)
    for mount in sorted {
      var flags = [mount["readOnly"]?.boolValue == true ? "ro" : "rw"]
      if !mount.string("subPath").isEmpty { flags.append("path=\"\(mount.string("subPath"))\"") }
      w.write(3, "\(mount.string("mountPath")) from \(mount.string("name")) (\(flags.joined(separator: ",")))\n")
    }
    let devices = container.array("volumeDevices")
    if !devices.isEmpty {
      w.write(2, "Devices:\n")
      for device in devices.sorted(by: { $0.string("devicePath") < $1.string("devicePath") }) {
        w.write(3, "\(device.string("devicePath")) from \(device.string("name"))\n")
      }
    }
  }

  // MARK: - Volumes and scheduling

  /// `describeVolumes`.
  static func volumes(_ volumes: [JSONValue], space: String, into w: inout DescribeWriter) {
    guard !volumes.isEmpty else {
      w.write(0, "\(space)Volumes:\t<none>\n")
      return
    }
    w.write(0, "\(space)Volumes:\n")
    for volume in volumes {
      w.write(1, "\(space.isEmpty ? "" : " ")\(volume.string("name")):\n")
      if let source = volume["hostPath"], source.objectValue != nil {
        let type = source["type"]?.stringValue ?? "<none>"
        w.write(2, "Type:\tHostPath (bare host directory volume)\n    Path:\t\(source.string("path"))\n    HostPathType:\t\(type)\n")
      } else if let source = volume["emptyDir"], source.objectValue != nil {
        let limit = source["sizeLimit"]?.goText ?? "<unset>"
        w.write(
          2,
          "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t\(source.string("medium"))\n    SizeLimit:\t\(limit)\n")
      } else if let source = volume["secret"], source.objectValue != nil {
        w.write(
          2,
          "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t\(source.string("secretName"))\n    Optional:\t\(source["optional"]?.boolValue == true)\n")
      } else if let source = volume["configMap"], source.objectValue != nil {
        w.write(
          2,
          "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t\(source.string("name"))\n    Optional:\t\(source["optional"]?.boolValue == true)\n")
      } else if let source = volume["persistentVolumeClaim"], source.objectValue != nil {
        w.write(
          2,
          "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t\(source.string("claimName"))\n    ReadOnly:\t\(source["readOnly"]?.boolValue == true)\n")
      } else if let source = volume["downwardAPI"], source.objectValue != nil {
        w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
        for item in source.array("items") {
          if let field = item["fieldRef"], field.objectValue != nil { w.write(3, "\(field.string("fieldPath")) -> \(item.string("path"))\n") }
          if let field = item["resourceFieldRef"], field.objectValue != nil {
            w.write(3, "\(field.string("resource")) -> \(item.string("path"))\n")
          }
        }
      } else if let source = volume["projected"], source.objectValue != nil {
        w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
        for item in source.array("sources") {
          if let secret = item["secret"], secret.objectValue != nil {
            w.write(2, "SecretName:\t\(secret.string("name"))\n    SecretOptionalName:\t\(secret["optional"]?.goText ?? "<nil>")\n")
          } else if let api = item["downwardAPI"], api.objectValue != nil {
            w.write(2, "DownwardAPI:\ttrue\n")
          } else if let map = item["configMap"], map.objectValue != nil {
            w.write(2, "ConfigMapName:\t\(map.string("name"))\n    ConfigMapOptional:\t\(map["optional"]?.goText ?? "<nil>")\n")
          } else if let token = item["serviceAccountToken"], token.objectValue != nil {
            w.write(2, "TokenExpirationSeconds:\t\(token.int("expirationSeconds"))\n")
          }
        }
      } else {
        w.write(1, "<unknown>\n")
      }
    }
  }

  static func topologySpreadConstraints(_ constraints: [JSONValue], space: String, into w: inout DescribeWriter) {
    guard !constraints.isEmpty else { return }
    let sorted = constraints.sorted { $0.string("topologyKey") < $1.string("topologyKey") }
    w.write(0, "\(space)Topology Spread Constraints:\t")
    for (i, constraint) in sorted.enumerated() {
      if i != 0 { w.write(0, "\(space)\t") }
      var text = "\(constraint.string("topologyKey")):\(constraint.string("whenUnsatisfiable")) when max skew \(constraint.int("maxSkew")) is exceeded"
      if let selector = constraint["labelSelector"], selector.objectValue != nil {
        text += " for selector \(LabelSelectorText.formatted(selector))"
      }
      w.write(0, text + "\n")
    }
  }
}

/// Values of `valueFrom.fieldRef` environment variables, read from the pod
/// (`fieldpath.ExtractFieldPathAsString`).
struct EnvironmentResolver {
  let pod: JSONValue

  func fieldValue(_ path: String) -> String {
    if let open = path.firstIndex(of: "["), path.hasSuffix("']") {
      let base = String(path[..<open])
      let key = String(path[path.index(open, offsetBy: 2)..<path.index(path.endIndex, offsetBy: -2)])
      switch base {
      case "metadata.labels": return pod.value(at: ["metadata", "labels", key])?.stringValue ?? ""
      case "metadata.annotations": return pod.value(at: ["metadata", "annotations", key])?.stringValue ?? ""
      default: return ""
      }
    }
    switch path {
    case "metadata.labels":
      return Describer.metadataMap(pod, "labels").sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: "\n")
    case "metadata.annotations":
      return Describer.metadataMap(pod, "annotations").sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
        .joined(separator: "\n")
    case "status.podIPs":
      return (pod.value(at: ["status", "podIPs"])?.arrayValue ?? []).map { $0.string("ip") }.joined(separator: ",")
    default:
      return pod.value(at: path.split(separator: ".").map(String.init))?.goText ?? ""
    }
  }

  /// A container's `limits.cpu`-style resource as the text in its spec, "0" when unset.
  static func resourceValue(_ resource: String, container: JSONValue) -> String {
    let parts = resource.split(separator: ".", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { return "" }
    return container.value(at: ["resources", parts[0], parts[1]])?.goText ?? "0"
  }
}
