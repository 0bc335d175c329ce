/// A service account (core/v1): the identity pods run as (and, in the mesh, their SPIFFE
/// identity).
public struct ServiceAccount: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true,
    shortNames: ["sa"], hasStatus: false)

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var secrets: [ObjectReference]?
  public var imagePullSecrets: [LocalObjectReference]?
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
