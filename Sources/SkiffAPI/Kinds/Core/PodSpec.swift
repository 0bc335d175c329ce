/// The desired state of a pod: the containers to run, the volumes they share, and how the node runs,
/// restarts and stops them.
/// ---
/// core/v1 PodSpec, every field a manifest may carry. Scheduling structures Skiff has no use for on
/// one node (`affinity`, `topologySpreadConstraints`) are kept as JSON.
public struct PodSpec: Codable, Sendable, Equatable {
  /// Volumes that the pod's containers can mount, each with a name unique in the pod. On Skiff, only
  /// emptyDir, configMap and hostPath volumes are provided: a container that mounts a volume of another
  /// type does not start ("CreateContainerConfigError").
  public var volumes: [Volume]?
  /// Containers that run one at a time, each to completion, before the regular containers start; a
  /// failed one is retried as the pod's restartPolicy allows. An init container with restartPolicy
  /// "Always" is a sidecar instead: it starts in turn and then keeps running beside the regular
  /// containers.
  public var initContainers: [Container]?
  /// The regular containers of the pod; at least one is required. Containers cannot be added or removed
  /// once the pod exists.
  public var containers: [Container]
  /// Temporary containers added to a running pod for debugging, as kubectl debug does, through the
  /// pods/ephemeralcontainers subresource only: they cannot be set when the pod is created, cannot be
  /// changed or removed, and are never restarted. One with targetContainerName shares that container's
  /// process namespace.
  /// ---
  /// Kept as JSON (a Container plus targetContainerName); `Pod.ephemeralContainers` decodes them.
  public var ephemeralContainers: [JSONValue]?
  /// Whether the node restarts the pod's containers after they exit: "Always" (the default),
  /// "OnFailure" (only after a non-zero exit status) or "Never". Sidecar init containers are always
  /// restarted whatever it says.
  public var restartPolicy: String?
  /// How many seconds the containers get to stop after SIGTERM, when the pod is deleted, before they are
  /// killed with SIGKILL; 0 kills them at once. Defaults to 30; a delete request may ask for a shorter
  /// period.
  public var terminationGracePeriodSeconds: Int64?
  /// How many seconds after its startTime the pod may stay active before the node stops its containers
  /// and marks it "Failed"; a positive number, which can be lowered but not raised or removed. On Skiff,
  /// the deadline is not enforced: the pod keeps running.
  public var activeDeadlineSeconds: Int64?
  /// How the pod's DNS resolver is set up: "ClusterFirst" (the default: the cluster DNS service, with
  /// search domains for the pod's namespace), "ClusterFirstWithHostNet", "Default" (the node's own
  /// resolver settings) or "None" (only what dnsConfig gives). On Skiff, every policy but "None" gets
  /// the "ClusterFirst" setup.
  public var dnsPolicy: String?
  /// Node labels that a node must carry for the pod to be scheduled onto it. On Skiff, ignored (the API
  /// server warns): every pod runs on the one node.
  public var nodeSelector: [String: String]?
  /// The name of the ServiceAccount, in the pod's namespace, that the pod runs as. A pod created
  /// without one runs as "default"; naming an account that does not exist refuses the pod. On Skiff,
  /// no API token is mounted; the account is the pod's mesh identity.
  public var serviceAccountName: String?
  /// Deprecated alias of serviceAccountName; use serviceAccountName instead. Read only when
  /// serviceAccountName is empty, and always set to the same value as serviceAccountName.
  public var serviceAccount: String?
  /// Whether an API token of the pod's service account is mounted into its containers; when unset, the
  /// service account's own setting decides. On Skiff, no token is mounted either way.
  public var automountServiceAccountToken: Bool?
  /// The node the pod is bound to, normally set by the scheduler; once set, it cannot be changed. On
  /// Skiff, the API server sets it to "skiff", the one node, when a pod is created without it, and a pod
  /// that names any other node stays "Pending".
  public var nodeName: String?
  /// Whether the pod uses the node's network namespace instead of one of its own; its container ports
  /// are then ports of the node. Defaults to false. On Skiff, the pod still gets its own network
  /// namespace and pod IP, and the mesh injects no sidecar into it.
  public var hostNetwork: Bool?
  /// Whether the containers use the node's process ID namespace. Defaults to false. On Skiff, ignored:
  /// each container has a process namespace of its own.
  public var hostPID: Bool?
  /// Whether the containers use the node's IPC namespace. Defaults to false. On Skiff, ignored: the pod
  /// always has an IPC namespace of its own.
  public var hostIPC: Bool?
  /// Whether all containers of the pod share one process namespace, so that they can see and signal
  /// each other's processes; not allowed together with hostPID. Defaults to false. On Skiff, ignored:
  /// each container has a process namespace of its own.
  public var shareProcessNamespace: Bool?
  /// Security settings for the whole pod, such as user and group IDs, seccomp and sysctls; a container's
  /// own securityContext wins where both set a value. Defaults to an empty context.
  public var securityContext: PodSecurityContext?
  /// Secrets in the pod's namespace holding registry credentials for pulling the pod's images. On Skiff,
  /// ignored: images come from the node's local image store and no registry is contacted.
  public var imagePullSecrets: [LocalObjectReference]?
  /// The pod's hostname, a DNS label; defaults to the pod's name.
  public var hostname: String?
  /// A DNS label that gives the pod a fully qualified name of the form
  /// <hostname>.<subdomain>.<namespace>.svc.<cluster domain>, which resolves when a headless service
  /// named like the subdomain selects the pod.
  public var subdomain: String?
  /// Rules that draw the pod to, or keep it away from, certain nodes and other pods when it is
  /// scheduled. On Skiff, the rules are stored and returned but not evaluated (the API server warns):
  /// every pod runs on the one node.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var affinity: JSONValue?
  /// The scheduler that places the pod; defaults to "default-scheduler". On Skiff, every pod is bound to
  /// the one node whatever it says.
  public var schedulerName: String?
  /// Node taints that the pod tolerates, which lets it be scheduled onto, or stay on, nodes that carry
  /// them. On Skiff, stored but not evaluated: taints never keep a pod off the node or evict it.
  public var tolerations: [Toleration]?
  /// Extra entries for the pod's /etc/hosts file, each an IP address with the host names for it.
  public var hostAliases: [HostAlias]?
  /// The name of a PriorityClass that gives the pod its priority; without one, the default priority
  /// applies. On Skiff, ignored: no priority is assigned and no pod is preempted.
  public var priorityClassName: String?
  /// The pod's priority, filled in from priorityClassName when the pod is created; pods of higher
  /// priority are scheduled first and may preempt lower ones. On Skiff, it is not filled in and not used.
  public var priority: Int32?
  /// Extra DNS resolver settings (nameservers, search domains and options) merged into what dnsPolicy
  /// gives. Required with dnsPolicy "None", and then the only source of the pod's resolver settings.
  public var dnsConfig: PodDNSConfig?
  /// Further pod conditions that must be "True", besides all containers being ready, for the pod to
  /// count as ready. On Skiff, they are not evaluated: the Ready condition follows the containers alone.
  public var readinessGates: [PodReadinessGate]?
  /// The name of a RuntimeClass that picks the container runtime configuration for the pod. On Skiff,
  /// ignored: there is one runtime.
  public var runtimeClassName: String?
  /// Whether the containers get environment variables describing the services of the pod's namespace,
  /// in the manner of Docker links (such as MYSVC_SERVICE_HOST). Defaults to true.
  public var enableServiceLinks: Bool?
  /// Whether the pod may preempt pods of lower priority to be scheduled: "PreemptLowerPriority" (the
  /// default) or "Never". On Skiff, no pod is ever preempted.
  public var preemptionPolicy: String?
  /// The resources the pod's runtime needs on top of its containers' own, filled in from its
  /// RuntimeClass. On Skiff, stored but not accounted for.
  public var overhead: [String: Quantity]?
  /// How pods that match a selector are to be spread across topology domains such as zones or nodes. On
  /// Skiff, ignored (the API server warns): every pod runs on the one node.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var topologySpreadConstraints: [JSONValue]?
  /// Whether the hostname seen inside the containers is the pod's fully qualified domain name rather
  /// than its short name. Defaults to false. On Skiff, ignored: the hostname is always the short name.
  public var setHostnameAsFQDN: Bool?
  /// The operating system the pod's containers are built for; when set, the fields that do not apply to
  /// it are refused. On Skiff, the node runs Linux, and the API server warns about a "windows" pod.
  public var os: PodOS?
  /// Whether the pod uses the node's user namespace; false gives it a user namespace of its own, so that
  /// root in a container is not root on the node. Defaults to true. On Skiff, no user namespace is
  /// created either way.
  public var hostUsers: Bool?
  /// Named gates that hold the pod back from being scheduled while any is left; after creation they can
  /// only be removed. The pod is bound to the node when its last gate is removed.
  public var schedulingGates: [PodSchedulingGate]?
  /// The ResourceClaims (dynamic resource allocation) the pod uses, under names its containers refer to
  /// in resources.claims. On Skiff, stored but nothing is allocated.
  public var resourceClaims: [PodResourceClaim]?
  /// Resource requests and limits for the pod as a whole, shared by its containers. On Skiff, stored but
  /// not applied: only each container's own limits are enforced.
  /// ---
  /// Pod-level resources (PodLevelResources); kept for round trips.
  public var resources: ResourceRequirements?
  /// A hostname for the pod that replaces the one derived from hostname, subdomain and
  /// setHostnameAsFQDN. On Skiff, ignored.
  public var hostnameOverride: String?
  /// The group of pods that this pod is scheduled together with, for workload-aware (gang) scheduling.
  /// On Skiff, stored but not used.
  public var schedulingGroup: JSONValue?
  /// The components that take part, by name and priority, when an eviction of the pod is requested
  /// through the eviction request API. On Skiff, stored but not used.
  public var evictionResponders: [JSONValue]?

