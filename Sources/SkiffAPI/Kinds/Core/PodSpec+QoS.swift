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
