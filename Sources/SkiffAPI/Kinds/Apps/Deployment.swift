/// A deployment (apps/v1): a desired number of pods from one template, rolled out through
/// ReplicaSets.
public struct Deployment: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true,
    shortNames: ["deploy"], categories: ["all"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: DeploymentSpec
  public var status: DeploymentStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: DeploymentSpec = DeploymentSpec()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

public struct DeploymentSpec: Codable, Sendable, Equatable {
  public var replicas: Int32?
  public var selector: LabelSelector?
  public var template: PodTemplateSpec
  public var strategy: DeploymentStrategy?
  public var minReadySeconds: Int32?
  public var revisionHistoryLimit: Int32?
  public var paused: Bool?
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

public struct DeploymentStrategy: Codable, Sendable, Equatable {
  /// `RollingUpdate` or `Recreate`.
  public var type: String?
  public var rollingUpdate: RollingUpdateDeployment?

  public init(type: String? = nil, rollingUpdate: RollingUpdateDeployment? = nil) {
    self.type = type
    self.rollingUpdate = rollingUpdate
  }
}

public struct RollingUpdateDeployment: Codable, Sendable, Equatable {
  public var maxUnavailable: IntOrString?
  public var maxSurge: IntOrString?

  public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
    self.maxUnavailable = maxUnavailable
    self.maxSurge = maxSurge
  }
}

public struct DeploymentStatus: Codable, Sendable, Equatable {
  public var observedGeneration: Int64?
  public var replicas: Int32?
  public var updatedReplicas: Int32?
  public var readyReplicas: Int32?
  public var availableReplicas: Int32?
  public var unavailableReplicas: Int32?
  public var terminatingReplicas: Int32?
  public var conditions: [DeploymentCondition]?
  public var collisionCount: Int32?

  public init() {}
}

public struct DeploymentCondition: Codable, Sendable, Equatable {
  /// `Available`, `Progressing`, `ReplicaFailure`.
  public var type: String
  public var status: String
  public var lastUpdateTime: Timestamp?
  public var lastTransitionTime: Timestamp?
  public var reason: String?
  public var message: String?

  public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
    self.type = type
    self.status = status
    self.reason = reason
    self.message = message
  }
}
