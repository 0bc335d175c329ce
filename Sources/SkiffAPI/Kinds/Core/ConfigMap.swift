/// Configuration data that is not secret, as key-value pairs, for pods to read as environment variables or as
/// files of a volume.
public struct ConfigMap: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"],
    hasStatus: false)

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "ConfigMap". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The config map's name, namespace, labels, annotations and the fields the server maintains. The name must
  /// be a DNS subdomain.
  public var metadata: ObjectMeta
  /// When true, data and binaryData can no longer change, and immutable cannot be set back to false; only
  /// deleting the config map and creating it again does. Defaults to false.
  public var immutable: Bool?
  /// The configuration as UTF-8 text, by key. Keys consist of letters, digits, "-", "_" and "."; a key may not
  /// also appear in binaryData. Together, data and binaryData may hold at most 1 MiB.
  public var data: [String: String]?
  /// Configuration as bytes, by key, base64-encoded in JSON. Keys follow the rules of data and may not repeat
  /// one of its keys. On Skiff, binaryData is neither written into configMap volumes nor usable in environment
  /// variables.
  /// ---
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

  /// binaryData is `map[string][]byte` in Go: its values must be base64.
  public static func decodingProblem(_ body: JSONValue) -> String? {
    Base64Values.problem(body["binaryData"])
  }
}
