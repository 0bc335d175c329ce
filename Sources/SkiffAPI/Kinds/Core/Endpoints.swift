/// The addresses behind a service (core/v1 `Endpoints`), ready and not-ready apart.
public struct Endpoints: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Endpoints", plural: "endpoints", singular: "endpoints", namespaced: true,
    shortNames: ["ep"], hasStatus: false)

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var subsets: [EndpointSubset]?

  public init(metadata: ObjectMeta = ObjectMeta(), subsets: [EndpointSubset]? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.subsets = subsets
  }
}

public struct EndpointSubset: Codable, Sendable, Equatable {
  public var addresses: [EndpointAddress]?
  public var notReadyAddresses: [EndpointAddress]?
  public var ports: [EndpointPort]?

  public init(addresses: [EndpointAddress]? = nil, notReadyAddresses: [EndpointAddress]? = nil,
              ports: [EndpointPort]? = nil) {
    self.addresses = addresses
    self.notReadyAddresses = notReadyAddresses
    self.ports = ports
  }
}

public struct EndpointAddress: Codable, Sendable, Equatable {
  @ZeroDefault public var ip: String
  public var hostname: String?
  public var nodeName: String?
  public var targetRef: ObjectReference?

  public init(ip: String, hostname: String? = nil, nodeName: String? = nil, targetRef: ObjectReference? = nil) {
    self.ip = ip
    self.hostname = hostname
    self.nodeName = nodeName
    self.targetRef = targetRef
  }
}

public struct EndpointPort: Codable, Sendable, Equatable {
  public var name: String?
  @ZeroDefault public var port: Int32
  public var `protocol`: String?
  public var appProtocol: String?

  public init(port: Int32, name: String? = nil, protocol proto: String? = nil, appProtocol: String? = nil) {
    self.port = port
    self.name = name
    self.protocol = proto
    self.appProtocol = appProtocol
  }
}
