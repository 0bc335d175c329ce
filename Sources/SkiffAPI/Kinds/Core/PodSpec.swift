/// What a pod runs (core/v1 `PodSpec`), every field a manifest may carry. Scheduling
/// structures Skiff has no use for on one node (`affinity`, `topologySpreadConstraints`)
/// are kept as JSON.
public struct PodSpec: Codable, Sendable, Equatable {
  public var volumes: [Volume]?
  public var initContainers: [Container]?
  public var containers: [Container]
  /// Added through the `ephemeralcontainers` subresource only; kept as JSON.
  public var ephemeralContainers: [JSONValue]?
  public var restartPolicy: String?
  public var terminationGracePeriodSeconds: Int64?
  public var activeDeadlineSeconds: Int64?
  public var dnsPolicy: String?
  public var nodeSelector: [String: String]?
  public var serviceAccountName: String?
  /// Deprecated alias of `serviceAccountName`.
  public var serviceAccount: String?
  public var automountServiceAccountToken: Bool?
  public var nodeName: String?
  public var hostNetwork: Bool?
  public var hostPID: Bool?
  public var hostIPC: Bool?
  public var shareProcessNamespace: Bool?
  public var securityContext: PodSecurityContext?
  public var imagePullSecrets: [LocalObjectReference]?
  public var hostname: String?
  public var subdomain: String?
  public var affinity: JSONValue?
  public var schedulerName: String?
  public var tolerations: [Toleration]?
  public var hostAliases: [HostAlias]?
  public var priorityClassName: String?
  public var priority: Int32?
  public var dnsConfig: PodDNSConfig?
  public var readinessGates: [PodReadinessGate]?
  public var runtimeClassName: String?
  public var enableServiceLinks: Bool?
  public var preemptionPolicy: String?
  public var overhead: [String: Quantity]?
  public var topologySpreadConstraints: [JSONValue]?
  public var setHostnameAsFQDN: Bool?
  public var os: PodOS?
  public var hostUsers: Bool?
  public var schedulingGates: [PodSchedulingGate]?
  public var resourceClaims: [PodResourceClaim]?
  /// Pod-level resources (PodLevelResources); kept for round trips.
  public var resources: ResourceRequirements?
  public var hostnameOverride: String?
  public var schedulingGroup: JSONValue?
  public var evictionResponders: [JSONValue]?

  public init(containers: [Container] = []) { self.containers = containers }
}

extension PodSpec: ZeroWhenAbsent {
  static var zeroValue: PodSpec { PodSpec() }
}

/// A pod template inside a Deployment or ReplicaSet.
public struct PodTemplateSpec: Codable, Sendable, Equatable {
  public var metadata: ObjectMeta
  public var spec: PodSpec

  public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec = PodSpec()) {
    self.metadata = metadata
    self.spec = spec
  }
}

extension PodTemplateSpec: ZeroWhenAbsent {
  static var zeroValue: PodTemplateSpec { PodTemplateSpec() }
}

public struct LocalObjectReference: Codable, Sendable, Equatable {
  public var name: String?

  public init(name: String?) { self.name = name }
}

public struct Toleration: Codable, Sendable, Equatable {
  public var key: String?
  public var `operator`: String?
  public var value: String?
  public var effect: String?
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

public struct HostAlias: Codable, Sendable, Equatable {
  @ZeroDefault public var ip: String
  public var hostnames: [String]?

  public init(ip: String, hostnames: [String]) {
    self.ip = ip
    self.hostnames = hostnames
  }
}

public struct PodDNSConfig: Codable, Sendable, Equatable {
  public var nameservers: [String]?
  public var searches: [String]?
  public var options: [PodDNSConfigOption]?

  public init(nameservers: [String]? = nil, searches: [String]? = nil, options: [PodDNSConfigOption]? = nil) {
    self.nameservers = nameservers
    self.searches = searches
    self.options = options
  }
}

public struct PodDNSConfigOption: Codable, Sendable, Equatable {
  public var name: String?
  public var value: String?

  public init(name: String, value: String? = nil) {
    self.name = name
    self.value = value
  }
}

public struct PodReadinessGate: Codable, Sendable, Equatable {
  @ZeroDefault public var conditionType: String

  public init(conditionType: String) { self.conditionType = conditionType }
}

public struct PodSchedulingGate: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String

  public init(name: String) { self.name = name }
}

public struct PodResourceClaim: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  public var resourceClaimName: String?
  public var resourceClaimTemplateName: String?

  public init(name: String) { self.name = name }
}

public struct PodOS: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String

  public init(name: String) { self.name = name }
}
