/// A container to run in a pod: its image and command, environment, ports, resources, volume mounts,
/// probes and security settings.
/// ---
/// core/v1 Container, field for field in Kubernetes' order.
public struct Container: Codable, Sendable, Equatable {
  /// The container's name, a DNS label unique within the pod, by which logs, exec and the status refer
  /// to it. Required; it cannot be changed.
  @ZeroDefault public var name: String
  /// The image to run, as a repository name with an optional tag or digest; the one container field
  /// that a pod update may change. Required. On Skiff, the image must already be in the node's local
  /// image store (no registry is contacted) and is looked up by repository name: the tag and digest do
  /// not choose among versions.
  public var image: String?
  /// The program to run and its first arguments, in place of the image's ENTRYPOINT (and of its CMD
  /// unless args is set); it is not run in a shell. References $(VAR) to the container's environment
  /// variables are expanded, and $$ gives a literal $.
  public var command: [String]?
  /// The arguments for the command, in place of the image's CMD. References $(VAR) to the container's
  /// environment variables are expanded, and $$ gives a literal $.
  public var args: [String]?
  /// The directory the command runs in; defaults to the image's working directory.
  public var workingDir: String?
  /// The ports the container listens on. The list is mostly informational (an unlisted port can still
  /// be reached), but a named port can be referred to by name from probes and from a service's
  /// targetPort.
  public var ports: [ContainerPort]?
  /// Sources, ConfigMaps or Secrets, whose every key becomes an environment variable. A variable in env
  /// wins over one from here, and a later source wins over an earlier one. On Skiff, a secretRef source
  /// keeps the container from starting ("CreateContainerConfigError"): secrets are not supported.
  public var envFrom: [EnvFromSource]?
  /// Environment variables to set in the container, on top of those of the image and envFrom; when a
  /// name is repeated, the later entry wins.
  public var env: [EnvVar]?
  /// The compute resources (cpu, memory and others) the container requests and the limits it may not
  /// exceed. On Skiff, the cpu and memory limits are enforced through cgroups, without swap; requests
  /// are recorded and decide the QoS class, but nothing is reserved for them.
  public var resources: ResourceRequirements?
  /// How the container reacts when its cpu or memory is resized in place: whether it must be restarted.
  /// On Skiff, resources cannot be changed in place, so it has no effect.
  public var resizePolicy: [ContainerResizePolicy]?
  /// Only for init containers, and only "Always": it makes the init container a sidecar, which keeps
  /// running beside the regular containers (restarted whenever it exits) instead of having to complete.
  /// Regular containers follow the pod's restartPolicy and may not set it.
  public var restartPolicy: String?
  /// Rules that decide from a container's exit status whether it is restarted, in place of the
  /// restartPolicy. On Skiff, stored but not evaluated.
  public var restartPolicyRules: [JSONValue]?
  /// The pod's volumes to mount into the container's filesystem.
  public var volumeMounts: [VolumeMount]?
  /// The pod's block-mode volumes to expose to the container as raw block devices. On Skiff, no device
  /// is created in the container.
  public var volumeDevices: [VolumeDevice]?
  /// A check the node runs periodically while the container runs; after failureThreshold failures in a
  /// row the container is killed and then restarted as the restart policy allows. It starts once the
  /// startup probe, if any, has succeeded.
  public var livenessProbe: Probe?
  /// A check the node runs periodically to tell whether the container is ready to serve; a pod with a
  /// container that is not ready is taken out of its services' endpoints. Without one, the container is
  /// ready as soon as it has started.
  public var readinessProbe: Probe?
  /// A check that must succeed before the liveness and readiness probes start, for applications that
  /// take long to start; after failureThreshold failures in a row the container is killed and then
  /// restarted as the restart policy allows.
  public var startupProbe: Probe?
  /// Actions to take right after the container starts and just before it is stopped. On Skiff, the
  /// hooks are not run.
  public var lifecycle: Lifecycle?
  /// The file in the container from which the node reads a message about how the container ended, for
  /// its terminated state; defaults to "/dev/termination-log". On Skiff, the file is not read.
  public var terminationMessagePath: String?
  /// Where the termination message comes from: "File" (the default: only the terminationMessagePath
  /// file) or "FallbackToLogsOnError" (the end of the container's log when the file is empty and the
  /// container failed). On Skiff, no termination message is recorded either way.
  public var terminationMessagePolicy: String?
  /// When the image is pulled: "Always", "IfNotPresent" or "Never". Defaults to "Always" for an image
  /// tagged latest or not tagged at all, and to "IfNotPresent" otherwise. On Skiff, images come only from
  /// the node's local image store, so "Always" looks the image up there again and "Never" acts like
  /// "IfNotPresent".
  public var imagePullPolicy: String?
  /// Security settings for this container; where the pod's securityContext sets the same thing, the
  /// container's value wins.
  public var securityContext: SecurityContext?
  /// Whether the container keeps a standard input stream open for clients to attach to (kubectl attach -i,
  /// kubectl run -i). Without it the process reads an empty input. Defaults to false.
  public var stdin: Bool?
  /// Whether the standard input stream is closed once the first attached client disconnects, rather
  /// than staying open for later ones; only meaningful with stdin. Defaults to false.
  public var stdinOnce: Bool?
  /// Whether the container's process gets a terminal (TTY), usually together with stdin. Defaults to
  /// false.
  public var tty: Bool?

