extension Pod {
  /// `SetDefaults_Pod` over `SetDefaults_PodSpec`: requests copied from limits, service
  /// links on, host ports equal to container ports on the host network.
  public mutating func setDefaults() {
    spec.setDefaults()
    func requestsFromLimits(_ containers: inout [Container]) {
      for i in containers.indices {
        guard let limits = containers[i].resources?.limits else { continue }
        var requests = containers[i].resources?.requests ?? [:]
        for (name, quantity) in limits where requests[name] == nil { requests[name] = quantity }
        containers[i].resources?.requests = requests
      }
    }
    requestsFromLimits(&spec.containers)
    if var initContainers = spec.initContainers {
      requestsFromLimits(&initContainers)
      spec.initContainers = initContainers
    }
    if spec.enableServiceLinks == nil { spec.enableServiceLinks = true }
    if spec.hostNetwork == true {
      func hostPorts(_ containers: inout [Container]) {
        for i in containers.indices {
          guard var ports = containers[i].ports else { continue }
          for j in ports.indices where (ports[j].hostPort ?? 0) == 0 { ports[j].hostPort = ports[j].containerPort }
          containers[i].ports = ports
        }
      }
      hostPorts(&spec.containers)
      if var initContainers = spec.initContainers {
        hostPorts(&initContainers)
        spec.initContainers = initContainers
      }
    }
  }
}

extension PodSpec {
  /// The QoS class the API server records at create (`Guaranteed`, `Burstable`,
  /// `BestEffort`), from the containers' cpu and memory requests and limits.
  public var qosClass: String {
    var requests: [String: Double] = [:]
    var limits: [String: Double] = [:]
    var isGuaranteed = true
    for container in (initContainers ?? []) + containers {
      var limitedResources: Set<String> = []
      for name in ["cpu", "memory"] {
        if let value = container.resources?.requests?[name]?.value, value != 0 {
          requests[name, default: 0] += value
        }
        if let value = container.resources?.limits?[name]?.value, value != 0 {
          limitedResources.insert(name)
          limits[name, default: 0] += value
        }
      }
      if limitedResources.count != 2 { isGuaranteed = false }
    }
    if requests.isEmpty && limits.isEmpty { return "BestEffort" }
    if isGuaranteed {
      for (name, request) in requests where limits[name] != request { isGuaranteed = false }
    }
    return isGuaranteed && requests.count == limits.count ? "Guaranteed" : "Burstable"
  }
}
