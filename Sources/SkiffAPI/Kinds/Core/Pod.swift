/// A pod (core/v1): containers that run together on the node, with the status the node
/// agent reports.
public struct Pod: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"],
    categories: ["all"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: PodSpec
  public var status: PodStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec = PodSpec(), status: PodStatus? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
    self.status = status
  }
}

/// What the node agent reports about a pod.
public struct PodStatus: Codable, Sendable, Equatable {
  public var observedGeneration: Int64?
  /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
  public var phase: String?
  public var conditions: [PodCondition]?
  public var message: String?
  public var reason: String?
  public var nominatedNodeName: String?
  public var hostIP: String?
  public var hostIPs: [HostIP]?
  public var podIP: String?
  public var podIPs: [PodIP]?
  public var startTime: Timestamp?
  public var initContainerStatuses: [ContainerStatus]?
  public var containerStatuses: [ContainerStatus]?
  /// `Guaranteed`, `Burstable`, `BestEffort`.
  public var qosClass: String?
  public var ephemeralContainerStatuses: [ContainerStatus]?
  public var resize: String?
  public var resourceClaimStatuses: [JSONValue]?
  public var extendedResourceClaimStatus: JSONValue?
  public var allocatedResources: [String: Quantity]?
  public var resources: ResourceRequirements?

  public init(phase: String? = nil) { self.phase = phase }
}

public struct PodCondition: Codable, Sendable, Equatable {
  /// `PodScheduled`, `Initialized`, `ContainersReady`, `Ready`, `PodReadyToStartContainers`.
  public var type: String
  public var observedGeneration: Int64?
  /// `True`, `False`, `Unknown`.
  public var status: String
  public var lastProbeTime: Timestamp?
  public var lastTransitionTime: Timestamp?
  public var reason: String?
  public var message: String?

  public init(type: String, status: String, lastTransitionTime: Timestamp? = nil, reason: String? = nil,
              message: String? = nil) {
    self.type = type
    self.status = status
    self.lastTransitionTime = lastTransitionTime
    self.reason = reason
    self.message = message
  }
}

public struct PodIP: Codable, Sendable, Equatable {
  public var ip: String

  public init(ip: String) { self.ip = ip }
}

public struct HostIP: Codable, Sendable, Equatable {
  public var ip: String

  public init(ip: String) { self.ip = ip }
}

/// One container's state as the node agent sees it.
public struct ContainerStatus: Codable, Sendable, Equatable {
  public var name: String
  public var state: ContainerState?
  public var lastState: ContainerState?
  public var ready: Bool
  public var restartCount: Int32
  public var image: String
  public var imageID: String
  public var containerID: String?
  public var started: Bool?
  public var allocatedResources: [String: Quantity]?
  public var resources: ResourceRequirements?
  public var volumeMounts: [JSONValue]?
  public var user: JSONValue?
  public var allocatedResourcesStatus: [JSONValue]?
  public var stopSignal: String?

  public init(name: String, image: String, imageID: String = "", state: ContainerState? = nil,
              ready: Bool = false, restartCount: Int32 = 0) {
    self.name = name
    self.image = image
    self.imageID = imageID
    self.state = state
    self.ready = ready
    self.restartCount = restartCount
  }
}

/// Exactly one of `waiting`, `running`, `terminated` (none: waiting).
public struct ContainerState: Codable, Sendable, Equatable {
  public var waiting: ContainerStateWaiting?
  public var running: ContainerStateRunning?
  public var terminated: ContainerStateTerminated?

  public init(waiting: ContainerStateWaiting? = nil, running: ContainerStateRunning? = nil,
              terminated: ContainerStateTerminated? = nil) {
    self.waiting = waiting
    self.running = running
    self.terminated = terminated
  }
}

public struct ContainerStateWaiting: Codable, Sendable, Equatable {
  /// `ContainerCreating`, `PodInitializing`, `ErrImagePull`, `ImagePullBackOff`, `CrashLoopBackOff`.
  public var reason: String?
  public var message: String?

  public init(reason: String? = nil, message: String? = nil) {
    self.reason = reason
    self.message = message
  }
}

public struct ContainerStateRunning: Codable, Sendable, Equatable {
  public var startedAt: Timestamp?

  public init(startedAt: Timestamp? = nil) { self.startedAt = startedAt }
}

public struct ContainerStateTerminated: Codable, Sendable, Equatable {
  public var exitCode: Int32
  public var signal: Int32?
  /// `Completed`, `Error`, `OOMKilled`.
  public var reason: String?
  public var message: String?
  public var startedAt: Timestamp?
  public var finishedAt: Timestamp?
  public var containerID: String?

  public init(exitCode: Int32, signal: Int32? = nil, reason: String? = nil, message: String? = nil,
              startedAt: Timestamp? = nil, finishedAt: Timestamp? = nil, containerID: String? = nil) {
    self.exitCode = exitCode
    self.signal = signal
    self.reason = reason
    self.message = message
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.containerID = containerID
  }
}