  public init(containers: [Container] = []) { self.containers = containers }
}

extension PodSpec: ZeroWhenAbsent {
  static var zeroValue: PodSpec { PodSpec() }
}

/// A template for the pods that a controller such as a ReplicaSet creates: their metadata and spec.
public struct PodTemplateSpec: Codable, Sendable, Equatable {
  /// The labels, annotations and other metadata given to each pod made from the template; the labels
  /// must match the controller's selector.
  public var metadata: ObjectMeta
  /// The spec of each pod made from the template; for a ReplicaSet or Deployment its restartPolicy must
  /// be "Always".
  public var spec: PodSpec

  public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec = PodSpec()) {
    self.metadata = metadata
    self.spec = spec
  }
}

extension PodTemplateSpec: ZeroWhenAbsent {
  static var zeroValue: PodTemplateSpec { PodTemplateSpec() }
}

/// A reference by name to another object in the same namespace.
public struct LocalObjectReference: Codable, Sendable, Equatable {
  /// The name of the object.
  public var name: String?

  public init(name: String?) { self.name = name }
}

/// Lets a pod be scheduled onto, or stay on, nodes that carry a matching taint.
public struct Toleration: Codable, Sendable, Equatable {
  /// The taint key the toleration matches; empty, with operator "Exists", it matches every taint.
  public var key: String?
  /// How the taint's value is compared: "Equal" (the default: the values must be equal) or "Exists"
  /// (any value, and value must then be empty).
  public var `operator`: String?
  /// The taint value to match when the operator is "Equal".
  public var value: String?
  /// The taint effect to match: "NoSchedule", "PreferNoSchedule" or "NoExecute"; empty matches every
  /// effect.
  public var effect: String?
  /// For effect "NoExecute" only: how many seconds the pod may keep running on the node once the taint
  /// appears, rather than forever; zero or less evicts it at once.
  public var tolerationSeconds: Int64?

