/// A service (core/v1): a stable virtual IP and DNS name in front of the pods its selector
/// picks.
public struct Service: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"],
    categories: ["all"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: ServiceSpec
  public var status: ServiceStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec = ServiceSpec()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

public struct ServiceSpec: Codable, Sendable, Equatable {
  public var ports: [ServicePort]?
  public var selector: [String: String]?
  /// The virtual IP; `None` for a headless service. Allocated by the API server when empty.
  public var clusterIP: String?
  public var clusterIPs: [String]?
  /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
  public var type: String?
  public var externalIPs: [String]?
  /// `None` or `ClientIP`.
  public var sessionAffinity: String?
  public var loadBalancerIP: String?
  public var loadBalancerSourceRanges: [String]?
  public var externalName: String?
  public var externalTrafficPolicy: String?
  public var healthCheckNodePort: Int32?
  public var publishNotReadyAddresses: Bool?
  public var sessionAffinityConfig: SessionAffinityConfig?
  public var ipFamilies: [String]?
  public var ipFamilyPolicy: String?
  public var allocateLoadBalancerNodePorts: Bool?
  public var loadBalancerClass: String?
  public var internalTrafficPolicy: String?
  public var trafficDistribution: String?

  public init(ports: [ServicePort]? = nil, selector: [String: String]? = nil, type: String? = nil) {
    self.ports = ports
    self.selector = selector
    self.type = type
  }
}

extension ServiceSpec: ZeroWhenAbsent {
  static var zeroValue: ServiceSpec { ServiceSpec() }
}

public struct ServicePort: Codable, Sendable, Equatable {
  public var name: String?
  public var `protocol`: String?
  /// A hint for the mesh: `grpc`, `http2`, `kubernetes.io/h2c`, ...
  public var appProtocol: String?
  @ZeroDefault public var port: Int32
  /// A number or the name of a container port; defaults to `port`.
  public var targetPort: IntOrString?
  public var nodePort: Int32?

  public init(port: Int32, name: String? = nil, targetPort: IntOrString? = nil, protocol proto: String? = nil) {
    self.port = port
    self.name = name
    self.targetPort = targetPort
    self.protocol = proto
  }
}

public struct SessionAffinityConfig: Codable, Sendable, Equatable {
  public var clientIP: ClientIPConfig?

  public init(clientIP: ClientIPConfig? = nil) { self.clientIP = clientIP }
}

public struct ClientIPConfig: Codable, Sendable, Equatable {
  public var timeoutSeconds: Int32?

  public init(timeoutSeconds: Int32? = nil) { self.timeoutSeconds = timeoutSeconds }
}

public struct ServiceStatus: Codable, Sendable, Equatable {
  public var loadBalancer: LoadBalancerStatus?
  public var conditions: [JSONValue]?

  public init(loadBalancer: LoadBalancerStatus? = nil) { self.loadBalancer = loadBalancer }
}

public struct LoadBalancerStatus: Codable, Sendable, Equatable {
  public var ingress: [LoadBalancerIngress]?

  public init(ingress: [LoadBalancerIngress]? = nil) { self.ingress = ingress }
}

public struct LoadBalancerIngress: Codable, Sendable, Equatable {
  public var ip: String?
  public var hostname: String?
  public var ipMode: String?
  public var ports: [JSONValue]?

  public init(ip: String? = nil, hostname: String? = nil) {
    self.ip = ip
    self.hostname = hostname
  }
}
