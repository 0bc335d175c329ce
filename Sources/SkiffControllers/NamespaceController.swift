public import SkiffAPI
public import SkiffStore

/// Namespace lifecycle, as kubernetes `pkg/controller/namespace`: a namespace being deleted
/// (`Terminating`) has everything in it deleted; once nothing is left it goes itself. Also
/// gives every namespace its `default` ServiceAccount.
public struct NamespaceController: Reconciler {
  public let name = "namespace-controller"
  let registry: ObjectRegistry

  public init(registry: ObjectRegistry) {
    self.registry = registry
  }

  static let namespaces = Namespace.resourceInfo.groupResource

  public var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] {
    var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] = [
      (Self.namespaces, { [$0.key] })
    ]
    // Anything deleted inside a terminating namespace may let it finish.
    for kind in registry.kinds where kind.resourceInfo.namespaced {
      triggers.append((kind.resourceInfo.groupResource, { event in
        event.type == .deleted ? [ObjectKey(Self.namespaces, namespace: "", name: event.key.namespace)] : []
      }))
    }
    return triggers
  }

  public func allKeys() -> [ObjectKey] { registry.store.list(Self.namespaces).items.map(\.key) }

  public func reconcile(_ key: ObjectKey) async throws {
    guard let namespace = registry.get(Namespace.self, name: key.name) else { return }
    if namespace.metadata.deletionTimestamp == nil {
      if registry.get(ServiceAccount.self, namespace: key.name, name: "default") == nil {
        _ = try? registry.create(ServiceAccount(metadata: ObjectMeta(name: "default", namespace: key.name)))
      }
      return
    }
    var remaining = 0
    for kind in registry.kinds where kind.resourceInfo.namespaced {
      let info = kind.resourceInfo
      for item in registry.store.list(info.groupResource, namespace: key.name).items {
        remaining += 1
        if item.object.value(at: ["metadata", "deletionTimestamp"]) == nil {
          _ = try? registry.delete(info, namespace: key.name, name: item.key.name, options: DeleteOptions(propagationPolicy: .background))
        }
      }
    }
    if remaining == 0 {
      _ = try? registry.store.delete(ObjectKey(Self.namespaces, namespace: "", name: key.name))
    }
  }
}

