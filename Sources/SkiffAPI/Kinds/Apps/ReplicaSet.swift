/// A replica set (apps/v1): keeps a number of pods from one template running.
public struct ReplicaSet: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true,
    shortNames: ["rs"], categories: ["all"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: ReplicaSetSpec
  public var status: ReplicaSetStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: ReplicaSetSpec = ReplicaSetSpec()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

public struct ReplicaSetSpec: Codable, Sendable, Equatable {
  public var replicas: Int32?
  public var minReadySeconds: Int32?
  public var selector: LabelSelector?
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

public struct ReplicaSetStatus: Codable, Sendable, Equatable {
  public var replicas: Int32?
  public var fullyLabeledReplicas: Int32?
  public var readyReplicas: Int32?
  public var availableReplicas: Int32?
  public var terminatingReplicas: Int32?
  public var observedGeneration: Int64?
  public var conditions: [ReplicaSetCondition]?

  public init(replicas: Int32? = nil) { self.replicas = replicas }
}

public struct ReplicaSetCondition: Codable, Sendable, Equatable {
  public var type: String
  public var status: String
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
