public import SkiffAPI
import Synchronization

/// Options of a write, as the API's query parameters give them.
public struct WriteOptions: Sendable {
  /// `fieldValidation`: what unknown fields do (the API server's default is Warn; kubectl and
  /// `skiff` send Strict).
  public enum FieldValidation: String, Sendable {
    case strict = "Strict", warn = "Warn", ignore = "Ignore"
  }

  /// Who makes a write that is not an apply, for `metadata.managedFields`.
  public struct FieldManager: Sendable, Equatable {
    /// `kubectl-edit`, `kube-controller-manager`.
    public var name: String
    /// The apiVersion the writer used (the request's); nil: the kind's.
    public var apiVersion: String?
    /// A subresource the write came through that the registry does not tell itself
    /// (`scale`); `status` is the update's own `subresource`.
    public var subresource: String?

    public init(_ name: String, apiVersion: String? = nil, subresource: String? = nil) {
      self.name = name
      self.apiVersion = apiVersion
      self.subresource = subresource
    }
  }

  public var fieldValidation: FieldValidation
  public var dryRun: Bool
  /// `metadata.managedFields` to store (server-side apply computes them).
  public var managedFields: [JSONValue]?
  /// The manager of a create or update, recorded as its `Update` entry in
  /// `metadata.managedFields` (``ManagedFields``), with the entries a client sends in the
  /// body honoured as the apiserver does. nil: the write is not recorded, the object keeps
  /// the entries it had, and the body's are ignored.
  public var fieldManager: FieldManager?

  public init(
    fieldValidation: FieldValidation = .warn, dryRun: Bool = false, managedFields: [JSONValue]? = nil,
    fieldManager: FieldManager? = nil
  ) {
    self.fieldValidation = fieldValidation
    self.dryRun = dryRun
    self.managedFields = managedFields
    self.fieldManager = fieldManager
  }
}

/// A successful write: the stored object and any warnings for the user.
public struct WriteResult: Sendable {
  public var object: StoredObject
  public var warnings: [String]
}

/// `DeleteOptions`: grace period, cascading policy, preconditions.
public struct DeleteOptions: Sendable {
  public enum Propagation: String, Sendable {
    case orphan = "Orphan", background = "Background", foreground = "Foreground"
  }

  public var gracePeriodSeconds: Int64?
  public var propagationPolicy: Propagation?
  public var preconditionUID: String?
  public var preconditionResourceVersion: String?
  public var dryRun: Bool

  public init(
    gracePeriodSeconds: Int64? = nil, propagationPolicy: Propagation? = nil, preconditionUID: String? = nil,
    preconditionResourceVersion: String? = nil, dryRun: Bool = false
  ) {
    self.gracePeriodSeconds = gracePeriodSeconds
    self.propagationPolicy = propagationPolicy
    self.preconditionUID = preconditionUID
    self.preconditionResourceVersion = preconditionResourceVersion
    self.dryRun = dryRun
  }
}

/// The API server's registry: everything a write goes through between the request and the
/// store, as Kubernetes' generic registry does it — strict decoding, defaulting, admission,
/// validation, system metadata (uid, timestamps, generation, resourceVersion), status kept
/// apart from spec, graceful deletion, finalizers and cascading policy.
///
/// The HTTP handlers, the controllers and the node agent all write through it, so the rules
/// hold whoever writes.
public final class ObjectRegistry: Sendable {
  public let store: ObjectStore
  public let kinds: [any APIObject.Type]
  private let admission = Mutex<[any AdmissionPlugin]>([])

  public init(store: ObjectStore, kinds: [any APIObject.Type]) {
    self.store = store
    self.kinds = kinds
  }

  /// Adds an admission plugin; plugins run in the order added.
  public func addAdmission(_ plugin: any AdmissionPlugin) {
    admission.withLock { $0.append(plugin) }
  }

  /// The kind stored under `resource`.
  public func kind(for resource: GroupResource) -> (any APIObject.Type)? {
    kinds.first { $0.resourceInfo.groupResource == resource }
  }

  /// The kind named `kind` in `group`.
  public func kind(group: String, kind: String) -> (any APIObject.Type)? {
    kinds.first { $0.resourceInfo.group == group && $0.resourceInfo.kind == kind }
  }

