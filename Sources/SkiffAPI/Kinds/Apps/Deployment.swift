/// A deployment (apps/v1): a desired number of pods from one template, rolled out through
/// ReplicaSets.
public struct Deployment: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true,
    shortNames: ["deploy"], categories: ["all"])

  /// The versioned schema of this object, "apps/v1" for a Deployment. The server sets it in
  /// every response.
  public var apiVersion: String?
  /// The kind of object, "Deployment". The server sets it in every response.
  public var kind: String?
  /// Standard object metadata: name, namespace, labels, annotations and the fields the server
  /// manages, such as uid, resourceVersion and generation.
  public var metadata: ObjectMeta
  /// The desired state: how many pods to run, from which template, and how to replace them
  /// when the template changes.
  public var spec: DeploymentSpec
  /// The most recently observed state of the Deployment, written by the deployment
  /// controller. Clients do not set it.
  public var status: DeploymentStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: DeploymentSpec = DeploymentSpec()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

/// The desired state of a Deployment: the pod template, the number of copies and the
/// rollout settings.
public struct DeploymentSpec: Codable, Sendable, Equatable {
  /// Number of pods the Deployment should run. Defaults to 1; 0 is allowed and removes every
  /// pod. Must not be negative.
  public var replicas: Int32?
  /// Label selector for the pods this Deployment manages; it must match the labels of the pod
  /// template. Required in apps/v1, must not be empty, and cannot be changed after creation.
  public var selector: LabelSelector?
  /// The pod template that every pod of the Deployment is created from. Its labels must match
  /// the selector and its restartPolicy must be "Always". Any change to it starts a new rollout.
  public var template: PodTemplateSpec
  /// How old pods are replaced by new ones when the template changes. Defaults to
  /// "RollingUpdate" with maxSurge and maxUnavailable of "25%".
  public var strategy: DeploymentStrategy?
  /// Minimum number of seconds a new pod must stay ready before it counts as available.
  /// Defaults to 0: a pod is available as soon as it is ready. Must not be negative.
  /// On Skiff, the value is copied to a ReplicaSet only when the ReplicaSet is created, so a
  /// change without a template change waits for the next rollout.
  public var minReadySeconds: Int32?
  /// Number of old, scaled-down ReplicaSets kept so that the Deployment can be rolled back;
  /// older ones are deleted. Defaults to 10. Must not be negative.
  public var revisionHistoryLimit: Int32?
  /// When true, template changes are not rolled out until the Deployment is resumed.
  /// Defaults to false. On Skiff, a paused Deployment is not scaled either: a change to
  /// replicas also waits until it is resumed.
  public var paused: Bool?
  /// Seconds a rollout may go without progress before the controller reports it as failed,
  /// with the "Progressing" condition set to "False" (reason "ProgressDeadlineExceeded"); the
  /// rollout itself goes on. Defaults to 600 and must be greater than minReadySeconds. On
  /// Skiff, the deadline is stored but not tracked: the "Progressing" condition never turns
  /// "False".
  public var progressDeadlineSeconds: Int32?

  public init(replicas: Int32? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec = PodTemplateSpec()) {
    self.replicas = replicas
    self.selector = selector
    self.template = template
  }
}

extension DeploymentSpec: ZeroWhenAbsent {
  static var zeroValue: DeploymentSpec { DeploymentSpec() }
}

/// How a Deployment replaces its old pods with new ones.
public struct DeploymentStrategy: Codable, Sendable, Equatable {
  /// The kind of replacement: "RollingUpdate" (the default) replaces pods gradually within the
  /// limits of rollingUpdate; "Recreate" removes all old pods before it creates new ones.
  public var type: String?
  /// Limits for a rolling update. Allowed only when type is "RollingUpdate", and filled in
  /// with defaults then.
  public var rollingUpdate: RollingUpdateDeployment?

  public init(type: String? = nil, rollingUpdate: RollingUpdateDeployment? = nil) {
    self.type = type
    self.rollingUpdate = rollingUpdate
  }
}

/// Limits that pace a rolling update of a Deployment.
public struct RollingUpdateDeployment: Codable, Sendable, Equatable {
  /// How many pods may be unavailable during the update, below the desired count: a number,
  /// or a percentage of the desired replicas rounded down (at most "100%"). Defaults to "25%";
  /// it may not be 0 when maxSurge is 0.
  public var maxUnavailable: IntOrString?
  /// How many pods may be created above the desired count during the update: a number, or a
  /// percentage of the desired replicas rounded up. Defaults to "25%"; it may not be 0 when
  /// maxUnavailable is 0.
  public var maxSurge: IntOrString?

  public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
    self.maxUnavailable = maxUnavailable
    self.maxSurge = maxSurge
  }
}

/// The observed state of a Deployment, as the deployment controller last recorded it.
public struct DeploymentStatus: Codable, Sendable, Equatable {
  /// The metadata.generation the controller last acted on. When it is lower than the current
  /// generation, the rest of the status is out of date.
  public var observedGeneration: Int64?
  /// Number of pods, neither finished nor being deleted, owned by the Deployment's
  /// ReplicaSets, old and new together.
  public var replicas: Int32?
  /// Number of those pods created from the current pod template.
  public var updatedReplicas: Int32?
  /// Number of the Deployment's pods whose "Ready" condition is "True".
  public var readyReplicas: Int32?
  /// Number of the Deployment's pods that have been ready for at least minReadySeconds.
  public var availableReplicas: Int32?
  /// Number of pods still missing for the Deployment to be fully available: the desired
  /// replicas minus the available ones, never below 0.
  public var unavailableReplicas: Int32?
  /// Number of the Deployment's pods that are being deleted but have not yet gone away.
  /// On Skiff, the controller does not report it: the field stays unset.
  public var terminatingReplicas: Int32?
  /// The latest observations of the Deployment's state, one entry per condition type.
  public var conditions: [DeploymentCondition]?
  /// Count of name collisions met when creating ReplicaSets. The controller mixes it into the
  /// pod template hash so that a new ReplicaSet gets a name that is still free.
  public var collisionCount: Int32?

  public init() {}
}

/// One aspect of a Deployment's state and when it last changed.
public struct DeploymentCondition: Codable, Sendable, Equatable {
  /// The condition type: "Available" (enough pods are available), "Progressing" (a rollout is
  /// under way or complete) or "ReplicaFailure" (a pod could not be created or deleted).
  /// On Skiff, the controller sets only "Available" and "Progressing".
  public var type: String
  /// Whether the condition holds: "True", "False" or "Unknown".
  public var status: String
  /// When the controller last changed this condition's status or reason.
  public var lastUpdateTime: Timestamp?
  /// When the condition's status last changed from one value to another.
  public var lastTransitionTime: Timestamp?
  /// A short CamelCase reason for the condition's state, such as "NewReplicaSetAvailable".
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
