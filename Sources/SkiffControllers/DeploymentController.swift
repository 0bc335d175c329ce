public import SkiffAPI
public import SkiffStore

/// Deployment → ReplicaSets, as kubernetes `pkg/controller/deployment`: one ReplicaSet per
/// pod template (`<deployment>-<pod-template-hash>`), rolling updates within maxSurge and
/// maxUnavailable (or Recreate), revision history, and the Deployment's status.
public struct DeploymentController: Reconciler {
  public let name = "deployment-controller"
  let registry: ObjectRegistry
  let events: EventRecorder

  public init(registry: ObjectRegistry, events: EventRecorder) {
    self.registry = registry
    self.events = events
  }

  static let deployments = Deployment.resourceInfo.groupResource
  static let replicaSets = ReplicaSet.resourceInfo.groupResource

  public var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] {
    [
      (Self.deployments, { [$0.key] }),
      (Self.replicaSets, { $0.ownerKeys(kind: "Deployment", resource: Self.deployments) }),
    ]
  }

  public func allKeys() -> [ObjectKey] {
    registry.store.list(Self.deployments).items.map(\.key)
  }

  public func reconcile(_ key: ObjectKey) async throws {
    guard let deployment = registry.get(Deployment.self, namespace: key.namespace, name: key.name),
      deployment.metadata.deletionTimestamp == nil
    else { return }
    let uid = deployment.metadata.uid ?? ""
    var owned = registry.list(ReplicaSet.self, namespace: key.namespace).filter { rs in
      rs.metadata.ownerReferences?.contains { $0.uid == uid && $0.controller == true } ?? false
    }
    let hash = PodTemplateHash.compute(deployment.spec.template, collisionCount: deployment.status?.collisionCount)
    let desired = Int(deployment.spec.replicas ?? 1)
    var newRS = owned.first { $0.metadata.labels?["pod-template-hash"] == hash }
    let maxRevision = owned.compactMap { Int($0.metadata.annotations?["deployment.kubernetes.io/revision"] ?? "") }.max() ?? 0

    if deployment.spec.paused == true {
      try updateStatus(deployment, owned: owned, newRS: newRS)
      return
    }

    if newRS == nil {
      newRS = try createReplicaSet(for: deployment, hash: hash, revision: maxRevision + 1, owned: owned)
      owned.append(newRS!)
    } else if let rs = newRS, rs.metadata.annotations?["deployment.kubernetes.io/revision"].flatMap(Int.init) ?? 0 < maxRevision,
      owned.contains(where: { $0.metadata.name != rs.metadata.name && ($0.spec.replicas ?? 0) > 0 })
    {
      // A rollback to an older template: it becomes the newest revision again.
      newRS = try registry.modify(ReplicaSet.self, namespace: key.namespace, name: rs.metadata.name ?? "") {
        $0.metadata.annotations = ($0.metadata.annotations ?? [:]).merging(
          ["deployment.kubernetes.io/revision": String(maxRevision + 1)]) { _, new in new }
      }
      owned = owned.map { $0.metadata.name == newRS!.metadata.name ? newRS! : $0 }
    }
    guard let current = newRS else { return }
    let oldRSs = owned.filter { $0.metadata.name != current.metadata.name }
    try syncRevision(deployment, newRS: current)

    if deployment.spec.strategy?.type == "Recreate" {
      try recreate(deployment, newRS: current, old: oldRSs, desired: desired)
    } else {
      try rollingUpdate(deployment, newRS: current, old: oldRSs, desired: desired)
    }
    try cleanupHistory(deployment, key: key)
    let refreshed = registry.list(ReplicaSet.self, namespace: key.namespace).filter { rs in
      rs.metadata.ownerReferences?.contains { $0.uid == uid && $0.controller == true } ?? false
    }
    try updateStatus(deployment, owned: refreshed, newRS: refreshed.first { $0.metadata.name == current.metadata.name })
  }

  func createReplicaSet(for deployment: Deployment, hash: String, revision: Int, owned: [ReplicaSet]) throws -> ReplicaSet {
    let name = "\(deployment.metadata.name ?? "")-\(hash)"
    var template = deployment.spec.template
    template.metadata.labels = (template.metadata.labels ?? [:]).merging(["pod-template-hash": hash]) { _, new in new }
    var selector = deployment.spec.selector ?? LabelSelector()
    selector.matchLabels = (selector.matchLabels ?? [:]).merging(["pod-template-hash": hash]) { _, new in new }
    let desired = deployment.spec.replicas ?? 1
    let maxSurge = Self.maxSurge(deployment, desired: Int(desired))
    var rs = ReplicaSet(
      metadata: ObjectMeta(name: name, namespace: deployment.metadata.namespace, labels: template.metadata.labels),
      spec: ReplicaSetSpec(replicas: 0, selector: selector, template: template))
    rs.spec.minReadySeconds = deployment.spec.minReadySeconds
    rs.metadata.annotations = [
      "deployment.kubernetes.io/revision": String(revision),
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(Int(desired) + maxSurge),
    ]
    rs.metadata.ownerReferences = [
      OwnerReference(apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name ?? "", uid: deployment.metadata.uid ?? "")
    ]
    let failure: Status
    do {
      return try registry.create(rs)
    } catch {
      failure = error
    }
    guard failure.code == 409 else { throw failure }
    // Exists: adopt it if it is ours, else bump the collision count so the hash changes.
    if let existing = registry.get(ReplicaSet.self, namespace: deployment.metadata.namespace ?? "", name: name),
      existing.metadata.ownerReferences?.contains(where: { $0.uid == deployment.metadata.uid }) == true
    {
      return existing
    }
    try registry.modify(Deployment.self, namespace: deployment.metadata.namespace ?? "", name: deployment.metadata.name ?? "", status: true) {
      var status = $0.status ?? DeploymentStatus()
      status.collisionCount = (status.collisionCount ?? 0) + 1
      $0.status = status
    }
    throw failure
  }

  /// The Deployment carries its newest ReplicaSet's revision (`SetDeploymentRevision`):
  /// `kubectl rollout history` and `describe` read it there.
  func syncRevision(_ d: Deployment, newRS: ReplicaSet) throws {
    let key = "deployment.kubernetes.io/revision"
    guard let revision = newRS.metadata.annotations?[key], d.metadata.annotations?[key] != revision else { return }
    try registry.modify(Deployment.self, namespace: d.metadata.namespace ?? "", name: d.metadata.name ?? "") {
      $0.metadata.annotations = ($0.metadata.annotations ?? [:]).merging([key: revision]) { _, new in new }
    }
  }

  static func maxSurge(_ d: Deployment, desired: Int) -> Int {
    max(0, (d.spec.strategy?.rollingUpdate?.maxSurge ?? .string("25%")).scaled(total: desired, roundUp: true) ?? 0)
  }

  static func maxUnavailable(_ d: Deployment, desired: Int) -> Int {
    var value = max(0, (d.spec.strategy?.rollingUpdate?.maxUnavailable ?? .string("25%")).scaled(total: desired, roundUp: false) ?? 0)
    // Both zero cannot make progress; Kubernetes then allows one unavailable.
    if value == 0 && maxSurge(d, desired: desired) == 0 { value = 1 }
    return min(value, desired)
  }

  func scale(_ rs: ReplicaSet, to replicas: Int, deployment: Deployment) throws {
    let current = Int(rs.spec.replicas ?? 0)
    guard current != replicas else { return }
    let desired = Int(deployment.spec.replicas ?? 1)
    try registry.modify(ReplicaSet.self, namespace: rs.metadata.namespace ?? "", name: rs.metadata.name ?? "") {
      $0.spec.replicas = Int32(replicas)
      $0.metadata.annotations = ($0.metadata.annotations ?? [:]).merging([
        "deployment.kubernetes.io/desired-replicas": String(desired),
        "deployment.kubernetes.io/max-replicas": String(desired + Self.maxSurge(deployment, desired: desired)),
      ]) { _, new in new }
    }
    let direction = replicas > current ? "up" : "down"
    events.record(
      deployment, reason: "ScalingReplicaSet",
      message: "Scaled \(direction) replica set \(rs.metadata.name ?? "") from \(current) to \(replicas)")
  }

  func rollingUpdate(_ d: Deployment, newRS: ReplicaSet, old: [ReplicaSet], desired: Int) throws {
    let surge = Self.maxSurge(d, desired: desired)
    let unavailable = Self.maxUnavailable(d, desired: desired)
    let newReplicas = Int(newRS.spec.replicas ?? 0)
    var oldTotal = old.reduce(0) { $0 + Int($1.spec.replicas ?? 0) }

    // Scale the new ReplicaSet up as far as maxSurge allows.
    if newReplicas < desired {
      let total = newReplicas + oldTotal
      let room = desired + surge - total
      if room > 0 { try scale(newRS, to: newReplicas + min(room, desired - newReplicas), deployment: d) }
    } else if newReplicas > desired {
      try scale(newRS, to: desired, deployment: d)
    }
    guard oldTotal > 0 else { return }

    // Scale old ReplicaSets down, keeping at least desired - maxUnavailable available.
    let minAvailable = desired - unavailable
    let refreshedNew = registry.get(ReplicaSet.self, namespace: newRS.metadata.namespace ?? "", name: newRS.metadata.name ?? "") ?? newRS
    let newAvailable = Int(refreshedNew.status?.availableReplicas ?? 0)
    let oldAvailable = old.reduce(0) { $0 + Int($1.status?.availableReplicas ?? 0) }
    let oldUnavailable = oldTotal - oldAvailable
    var budget = max(0, (newAvailable + oldAvailable) - minAvailable) + oldUnavailable
    for rs in old.sorted(by: { ($0.metadata.creationTimestamp ?? Timestamp(seconds: 0)) < ($1.metadata.creationTimestamp ?? Timestamp(seconds: 0)) }) {
      guard budget > 0 else { break }
      let replicas = Int(rs.spec.replicas ?? 0)
      guard replicas > 0 else { continue }
      let down = min(replicas, budget)
      try scale(rs, to: replicas - down, deployment: d)
      budget -= down
      oldTotal -= down
    }
  }

  func recreate(_ d: Deployment, newRS: ReplicaSet, old: [ReplicaSet], desired: Int) throws {
    var oldPods = 0
    for rs in old {
      if (rs.spec.replicas ?? 0) > 0 { try scale(rs, to: 0, deployment: d) }
      oldPods += Int(rs.status?.replicas ?? 0)
    }
    if oldPods == 0 { try scale(newRS, to: desired, deployment: d) }
  }

  func cleanupHistory(_ d: Deployment, key: ObjectKey) throws {
    let limit = Int(d.spec.revisionHistoryLimit ?? 10)
    let uid = d.metadata.uid ?? ""
    let owned = registry.list(ReplicaSet.self, namespace: key.namespace).filter { rs in
      rs.metadata.ownerReferences?.contains { $0.uid == uid } ?? false
    }
    let revision = { (rs: ReplicaSet) in Int(rs.metadata.annotations?["deployment.kubernetes.io/revision"] ?? "") ?? 0 }
    let newest = owned.map(revision).max() ?? 0
    let idle = owned.filter { ($0.spec.replicas ?? 0) == 0 && ($0.status?.replicas ?? 0) == 0 && revision($0) != newest }
      .sorted { revision($0) < revision($1) }
    if idle.count > limit {
      for rs in idle.prefix(idle.count - limit) {
        try registry.delete(ReplicaSet.self, namespace: key.namespace, name: rs.metadata.name ?? "")
      }
    }
  }

  func updateStatus(_ d: Deployment, owned: [ReplicaSet], newRS: ReplicaSet?) throws {
    let desired = Int(d.spec.replicas ?? 1)
    let replicas = owned.reduce(0) { $0 + Int($1.status?.replicas ?? 0) }
    let ready = owned.reduce(0) { $0 + Int($1.status?.readyReplicas ?? 0) }
    let available = owned.reduce(0) { $0 + Int($1.status?.availableReplicas ?? 0) }
    let updated = Int(newRS?.status?.replicas ?? 0)
    let minAvailable = desired - Self.maxUnavailable(d, desired: desired)
    let now = Timestamp.now().wholeSeconds
    var status = d.status ?? DeploymentStatus()
    let before = status
    status.observedGeneration = d.metadata.generation
    status.replicas = Int32(replicas)
    status.updatedReplicas = Int32(updated)
    status.readyReplicas = ready == 0 ? nil : Int32(ready)
    status.availableReplicas = available == 0 ? nil : Int32(available)
    status.unavailableReplicas = max(0, desired - available) == 0 ? nil : Int32(max(0, desired - available))
    var conditions = status.conditions ?? []
    func set(_ type: String, _ value: String, _ reason: String, _ message: String) {
      if let i = conditions.firstIndex(where: { $0.type == type }) {
        if conditions[i].status != value { conditions[i].lastTransitionTime = now }
        if conditions[i].status != value || conditions[i].reason != reason { conditions[i].lastUpdateTime = now }
        conditions[i].status = value
        conditions[i].reason = reason
        conditions[i].message = message
      } else {
        var c = DeploymentCondition(type: type, status: value, reason: reason, message: message)
        c.lastUpdateTime = now
        c.lastTransitionTime = now
        conditions.append(c)
      }
    }
    if available >= minAvailable {
      set("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
    } else {
      set("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
    }
    if let newRS {
      let name = newRS.metadata.name ?? ""
      let complete = updated == desired && replicas == desired && available >= desired
        && Int(newRS.status?.availableReplicas ?? 0) == desired
      if complete {
        set("Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"\(name)\" has successfully progressed.")
      } else if conditions.first(where: { $0.type == "Progressing" }) == nil {
        set("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(name)\"")
      } else {
        set("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(name)\" is progressing.")
      }
    }
    status.conditions = conditions
    guard status != before else { return }
    try registry.modify(Deployment.self, namespace: d.metadata.namespace ?? "", name: d.metadata.name ?? "", status: true) {
      $0.status = status
    }
  }
}
