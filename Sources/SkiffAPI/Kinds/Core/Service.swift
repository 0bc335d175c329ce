/// A network service: a stable virtual IP address and DNS name in front of the pods its selector picks, with
/// connections spread across them. On Skiff, the node's iptables rules balance connections to the cluster IP;
/// NodePort and LoadBalancer services get no node ports and no external address.
public struct Service: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"],
    categories: ["all"])

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "Service". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The service's name, namespace, labels, annotations and the fields the server maintains. The name must be
  /// a DNS label that starts with a letter.
  public var metadata: ObjectMeta
  /// The desired behaviour of the service: its ports, selector, type and addresses.
  public var spec: ServiceSpec
  /// The most recently observed state of the service, such as the load balancer in front of it. On Skiff, it
  /// stays empty.
  public var status: ServiceStatus?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec = ServiceSpec()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

/// The desired behaviour of a service.
public struct ServiceSpec: Codable, Sendable, Equatable {
  /// The ports the service exposes. Required, except for headless and ExternalName services; each needs a
  /// unique name when there is more than one.
  public var ports: [ServicePort]?
  /// The labels that pick the pods traffic goes to: a pod receives traffic when it has every one of them. A
  /// service without a selector gets no endpoints from the endpoint controller; whoever manages its Endpoints
  /// writes them. Ignored for ExternalName services.
  public var selector: [String: String]?
  /// The virtual IP address of the service, which the server allocates when it is left empty; "None" makes the
  /// service headless, with DNS returning the pods' own addresses. It can be set when the service is created and
  /// not changed afterwards. On Skiff, addresses come from 10.96.0.0/12.
  /// ---
  /// Allocated by the API server (ClusterIPAllocator) when empty.
  public var clusterIP: String?
  /// The virtual IP addresses of the service, at most one per IP family; the first one equals clusterIP. The
  /// server fills it in from clusterIP. On Skiff, services get IPv4 addresses only.
  public var clusterIPs: [String]?
  /// How the service is exposed: "ClusterIP" (the default: a virtual IP inside the cluster), "NodePort" (also a
  /// port on every node), "LoadBalancer" (also an external load balancer) or "ExternalName" (a DNS alias for
  /// externalName). On Skiff, NodePort and LoadBalancer services are reachable on their cluster IP only.
  public var type: String?
  /// Extra IP addresses for which the nodes accept the service's traffic; routing them to a node is up to the
  /// network. On Skiff, these addresses are not set up.
  public var externalIPs: [String]?
  /// Whether connections from one client keep going to the same pod: "None" (the default) or "ClientIP" (sticky
  /// by the client's IP address, for the time set in sessionAffinityConfig).
  public var sessionAffinity: String?
  /// The IP address to ask the load balancer for. Deprecated: its meaning differed between providers; use the
  /// provider's annotations. On Skiff, it has no effect.
  public var loadBalancerIP: String?
  /// The client address ranges (CIDRs) the load balancer lets through; only for "LoadBalancer" services. On
  /// Skiff, it has no effect.
  public var loadBalancerSourceRanges: [String]?
  /// The DNS name an "ExternalName" service is an alias for: cluster DNS answers with a CNAME record to it.
  /// Required for ExternalName services; a DNS subdomain.
  public var externalName: String?
  /// Whether traffic from outside the cluster (node ports, load balancer, external IPs) may go to pods on any
  /// node, "Cluster" (the default), or only to pods on the node it arrived at, "Local", which keeps the client's
  /// source address. Only for services reachable from outside. On Skiff, it has no effect.
  public var externalTrafficPolicy: String?
  /// The node port on which load balancers check whether a node has ready pods of the service. Only for
  /// "LoadBalancer" services with externalTrafficPolicy "Local"; allocated when unset. On Skiff, it has no
  /// effect.
  public var healthCheckNodePort: Int32?
  /// Whether the addresses of pods that are not ready are published in the service's Endpoints and DNS as if
  /// they were ready. Defaults to false. Headless services for stateful sets use it so that pods can find each
  /// other before they are ready.
  public var publishNotReadyAddresses: Bool?
  /// The settings of session affinity. Only for sessionAffinity "ClientIP".
  public var sessionAffinityConfig: SessionAffinityConfig?
  /// The IP families of the service's addresses, in the order of clusterIPs: "IPv4" and/or "IPv6". The server
  /// chooses them from ipFamilyPolicy when unset. On Skiff, services get IPv4 addresses only.
  public var ipFamilies: [String]?
  /// How many IP families the service gets: "SingleStack" (the default: one), "PreferDualStack" (two when the
  /// cluster supports both) or "RequireDualStack" (two, which the cluster must support). On Skiff, the cluster
  /// is IPv4 only: a service gets at most one cluster IP, an IPv4 one, whatever the policy.
  public var ipFamilyPolicy: String?
  /// Whether a "LoadBalancer" service gets node ports allocated. Defaults to true for LoadBalancer services;
  /// only allowed on them. On Skiff, no node ports are allocated.
  public var allocateLoadBalancerNodePorts: Bool?
  /// The load balancer implementation that should serve a "LoadBalancer" service, as a label-style name; unset
  /// means the cluster's default one. On Skiff, no load balancer is provisioned.
  public var loadBalancerClass: String?
  /// Whether traffic from inside the cluster may go to pods on any node, "Cluster" (the default), or only to pods
  /// on the node it comes from, "Local". On Skiff, both behave alike: every pod is on the one node.
  public var internalTrafficPolicy: String?
  /// A preference for how traffic is spread over the endpoints: "PreferClose" sends it to endpoints close to the
  /// client (in its zone) when there are some. Unset means no preference. On Skiff, it has no effect.
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

/// A port a service exposes, and the port of its pods that traffic goes to.
public struct ServicePort: Codable, Sendable, Equatable {
  /// The name of the port, unique within the service and matching the name of its port in the Endpoints.
  /// Required when the service has more than one port; a DNS label.
  public var name: String?
  /// The transport protocol: "TCP" (the default), "UDP" or "SCTP".
  public var `protocol`: String?
  /// The application protocol spoken on the port: an IANA service name such as "http" or "grpc", a
  /// Kubernetes-defined one ("kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"), or a domain-prefixed
  /// name. On Skiff, the mesh uses it, before the port's name, to decide whether to proxy the port as gRPC,
  /// HTTP/2, HTTP or plain TCP.
  public var appProtocol: String?
  /// The port the service listens on, from 1 to 65535. Required.
  @ZeroDefault public var port: Int32
  /// The port of the pods that traffic goes to: a number, or the name of a container port, looked up in each
  /// pod. Defaults to the value of port.
  public var targetPort: IntOrString?
  /// The port opened on every node for a "NodePort" or "LoadBalancer" service, normally from 30000 to 32767;
  /// allocated when unset. On Skiff, node ports are neither allocated nor opened.
  public var nodePort: Int32?

