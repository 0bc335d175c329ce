/// The network addresses behind a service, grouped into subsets by the ports they serve, with ready and
/// not-ready addresses kept apart. The endpoint controller writes it for each service with a selector; for a
/// service without one, whoever manages the service writes it. On Skiff, the service proxy, cluster DNS and the
/// mesh take a service's destinations from its Endpoints.
public struct Endpoints: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints", namespaced: true,
    shortNames: ["ep"], hasStatus: false)

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "Endpoints". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The object's name, namespace, labels and the fields the server maintains. Its name and namespace are those
  /// of the service it belongs to.
  public var metadata: ObjectMeta
  /// The addresses, grouped by the set of ports they serve: every address of a subset serves all of its ports.
  public var subsets: [EndpointSubset]?

  public init(metadata: ObjectMeta = ObjectMeta(), subsets: [EndpointSubset]? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.subsets = subsets
  }
}

/// A group of addresses that all serve the same ports.
public struct EndpointSubset: Codable, Sendable, Equatable {
  /// The addresses that are ready to receive traffic. A subset needs at least one address, ready or not.
  public var addresses: [EndpointAddress]?
  /// The addresses that serve the ports but are not ready yet, or no longer pass their readiness checks;
  /// traffic is not sent to them.
  public var notReadyAddresses: [EndpointAddress]?
  /// The ports every address of the subset serves.
  public var ports: [EndpointPort]?

  public init(addresses: [EndpointAddress]? = nil, notReadyAddresses: [EndpointAddress]? = nil,
              ports: [EndpointPort]? = nil) {
    self.addresses = addresses
    self.notReadyAddresses = notReadyAddresses
    self.ports = ports
  }
}

/// One address behind a service, and the object it belongs to.
public struct EndpointAddress: Codable, Sendable, Equatable {
  /// The IP address of the endpoint. Required; it may not be unspecified, loopback or link-local.
  @ZeroDefault public var ip: String
  /// The host name of the endpoint, a DNS label; a headless service's DNS names the endpoint
  /// "<hostname>.<service>.<namespace>.svc" with it. On Skiff, the endpoint controller does not set it, so such
  /// names use the pod's name instead.
  public var hostname: String?
  /// The node the endpoint runs on.
  public var nodeName: String?
  /// The object behind the address, usually a Pod.
  public var targetRef: ObjectReference?

  public init(ip: String, hostname: String? = nil, nodeName: String? = nil, targetRef: ObjectReference? = nil) {
    self.ip = ip
    self.hostname = hostname
    self.nodeName = nodeName
    self.targetRef = targetRef
  }
}

/// A port that the addresses of an endpoint subset serve.
public struct EndpointPort: Codable, Sendable, Equatable {
  /// The name of the port, equal to the name of the service port it serves. Required when the subset has more
  /// than one port; a DNS label.
  public var name: String?
  /// The port number, from 1 to 65535. Required.
  @ZeroDefault public var port: Int32
  /// The transport protocol: "TCP" (the default), "UDP" or "SCTP".
  public var `protocol`: String?
  /// The application protocol spoken on the port, such as "http" or "kubernetes.io/h2c", as the service port
  /// gives it.
  public var appProtocol: String?

  public init(port: Int32, name: String? = nil, protocol proto: String? = nil, appProtocol: String? = nil) {
    self.port = port
    self.name = name
    self.protocol = proto
    self.appProtocol = appProtocol
  }
}
