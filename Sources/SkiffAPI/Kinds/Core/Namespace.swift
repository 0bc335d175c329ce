/// A scope for names: most objects live in a namespace, and their names need only be unique within it. Deleting
/// a namespace deletes everything in it. Namespaces are cluster-scoped.
public struct Namespace: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"])

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "Namespace". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The namespace's name, labels, annotations and the fields the server maintains. The name must be a DNS
  /// label; the server adds the label "kubernetes.io/metadata.name" with the name as its value.
  public var metadata: ObjectMeta
  /// The desired behaviour of the namespace: the finalizers that must finish before it goes.
  public var spec: NamespaceSpec?
  /// The observed state of the namespace: whether it is active or being deleted.
  public var status: NamespaceStatus?

  public init(name: String, labels: [String: String]? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = ObjectMeta(name: name, labels: labels)
  }
}

/// The desired behaviour of a namespace.
public struct NamespaceSpec: Codable, Sendable, Equatable {
  /// Finalizers that must be removed before the namespace itself is deleted. The server adds "kubernetes", which
  /// the namespace controller removes once everything in the namespace is gone. On Skiff, the namespace
  /// controller deletes an empty namespace without looking at this list (or at metadata.finalizers).
  public var finalizers: [String]?

  public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
}

/// The observed state of a namespace.
public struct NamespaceStatus: Codable, Sendable, Equatable {
  /// "Active" while the namespace is in use, or "Terminating" once it has been deleted and while its contents are
  /// being removed; no new objects can be created in a terminating namespace. Defaults to "Active".
  public var phase: String?
  /// The state of the namespace's deletion, such as content or finalizers that remain. On Skiff, none are
  /// reported.
  public var conditions: [NamespaceCondition]?

  public init(phase: String? = nil) { self.phase = phase }
}

/// One aspect of a namespace's deletion and whether it currently holds.
public struct NamespaceCondition: Codable, Sendable, Equatable {
  /// The aspect the condition is about, such as "NamespaceContentRemaining" or "NamespaceFinalizersRemaining".
  public var type: String
  /// Whether the condition holds: "True", "False" or "Unknown".
  public var status: String
  /// When the condition's status last changed.
  public var lastTransitionTime: Timestamp?
  /// A short CamelCase word saying why the condition has its status.
  public var reason: String?
  /// A human-readable explanation of the status.
  public var message: String?

  public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
    self.type = type
    self.status = status
    self.reason = reason
    self.message = message
  }
}
