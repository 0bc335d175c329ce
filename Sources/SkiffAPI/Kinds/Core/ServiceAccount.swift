/// An identity for the processes that run in pods: each pod runs as one service account of its namespace,
/// "default" unless it names another. On Skiff, every namespace gets its "default" service account
/// automatically, and the mesh gives each pod a SPIFFE identity made from its namespace and service account.
public struct ServiceAccount: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true,
    shortNames: ["sa"], hasStatus: false)

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "ServiceAccount". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The service account's name, namespace, labels, annotations and the fields the server maintains. The name
  /// must be a DNS subdomain.
  public var metadata: ObjectMeta
  /// Secrets of the namespace that pods running as this account may use. Kubernetes no longer creates token
  /// Secrets here; do not rely on finding one. On Skiff, the list is only stored.
  public var secrets: [ObjectReference]?
  /// Secrets holding container registry credentials, added to every pod that runs as this account. On Skiff,
  /// the list is stored but not used: it is not copied into pods.
  public var imagePullSecrets: [LocalObjectReference]?
  /// Whether pods that run as this account get an API token mounted automatically; a pod's own setting takes
  /// precedence. Defaults to true. On Skiff, no token is mounted into pods.
  public var automountServiceAccountToken: Bool?

  public init(metadata: ObjectMeta = ObjectMeta()) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
  }
}

extension ServiceAccount {
  public mutating func setDefaults() {}
}
