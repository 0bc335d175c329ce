public import SkiffAPI
public import SkiffStore

/// The cluster state a snapshot is compiled from: Services, Endpoints, Pods,
/// DestinationRules and VirtualServices, typed.
public struct MeshInputs: Sendable, Equatable {
  public var services: [Service]
  public var endpoints: [Endpoints]
  public var pods: [Pod]
  public var destinationRules: [DestinationRule]
  public var virtualServices: [VirtualService]

  public init(
    services: [Service] = [], endpoints: [Endpoints] = [], pods: [Pod] = [], destinationRules: [DestinationRule] = [],
    virtualServices: [VirtualService] = []
  ) {
    self.services = services
    self.endpoints = endpoints
    self.pods = pods
    self.destinationRules = destinationRules
    self.virtualServices = virtualServices
  }

  /// The resources the mesh compiles from (watch these).
  public static let resources: [GroupResource] = [
    Service.resourceInfo.groupResource, Endpoints.resourceInfo.groupResource, Pod.resourceInfo.groupResource,
    DestinationRule.resourceInfo.groupResource, VirtualService.resourceInfo.groupResource,
  ]

  /// Everything the mesh needs from `store`, decoded (objects that fail to decode are
  /// skipped: the API server validated them, so that means a kind newer than this code).
  public static func load(from store: ObjectStore) -> MeshInputs {
    func decoded<T: APIObject>(_ type: T.Type) -> [T] {
      store.list(T.resourceInfo.groupResource).items.compactMap { try? T.decode(from: $0.object).0 }
    }
    return MeshInputs(
      services: decoded(Service.self), endpoints: decoded(Endpoints.self), pods: decoded(Pod.self),
      destinationRules: decoded(DestinationRule.self), virtualServices: decoded(VirtualService.self))
  }
}
