extension PodSpec {
  /// Kubernetes' own pod warnings (kubernetes `pkg/api/pod/warnings.go`, the common ones),
  /// then what this spec asks for that one node cannot honour. `path` is the spec's path
  /// (`spec`, `spec.template.spec`).
  func warnings(_ path: FieldPath) -> [String] {
    kubernetesWarnings(path) + skiffWarnings(path)
  }

  func kubernetesWarnings(_ path: FieldPath) -> [String] {
    var out: [String] = []
    let deprecatedVolumes: [(String, String)] = [
      ("photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"), ("gitRepo", "deprecated in v1.11"),
      ("scaleIO", "deprecated in v1.16, non-functional in v1.22+"), ("flocker", "deprecated in v1.22, non-functional in v1.25+"),
      ("storageos", "deprecated in v1.22, non-functional in v1.25+"), ("quobyte", "deprecated in v1.22, non-functional in v1.25+"),
      ("glusterfs", "deprecated in v1.25, non-functional in v1.26+"), ("cephFS", "deprecated in v1.28, non-functional in v1.31+"),
      ("rbd", "deprecated in v1.28, non-functional in v1.31+"),
    ]
    for (i, volume) in (volumes ?? []).enumerated() {
      let names = volume.sourceNames
      for (source, message) in deprecatedVolumes where names.contains(source) {
        // Kubernetes names two of these differently in the warning than in the manifest.
        let shown = source == "storageos" ? "storageOS" : source == "cephFS" ? "cephfs" : source
        out.append("\(path.child("volumes").index(i).child(shown)): \(message)")
      }
    }
    var aliasIPs: Set<String> = []
    for (i, alias) in (hostAliases ?? []).enumerated() where (hostAliases ?? []).count > 1 {
      if aliasIPs.contains(alias.ip) {
        out.append("\(path.child("hostAliases").index(i).child("ip")): duplicate ip \"\(alias.ip)\"")
      } else {
        aliasIPs.insert(alias.ip)
      }
    }
    var secretNames: Set<String> = []
    for (i, secret) in (imagePullSecrets ?? []).enumerated() where (imagePullSecrets ?? []).count > 1 {
      let name = secret.name ?? ""
      if secretNames.contains(name) {
        out.append("\(path.child("imagePullSecrets").index(i).child("name")): duplicate name \"\(name)\"")
      } else {
        secretNames.insert(name)
      }
    }
    for (i, secret) in (imagePullSecrets ?? []).enumerated() where (secret.name ?? "").isEmpty {
      out.append("\(path.child("imagePullSecrets").index(i).child("name")): invalid empty name \"\"")
    }
    for (name, quantity) in (overhead ?? [:]).sorted(by: { $0.key < $1.key }) where Self.isFractionalBytes(name, quantity) {
      out.append("\(path.child("overhead").key(name)): fractional byte value \"\(quantity.text)\" is invalid, must be an integer")
    }
    for (p, container) in allContainers(path) {
      for kind in ["limits", "requests"] {
        let values = kind == "limits" ? container.resources?.limits : container.resources?.requests
        for name in ["memory", "ephemeral-storage"] {
          if let quantity = values?[name], Self.isFractionalBytes(name, quantity) {
            out.append("\(p.child("resources").child(kind).key(name)): fractional byte value \"\(quantity.text)\" is invalid, must be an integer")
          }
        }
      }
      var envNames: Set<String> = []
      for (i, variable) in (container.env ?? []).enumerated() where (container.env ?? []).count > 1 {
        guard envNames.contains(variable.name) else {
          envNames.insert(variable.name)
          continue
        }
        let reference = "$(\(variable.name))"
        let value = variable.value ?? ""
        if variable.valueFrom != nil || value == reference || !value.contains(reference) {
          out.append("\(p.child("env").index(i)): hides previous definition of \"\(variable.name)\", which may be dropped when using apply")
        }
      }
    }
    var ports: [String: [(FieldPath, ContainerPort)]] = [:]
    for (p, container) in allContainers(path) {
      for (i, port) in (container.ports ?? []).enumerated() {
        let portPath = p.child("ports").index(i)
        let key = "\(port.containerPort)/\(port.protocol ?? "")"
        for (otherPath, other) in ports[key] ?? []
        where (port.hostIP ?? "") == (other.hostIP ?? "") && (port.hostPort ?? 0) == (other.hostPort ?? 0) {
          out.append("\(portPath): duplicate port definition with \(otherPath)")
        }
        ports[key, default: []].append((portPath, port))
      }
    }
    return out
  }

  static func isFractionalBytes(_ name: String, _ quantity: Quantity) -> Bool {
    guard name == "memory" || name == "ephemeral-storage", let value = quantity.value else { return false }
    return (value * 1000).rounded().truncatingRemainder(dividingBy: 1000) != 0
  }

  /// What this spec asks for that one node cannot honour.
  func skiffWarnings(_ path: FieldPath) -> [String] {
    var out: [String] = []
    let onlyNode = "Skiff runs every pod on its one node \"\(Node.skiffNodeName)\""
    if !(nodeSelector ?? [:]).isEmpty { out.append("\(path.child("nodeSelector")): ignored: \(onlyNode)") }
    if affinity != nil { out.append("\(path.child("affinity")): ignored: \(onlyNode)") }
    if !(topologySpreadConstraints ?? []).isEmpty {
      out.append("\(path.child("topologySpreadConstraints")): ignored: \(onlyNode)")
    }
    if let nodeName, !nodeName.isEmpty, nodeName != Node.skiffNodeName {
      out.append("\(path.child("nodeName")): node \"\(nodeName)\" does not exist (\(onlyNode)); the pod will stay Pending")
    }
    if os?.name == "windows" {
      out.append("\(path.child("os").child("name")): windows pods cannot run on Skiff's linux node; the pod will not start")
    }
    // What the node can set up (PodWorker.prepareVolumes).
    let runnable: Set<String> = ["emptyDir", "hostPath", "secret", "configMap", "downwarAPI"]
    for (i, volume) in (volumes ?? []).enumerated() {
      guard var source = volume.sourceNames.first, !runnable.contains(source) else { continue }
      if source == "downwarAPI" { source = "downwardAPI" }  // Kubernetes' own spelling in validation
      out.append("\(path.child("volumes").index(i).child(source)): Skiff cannot mount \(source) volumes; the pod will not start")
    }
    return out
  }
}
