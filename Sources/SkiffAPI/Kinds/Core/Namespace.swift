/// A namespace (core/v1): a scope for names. Cluster-scoped.
public struct Namespace: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: NamespaceSpec?
  public var status: NamespaceStatus?

  public init(name: String, labels: [String: String]? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = ObjectMeta(name: name, labels: labels)
  }
}

public struct NamespaceSpec: Codable, Sendable, Equatable {
  /// Finalizers that must be removed before the namespace goes (`kubernetes`).
  public var finalizers: [String]?

  public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
}

public struct NamespaceStatus: Codable, Sendable, Equatable {
  /// `Active` or `Terminating`.
  public var phase: String?
  public var conditions: [NamespaceCondition]?

  public init(phase: String? = nil) { self.phase = phase }
}

public struct NamespaceCondition: Codable, Sendable, Equatable {
  public var type: String
  public var status: String
  public var lastTransitionTime: Timestamp?
  public var reason: String?
  public var message: String?

  public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
    self.type = type
    self.status = status
    self.reason = reason
    self.message = message
  }
}