  static let namespacesResource = GroupResource(group: "", resource: "namespaces")

  // MARK: - Reading

  /// The object at `key`, or `NotFound`.
  public func get(_ info: ResourceInfo, namespace: String, name: String) throws(Status) -> StoredObject {
    guard let object = store.get(ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: name)) else {
      throw Status.notFound(info.groupResource, name)
    }
    return object
  }

  /// Objects of a kind, filtered by namespace and selectors.
  public func list(
    _ info: ResourceInfo, namespace: String?, labels: LabelSelectorQuery = .everything,
    fields: FieldSelectorQuery? = nil
  ) -> (items: [StoredObject], revision: Int64) {
    let (items, revision) = store.list(info.groupResource, namespace: info.namespaced ? namespace : nil)
    if labels.isEverything && fields == nil { return (items, revision) }
    let filtered = items.filter { labels.matches(object: $0.object) && (fields?.matches($0.object) ?? true) }
    return (filtered, revision)
  }

  /// A typed object, or nil.
  public func get<T: APIObject>(_ type: T.Type, namespace: String = "", name: String) -> T? {
    let info = T.resourceInfo
    guard let stored = store.get(ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: name)) else {
      return nil
    }
    return try? T.decode(from: stored.object).0
  }

  /// Typed objects of a kind.
  public func list<T: APIObject>(_ type: T.Type, namespace: String? = nil, labels: LabelSelectorQuery = .everything) -> [T] {
    list(T.resourceInfo, namespace: namespace, labels: labels).items.compactMap { try? T.decode(from: $0.object).0 }
  }

  // MARK: - Create

  /// Creates an object from a request body (JSON), in `namespace` for namespaced kinds.
  public func create(
    _ info: ResourceInfo, namespace: String, body: JSONValue, options: WriteOptions = WriteOptions()
  ) throws(Status) -> WriteResult {
    guard let type = kind(for: info.groupResource) else {
      throw Status.notFound(info.groupResource, "")
    }
    return try create(type, info: info, namespace: namespace, body: body, options: options)
  }

  /// Creates a typed object (controllers, the node agent), recorded for `manager` (default:
  /// the Kubernetes component that makes this write, ``componentManager(_:status:object:)``).
  @discardableResult
  public func create<T: APIObject>(
    _ object: T, options: WriteOptions = WriteOptions(fieldValidation: .strict), manager: String? = nil
  ) throws(Status) -> T {
    let body = object.storedJSON
    var options = options
    if options.fieldManager == nil {
      options.fieldManager = .init(manager ?? Self.componentManager(T.resourceInfo, status: false, object: body))
    }
    let result = try create(T.self, info: T.resourceInfo, namespace: object.metadata.namespace ?? "", body: body, options: options)
    return try Self.typed(T.self, result.object)
  }

  private func create<T: APIObject>(
    _ type: T.Type, info: ResourceInfo, namespace: String, body: JSONValue, options: WriteOptions
  ) throws(Status) -> WriteResult {
    var (object, warnings) = try decodeBody(T.self, info: info, body: body, options: options)
    if info.namespaced {
      if let given = object.metadata.namespace, !given.isEmpty, given != namespace {
        throw Status.badRequest("the namespace of the provided object does not match the namespace sent on the request")
      }
      object.metadata.namespace = namespace
      try requireNamespace(namespace, creating: info.groupResource, name: object.metadata.name ?? "")
    } else {
      object.metadata.namespace = nil
    }
    let now = Timestamp.now().wholeSeconds
    object.metadata.uid = newUID()
    object.metadata.creationTimestamp = now
    object.metadata.deletionTimestamp = nil
    object.metadata.deletionGracePeriodSeconds = nil
    object.metadata.resourceVersion = nil
    object.metadata.selfLink = nil
    let requestedManagedFields = object.metadata.managedFields
    object.metadata.managedFields = nil
    object.apiVersion = info.apiVersion
    object.kind = info.kind
    if (object.metadata.name ?? "").isEmpty, let prefix = object.metadata.generateName, !prefix.isEmpty {
      object.metadata.name = generatedName(prefix: prefix, info: info, namespace: namespace)
    }
    object.setDefaults()
    // The field manager sees the object as decoded and defaulted, before admission.
    if let managed = options.managedFields {
      object.metadata.managedFields = managed.isEmpty ? nil : managed
    } else if let manager = options.fieldManager {
      object.metadata.managedFields = ManagedFields.update(
        live: nil, new: object.storedJSON, requested: requestedManagedFields, manager: manager.name,
        apiVersion: manager.apiVersion ?? info.apiVersion, scope: .object(hasStatus: info.hasStatus),
        keys: Self.mergeKeys(info), time: now.rfc3339)
    }
    try validateManagedFields(object.metadata.managedFields, info: info, name: object.metadata.name ?? "")
    var erased: any APIObject = object
    try runAdmission(&erased, operation: .create, old: nil)
    guard var admitted = erased as? T else { throw Status.internalError("admission changed the kind of the object") }
    admitted.apiVersion = info.apiVersion
    admitted.kind = info.kind
    // Mutating admission's changes are defaulted like the request was (the API server
    // re-decodes a webhook's patched object): an injected container gets its defaults.
    admitted.setDefaults()
    if var pod = admitted as? Pod {
      pod.prepareForCreate()
      admitted = pod as! T
    }
    if let failure = admitted.admissionFailure(old: nil) { throw failure }
    warnings += admitted.warnings()
    var json = admitted.storedJSON
    RegistryStrategy.prepareForCreate(&json, info: info)
    let key = ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: admitted.metadata.name ?? "")
    if options.dryRun {
      return WriteResult(object: StoredObject(key: key, resourceVersion: 0, object: json), warnings: warnings)
    }
    do {
      return WriteResult(object: try store.create(key, json), warnings: warnings)
    } catch {
      throw Self.status(error, info: info, name: key.name)
    }
  }

  // MARK: - Update

  /// Replaces an object (PUT). `subresource` "status" writes only the status.
  public func update(
    _ info: ResourceInfo, namespace: String, name: String, body: JSONValue, subresource: String? = nil,
    options: WriteOptions = WriteOptions()
  ) throws(Status) -> WriteResult {
    guard let type = kind(for: info.groupResource) else { throw Status.notFound(info.groupResource, name) }
    // The update handler's `checkName`, before the object is looked up.
    if let given = body.value(at: ["metadata", "name"])?.stringValue, !given.isEmpty, given != name {
      throw Status.badRequest("the name of the object (\(given)) does not match the name on the URL (\(name))")
    }
    if info.namespaced, let given = body.value(at: ["metadata", "namespace"])?.stringValue, !given.isEmpty, given != namespace {
      throw Status.badRequest("the namespace of the object (\(given)) does not match the namespace on the request (\(namespace))")
    }
    return try update(type, info: info, namespace: namespace, name: name, subresource: subresource, options: options) { _ throws(Status) in body }
  }

  /// Reads the current object, lets `change` compute the new body from it (patches do this),
  /// and writes the result as an update, all without another write in between.
  public func update(
    _ info: ResourceInfo, namespace: String, name: String, subresource: String? = nil,
    options: WriteOptions = WriteOptions(), change: (JSONValue) throws(Status) -> JSONValue
  ) throws(Status) -> WriteResult {
    guard let type = kind(for: info.groupResource) else { throw Status.notFound(info.groupResource, name) }
    return try update(type, info: info, namespace: namespace, name: name, subresource: subresource, options: options, change: change)
  }

  /// Updates a typed object (controllers, node agent): the object's resourceVersion, when
  /// set, must be current. Recorded for `manager` (default: the Kubernetes component that
  /// makes this write, ``componentManager(_:status:object:)``).
  @discardableResult
  public func update<T: APIObject>(_ object: T, status: Bool = false, manager: String? = nil) throws(Status) -> T {
    let body = object.storedJSON
    let fieldManager = WriteOptions.FieldManager(manager ?? Self.componentManager(T.resourceInfo, status: status, object: body))
    let result = try update(
      T.self, info: T.resourceInfo, namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "",
      subresource: status ? "status" : nil, options: WriteOptions(fieldValidation: .strict, fieldManager: fieldManager)
    ) { _ throws(Status) in body }
    return try Self.typed(T.self, result.object)
  }

  /// Read-modify-write of a typed object, retried on conflicts: the way controllers update.
  /// Recorded for `manager` (default: ``componentManager(_:status:object:)``).
  @discardableResult
  public func modify<T: APIObject>(
    _ type: T.Type, namespace: String = "", name: String, status: Bool = false, manager: String? = nil,
    _ change: (inout T) throws -> Void
  ) throws -> T {
    let info = T.resourceInfo
    var fieldManager = manager.map { WriteOptions.FieldManager($0) }
    if fieldManager == nil, let current = store.get(ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: name)) {
      fieldManager = .init(Self.componentManager(info, status: status, object: current.object))
    }
    let result = try update(
      T.self, info: info, namespace: namespace, name: name, subresource: status ? "status" : nil,
      options: WriteOptions(fieldValidation: .strict, fieldManager: fieldManager)
    ) { current throws(Status) in
      do {
        var object = try T.decode(from: current).0
        try change(&object)
        return object.storedJSON
      } catch let status as Status {
        throw status
      } catch {
        throw Status.internalError(String(describing: error))
      }
    }
    return try Self.typed(T.self, result.object)
  }

  private func update<T: APIObject>(
    _ type: T.Type, info: ResourceInfo, namespace: String, name: String, subresource: String?,
    options: WriteOptions, change: (JSONValue) throws(Status) -> JSONValue
  ) throws(Status) -> WriteResult {
    let key = ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: name)
    var warnings: [String] = []
    var deleteAfter = false
    let stored: StoredObject
    do {
      stored = try store.guaranteedUpdate(key) { current in
        var body = try change(current.object)
        if subresource == "ephemeralcontainers" {
          // The subresource writes spec.ephemeralContainers and nothing else.
          var merged = current.object
          merged.setValue(body.value(at: ["spec", "ephemeralContainers"]), at: ["spec", "ephemeralContainers"])
          merged.setValue(body.value(at: ["metadata", "resourceVersion"]), at: ["metadata", "resourceVersion"])
          body = merged
        }
        var (object, bodyWarnings) = try decodeBody(T.self, info: info, body: body, options: options)
        warnings = bodyWarnings
        let (old, _) = try T.decode(from: current.object)
        if let name = object.metadata.name, !name.isEmpty, name != key.name {
          throw Status.badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        if let rv = object.metadata.resourceVersion, !rv.isEmpty, rv != String(current.resourceVersion) {
          throw Status.conflict(info.groupResource, key.name,
            "the object has been modified; please apply your changes to the latest version and try again")
        }
        if info.namespaced, let given = object.metadata.namespace, !given.isEmpty, given != namespace {
          throw Status.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        // System-owned metadata always comes from the stored object.
        object.metadata.name = key.name
        object.metadata.namespace = info.namespaced ? namespace : nil
        object.metadata.uid = old.metadata.uid
        object.metadata.creationTimestamp = old.metadata.creationTimestamp
        object.metadata.deletionTimestamp = old.metadata.deletionTimestamp
        object.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds
        object.metadata.generation = old.metadata.generation
        object.metadata.selfLink = nil
        let requestedManagedFields = object.metadata.managedFields
        object.metadata.managedFields = old.metadata.managedFields
        object.apiVersion = info.apiVersion
        object.kind = info.kind
        object.setDefaults()
        if var service = object as? Service, let oldService = old as? Service {
          service.prepareForUpdate(old: oldService)
          object = service as! T
        }
        // The field manager sees the object as decoded and defaulted, before admission.
        if let managed = options.managedFields {
          object.metadata.managedFields = managed.isEmpty ? nil : managed
        } else if let manager = options.fieldManager {
          let through = manager.subresource ?? subresource
          let scope: ManagedFields.Scope =
            through == "status" ? .status : through == "scale" ? .scale : .object(hasStatus: info.hasStatus)
          object.metadata.managedFields = ManagedFields.update(
            live: current.object, new: object.storedJSON, requested: requestedManagedFields, manager: manager.name,
            apiVersion: manager.apiVersion ?? info.apiVersion, subresource: through, scope: scope,
            keys: Self.mergeKeys(info), time: Timestamp.now().wholeSeconds.rfc3339)
        }
        let managedFields = object.metadata.managedFields
        try validateManagedFields(managedFields, info: info, name: key.name)
        var erased: any APIObject = object
        if subresource == nil {
          try runAdmission(&erased, operation: .update, old: old)
        }
        guard var admitted = erased as? T else { throw Status.internalError("admission changed the kind of the object") }
        if subresource == nil { admitted.setDefaults() }
        if let failure = admitted.admissionFailure(old: old) { throw failure }
        warnings += admitted.warnings()
        var json = admitted.storedJSON
        RegistryStrategy.prepareForUpdate(&json, old: current.object, info: info, subresource: subresource)
        if subresource == "status" {
          // A status write keeps the old metadata, but not the old field managers.
          json.setValue(managedFields.map { .array($0) }, at: ["metadata", "managedFields"])
        }
        var comparable = json
        comparable.setValue(current.object.value(at: ["metadata", "resourceVersion"]), at: ["metadata", "resourceVersion"])
        if comparable == current.object { return nil }  // a no-op write is not a write
        if options.dryRun { return nil }
        // Kubernetes' `ShouldDeleteDuringUpdate`: the last finalizer gone from an object being
        // deleted without a grace period. A pod in its grace period stays until the node
        // deletes it with grace 0, however often its status is written meanwhile.
        if json.value(at: ["metadata", "deletionTimestamp"]) != nil,
          (json.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).isEmpty,
          (current.object.value(at: ["metadata", "deletionGracePeriodSeconds"])?.intValue ?? 0) == 0
        {
          deleteAfter = true
        }
        return json
      }
    } catch let status as Status {
      throw status
    } catch {
      throw Self.status(error, info: info, name: name)
    }
    if deleteAfter {
      // The last finalizer is gone from an object being deleted: it goes now.
      do {
        let deleted = try store.delete(key, expectedRevision: stored.resourceVersion)
        return WriteResult(object: deleted, warnings: warnings)
      } catch {
        throw Self.status(error, info: info, name: name)
      }
    }
    return WriteResult(object: stored, warnings: warnings)
  }

  // MARK: - Delete

  /// Deletes an object as Kubernetes does: objects with finalizers (and namespaces, and pods
  /// that are running) get a deletionTimestamp and go later; the rest go now. Returns the
  /// object as it was last stored.
  @discardableResult
  public func delete(
    _ info: ResourceInfo, namespace: String, name: String, options: DeleteOptions = DeleteOptions()
  ) throws(Status) -> StoredObject {
    let key = ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: name)
    guard let current = store.get(key) else { throw Status.notFound(info.groupResource, name) }
    if let uid = options.preconditionUID, uid != current.object.metadataString("uid") {
      throw Status.conflict(info.groupResource, name,
        "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.object.metadataString("uid") ?? "")")
    }
    if let rv = options.preconditionResourceVersion, rv != String(current.resourceVersion) {
      throw Status.conflict(info.groupResource, name,
        "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(current.resourceVersion)")
    }
    if options.dryRun { return current }
    let policy = options.propagationPolicy ?? .background
    if policy == .orphan { orphanDependents(of: current) }
    var finalizers = (current.object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).compactMap(\.stringValue)
    if policy == .foreground && !finalizers.contains("foregroundDeletion") && hasDependents(current) {
      finalizers.append("foregroundDeletion")
    }
    let grace = RegistryStrategy.gracePeriod(current.object, info: info, requested: options.gracePeriodSeconds)
    let isNamespace = info.groupResource == Self.namespacesResource
    let needsDeferral = !finalizers.isEmpty || isNamespace || (grace ?? 0) > 0
    if !needsDeferral {
      do {
        return try store.delete(key)
      } catch {
        throw Self.status(error, info: info, name: name)
      }
    }
    do {
      return try store.guaranteedUpdate(key) { stored in
        var json = stored.object
        let alreadyDeleting = json.value(at: ["metadata", "deletionTimestamp"]) != nil
        if alreadyDeleting && grace == nil && finalizers == (json.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).compactMap(\.stringValue) {
          return nil
        }
        let now = Timestamp.now().wholeSeconds
        if !alreadyDeleting || (grace != nil && (json.value(at: ["metadata", "deletionGracePeriodSeconds"])?.intValue ?? Int64.max) > grace!) {
          json.setValue(.string(now.adding(seconds: grace ?? 0).rfc3339), at: ["metadata", "deletionTimestamp"])
          if let grace { json.setValue(.int(grace), at: ["metadata", "deletionGracePeriodSeconds"]) }
        }
        json.setValue(finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) }), at: ["metadata", "finalizers"])
        if isNamespace { json.setValue("Terminating", at: ["status", "phase"]) }
        return json
      }
    } catch {
      throw Self.status(error, info: info, name: name)
    }
  }

  /// Deletes a typed object (controllers, node agent). Missing objects are not an error.
  public func delete<T: APIObject>(_ type: T.Type, namespace: String = "", name: String, options: DeleteOptions = DeleteOptions()) throws(Status) {
    do {
      try delete(T.resourceInfo, namespace: namespace, name: name, options: options)
    } catch where error.code == 404 {
      return
    }
  }

  // MARK: - Field managers

  /// The manager of a typed write by one of Skiff's own components, named as the Kubernetes
  /// component that makes that write: the node agent is `kubelet` (nodes, pod status, its
  /// events), the scheduler's events `kube-scheduler`, the namespaces and services the
  /// daemon bootstraps `kube-apiserver`, and the controllers `kube-controller-manager`.
  public static func componentManager(_ info: ResourceInfo, status: Bool, object: JSONValue) -> String {
    switch (info.group, info.kind) {
    case ("", "Node"): return "kubelet"
    case ("", "Pod") where status: return "kubelet"
    case ("", "Event"):
      switch object.value(at: ["source", "component"])?.stringValue ?? object["reportingComponent"]?.stringValue {
      case "kubelet": return "kubelet"
      case "default-scheduler": return "kube-scheduler"
      default: return "kube-controller-manager"
      }
    case ("", "Namespace"), ("", "Service"): return "kube-apiserver"
    default: return "kube-controller-manager"
    }
  }

  static func mergeKeys(_ info: ResourceInfo) -> MergeKeys {
    MergeKeys.for(group: info.group, kind: info.kind) ?? MergeKeys()
  }

  /// The entries an object is stored with must be valid ones (`ValidateManagedFields`): a
  /// manager name a client wrote in them may be too long or unprintable.
  func validateManagedFields(_ entries: [JSONValue]?, info: ResourceInfo, name: String) throws(Status) {
    let errors = ManagedFields.validate(entries ?? [])
    if !errors.isEmpty { throw Status.invalid(kind: info.kind, group: info.group, name: name, errors) }
  }

  // MARK: - Internals

  func decodeBody<T: APIObject>(
    _ type: T.Type, info: ResourceInfo, body: JSONValue, options: WriteOptions
  ) throws(Status) -> (T, [String]) {
    guard case .object = body else {
      throw Status.badRequest("\(info.kind) in version \"\(info.version)\" cannot be handled as a \(info.kind): json: cannot unmarshal \(body.typeName) into Go value of type struct")
    }
    if let kind = body["kind"]?.stringValue, !kind.isEmpty, kind != info.kind {
      throw Status.badRequest("the kind of the provided object (\(kind)) does not match the kind of the request (\(info.kind))")
    }
    if let apiVersion = body["apiVersion"]?.stringValue, !apiVersion.isEmpty, !info.serves(apiVersion: apiVersion) {
      throw Status.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(info.apiVersion))")
    }
    let prefix = "\(info.kind) in version \"\(info.version)\" cannot be handled as a \(info.kind): "
    do {
      if let message = T.decodingProblem(body) { throw Status.badRequest(prefix + message) }
      var (object, unknown) = try T.decode(from: body)
      // `managedFields` are JSON to the decoder; their entries are checked as Go decodes them.
      let managedFields = body.value(at: ["metadata", "managedFields"])
      if let message = ManagedFields.decodingError(managedFields) { throw Status.badRequest(prefix + message) }
      unknown += ManagedFields.unknownFields(managedFields)
      if unknown.isEmpty || options.fieldValidation == .ignore { return (object, []) }
      let messages = unknown.map { "unknown field \"\($0)\"" }
      if options.fieldValidation == .strict {
        throw Status.badRequest(prefix + "strict decoding error: " + messages.joined(separator: ", "))
      }
      return (object, messages)
    } catch let status as Status {
      throw status
    } catch {
      throw Status.badRequest(prefix + String(describing: error))
    }
  }

  /// The NamespaceLifecycle admission plugin: no content in a namespace that does not exist
  /// or is being terminated (`configmaps "x" is forbidden: unable to create ...`).
  func requireNamespace(_ namespace: String, creating resource: GroupResource, name: String) throws(Status) {
    guard let ns = store.get(ObjectKey(Self.namespacesResource, namespace: "", name: namespace)) else {
      throw Status.notFound(Self.namespacesResource, namespace)
    }
    if ns.object.value(at: ["metadata", "deletionTimestamp"]) != nil {
      let why = "unable to create new content in namespace \(namespace) because it is being terminated"
      throw Status(code: 403, reason: "Forbidden",
        message: name.isEmpty ? "\(resource) is forbidden: \(why)" : "\(resource) \"\(name)\" is forbidden: \(why)",
        details: StatusDetails(name: name.isEmpty ? nil : name, group: resource.group, kind: resource.resource))
    }
  }

  func runAdmission(_ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?) throws(Status) {
    for plugin in admission.withLock({ $0 }) {
      try plugin.admit(&object, operation: operation, old: old, registry: self)
    }
  }

  func generatedName(prefix: String, info: ResourceInfo, namespace: String) -> String {
    let base = String(prefix.prefix(58))
    while true {
      let name = base + randomSuffix(5)
      if store.get(ObjectKey(info.groupResource, namespace: info.namespaced ? namespace : "", name: name)) == nil {
        return name
      }
    }
  }

  func hasDependents(_ owner: StoredObject) -> Bool {
    guard let uid = owner.object.metadataString("uid") else { return false }
    return !store.dependents(ofOwner: uid).isEmpty
  }

  func orphanDependents(of owner: StoredObject) {
    guard let uid = owner.object.metadataString("uid") else { return }
    for dependent in store.dependents(ofOwner: uid) {
      _ = try? store.guaranteedUpdate(dependent.key) { current in
        var json = current.object
        let kept = (json.value(at: ["metadata", "ownerReferences"])?.arrayValue ?? []).filter { $0["uid"]?.stringValue != uid }
        json.setValue(kept.isEmpty ? nil : .array(kept), at: ["metadata", "ownerReferences"])
        return json
      }
    }
  }

  /// The uids of an object's owners.
  public static func ownerUIDs(_ object: JSONValue) -> [String] {
    (object.value(at: ["metadata", "ownerReferences"])?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
  }

  static func typed<T: APIObject>(_ type: T.Type, _ stored: StoredObject) throws(Status) -> T {
    do {
      return try T.decode(from: stored.object).0
    } catch {
      throw Status.internalError("stored \(T.resourceInfo.kind) does not decode: \(error)")
    }
  }

  static func status(_ error: any Error, info: ResourceInfo, name: String) -> Status {
    if let status = error as? Status { return status }
    switch error as? StoreError {
    case .notFound?: return Status.notFound(info.groupResource, name)
    case .alreadyExists?: return Status.alreadyExists(info.groupResource, name)
    case .conflict?:
      return Status.conflict(info.groupResource, name,
        "the object has been modified; please apply your changes to the latest version and try again")
    case .tooOld(let requested, let oldest)?:
      return Status.gone("too old resource version: \(requested) (\(oldest))")
    case .storage(let message)?: return Status.internalError(message)
    case nil: return Status.internalError(String(describing: error))
    }
  }
}

/// The 27 characters Kubernetes uses for generated names and hashes (no vowels, no 0/1/3).
public let kubernetesAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

/// `n` random characters from Kubernetes' alphabet (`j2p9r`).
public func randomSuffix(_ n: Int) -> String {
  var generator = SystemRandomNumberGenerator()
  return String((0..<n).map { _ in kubernetesAlphabet[Int(generator.next() % UInt64(kubernetesAlphabet.count))] })
}

/// A random (version 4) UUID in its text form.
public func newUID() -> String {
  var generator = SystemRandomNumberGenerator()
  var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
  let h = Array(hex)
  return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-" + String(h[20..<32])
}
