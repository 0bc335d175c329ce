import SkiffAPI

extension Describer {
  /// `describeNamespace`. Skiff has no ResourceQuotas or LimitRanges, so the sections say
  /// so, as kubectl does for a namespace without any.
  func describeNamespace(_ namespace: JSONValue) -> String {
    var w = writer()
    w.write(0, "Name:\t\(namespace.metadataString("name") ?? "")\n")
    w.labels("Labels", Self.metadataMap(namespace, "labels"))
    w.annotations("Annotations", Self.metadataMap(namespace, "annotations"))
    let status = namespace["status"] ?? [:]
    w.write(0, "Status:\t\(status.string("phase"))\n")
    let conditions = status.array("conditions")
    if !conditions.isEmpty {
      w.write(0, "Conditions:\n")
      w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
      w.write(1, "----\t------\t------------------\t------\t-------\n")
      for c in conditions {
        w.write(
          1,
          "\(c.string("type"))\t\(c.string("status"))\t\(GoTime.rfc1123Z(c.string("lastTransitionTime")))\t\(c.string("reason"))\t\(c.string("message"))\n"
        )
      }
    }
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.finish()
  }

  /// `describeNode`, with Skiff's single node: no Lease objects (the node agent's own
  /// heartbeat is the Ready condition), resources from the pods bound to it.
  func describeNode(_ node: JSONValue) throws -> String {
    let name = node.metadataString("name") ?? ""
    let pods = try client.list(Pod.resourceInfo, namespace: nil, fieldSelector: "spec.nodeName=\(name)").filter {
      let phase = $0.value(at: ["status", "phase"])?.stringValue
      return phase != "Succeeded" && phase != "Failed"
    }
    var events = try self.events(for: node, kind: "Node")
    if events != nil { events! += try self.events(for: node, kind: "Node", uid: name) ?? [] }
    var w = writer()
    let spec = node["spec"] ?? [:]
    let status = node["status"] ?? [:]
    w.write(0, "Name:\t\(name)\n")
    var roles = Set<String>()
    for (key, value) in Self.metadataMap(node, "labels") {
      if key.hasPrefix("node-role.kubernetes.io/") {
        let role = String(key.dropFirst("node-role.kubernetes.io/".count))
        if !role.isEmpty { roles.insert(role) }
      } else if key == "kubernetes.io/role" && !value.isEmpty {
        roles.insert(value)
      }
    }
    w.write(0, "Roles:\t\(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ","))\n")
    w.labels("Labels", Self.metadataMap(node, "labels"))
    w.annotations("Annotations", Self.metadataMap(node, "annotations"))
    w.write(0, "CreationTimestamp:\t\(GoTime.rfc1123Z(node.metadataString("creationTimestamp") ?? ""))\n")
    let taints = spec.array("taints").sorted {
      ($0.string("effect") + "," + $0.string("key")) < ($1.string("effect") + "," + $1.string("key"))
    }
    w.write(0, "Taints:\t")
    if taints.isEmpty { w.line("<none>") }
    for (i, taint) in taints.enumerated() {
      if i != 0 { w.write(0, "\t") }
      var text = taint.string("key")
      if !taint.string("value").isEmpty { text += "=" + taint.string("value") }
      text += ":" + taint.string("effect")
      w.write(0, text + "\n")
    }
    w.write(0, "Unschedulable:\t\(spec["unschedulable"]?.boolValue == true)\n")
    w.write(0, "Lease:\n")
    w.write(1, "HolderIdentity:\t\(name)\n")
    w.write(1, "AcquireTime:\t<unset>\n")
    let heartbeat = status.array("conditions").first { $0.string("type") == "Ready" }?.string("lastHeartbeatTime") ?? ""
    w.write(1, "RenewTime:\t\(heartbeat.isEmpty ? "<unset>" : GoTime.rfc1123Z(heartbeat))\n")
    let conditions = status.array("conditions")
    if !conditions.isEmpty {
      w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
      w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
      for c in conditions {
        w.write(
          1,
          "\(c.string("type")) \t\(c.string("status")) \t\(GoTime.rfc1123Z(c.string("lastHeartbeatTime"))) \t\(GoTime.rfc1123Z(c.string("lastTransitionTime"))) \t\(c.string("reason")) \t\(c.string("message"))\n"
        )
      }
    }
    w.write(0, "Addresses:\n")
    for address in status.array("addresses") { w.write(1, "\(address.string("type")):\t\(address.string("address"))\n") }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
      let values = status[key]?.objectValue ?? JSONObject()
      guard !values.isEmpty else { continue }
      w.write(0, "\(title):\n")
      for resource in values.keys.sorted() { w.write(0, "  \(resource):\t\(values[resource]!.goText)\n") }
    }
    let info = status["nodeInfo"] ?? [:]
    w.write(0, "System Info:\n")
    for (title, key) in [
      ("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
      ("OS Image", "osImage"), ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
      ("Container Runtime Version", "containerRuntimeVersion"), ("Kubelet Version", "kubeletVersion"),
      ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
      w.write(0, "  \(title):\t\(info.string(key))\n")
    }
    if !spec.string("podCIDR").isEmpty { w.write(0, "PodCIDR:\t\(spec.string("podCIDR"))\n") }
    let cidrs = spec.array("podCIDRs").compactMap(\.stringValue)
    if !cidrs.isEmpty { w.write(0, "PodCIDRs:\t\(cidrs.joined(separator: ","))\n") }
    if !spec.string("providerID").isEmpty { w.write(0, "ProviderID:\t\(spec.string("providerID"))\n") }
    Self.nodeResources(pods, node: node, now: now, into: &w)
    w.events(events)
    return w.finish()
  }

