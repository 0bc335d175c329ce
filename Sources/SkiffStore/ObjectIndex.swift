public import SkiffAPI

/// The objects in memory, indexed the ways reads need them: by key; by resource and
/// namespace, so a LIST reads only its own kind (not every object in the store); and by
/// owner uid, so the garbage collector finds an owner's dependents without a scan. Every
/// write goes through the key subscript, which keeps the indexes in step.
struct ObjectIndex {
  private var byResource: [GroupResource: [String: [String: StoredObject]]] = [:]
  private var byOwner: [String: Set<ObjectKey>] = [:]

  subscript(key: ObjectKey) -> StoredObject? {
    get { byResource[key.resource]?[key.namespace]?[key.name] }
    set {
      if let old = byResource[key.resource]?[key.namespace]?[key.name] {
        for uid in ObjectRegistry.ownerUIDs(old.object) {
          byOwner[uid]?.remove(key)
          if byOwner[uid]?.isEmpty == true { byOwner[uid] = nil }
        }
      }
      if let newValue {
        byResource[key.resource, default: [:]][key.namespace, default: [:]][key.name] = newValue
        for uid in ObjectRegistry.ownerUIDs(newValue.object) { byOwner[uid, default: []].insert(key) }
      } else {
        byResource[key.resource]?[key.namespace]?[key.name] = nil
        if byResource[key.resource]?[key.namespace]?.isEmpty == true { byResource[key.resource]?[key.namespace] = nil }
      }
    }
  }

  /// Objects of `resource` (in `namespace` when given), in no order: the caller sorts them
  /// (`sorted(_:)`) after letting go of the store's lock, so writers do not wait for it.
  func unsortedList(_ resource: GroupResource, namespace: String?) -> [StoredObject] {
    guard let namespaces = byResource[resource] else { return [] }
    if let namespace { return Array((namespaces[namespace] ?? [:]).values) }
    return namespaces.values.flatMap(\.values)
  }

  /// Sorted by namespace and name in byte order, as etcd keys sort (names are ASCII, and
  /// bytes compare faster than Strings).
  static func sorted(_ objects: [StoredObject]) -> [StoredObject] {
    objects.sorted { a, b in
      if a.key.namespace != b.key.namespace { return a.key.namespace.utf8.lexicographicallyPrecedes(b.key.namespace.utf8) }
      return a.key.name.utf8.lexicographicallyPrecedes(b.key.name.utf8)
    }
  }

  /// Objects whose ownerReferences name `uid`, sorted by key.
  func dependents(of uid: String) -> [StoredObject] {
    (byOwner[uid] ?? []).compactMap { self[$0] }
      .sorted { ($0.key.resource.description, $0.key.namespace, $0.key.name) < ($1.key.resource.description, $1.key.namespace, $1.key.name) }
  }
}
