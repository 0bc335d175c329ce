import SkiffAPI
import SkiffStore

/// The mesh's decoded copy of the objects it compiles from, kept current from watch events
/// so a recompile decodes only what changed.
struct MeshInputCache: Sendable {
  private var services: [ObjectKey: Service] = [:]
  private var endpoints: [ObjectKey: Endpoints] = [:]
  private var pods: [ObjectKey: Pod] = [:]
  private var destinationRules: [ObjectKey: DestinationRule] = [:]
  private var virtualServices: [ObjectKey: VirtualService] = [:]

  static let watched = Set(MeshInputs.resources)

  init() {}

  /// Loads every object of the watched kinds.
  init(store: ObjectStore) {
    for resource in MeshInputs.resources {
      for object in store.list(resource).items {
        apply(.added, object)
      }
    }
  }

  /// Applies one change; returns whether it concerns the mesh.
  @discardableResult
  mutating func apply(_ event: WatchEvent) -> Bool {
    apply(event.type, event.object)
  }

  /// Applies one change of `object`; returns whether it concerns the mesh.
  @discardableResult
  mutating func apply(_ change: WatchEvent.Kind, _ object: StoredObject) -> Bool {
    let key = object.key
    guard Self.watched.contains(key.resource) else { return false }
    func update<T: APIObject>(_ map: inout [ObjectKey: T], _ type: T.Type) {
      if change == .deleted {
        map[key] = nil
      } else if let decoded = try? T.decode(from: object.object).0 {
        map[key] = decoded
      }
    }
    switch key.resource {
    case Service.resourceInfo.groupResource: update(&services, Service.self)
    case Endpoints.resourceInfo.groupResource: update(&endpoints, Endpoints.self)
    case Pod.resourceInfo.groupResource: update(&pods, Pod.self)
    case DestinationRule.resourceInfo.groupResource: update(&destinationRules, DestinationRule.self)
    case VirtualService.resourceInfo.groupResource: update(&virtualServices, VirtualService.self)
    default: return false
    }
    return true
  }

  var inputs: MeshInputs {
    func sorted<T>(_ map: [ObjectKey: T]) -> [T] {
      map.sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }.map(\.value)
    }
    return MeshInputs(
      services: sorted(services), endpoints: sorted(endpoints), pods: sorted(pods),
      destinationRules: sorted(destinationRules), virtualServices: sorted(virtualServices))
  }
}