  public init(port: Int32, name: String? = nil, targetPort: IntOrString? = nil, protocol proto: String? = nil) {
    self.port = port
    self.name = name
    self.targetPort = targetPort
    self.protocol = proto
  }
}

/// The settings of a service's session affinity.
public struct SessionAffinityConfig: Codable, Sendable, Equatable {
  /// The settings of affinity by client IP address.
  public var clientIP: ClientIPConfig?

  public init(clientIP: ClientIPConfig? = nil) { self.clientIP = clientIP }
}

/// The settings of session affinity by client IP address.
public struct ClientIPConfig: Codable, Sendable, Equatable {
  /// How long, in seconds, a client keeps going to the same pod after its last connection: more than 0 and at
  /// most 86400 (a day). Defaults to 10800 (three hours).
  public var timeoutSeconds: Int32?

  public init(timeoutSeconds: Int32? = nil) { self.timeoutSeconds = timeoutSeconds }
}

/// The observed state of a service.
public struct ServiceStatus: Codable, Sendable, Equatable {
  /// The load balancer in front of the service, for "LoadBalancer" services. On Skiff, it stays empty.
  public var loadBalancer: LoadBalancerStatus?
  /// The current conditions of the service, such as the state of its load balancer.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var conditions: [JSONValue]?

  public init(loadBalancer: LoadBalancerStatus? = nil) { self.loadBalancer = loadBalancer }
}

/// The state of the load balancer in front of a service.
public struct LoadBalancerStatus: Codable, Sendable, Equatable {
  /// The addresses of the load balancer: traffic sent to them reaches the service.
  public var ingress: [LoadBalancerIngress]?

  public init(ingress: [LoadBalancerIngress]? = nil) { self.ingress = ingress }
}

/// One address of a service's load balancer.
public struct LoadBalancerIngress: Codable, Sendable, Equatable {
  /// The load balancer's IP address, for load balancers that have one.
  public var ip: String?
  /// The load balancer's DNS name, for load balancers known by name.
  public var hostname: String?
  /// How traffic for the load balancer's IP reaches the nodes: "VIP" (the default: with the load balancer's IP
  /// still as its destination, so nodes handle it as the service's) or "Proxy" (with the destination rewritten
  /// by the load balancer). Only with ip.
  public var ipMode: String?
  /// The ports of the load balancer and any error on each, per service port.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var ports: [JSONValue]?

  public init(ip: String? = nil, hostname: String? = nil) {
    self.ip = ip
    self.hostname = hostname
  }
}
