/// A pod (core/v1): one or more containers that run together on a node, sharing a network address and
/// volumes, with the status the node reports about them.
public struct Pod: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"],
    categories: ["all"])

  /// The versioned schema this object is written in, "v1" for a pod. The server fills it in when it is
  /// missing.
  public var apiVersion: String?
  /// The kind of object this is, "Pod". The server fills it in when it is missing.
  public var kind: String?
  /// Standard object metadata: the pod's name, namespace, labels and annotations, and the fields the
  /// server manages, such as uid and creationTimestamp.
  public var metadata: ObjectMeta
  /// The desired state of the pod: the containers to run, the volumes they share, and how they are run.
  public var spec: PodSpec
  /// The most recently observed state of the pod, written by the node that runs it; it may lag behind
  /// the spec. Clients do not set it: the API server replaces it with a "Pending" status when the pod is
  /// created.
  public var status: PodStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec = PodSpec(), status: PodStatus? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
    self.status = status
  }
}

/// The observed state of a pod: its phase, conditions, addresses and the state of each of its
/// containers, as the node reports them.
public struct PodStatus: Codable, Sendable, Equatable {
  /// The metadata.generation of the pod that this status was computed from. On Skiff, the node does not
  /// set it.
  public var observedGeneration: Int64?
  /// A coarse summary of where the pod is in its life: "Pending" (accepted, but not all containers have
  /// started), "Running" (bound to a node, with at least one container running or restarting),
  /// "Succeeded" (all containers exited successfully and will not restart), "Failed" (all containers
  /// have ended and at least one failed) or "Unknown". Conditions and container statuses give the detail.
  public var phase: String?
  /// The current conditions of the pod, at most one per type, such as whether it is ready. On Skiff, the
  /// node reports "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready" and
  /// "PodScheduled".
  public var conditions: [PodCondition]?
  /// A human-readable explanation of why the pod is in its current state. On Skiff, the node does not
  /// set it.
  public var message: String?
  /// A brief CamelCase reason for the pod's current state, such as "Evicted". On Skiff, the node does
  /// not set it.
  public var reason: String?
  /// The node on which the scheduler means to place this pod once lower-priority pods there have been
  /// preempted. On Skiff, never set: nothing is preempted.
  public var nominatedNodeName: String?
  /// The primary IP address of the node the pod is assigned to; empty until the pod is bound to a node.
  public var hostIP: String?
  /// The IP addresses of the node the pod is assigned to, the first one being hostIP.
  public var hostIPs: [HostIP]?
  /// The primary IP address given to the pod, reachable from the rest of the cluster; empty until one is
  /// allocated. On Skiff, it comes from the pod network 10.244.0.0/16.
  public var podIP: String?
  /// The IP addresses given to the pod, at most one per address family, the first one being podIP. On
  /// Skiff, a pod has exactly one IPv4 address.
  public var podIPs: [PodIP]?
  /// When the node took charge of the pod, before any of its images were pulled. On Skiff, it is the
  /// time the pod's sandbox and network were set up, to the second.
  public var startTime: Timestamp?
  /// The state of each init container, in the order of spec.initContainers.
  public var initContainerStatuses: [ContainerStatus]?
  /// The state of each container in spec.containers.
  public var containerStatuses: [ContainerStatus]?
  /// The quality of service class of the pod, derived from its containers' cpu and memory requests and
  /// limits when it is created: "Guaranteed", "Burstable" or "BestEffort".
  public var qosClass: String?
  /// The state of each ephemeral container added to the pod for debugging.
  public var ephemeralContainerStatuses: [ContainerStatus]?
  /// Deprecated: the state of a pending in-place resize of the pod's containers. On Skiff, never set.
  public var resize: String?
  /// The names of the ResourceClaims created for the pod's resourceClaims entries that name a template.
  /// On Skiff, never set: dynamic resource allocation is not supported.
  public var resourceClaimStatuses: [JSONValue]?
  /// The ResourceClaim created for the extended resources of the pod that dynamic resource allocation
  /// provides, and how the containers' requests map onto it. On Skiff, never set.
  public var extendedResourceClaimStatus: JSONValue?
  /// The resources the node has allocated to the pod as a whole, when pod-level resources are used. On
  /// Skiff, never set.
  public var allocatedResources: [String: Quantity]?
  /// The pod-level resource requests and limits the node has applied. On Skiff, never set.
  public var resources: ResourceRequirements?

  public init(phase: String? = nil) { self.phase = phase }
}

/// One aspect of a pod's state, such as whether it is ready, with when and why it last changed.
public struct PodCondition: Codable, Sendable, Equatable {
  /// What the condition is about: "PodScheduled", "PodReadyToStartContainers", "Initialized",
  /// "ContainersReady", "Ready", or a type named by one of the pod's readiness gates. Required.
  public var type: String
  /// The metadata.generation of the pod that this condition was computed from. On Skiff, not set.
  public var observedGeneration: Int64?
  /// Whether the condition holds: "True", "False" or "Unknown". Required.
  public var status: String
  /// When the condition was last checked. On Skiff, not set.
  public var lastProbeTime: Timestamp?
  /// When the status of the condition last changed.
  public var lastTransitionTime: Timestamp?
  /// A brief CamelCase reason for the last change of the condition, such as "ContainersNotReady".
  public var reason: String?
  /// A human-readable explanation of the last change of the condition.
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

/// One IP address given to a pod.
public struct PodIP: Codable, Sendable, Equatable {
  /// The IP address, IPv4 or IPv6. Required.
  public var ip: String

