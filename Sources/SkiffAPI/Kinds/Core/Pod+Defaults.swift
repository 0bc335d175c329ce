extension Pod {
  /// What the API server does to a new pod before storing it (the pod strategy's
  /// `PrepareForCreate`): whatever status came with it is replaced by `Pending` and the
  /// pod's QoS class (and, for a pod with scheduling gates, the scheduler's SchedulingGated
  /// condition).
  public mutating func prepareForCreate() {
    var fresh = PodStatus(phase: "Pending")
    fresh.qosClass = spec.qosClass
    if !(spec.schedulingGates ?? []).isEmpty {
      // What kube-scheduler reports at once for a gated pod (kubectl shows SchedulingGated).
      fresh.conditions = [PodCondition(
        type: "PodScheduled", status: "False", lastTransitionTime: Timestamp.now().wholeSeconds,
        reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates")]
    }
    status = fresh
  }

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
