/// A machine that runs pods, with its resources, addresses and health. Nodes are cluster-scoped. On Skiff, there
/// is exactly one node, "skiff", which the Skiff daemon registers and keeps up to date.
public struct Node: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"])

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "Node". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The node's name, labels, annotations and the fields the server maintains.
  public var metadata: ObjectMeta
  /// The desired configuration of the node.
  public var spec: NodeSpec?
  /// The most recently observed state of the node, written by the node agent (the kubelet). On Skiff, the daemon
  /// writes it when it starts and refreshes the conditions' heartbeat every 10 seconds.
  public var status: NodeStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: NodeSpec? = nil, status: NodeStatus? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
    self.status = status
  }
}

/// The desired configuration of a node: its pod address range and whether, and which, pods may be scheduled
/// onto it.
public struct NodeSpec: Codable, Sendable, Equatable {
  /// The IP range that the node's pods get their addresses from, in CIDR form. It may be set once and not changed
  /// afterwards. On Skiff, it is "10.244.0.0/16".
  public var podCIDR: String?
  /// The IP ranges of the node's pods, at most one per IP family; the first one equals podCIDR. They may be set
  /// once and not changed afterwards.
  public var podCIDRs: [String]?
  /// The ID the cloud provider knows the machine by, as "<provider>://<id>". It may be set once and not changed
  /// afterwards.
  public var providerID: String?
  /// Whether new pods are kept off the node, as kubectl cordon sets it. Defaults to false. On Skiff, it has no
  /// effect: every new pod is bound to the one node.
  public var unschedulable: Bool?
  /// Marks that keep pods which do not tolerate them off the node, or (with effect "NoExecute") evict them. On
  /// Skiff, taints have no effect: every new pod is bound to the one node.
  public var taints: [Taint]?
  /// Deprecated and no longer used: it once pointed the kubelet at a ConfigMap holding its configuration.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var configSource: JSONValue?
  /// Deprecated and no longer used; kept so that old Node objects still decode.
  public var externalID: String?

  public init(podCIDR: String? = nil, podCIDRs: [String]? = nil) {
    self.podCIDR = podCIDR
    self.podCIDRs = podCIDRs
  }
}

/// A mark on a node that repels the pods which do not tolerate it.
public struct Taint: Codable, Sendable, Equatable {
  /// The key of the taint, which tolerations match. Required; a qualified name like a label key (an optional
  /// DNS subdomain prefix and "/", then a name of at most 63 characters).
  @ZeroDefault public var key: String
  /// The value of the taint, which tolerations with the "Equal" operator compare. It must be a valid label
  /// value.
  public var value: String?
  /// What happens to pods that do not tolerate the taint: "NoSchedule" (they are not scheduled onto the node),
  /// "PreferNoSchedule" (the scheduler tries to avoid the node) or "NoExecute" (they are not scheduled, and
  /// running ones are evicted). Required.
  @ZeroDefault public var effect: String
  /// When the taint was added. Only set for "NoExecute" taints.
  public var timeAdded: Timestamp?

  public init(key: String, value: String? = nil, effect: String) {
    self.key = key
    self.value = value
    self.effect = effect
  }
}

