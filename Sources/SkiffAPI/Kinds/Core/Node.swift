/// A node (core/v1): Skiff has exactly one, `skiff`. Cluster-scoped.
public struct Node: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: NodeSpec?
  public var status: NodeStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: NodeSpec? = nil, status: NodeStatus? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
    self.status = status
  }
}

public struct NodeSpec: Codable, Sendable, Equatable {
  public var podCIDR: String?
  public var podCIDRs: [String]?
  public var providerID: String?
  public var unschedulable: Bool?
  public var taints: [Taint]?
  public var configSource: JSONValue?
  public var externalID: String?

  public init(podCIDR: String? = nil, podCIDRs: [String]? = nil) {
    self.podCIDR = podCIDR
    self.podCIDRs = podCIDRs
  }
}

public struct Taint: Codable, Sendable, Equatable {
  @ZeroDefault public var key: String
  public var value: String?
  /// `NoSchedule`, `PreferNoSchedule`, `NoExecute`.
  @ZeroDefault public var effect: String
  public var timeAdded: Timestamp?

  public init(key: String, value: String? = nil, effect: String) {
    self.key = key
    self.value = value
    self.effect = effect
  }
}

public struct NodeStatus: Codable, Sendable, Equatable {
  public var capacity: [String: Quantity]?
  public var allocatable: [String: Quantity]?
  public var phase: String?
  public var conditions: [NodeCondition]?
  public var addresses: [NodeAddress]?
  public var daemonEndpoints: JSONValue?
  public var nodeInfo: NodeSystemInfo?
  public var images: [JSONValue]?
  public var volumesInUse: [String]?
  public var volumesAttached: [JSONValue]?
  public var config: JSONValue?
  public var runtimeHandlers: [JSONValue]?
  public var features: JSONValue?
  public var declaredFeatures: [String]?

  public init() {}
}

public struct NodeCondition: Codable, Sendable, Equatable {
  /// `Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure`, `NetworkUnavailable`.
  public var type: String
  public var status: String
  public var lastHeartbeatTime: Timestamp?
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

public struct NodeAddress: Codable, Sendable, Equatable {
  /// `InternalIP`, `ExternalIP`, `Hostname`.
  public var type: String
  public var address: String

  public init(type: String, address: String) {
    self.type = type
    self.address = address
  }
}

public struct NodeSystemInfo: Codable, Sendable, Equatable {
  public var machineID: String
  public var systemUUID: String
  public var bootID: String
  public var kernelVersion: String
  public var osImage: String
  public var containerRuntimeVersion: String
  public var kubeletVersion: String
  public var kubeProxyVersion: String?
  public var operatingSystem: String
  public var architecture: String
  public var swap: JSONValue?

  public init(machineID: String = "", systemUUID: String = "", bootID: String = "", kernelVersion: String = "",
              osImage: String = "", containerRuntimeVersion: String = "", kubeletVersion: String = "",
              operatingSystem: String = "linux", architecture: String = "") {
    self.machineID = machineID
    self.systemUUID = systemUUID
    self.bootID = bootID
    self.kernelVersion = kernelVersion
    self.osImage = osImage
    self.containerRuntimeVersion = containerRuntimeVersion
    self.kubeletVersion = kubeletVersion
    self.operatingSystem = operatingSystem
    self.architecture = architecture
  }
}
