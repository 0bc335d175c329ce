/// A config map (core/v1): string and binary data for pods to read.
public struct ConfigMap: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"],
    hasStatus: false)

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var immutable: Bool?
  public var data: [String: String]?
  /// Values are base64 in JSON, kept as the base64 text.
  public var binaryData: [String: String]?

  public init(metadata: ObjectMeta = ObjectMeta(), data: [String: String]? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.data = data
  }
}

extension ConfigMap {
  /// Kubernetes sets `data` to an empty map, which its JSON leaves out: nothing to do.
  public mutating func setDefaults() {}
}
