extension Service {
  /// `SetDefaults_Service`, plus what the API server's service storage settles on a
  /// single-stack IPv4 cluster before validating: `clusterIPs` follows `clusterIP`,
  /// `ipFamilyPolicy: SingleStack` (`RequireDualStack` for a headless service without a
  /// selector) and `ipFamilies: [IPv4]`. Cluster IPs themselves are allocated by the server.
  public mutating func setDefaults() {
    if spec.sessionAffinity?.isEmpty ?? true { spec.sessionAffinity = "None" }
    if spec.sessionAffinity == "None" { spec.sessionAffinityConfig = nil }
    if spec.sessionAffinity == "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == nil {
      spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 10800))
    }
    if spec.type?.isEmpty ?? true { spec.type = "ClusterIP" }
    if var ports = spec.ports {
      for i in ports.indices {
        if ports[i].protocol?.isEmpty ?? true { ports[i].protocol = "TCP" }
        if ports[i].targetPort == nil || ports[i].targetPort == .int(0) || ports[i].targetPort == .string("") {
          ports[i].targetPort = .int(ports[i].port)
        }
      }
      spec.ports = ports
    }
    let type = spec.type ?? ""
    let externallyAccessible = type == "NodePort" || type == "LoadBalancer"
      || (type == "ClusterIP" && !(spec.externalIPs ?? []).isEmpty)
    if externallyAccessible && (spec.externalTrafficPolicy?.isEmpty ?? true) { spec.externalTrafficPolicy = "Cluster" }
    if spec.internalTrafficPolicy == nil && ["NodePort", "LoadBalancer", "ClusterIP"].contains(type) {
      spec.internalTrafficPolicy = "Cluster"
    }
    if type == "LoadBalancer" && spec.allocateLoadBalancerNodePorts == nil { spec.allocateLoadBalancerNodePorts = true }
    guard type != "ExternalName" else { return }
    if let clusterIP = spec.clusterIP, !clusterIP.isEmpty, (spec.clusterIPs ?? []).isEmpty { spec.clusterIPs = [clusterIP] }
    if spec.ipFamilyPolicy == nil {
      // Headless services without a selector take every family the cluster has.
      let headlessWithoutSelector = spec.clusterIPs == ["None"] && (spec.selector ?? [:]).isEmpty
      spec.ipFamilyPolicy = headlessWithoutSelector ? "RequireDualStack" : "SingleStack"
    }
    if (spec.ipFamilies ?? []).isEmpty { spec.ipFamilies = ["IPv4"] }
  }
}