  /// `describeNodeResource`: the node's pods with their requests and limits, then totals.
  static func nodeResources(_ pods: [JSONValue], node: JSONValue, now: Timestamp, into w: inout DescribeWriter) {
    var allocatable = node.value(at: ["status", "allocatable"])?.objectValue ?? JSONObject()
    if allocatable.isEmpty { allocatable = node.value(at: ["status", "capacity"])?.objectValue ?? JSONObject() }
    let cpu = ResourceAmount(allocatable["cpu"]?.goText ?? "0", kind: .cpu)
    let memory = ResourceAmount(allocatable["memory"]?.goText ?? "0", kind: .memory)
    let storage = ResourceAmount(allocatable["ephemeral-storage"]?.goText ?? "0", kind: .memory)
    func percent(_ part: ResourceAmount, _ whole: ResourceAmount) -> Int {
      whole.value == 0 ? 0 : Int(part.value / whole.value * 100)
    }
    w.write(0, "Non-terminated Pods:\t(\(pods.count) in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    var totals: [String: (ResourceAmount, ResourceAmount)] = [:]
    for pod in pods {
      let (requests, limits) = ResourceAmount.podRequestsAndLimits(pod)
      let values = [
        (requests["cpu"] ?? ResourceAmount.zero(.cpu), cpu), (limits["cpu"] ?? ResourceAmount.zero(.cpu), cpu),
        (requests["memory"] ?? ResourceAmount.zero(.memory), memory), (limits["memory"] ?? ResourceAmount.zero(.memory), memory),
      ].map { "\($0.0.text) (\(percent($0.0, $0.1))%)" }
      w.write(
        1,
        "\(pod.metadataString("namespace") ?? "")\t\(pod.metadataString("name") ?? "")\t\t\(values.joined(separator: "\t"))\t\(EventTimes.since(pod.metadataString("creationTimestamp") ?? "", now: now))\n"
      )
      for name in ["cpu", "memory", "ephemeral-storage"] {
        let kind: ResourceAmount.Kind = name == "cpu" ? .cpu : .memory
        let current = totals[name] ?? (ResourceAmount.zero(kind), ResourceAmount.zero(kind))
        totals[name] = (
          current.0.adding(requests[name] ?? ResourceAmount.zero(kind)), current.1.adding(limits[name] ?? ResourceAmount.zero(kind))
        )
      }
    }
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for (name, whole) in [("cpu", cpu), ("memory", memory), ("ephemeral-storage", storage)] {
      let kind: ResourceAmount.Kind = name == "cpu" ? .cpu : .memory
      let (requested, limited) = totals[name] ?? (ResourceAmount.zero(kind), ResourceAmount.zero(kind))
      w.write(1, "\(name)\t\(requested.text) (\(percent(requested, whole))%)\t\(limited.text) (\(percent(limited, whole))%)\n")
    }
  }

  /// The ConfigMap describer (keys sorted; kubectl walks a Go map, in random order).
  func describeConfigMap(_ configMap: JSONValue) throws -> String {
    let events = try self.events(for: configMap, kind: "ConfigMap")
    var w = writer()
    nameAndNamespace(configMap, into: &w)
    w.labels("Labels", Self.metadataMap(configMap, "labels"))
    w.annotations("Annotations", Self.metadataMap(configMap, "annotations"))
    w.write(0, "\nData\n====\n")
    let data = configMap["data"]?.objectValue ?? JSONObject()
    for key in data.keys.sorted() {
      w.write(0, "\(key):\n----\n")
      w.write(0, "\(data[key]?.stringValue ?? "")\n")
      w.write(0, "\n")
    }
    w.write(0, "\nBinaryData\n====\n")
    let binary = configMap["binaryData"]?.objectValue ?? JSONObject()
    for key in binary.keys.sorted() {
      w.write(0, "\(key): \(Base64Length.decodedLength(binary[key]?.stringValue ?? "")) bytes\n")
    }
    w.write(0, "\n")
    w.events(events)
    return w.finish()
  }

  /// kubectl's secret describer: the type, and each key with its size, never the values.
  func describeSecret(_ secret: JSONValue) throws -> String {
    let events = try self.events(for: secret, kind: "Secret")
    var w = writer()
    nameAndNamespace(secret, into: &w)
    w.labels("Labels", Self.metadataMap(secret, "labels"))
    w.annotations("Annotations", Self.metadataMap(secret, "annotations"))
    w.write(0, "\nType:\t\(secret["type"]?.stringValue ?? "")\n")
    w.write(0, "\nData\n====\n")
    let data = secret["data"]?.objectValue ?? JSONObject()
    for key in data.keys.sorted() {
      w.write(0, "\(key):\t\(Base64Length.decodedLength(data[key]?.stringValue ?? "")) bytes\n")
    }
    w.events(events)
    return w.finish()
  }

  /// `describeServiceAccount`: its secrets, the absent ones marked "(not found)" as kubectl
  /// marks them. Skiff issues no token secrets.
  func describeServiceAccount(_ account: JSONValue) throws -> String {
    let events = try self.events(for: account, kind: "ServiceAccount")
    var w = writer()
    nameAndNamespace(account, into: &w)
    w.labels("Labels", Self.metadataMap(account, "labels"))
    w.annotations("Annotations", Self.metadataMap(account, "annotations"))
    let namespace = account.value(at: ["metadata", "namespace"])?.stringValue
    let existing = Set(try client.list(Secret.resourceInfo, namespace: namespace).compactMap {
      $0.value(at: ["metadata", "name"])?.stringValue
    })
    let pull = account.array("imagePullSecrets").map { $0.string("name") }
    let mount = account.array("secrets").map { $0.string("name") }
    let empty = "                   "
    for (header, names) in [("Image pull secrets:", pull), ("Mountable secrets: ", mount), ("Tokens:            ", [String]())] {
      if names.isEmpty {
        w.write(0, "\(header)\t<none>\n")
        continue
      }
      var prefix = header
      for name in names {
        w.write(0, "\(prefix)\t\(name)\(existing.contains(name) ? "" : " (not found)")\n")
        prefix = empty
      }
    }
    w.events(events)
    return w.finish()
  }
}

/// The decoded size of base64 text (ConfigMap binaryData).
enum Base64Length {
  static func decodedLength(_ text: String) -> Int {
    let count = text.utf8.count
    let padding = text.hasSuffix("==") ? 2 : (text.hasSuffix("=") ? 1 : 0)
    return count / 4 * 3 - padding
  }
}

/// A cpu or memory quantity, summed and printed as resource.Quantity does for the node's
/// resource table (cpu in cores or millicores, memory in bytes or binary suffixes).
struct ResourceAmount {
  enum Kind { case cpu, memory }
  var value: Double
  var kind: Kind

