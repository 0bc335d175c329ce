public import SkiffAPI
public import SkiffStore

/// Cascading deletion by ownerReferences, as kubernetes `pkg/controller/garbagecollector`:
/// an object whose owners are all gone is deleted (background cascade); an owner being
/// deleted in the foreground waits, with its `foregroundDeletion` finalizer, until its
/// dependents are gone.
public struct GarbageCollector: Reconciler {
  public let name = "garbage-collector"
  let registry: ObjectRegistry

  public init(registry: ObjectRegistry) {
    self.registry = registry
  }

  public var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] {
    let registry = self.registry
    return registry.kinds.map { kind in
      (kind.resourceInfo.groupResource, { event in
        var keys = [event.key]
        // A deleted or deleting owner: look at its dependents.
        if event.type == .deleted || event.object.object.value(at: ["metadata", "deletionTimestamp"]) != nil,
          let uid = event.object.object.metadataString("uid")
        {
          keys += Self.dependents(of: uid, namespace: event.key.namespace, registry: registry).map(\.key)
        }
        return keys
      })
    }
  }

  public func allKeys() -> [ObjectKey] {
    registry.kinds.flatMap { kind in
      registry.store.list(kind.resourceInfo.groupResource).items.filter {
        !ObjectRegistry.ownerUIDs($0.object).isEmpty
          || ($0.object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).contains("foregroundDeletion")
      }.map(\.key)
    }
  }

  /// The objects that name `uid` as an owner, from the store's owner index (a scan of every
  /// kind per deleted object made deleting N objects O(N²)). A namespaced owner's dependents
  /// are in its namespace; a cluster-scoped owner's may be anywhere.
  static func dependents(of uid: String, namespace: String, registry: ObjectRegistry) -> [StoredObject] {
    registry.store.dependents(ofOwner: uid).filter { namespace.isEmpty || $0.key.namespace == namespace || $0.key.namespace.isEmpty }
  }

  public func reconcile(_ key: ObjectKey) async throws {
    guard let stored = registry.store.get(key), let info = registry.kind(for: key.resource)?.resourceInfo else { return }
    let object = stored.object
    let finalizers = (object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).compactMap(\.stringValue)
    if finalizers.contains("foregroundDeletion"), object.value(at: ["metadata", "deletionTimestamp"]) != nil,
      let uid = object.metadataString("uid")
    {
      let dependents = Self.dependents(of: uid, namespace: key.namespace, registry: registry)
      if dependents.isEmpty {
        // Recorded as the garbage collector's component, as its metadata patch is.
        let manager = WriteOptions(fieldManager: WriteOptions.FieldManager("kube-controller-manager"))
        _ = try registry.update(info, namespace: key.namespace, name: key.name, options: manager) { current throws(Status) in
          var json = current
          let kept = finalizers.filter { $0 != "foregroundDeletion" }
          json.setValue(kept.isEmpty ? nil : .array(kept.map { .string($0) }), at: ["metadata", "finalizers"])
          return json
        }
      } else {
        for dependent in dependents where dependent.object.value(at: ["metadata", "deletionTimestamp"]) == nil {
          if let dependentInfo = registry.kind(for: dependent.key.resource)?.resourceInfo {
            _ = try? registry.delete(dependentInfo, namespace: dependent.key.namespace, name: dependent.key.name,
                                     options: DeleteOptions(propagationPolicy: .foreground))
          }
        }
      }
      return
    }
    let owners = object.value(at: ["metadata", "ownerReferences"])?.arrayValue ?? []
    guard !owners.isEmpty, object.value(at: ["metadata", "deletionTimestamp"]) == nil else { return }
    let allGone = owners.allSatisfy { ref in
      guard let uid = ref["uid"]?.stringValue, let kind = ref["kind"]?.stringValue,
        let apiVersion = ref["apiVersion"]?.stringValue, let name = ref["name"]?.stringValue
      else { return true }
      let group = splitAPIVersion(apiVersion).group
      guard let ownerKind = registry.kind(group: group, kind: kind) else { return true }
      let ownerInfo = ownerKind.resourceInfo
      let ownerKey = ObjectKey(ownerInfo.groupResource, namespace: ownerInfo.namespaced ? key.namespace : "", name: name)
      guard let owner = registry.store.get(ownerKey) else { return true }
      return owner.object.metadataString("uid") != uid
    }
    if allGone {
      _ = try? registry.delete(info, namespace: key.namespace, name: key.name, options: DeleteOptions(propagationPolicy: .background))
    }
  }
}