/// The most recently observed state of a node: its resources, health, addresses and software.
public struct NodeStatus: Codable, Sendable, Equatable {
  /// The total amount of each resource the node has, such as "cpu", "memory", "pods" and "ephemeral-storage".
  /// On Skiff, cpu and memory are read from the machine when the daemon starts, "pods" is 110 (not enforced) and
  /// "ephemeral-storage" is 0.
  public var capacity: [String: Quantity]?
  /// The amount of each resource available to pods, once what the system reserves is taken from capacity; the
  /// scheduler counts pods' requests against it. Defaults to capacity. On Skiff, it equals capacity.
  public var allocatable: [String: Quantity]?
  /// The lifecycle phase of the node: "Pending", "Running" or "Terminated". Deprecated: Kubernetes no longer
  /// sets it.
  public var phase: String?
  /// The node's health, one condition per aspect ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure",
  /// "NetworkUnavailable"). On Skiff, "Ready" is always "True" and the pressure conditions are always "False":
  /// they are not measured.
  public var conditions: [NodeCondition]?
  /// The addresses the node can be reached at, each with its type. On Skiff, they are the node's address on the
  /// cluster network, "10.244.0.1" ("InternalIP"), and its name ("Hostname").
  public var addresses: [NodeAddress]?
  /// The ports the node's kubelet listens on. On Skiff, it is not set.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var daemonEndpoints: JSONValue?
  /// Facts that identify the node and its software: versions, operating system, architecture.
  public var nodeInfo: NodeSystemInfo?
  /// The container images present on the node, with their names and sizes. On Skiff, it is not set.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var images: [JSONValue]?
  /// The attachable volumes the node has mounted, or is about to mount. On Skiff, it is not set.
  public var volumesInUse: [String]?
  /// The volumes attached to the node, with the device path of each. On Skiff, it is not set.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var volumesAttached: [JSONValue]?
  /// The state of the configuration assigned to the node's kubelet through dynamic kubelet configuration, a
  /// feature Kubernetes has removed.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var config: JSONValue?
  /// The runtime handlers (the RuntimeClass handlers) the node's container runtime offers, with the features each
  /// supports. On Skiff, it is not set.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var runtimeHandlers: [JSONValue]?
  /// Optional features the node's container runtime supports, such as the supplemental groups policy. On Skiff,
  /// it is not set.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var features: JSONValue?
  /// The Kubernetes features the node declares it supports, so that pods needing one are only placed on nodes
  /// that have it. On Skiff, it is not set.
  public var declaredFeatures: [String]?

  public init() {}
}

/// One aspect of a node's health and whether it currently holds.
public struct NodeCondition: Codable, Sendable, Equatable {
  /// The aspect the condition is about: "Ready", "MemoryPressure", "DiskPressure", "PIDPressure" or
  /// "NetworkUnavailable".
  public var type: String
  /// Whether the condition holds: "True", "False" or "Unknown".
  public var status: String
  /// When the node last reported the condition.
  public var lastHeartbeatTime: Timestamp?
  /// When the condition's status last changed.
  public var lastTransitionTime: Timestamp?
  /// A short CamelCase word saying why the condition has its status, such as "KubeletReady".
  public var reason: String?
  /// A human-readable explanation of the status.
  public var message: String?

  public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
    self.type = type
    self.status = status
    self.reason = reason
    self.message = message
  }
}

/// An address a node can be reached at.
public struct NodeAddress: Codable, Sendable, Equatable {
  /// The kind of address: "InternalIP", "ExternalIP", "Hostname", "InternalDNS" or "ExternalDNS".
  public var type: String
  /// The address itself: an IP address or a host name.
  public var address: String

  public init(type: String, address: String) {
    self.type = type
    self.address = address
  }
}

/// Facts that identify a node, its operating system and the versions of its node software.
public struct NodeSystemInfo: Codable, Sendable, Equatable {
  /// The machine ID the operating system reports (/etc/machine-id), unique to each host. On Skiff, it is empty.
  public var machineID: String
  /// The UUID of the hardware, as the firmware reports it. On Skiff, it is empty.
  public var systemUUID: String
  /// An ID that changes each time the machine boots. On Skiff, it is empty.
  public var bootID: String
  /// The kernel release, as uname -r prints it.
  public var kernelVersion: String
  /// The operating system's name and version, as /etc/os-release gives it, such as "Ubuntu 24.04 LTS".
  public var osImage: String
  /// The container runtime and its version, as "<runtime>://<version>". On Skiff, "skiff://" followed by
  /// Skiff's version.
  public var containerRuntimeVersion: String
  /// The kubelet's version. On Skiff, the Kubernetes version it follows, then "-skiff." and Skiff's version.
  public var kubeletVersion: String
  /// The kube-proxy version the node once reported. Deprecated: it is not reliable and is left empty.
  public var kubeProxyVersion: String?
  /// The operating system the node runs: "linux" or "windows". On Skiff, "linux".
  public var operatingSystem: String
  /// The CPU architecture, as Go names it, such as "amd64" or "arm64". On Skiff, it is always "amd64".
  public var architecture: String
  /// The swap memory of the node: its capacity in bytes. On Skiff, it is not set.
  /// ---
  /// Kept as JSON: Skiff never reads it.
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