  public init(name: String, image: String? = nil, command: [String]? = nil, args: [String]? = nil,
              ports: [ContainerPort]? = nil, env: [EnvVar]? = nil) {
    self.name = name
    self.image = image
    self.command = command
    self.args = args
    self.ports = ports
    self.env = env
  }
}

/// A network port that a container listens on.
public struct ContainerPort: Codable, Sendable, Equatable {
  /// A name for the port, unique in the container: at most 15 lowercase letters, digits and dashes, with at
  /// least one letter. Probes and services can refer to the port by it.
  public var name: String?
  /// A port of the node that forwards to this container port; 0 or unset means none. With hostNetwork
  /// it equals containerPort. On Skiff, no port of the node is opened or forwarded.
  public var hostPort: Int32?
  /// The port number the container listens on, from 1 to 65535. Required.
  @ZeroDefault public var containerPort: Int32
  /// The port's protocol: "TCP" (the default), "UDP" or "SCTP".
  public var `protocol`: String?
  /// The node address that the host port is bound to. On Skiff, ignored, like hostPort.
  public var hostIP: String?

  public init(containerPort: Int32, name: String? = nil, protocol proto: String? = nil) {
    self.containerPort = containerPort
    self.name = name
    self.protocol = proto
  }
}

/// An environment variable to set in a container: a literal value, or one read from elsewhere.
public struct EnvVar: Codable, Sendable, Equatable {
  /// The variable's name. Required.
  @ZeroDefault public var name: String
  /// The value. References $(VAR) to variables defined before it (by the image, envFrom or earlier
  /// entries) are expanded, $$ gives a literal $, and a reference to an unknown variable is left as
  /// written. Defaults to the empty string.
  public var value: String?
  /// Where to read the value from instead; not allowed together with a non-empty value.
  public var valueFrom: EnvVarSource?

  public init(name: String, value: String? = nil, valueFrom: EnvVarSource? = nil) {
    self.name = name
    self.value = value
    self.valueFrom = valueFrom
  }
}

/// Where an environment variable's value comes from; exactly one source is set.
public struct EnvVarSource: Codable, Sendable, Equatable {
  /// A field of the pod: metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'],
  /// metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName, status.hostIP,
  /// status.hostIPs, status.podIP or status.podIPs.
  public var fieldRef: ObjectFieldSelector?
  /// A resource limit or request of a container, such as limits.memory or requests.cpu.
  public var resourceFieldRef: ResourceFieldSelector?
  /// One key of a ConfigMap in the pod's namespace.
  public var configMapKeyRef: ConfigMapKeySelector?
  /// One key of a Secret in the pod's namespace; the variable gets the decoded value. A missing Secret or key
  /// keeps the container from starting ("CreateContainerConfigError") unless the reference is optional.
  public var secretKeyRef: SecretKeySelector?
  /// One key of a file in env-file format on one of the pod's volumes. On Skiff, the file is not read
  /// and the variable is left unset.
  public var fileKeyRef: JSONValue?

