/// The addresses behind a Service as `discovery.k8s.io/v1` EndpointSlice: what kube-proxy and
/// `kubectl describe service` read on a current cluster. Skiff's endpoint controller keeps one
/// slice per Service, next to the Endpoints object.
public struct EndpointSlice: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", plural: "endpointslices", namespaced: true,
    hasStatus: false)

  /// The label naming the slice's Service.
  public static let serviceNameLabel = "kubernetes.io/service-name"
  /// The label naming who manages a slice.
  public static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
  public static let controllerName = "endpointslice-controller.k8s.io"

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  @ZeroDefault public var addressType: String
  public var endpoints: [SliceEndpoint]?
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

public struct SliceEndpoint: Codable, Sendable, Equatable {
  public var addresses: [String]
  public var conditions: SliceEndpointConditions?
  public var hostname: String?
  public var targetRef: ObjectReference?
  public var nodeName: String?
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

public struct SliceEndpointConditions: Codable, Sendable, Equatable {
  public var ready: Bool?
  public var serving: Bool?
  public var terminating: Bool?

  public init(ready: Bool?, serving: Bool?, terminating: Bool?) {
    self.ready = ready
    self.serving = serving
    self.terminating = terminating
  }
}

public struct SlicePort: Codable, Sendable, Equatable {
  public var name: String?
  public var `protocol`: String?
  public var port: Int32?
  public var appProtocol: String?

  public init(name: String?, protocol proto: String?, port: Int32?, appProtocol: String? = nil) {
    self.name = name
    self.protocol = proto
    self.port = port
    self.appProtocol = appProtocol
  }
}