  public init(key: String? = nil, operator op: String? = nil, value: String? = nil, effect: String? = nil,
              tolerationSeconds: Int64? = nil) {
    self.key = key
    self.operator = op
    self.value = value
    self.effect = effect
    self.tolerationSeconds = tolerationSeconds
  }
}

/// An extra entry for a pod's /etc/hosts file: an IP address and the host names that map to it.
public struct HostAlias: Codable, Sendable, Equatable {
  /// The IP address. Required.
  @ZeroDefault public var ip: String
  /// The host names for the address, each a DNS subdomain.
  public var hostnames: [String]?

  public init(ip: String, hostnames: [String]) {
    self.ip = ip
    self.hostnames = hostnames
  }
}

/// DNS resolver settings for a pod, on top of those its dnsPolicy gives.
public struct PodDNSConfig: Codable, Sendable, Equatable {
  /// IP addresses of DNS servers to add; at most 3.
  public var nameservers: [String]?
  /// Search domains to add for host name lookups; at most 32, and 2048 characters in all.
  public var searches: [String]?
  /// Resolver options to add; an option given here replaces one of the same name from the dnsPolicy.
  public var options: [PodDNSConfigOption]?

  public init(nameservers: [String]? = nil, searches: [String]? = nil, options: [PodDNSConfigOption]? = nil) {
    self.nameservers = nameservers
    self.searches = searches
    self.options = options
  }
}

/// One resolver option, as written on the options line of resolv.conf.
public struct PodDNSConfigOption: Codable, Sendable, Equatable {
  /// The option's name, such as "ndots". Required.
  public var name: String?
  /// The option's value, for options that take one.
  public var value: String?

  public init(name: String, value: String? = nil) {
    self.name = name
    self.value = value
  }
}

/// A further condition that a pod must meet to count as ready.
public struct PodReadinessGate: Codable, Sendable, Equatable {
  /// The type of a pod condition that must be "True" in status.conditions for the pod to be ready; in
  /// the form of a label key. Required.
  @ZeroDefault public var conditionType: String

  public init(conditionType: String) { self.conditionType = conditionType }
}

/// A named gate that holds a pod back from being scheduled until it is removed.
public struct PodSchedulingGate: Codable, Sendable, Equatable {
  /// The gate's name, unique within the pod and in the form of a label key. Required.
  @ZeroDefault public var name: String

  public init(name: String) { self.name = name }
}

/// A ResourceClaim that a pod uses, under a name its containers refer to.
public struct PodResourceClaim: Codable, Sendable, Equatable {
  /// The name the containers use for the claim, unique within the pod. Required.
  @ZeroDefault public var name: String
  /// The name of an existing ResourceClaim in the pod's namespace; exactly one of this and
  /// resourceClaimTemplateName is set.
  public var resourceClaimName: String?
  /// The name of a ResourceClaimTemplate in the pod's namespace from which a claim for this pod is
  /// created, and deleted with the pod; exactly one of this and resourceClaimName is set.
  public var resourceClaimTemplateName: String?

  public init(name: String) { self.name = name }
}

/// The operating system that a pod's containers are built for.
public struct PodOS: Codable, Sendable, Equatable {
  /// The operating system: "linux" or "windows". Required.
  @ZeroDefault public var name: String

  public init(name: String) { self.name = name }
}