  public init(fieldRef: ObjectFieldSelector? = nil, resourceFieldRef: ResourceFieldSelector? = nil,
              configMapKeyRef: ConfigMapKeySelector? = nil, secretKeyRef: SecretKeySelector? = nil) {
    self.fieldRef = fieldRef
    self.resourceFieldRef = resourceFieldRef
    self.configMapKeyRef = configMapKeyRef
    self.secretKeyRef = secretKeyRef
  }
}

/// Selects a field of the pod, for the downward API (environment variables and volume files).
public struct ObjectFieldSelector: Codable, Sendable, Equatable {
  /// The API version the fieldPath is written in; defaults to "v1", the only one accepted.
  public var apiVersion: String?
  /// The path of the field to select, such as "metadata.name" or "metadata.labels['app']". Required.
  @ZeroDefault public var fieldPath: String

  public init(fieldPath: String, apiVersion: String? = nil) {
    self.fieldPath = fieldPath
    self.apiVersion = apiVersion
  }
}

/// Selects a resource limit or request of a container, for the downward API (environment variables and
/// volume files).
public struct ResourceFieldSelector: Codable, Sendable, Equatable {
  /// The container whose resources are read: required in volume files, and the container being set up
  /// by default for environment variables. On Skiff, environment variables always read the values of
  /// the container being set up.
  public var containerName: String?
  /// What to read: "limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu",
  /// "requests.memory", "requests.ephemeral-storage", or a hugepages limit or request. Required. On
  /// Skiff, a cpu limit that is not set reads as "2", a memory limit that is not set as "0", and
  /// ephemeral storage and hugepages always read "0".
  @ZeroDefault public var resource: String
  /// The unit to express the value in, such as "1m" for millicores or "1Mi" for mebibytes; the result
  /// is rounded up. Defaults to "1". On Skiff, ignored: cpu is given in whole cores, rounded up, and
  /// memory in bytes.
  public var divisor: Quantity?

  public init(resource: String, containerName: String? = nil, divisor: Quantity? = nil) {
    self.resource = resource
    self.containerName = containerName
    self.divisor = divisor
  }
}

/// Selects one key of a ConfigMap.
public struct ConfigMapKeySelector: Codable, Sendable, Equatable {
  /// The name of the ConfigMap, in the pod's namespace.
  public var name: String?
  /// The key to read. Required.
  @ZeroDefault public var key: String
  /// Whether the container may start when the ConfigMap or the key does not exist; the variable is then
  /// left unset. Defaults to false, in which case the container waits with "CreateContainerConfigError".
  public var optional: Bool?

  public init(name: String?, key: String, optional: Bool? = nil) {
    self.name = name
    self.key = key
    self.optional = optional
  }
}

/// Selects one key of a Secret.
public struct SecretKeySelector: Codable, Sendable, Equatable {
  /// The name of the Secret, in the pod's namespace.
  public var name: String?
  /// The key to read. Required.
  @ZeroDefault public var key: String
  /// Whether the container may start when the Secret or the key does not exist (the variable is then left
  /// unset). Defaults to false.
  public var optional: Bool?

  public init(name: String?, key: String, optional: Bool? = nil) {
    self.name = name
    self.key = key
    self.optional = optional
  }
}

/// A ConfigMap or Secret whose keys all become environment variables; exactly one of configMapRef and
/// secretRef is set.
public struct EnvFromSource: Codable, Sendable, Equatable {
  /// A string put in front of each variable name taken from the source; it must itself be a valid
  /// variable name.
  public var prefix: String?
  /// The ConfigMap to take the variables from.
  public var configMapRef: ConfigMapEnvSource?
  /// The Secret to take the variables from, one per key with its decoded value.
  public var secretRef: SecretEnvSource?

  public init(prefix: String? = nil, configMapRef: ConfigMapEnvSource? = nil, secretRef: SecretEnvSource? = nil) {
    self.prefix = prefix
    self.configMapRef = configMapRef
    self.secretRef = secretRef
  }
}

/// A ConfigMap whose keys all become environment variables.
public struct ConfigMapEnvSource: Codable, Sendable, Equatable {
  /// The name of the ConfigMap, in the pod's namespace.
  public var name: String?
  /// Whether the container may start when the ConfigMap does not exist. Defaults to false.
  public var optional: Bool?

