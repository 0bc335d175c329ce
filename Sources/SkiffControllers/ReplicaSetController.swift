public import SkiffAPI
public import SkiffStore

/// ReplicaSet → Pods, as kubernetes `pkg/controller/replicaset`: keeps `spec.replicas` pods
/// of the template alive (`<rs>-<5 chars>`, owned by the ReplicaSet), deletes extras
/// (not-ready and newest first), and reports replicas, ready and available counts.
public struct ReplicaSetController: Reconciler {
  public let name = "replicaset-controller"
  let registry: ObjectRegistry
  let events: EventRecorder

  public init(registry: ObjectRegistry, events: EventRecorder) {
    self.registry = registry
    self.events = events
  }

  static let replicaSets = ReplicaSet.resourceInfo.groupResource
  static let pods = Pod.resourceInfo.groupResource

  public var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] {
    [
      (Self.replicaSets, { [$0.key] }),
      (Self.pods, { $0.ownerKeys(kind: "ReplicaSet", resource: Self.replicaSets) }),
    ]
  }

  public func allKeys() -> [ObjectKey] { registry.store.list(Self.replicaSets).items.map(\.key) }

  public func reconcile(_ key: ObjectKey) async throws {
    guard let rs = registry.get(ReplicaSet.self, namespace: key.namespace, name: key.name),
      rs.metadata.deletionTimestamp == nil
    else { return }
    let uid = rs.metadata.uid ?? ""
    let pods = registry.list(Pod.self, namespace: key.namespace).filter { pod in
      pod.metadata.ownerReferences?.contains { $0.uid == uid && $0.controller == true } ?? false
    }
    let active = pods.filter { $0.metadata.deletionTimestamp == nil && !Self.isFinished($0) }
    let desired = Int(rs.spec.replicas ?? 1)
    if active.count < desired {
      for _ in 0..<(desired - active.count) {
        let pod = try createPod(for: rs)
        events.record(rs, reason: "SuccessfulCreate", message: "Created pod: \(pod.metadata.name ?? "")")
      }
    } else if active.count > desired {
      // Delete the least useful first: not ready before ready, newest before oldest.
      let ranked = active.sorted { a, b in
        let ra = Self.isReady(a), rb = Self.isReady(b)
        if ra != rb { return !ra }
        return (a.metadata.creationTimestamp ?? Timestamp(seconds: 0)) > (b.metadata.creationTimestamp ?? Timestamp(seconds: 0))
      }
      for pod in ranked.prefix(active.count - desired) {
        try registry.delete(Pod.self, namespace: key.namespace, name: pod.metadata.name ?? "")
        events.record(rs, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.metadata.name ?? "")")
      }
    }
    try updateStatus(rs, pods: registry.list(Pod.self, namespace: key.namespace).filter { pod in
      pod.metadata.ownerReferences?.contains { $0.uid == uid && $0.controller == true } ?? false
    })
  }

  func createPod(for rs: ReplicaSet) throws -> Pod {
    let template = rs.spec.template
    var meta = ObjectMeta()
    meta.generateName = "\(rs.metadata.name ?? "")-"
    meta.namespace = rs.metadata.namespace
    meta.labels = template.metadata.labels
    meta.annotations = template.metadata.annotations
    meta.ownerReferences = [
      OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata.name ?? "", uid: rs.metadata.uid ?? "")
    ]
    return try registry.create(Pod(metadata: meta, spec: template.spec))
  }

  static func isFinished(_ pod: Pod) -> Bool {
    pod.status?.phase == "Succeeded" || pod.status?.phase == "Failed"
  }

  static func isReady(_ pod: Pod) -> Bool {
    pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
  }

  /// Ready for at least `minReadySeconds`.
  static func isAvailable(_ pod: Pod, minReadySeconds: Int32, now: Timestamp) -> Bool {
    guard let ready = pod.status?.conditions?.first(where: { $0.type == "Ready" && $0.status == "True" }) else { return false }
    guard minReadySeconds > 0, let since = ready.lastTransitionTime else { return true }
    return since.seconds(until: now) >= Double(minReadySeconds)
  }

  func updateStatus(_ rs: ReplicaSet, pods: [Pod]) throws {
    let active = pods.filter { $0.metadata.deletionTimestamp == nil && !Self.isFinished($0) }
    let selectorLabels = rs.spec.template.metadata.labels ?? [:]
    let now = Timestamp.now()
    var status = rs.status ?? ReplicaSetStatus()
    let before = status
    status.replicas = Int32(active.count)
    let fully = active.filter { pod in selectorLabels.allSatisfy { pod.metadata.labels?[$0.key] == $0.value } }.count
    status.fullyLabeledReplicas = fully == 0 ? nil : Int32(fully)
    let ready = active.filter(Self.isReady).count
    status.readyReplicas = ready == 0 ? nil : Int32(ready)
    let available = active.filter { Self.isAvailable($0, minReadySeconds: rs.spec.minReadySeconds ?? 0, now: now) }.count
    status.availableReplicas = available == 0 ? nil : Int32(available)
    status.observedGeneration = rs.metadata.generation
    guard status != before else { return }
    try registry.modify(ReplicaSet.self, namespace: rs.metadata.namespace ?? "", name: rs.metadata.name ?? "", status: true) {
      $0.status = status
    }
  }
}
