/// A replica set (apps/v1): keeps a number of pods from one template running.
public struct ReplicaSet: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true,
    shortNames: ["rs"], categories: ["all"])

  /// The versioned schema of this object, "apps/v1" for a ReplicaSet. The server sets it in
  /// every response.
  public var apiVersion: String?
  /// The kind of object, "ReplicaSet". The server sets it in every response.
  public var kind: String?
  /// Standard object metadata: name, namespace, labels, annotations and the fields the server
  /// manages, such as uid, resourceVersion and generation. A Deployment's ReplicaSets carry an
  /// owner reference to it and a "deployment.kubernetes.io/revision" annotation.
  public var metadata: ObjectMeta
  /// The desired state: how many pods to keep running and the template to create them from.
  public var spec: ReplicaSetSpec
  /// The most recently observed state of the ReplicaSet, written by the replica set
  /// controller. Clients do not set it.
  public var status: ReplicaSetStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: ReplicaSetSpec = ReplicaSetSpec()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

/// The desired state of a ReplicaSet: the pod template and the number of copies.
public struct ReplicaSetSpec: Codable, Sendable, Equatable {
  /// Number of pods to keep running. Defaults to 1; 0 is allowed and removes every pod. Must
  /// not be negative.
  public var replicas: Int32?
  /// Minimum number of seconds a new pod must stay ready before it counts as available.
  /// Defaults to 0: a pod is available as soon as it is ready. Must not be negative. On Skiff,
  /// availability is rechecked when a pod changes and at the controller's resync every 30
  /// seconds, so availableReplicas can lag behind by up to that long.
  public var minReadySeconds: Int32?
  /// Label selector for the pods this ReplicaSet manages; it must match the labels of the pod
  /// template. Required, must not be empty, and cannot be changed after creation. On Skiff, the
  /// controller counts only the pods it created itself (through their owner reference): other
  /// pods that match the selector are not adopted.
  public var selector: LabelSelector?
  /// The pod template that missing pods are created from. Its labels must match the selector
  /// and its restartPolicy must be "Always". A change applies to new pods only: running pods
  /// are not replaced.
  public var template: PodTemplateSpec

  public init(replicas: Int32? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec = PodTemplateSpec()) {
    self.replicas = replicas
    self.selector = selector
    self.template = template
  }
}

extension ReplicaSetSpec: ZeroWhenAbsent {
  static var zeroValue: ReplicaSetSpec { ReplicaSetSpec() }
}

/// The observed state of a ReplicaSet, as the replica set controller last recorded it.
public struct ReplicaSetStatus: Codable, Sendable, Equatable {
  /// Number of the ReplicaSet's pods that have neither finished nor are being deleted.
  public var replicas: Int32?
  /// Number of those pods that carry every label of the pod template.
  public var fullyLabeledReplicas: Int32?
  /// Number of those pods whose "Ready" condition is "True".
  public var readyReplicas: Int32?
  /// Number of those pods that have been ready for at least minReadySeconds.
  public var availableReplicas: Int32?
  /// Number of the ReplicaSet's pods that are being deleted but have not yet gone away.
  /// On Skiff, the controller does not report it: the field stays unset.
  public var terminatingReplicas: Int32?
  /// The metadata.generation the controller last acted on. When it is lower than the current
  /// generation, the rest of the status is out of date.
  public var observedGeneration: Int64?
  /// The latest observations of the ReplicaSet's state, one entry per condition type.
  /// On Skiff, the controller sets no conditions.
  public var conditions: [ReplicaSetCondition]?

  public init(replicas: Int32? = nil) { self.replicas = replicas }
}

/// One aspect of a ReplicaSet's state and when it last changed.
public struct ReplicaSetCondition: Codable, Sendable, Equatable {
  /// The condition type. Kubernetes uses "ReplicaFailure": a pod could not be created or
  /// deleted, for example because a quota was exceeded.
  public var type: String
  /// Whether the condition holds: "True", "False" or "Unknown".
  public var status: String
  /// When the condition's status last changed from one value to another.
  public var lastTransitionTime: Timestamp?
  /// A short CamelCase reason for the condition's state.
  public var reason: String?
  /// A human-readable explanation of the condition's state.
  public var message: String?

  public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
    self.type = type
    self.status = status
    self.reason = reason
    self.message = message
  }
}
