extension Deployment {
  /// `SetDefaults_Deployment` (kubernetes `pkg/apis/apps/v1/defaults.go`) and the pod
  /// template's PodSpec defaults.
  public mutating func setDefaults() {
    if spec.replicas == nil { spec.replicas = 1 }
    var strategy = spec.strategy ?? DeploymentStrategy()
    if strategy.type?.isEmpty ?? true { strategy.type = "RollingUpdate" }
    if strategy.type == "RollingUpdate" {
      var rollingUpdate = strategy.rollingUpdate ?? RollingUpdateDeployment()
      if rollingUpdate.maxUnavailable == nil { rollingUpdate.maxUnavailable = .string("25%") }
      if rollingUpdate.maxSurge == nil { rollingUpdate.maxSurge = .string("25%") }
      strategy.rollingUpdate = rollingUpdate
    }
    spec.strategy = strategy
    if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
    if spec.progressDeadlineSeconds == nil { spec.progressDeadlineSeconds = 600 }
    spec.template.setDefaults()
    // The Go type's status is a struct, not a pointer: the apiserver always serves
    // `"status": {}`, and clients read it before any controller wrote one.
    if status == nil { status = DeploymentStatus() }
  }
}

extension ReplicaSet {
  /// Replicas 1 and the pod template's PodSpec defaults.
  public mutating func setDefaults() {
    if spec.replicas == nil { spec.replicas = 1 }
    spec.template.setDefaults()
    if status == nil { status = ReplicaSetStatus() }  // always `{}` at least, as the apiserver serves it
  }
}
