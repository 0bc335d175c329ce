/// A set of network endpoints behind a service (discovery.k8s.io/v1), the successor of Endpoints: a service's
/// endpoints may be spread over several slices, each labelled "kubernetes.io/service-name" with the service's
/// name. On Skiff, the endpoint controller keeps one slice per service next to its Endpoints; the service proxy,
/// DNS and the mesh read the Endpoints, so a slice written by hand sends no traffic anywhere.
/// ---
/// What kube-proxy and kubectl describe service read on a current cluster.
public struct EndpointSlice: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true,
    hasStatus: false)

  /// The label naming the slice's Service.
  public static let serviceNameLabel = "kubernetes.io/service-name"
  /// The label naming who manages a slice.
  public static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
  public static let controllerName = "endpointslice-controller.k8s.io"

  /// The version of the API schema the object follows: "discovery.k8s.io/v1". The server sets it on every object
  /// it returns.
  public var apiVersion: String?
  /// The kind of object: "EndpointSlice". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The slice's name, namespace, labels and the fields the server maintains. The label
  /// "kubernetes.io/service-name" names the service, and "endpointslice.kubernetes.io/managed-by" the controller
  /// that manages the slice.
  public var metadata: ObjectMeta
  /// The kind of address every endpoint of the slice has: "IPv4", "IPv6" or "FQDN" (a fully qualified domain
  /// name). Required; it cannot be changed.
  @ZeroDefault public var addressType: String
  /// The endpoints of the slice.
  public var endpoints: [SliceEndpoint]?
  /// The ports every endpoint of the slice serves. An empty list means no ports are defined; a port without a
  /// number stands for all ports.
  public var ports: [SlicePort]?

  public init(metadata: ObjectMeta = ObjectMeta(), addressType: String = "IPv4", endpoints: [SliceEndpoint]? = nil, ports: [SlicePort]? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.addressType = addressType
    self.endpoints = endpoints
    self.ports = ports
  }

  public mutating func setDefaults() {
    guard var ports else { return }
    for i in ports.indices where ports[i].protocol == nil { ports[i].protocol = "TCP" }
    self.ports = ports
  }

  /// `ValidateEndpointSlice`, the checks a hand-written slice meets most.
  public func validate(old: EndpointSlice?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
      if old.addressType != addressType {
        errs.append(.invalid(FieldPath("addressType"), .string(addressType), "field is immutable"))
      }
    }
    errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    let types = ["IPv4", "IPv6", "FQDN"]
    if addressType.isEmpty {
      errs.append(.required(FieldPath("addressType"), ""))
    } else if !types.contains(addressType) {
      errs.append(.notSupported(FieldPath("addressType"), .string(addressType), types))
    }
    for (i, endpoint) in (endpoints ?? []).enumerated() {
      let p = FieldPath("endpoints").index(i)
      if endpoint.addresses.isEmpty {
        errs.append(.required(p.child("addresses"), "must contain at least 1 address"))
      }
      if addressType == "IPv4" || addressType == "IPv6" {
        for (j, address) in endpoint.addresses.enumerated() {
          errs += IPAddress.validate(address, p.child("addresses").index(j))
        }
      }
    }
    return errs
  }
}

/// One endpoint of an EndpointSlice: its addresses, state and the object behind it.
public struct SliceEndpoint: Codable, Sendable, Equatable {
  /// The addresses of the endpoint, of the slice's addressType. At least one is required; they all reach the
  /// same endpoint, so consumers may use the first one only.
  public var addresses: [String]
  /// The state of the endpoint: whether it is ready, serving and terminating.
  public var conditions: SliceEndpointConditions?
  /// The host name of the endpoint, a DNS label, which DNS may use to name it. On Skiff, the endpoint controller
  /// does not set it.
  public var hostname: String?
  /// The object behind the endpoint, usually a Pod.
  public var targetRef: ObjectReference?
  /// The node the endpoint runs on.
  public var nodeName: String?
  /// The zone the endpoint is in. On Skiff, it is not set.
  public var zone: String?

  public init(addresses: [String], conditions: SliceEndpointConditions? = nil, targetRef: ObjectReference? = nil, nodeName: String? = nil) {
    self.addresses = addresses
    self.conditions = conditions
    self.targetRef = targetRef
    self.nodeName = nodeName
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    addresses = try c.decodeIfPresent([String].self, forKey: .addresses) ?? []
    conditions = try c.decodeIfPresent(SliceEndpointConditions.self, forKey: .conditions)
    hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
    targetRef = try c.decodeIfPresent(ObjectReference.self, forKey: .targetRef)
    nodeName = try c.decodeIfPresent(String.self, forKey: .nodeName)
    zone = try c.decodeIfPresent(String.self, forKey: .zone)
  }
}

/// The state of an endpoint of an EndpointSlice.
public struct SliceEndpointConditions: Codable, Sendable, Equatable {
  /// Whether the endpoint should receive new traffic: normally when it is serving and not terminating, or always
  /// when the service publishes not-ready addresses. Unset means unknown, to be taken as true.
  public var ready: Bool?
  /// Whether the endpoint passes its readiness checks, whether or not it is terminating. Unset means consumers
  /// fall back to ready.
  public var serving: Bool?
  /// Whether the endpoint is shutting down. Unset means false. On Skiff, the endpoint controller always writes
  /// false: pods that are being deleted leave the slice at once.
  public var terminating: Bool?

  public init(ready: Bool?, serving: Bool?, terminating: Bool?) {
    self.ready = ready
    self.serving = serving
    self.terminating = terminating
  }
}

/// A port that the endpoints of an EndpointSlice serve.
public struct SlicePort: Codable, Sendable, Equatable {
  /// The name of the port, equal to the name of the service port it serves; empty for an unnamed port. A DNS
  /// label or empty, unique within the slice.
  public var name: String?
  /// The transport protocol: "TCP" (the default), "UDP" or "SCTP".
  public var `protocol`: String?
  /// The port number, from 1 to 65535. Unset means all ports.
  public var port: Int32?
  /// The application protocol spoken on the port, such as "http" or "kubernetes.io/h2c", as the service port
  /// gives it.
  public var appProtocol: String?

  public init(name: String?, protocol proto: String?, port: Int32?, appProtocol: String? = nil) {
    self.name = name
    self.protocol = proto
    self.port = port
    self.appProtocol = appProtocol
  }
}