  public init(name: String?, optional: Bool? = nil) {
    self.name = name
    self.optional = optional
  }
}

/// A Secret whose keys all become environment variables.
public struct SecretEnvSource: Codable, Sendable, Equatable {
  /// The name of the Secret, in the pod's namespace.
  public var name: String?
  /// Whether the container may start when the Secret does not exist. Defaults to false.
  public var optional: Bool?

  public init(name: String?, optional: Bool? = nil) {
    self.name = name
    self.optional = optional
  }
}

/// Compute resource requests and limits, keyed by resource name: "cpu", "memory", "ephemeral-storage",
/// hugepages or extended resources.
public struct ResourceRequirements: Codable, Sendable, Equatable {
  /// The most of each resource that may be used, as quantities such as "500m" of cpu or "128Mi" of
  /// memory; cpu use above the limit is throttled, and memory use above it gets the process killed
  /// ("OOMKilled").
  public var limits: [String: Quantity]?
  /// The amount of each resource that is asked for and that the scheduler sets aside; it may not exceed
  /// the limit, and defaults to the limit when only a limit is given.
  public var requests: [String: Quantity]?
  /// The names of the pod's resourceClaims entries that the container uses (dynamic resource
  /// allocation).
  public var claims: [ResourceClaim]?

  public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
    self.limits = limits
    self.requests = requests
  }
}

/// A container's use of one of the pod's resource claims.
public struct ResourceClaim: Codable, Sendable, Equatable {
  /// The name of an entry in the pod's spec.resourceClaims. Required.
  @ZeroDefault public var name: String
  /// The name of one request within the claim, to use only what was allocated for it; the whole claim
  /// when empty.
  public var request: String?

  public init(name: String, request: String? = nil) {
    self.name = name
    self.request = request
  }
}

/// How a container reacts when one of its resources is resized in place.
public struct ContainerResizePolicy: Codable, Sendable, Equatable {
  /// The resource the policy is for: "cpu" or "memory". Required.
  @ZeroDefault public var resourceName: String
  /// What a resize of that resource does: "NotRequired" (applied to the running container) or
  /// "RestartContainer". Required; must be "NotRequired" when the pod's restartPolicy is "Never".
  @ZeroDefault public var restartPolicy: String

  public init(resourceName: String, restartPolicy: String) {
    self.resourceName = resourceName
    self.restartPolicy = restartPolicy
  }
}

/// One of the pod's volumes mounted at a path inside a container.
public struct VolumeMount: Codable, Sendable, Equatable {
  /// The name of the pod volume to mount. Required.
  @ZeroDefault public var name: String
  /// Whether the volume is mounted read-only. Defaults to false.
  public var readOnly: Bool?
  /// Whether a read-only mount is also read-only for the mounts beneath it: "Disabled" (the default),
  /// "IfPossible" or "Enabled". On Skiff, ignored.
  public var recursiveReadOnly: String?
  /// The path inside the container where the volume appears, unique within the container. Required.
  @ZeroDefault public var mountPath: String
  /// A relative path within the volume to mount instead of its root; defaults to the root.
  public var subPath: String?
  /// How mounts propagate between the node and the container: "None" (the default),
  /// "HostToContainer" or "Bidirectional" (privileged containers only). On Skiff, mounts are always
  /// private, as with "None".
  public var mountPropagation: String?
  /// Like subPath, but references $(VAR) to the container's environment variables are expanded in it;
  /// not allowed together with subPath. On Skiff, it is not used: the whole volume is mounted.
  public var subPathExpr: String?

  public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
    self.name = name
    self.mountPath = mountPath
    self.readOnly = readOnly
    self.subPath = subPath
  }
}

/// One of the pod's block-mode volumes exposed to a container as a raw block device.
public struct VolumeDevice: Codable, Sendable, Equatable {
  /// The name of the pod volume, a persistentVolumeClaim or ephemeral volume. Required.
  @ZeroDefault public var name: String
  /// The path inside the container where the device appears. Required.
  @ZeroDefault public var devicePath: String

  public init(name: String, devicePath: String) {
    self.name = name
    self.devicePath = devicePath
  }
}