  public init(ip: String) { self.ip = ip }
}

/// One IP address of the node a pod is assigned to.
public struct HostIP: Codable, Sendable, Equatable {
  /// The IP address, IPv4 or IPv6. Required.
  public var ip: String

  public init(ip: String) { self.ip = ip }
}

/// The observed state of one container of a pod, as the node reports it.
public struct ContainerStatus: Codable, Sendable, Equatable {
  /// The name of the container, as given in the pod's spec. Required.
  public var name: String
  /// What the container is doing now: waiting, running or terminated.
  public var state: ContainerState?
  /// The state of the container's previous run, normally how it ended before its latest restart; empty
  /// when it has not been restarted.
  public var lastState: ContainerState?
  /// Whether the container passes its readiness probe, or, without one, has started. Required.
  public var ready: Bool
  /// How many times the container has been restarted. A restart counts once the container has started
  /// again, not while it waits in back-off. Required.
  public var restartCount: Int32
  /// The image the container runs, as named in the pod's spec. Required.
  public var image: String
  /// The identifier of the image the container runs. On Skiff, it is the sha256 digest of the image in
  /// the node's local image store. Required.
  public var imageID: String
  /// The ID of the container's current or most recent run, in the form "<type>://<id>". On Skiff, the
  /// type is "skiff".
  public var containerID: String?
  /// Whether the container has passed its startup probe; true as soon as it runs when it has none, and
  /// false when it is not running. Liveness and readiness probes start once it is true.
  public var started: Bool?
  /// The compute resources the node has allocated to the container. On Skiff, not set.
  public var allocatedResources: [String: Quantity]?
  /// The resource requests and limits in effect for the running container. On Skiff, not set.
  public var resources: ResourceRequirements?
  /// The container's volume mounts as they are in effect, including whether read-only mounts are
  /// recursive. On Skiff, not set.
  public var volumeMounts: [JSONValue]?
  /// The user ID, group ID and supplementary groups the container's first process runs with, as the
  /// runtime reports them. On Skiff, not set.
  public var user: JSONValue?
  /// The health of the devices and other resources allocated to the container. On Skiff, not set.
  public var allocatedResourcesStatus: [JSONValue]?
  /// The signal that is sent to stop the container, from its lifecycle or its image. On Skiff, not set:
  /// containers are always stopped with SIGTERM.
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

/// The state of a container: exactly one of waiting, running and terminated is set, and a container
/// with none of them is waiting.
public struct ContainerState: Codable, Sendable, Equatable {
  /// Set while the container is not running yet, or waits to be restarted.
  public var waiting: ContainerStateWaiting?
  /// Set while the container runs.
  public var running: ContainerStateRunning?
  /// Set once the container has ended.
  public var terminated: ContainerStateTerminated?

  public init(waiting: ContainerStateWaiting? = nil, running: ContainerStateRunning? = nil,
              terminated: ContainerStateTerminated? = nil) {
    self.waiting = waiting
    self.running = running
    self.terminated = terminated
  }
}

/// A container that is not running yet, and why.
public struct ContainerStateWaiting: Codable, Sendable, Equatable {
  /// A brief reason why the container is not running, such as "ContainerCreating", "ErrImagePull",
  /// "ImagePullBackOff", "CrashLoopBackOff", "CreateContainerConfigError" or "RunContainerError".
  public var reason: String?
  /// A human-readable explanation of why the container is not running.
  public var message: String?

  public init(reason: String? = nil, message: String? = nil) {
    self.reason = reason
    self.message = message
  }
}

/// A container that is running.
public struct ContainerStateRunning: Codable, Sendable, Equatable {
  /// When the current run of the container started.
  public var startedAt: Timestamp?

  public init(startedAt: Timestamp? = nil) { self.startedAt = startedAt }
}

/// A container that has ended, with how and when.
public struct ContainerStateTerminated: Codable, Sendable, Equatable {
  /// The exit status of the container's process; 0 means success. Required.
  public var exitCode: Int32
  /// The number of the signal that ended the container's process, if a signal did.
  public var signal: Int32?
  /// A brief reason for the end: "Completed" (exit status 0), "Error" or "OOMKilled", or "StartError"
  /// when the container could not be started.
  public var reason: String?
  /// A message about the end of the container, normally what it wrote to its termination message file.
  /// On Skiff, not set: the file is not read.
  public var message: String?
  /// When the run that ended had started.
  public var startedAt: Timestamp?
  /// When the container ended.
  public var finishedAt: Timestamp?
  /// The ID of the container run that ended, in the form "<type>://<id>".
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