  init(_ text: String, kind: Kind) {
    self.kind = kind
    value = Self.parse(text) ?? 0
  }

  private init(value: Double, kind: Kind) {
    self.value = value
    self.kind = kind
  }

  static func zero(_ kind: Kind) -> ResourceAmount { ResourceAmount(value: 0, kind: kind) }

  func adding(_ other: ResourceAmount) -> ResourceAmount { ResourceAmount(value: value + other.value, kind: kind) }

  var text: String {
    if value == 0 { return "0" }
    switch kind {
    case .cpu:
      let milli = (value * 1000).rounded()
      return milli.truncatingRemainder(dividingBy: 1000) == 0 ? String(Int64(milli / 1000)) : "\(Int64(milli))m"
    case .memory:
      let bytes = Int64(value.rounded())
      for (suffix, scale) in [("Ei", Int64(1) << 60), ("Pi", Int64(1) << 50), ("Ti", Int64(1) << 40), ("Gi", Int64(1) << 30), ("Mi", Int64(1) << 20), ("Ki", Int64(1) << 10)]
      where bytes % scale == 0 {
        return "\(bytes / scale)\(suffix)"
      }
      return String(bytes)
    }
  }

  static func parse(_ text: String) -> Double? {
    let suffixes: [(String, Double)] = [
      ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
      ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
      ("P", 1e15), ("E", 1e18),
    ]
    for (suffix, scale) in suffixes where text.hasSuffix(suffix) {
      return Double(text.dropLast(suffix.count)).map { $0 * scale }
    }
    return Double(text)
  }

  /// A pod's requests and limits (`PodRequestsAndLimits`): the sum over its containers,
  /// at least the largest init container's.
  static func podRequestsAndLimits(_ pod: JSONValue) -> (requests: [String: ResourceAmount], limits: [String: ResourceAmount]) {
    func sum(_ containers: [JSONValue], _ key: String) -> [String: ResourceAmount] {
      var out: [String: ResourceAmount] = [:]
      for container in containers {
        for (name, value) in container.value(at: ["resources", key])?.objectValue ?? JSONObject() {
          let amount = ResourceAmount(value.goText, kind: name == "cpu" ? .cpu : .memory)
          out[name] = out[name].map { $0.adding(amount) } ?? amount
        }
      }
      return out
    }
    func maxInit(_ totals: [String: ResourceAmount], _ key: String) -> [String: ResourceAmount] {
      var out = totals
      for container in pod.value(at: ["spec", "initContainers"])?.arrayValue ?? [] {
        for (name, value) in sum([container], key) where value.value > (out[name]?.value ?? 0) { out[name] = value }
      }
      return out
    }
    let containers = pod.value(at: ["spec", "containers"])?.arrayValue ?? []
    return (maxInit(sum(containers, "requests"), "requests"), maxInit(sum(containers, "limits"), "limits"))
  }
}
