/// A container in a pod (core/v1 `Container`), field for field in Kubernetes' order.
public struct Container: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  public var image: String?
  public var command: [String]?
  public var args: [String]?
  public var workingDir: String?
  public var ports: [ContainerPort]?
  public var envFrom: [EnvFromSource]?
  public var env: [EnvVar]?
  public var resources: ResourceRequirements?
  public var resizePolicy: [ContainerResizePolicy]?
  /// Only `Always`, and only on init containers: a native sidecar.
  public var restartPolicy: String?
  public var restartPolicyRules: [JSONValue]?
  public var volumeMounts: [VolumeMount]?
  public var volumeDevices: [VolumeDevice]?
  public var livenessProbe: Probe?
  public var readinessProbe: Probe?
  public var startupProbe: Probe?
  public var lifecycle: Lifecycle?
  public var terminationMessagePath: String?
  public var terminationMessagePolicy: String?
  public var imagePullPolicy: String?
  public var securityContext: SecurityContext?
  public var stdin: Bool?
  public var stdinOnce: Bool?
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

public struct ContainerPort: Codable, Sendable, Equatable {
  public var name: String?
  public var hostPort: Int32?
  @ZeroDefault public var containerPort: Int32
  public var `protocol`: String?
  public var hostIP: String?

  public init(containerPort: Int32, name: String? = nil, protocol proto: String? = nil) {
    self.containerPort = containerPort
    self.name = name
    self.protocol = proto
  }
}

public struct EnvVar: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  public var value: String?
  public var valueFrom: EnvVarSource?

  public init(name: String, value: String? = nil, valueFrom: EnvVarSource? = nil) {
    self.name = name
    self.value = value
    self.valueFrom = valueFrom
  }
}

public struct EnvVarSource: Codable, Sendable, Equatable {
  public var fieldRef: ObjectFieldSelector?
  public var resourceFieldRef: ResourceFieldSelector?
  public var configMapKeyRef: ConfigMapKeySelector?
  public var secretKeyRef: SecretKeySelector?
  public var fileKeyRef: JSONValue?

  public init(fieldRef: ObjectFieldSelector? = nil, resourceFieldRef: ResourceFieldSelector? = nil,
              configMapKeyRef: ConfigMapKeySelector? = nil, secretKeyRef: SecretKeySelector? = nil) {
    self.fieldRef = fieldRef
    self.resourceFieldRef = resourceFieldRef
    self.configMapKeyRef = configMapKeyRef
    self.secretKeyRef = secretKeyRef
  }
}

/// `fieldRef`: a field of the pod (`metadata.name`, `status.podIP`, ...).
public struct ObjectFieldSelector: Codable, Sendable, Equatable {
  public var apiVersion: String?
  @ZeroDefault public var fieldPath: String

  public init(fieldPath: String, apiVersion: String? = nil) {
    self.fieldPath = fieldPath
    self.apiVersion = apiVersion
  }
}

/// `resourceFieldRef`: a container's resource limit or request (`limits.memory`).
public struct ResourceFieldSelector: Codable, Sendable, Equatable {
  public var containerName: String?
  @ZeroDefault public var resource: String
  public var divisor: Quantity?

  public init(resource: String, containerName: String? = nil, divisor: Quantity? = nil) {
    self.resource = resource
    self.containerName = containerName
    self.divisor = divisor
  }
}

public struct ConfigMapKeySelector: Codable, Sendable, Equatable {
  public var name: String?
  @ZeroDefault public var key: String
  public var optional: Bool?

  public init(name: String?, key: String, optional: Bool? = nil) {
    self.name = name
    self.key = key
    self.optional = optional
  }
}

public struct SecretKeySelector: Codable, Sendable, Equatable {
  public var name: String?
  @ZeroDefault public var key: String
  public var optional: Bool?

  public init(name: String?, key: String, optional: Bool? = nil) {
    self.name = name
    self.key = key
    self.optional = optional
  }
}

public struct EnvFromSource: Codable, Sendable, Equatable {
  public var prefix: String?
  public var configMapRef: ConfigMapEnvSource?
  public var secretRef: SecretEnvSource?

  public init(prefix: String? = nil, configMapRef: ConfigMapEnvSource? = nil, secretRef: SecretEnvSource? = nil) {
    self.prefix = prefix
    self.configMapRef = configMapRef
    self.secretRef = secretRef
  }
}

public struct ConfigMapEnvSource: Codable, Sendable, Equatable {
  public var name: String?
  public var optional: Bool?

  public init(name: String?, optional: Bool? = nil) {
    self.name = name
    self.optional = optional
  }
}

public struct SecretEnvSource: Codable, Sendable, Equatable {
  public var name: String?
  public var optional: Bool?

  public init(name: String?, optional: Bool? = nil) {
    self.name = name
    self.optional = optional
  }
}

/// `resources`: limits and requests by resource name (`cpu`, `memory`, ...).
public struct ResourceRequirements: Codable, Sendable, Equatable {
  public var limits: [String: Quantity]?
  public var requests: [String: Quantity]?
  public var claims: [ResourceClaim]?

  public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
    self.limits = limits
    self.requests = requests
  }
}

public struct ResourceClaim: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  public var request: String?

  public init(name: String, request: String? = nil) {
    self.name = name
    self.request = request
  }
}

public struct ContainerResizePolicy: Codable, Sendable, Equatable {
  @ZeroDefault public var resourceName: String
  @ZeroDefault public var restartPolicy: String

  public init(resourceName: String, restartPolicy: String) {
    self.resourceName = resourceName
    self.restartPolicy = restartPolicy
  }
}

public struct VolumeMount: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  public var readOnly: Bool?
  public var recursiveReadOnly: String?
  @ZeroDefault public var mountPath: String
  public var subPath: String?
  public var mountPropagation: String?
  public var subPathExpr: String?

  public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
    self.name = name
    self.mountPath = mountPath
    self.readOnly = readOnly
    self.subPath = subPath
  }
}

public struct VolumeDevice: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  @ZeroDefault public var devicePath: String

  public init(name: String, devicePath: String) {
    self.name = name
    self.devicePath = devicePath
  }
}
