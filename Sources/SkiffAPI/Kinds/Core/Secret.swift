/// Sensitive data (passwords, tokens, keys) as key-value pairs, for pods to read as environment variables or
/// as files of a volume. On Skiff, secrets are stored like every other object, unencrypted, in the cluster's
/// data directory, which only root can read.
public struct Secret: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true, hasStatus: false)

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "Secret". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The secret's name, namespace, labels, annotations and the fields the server maintains. The name must be
  /// a DNS subdomain.
  public var metadata: ObjectMeta
  /// When true, data can no longer change, and immutable cannot be set back to false; only deleting the
  /// secret and creating it again does. Defaults to false.
  public var immutable: Bool?
  /// The secret's values as bytes, by key, base64-encoded in JSON. Keys consist of letters, digits, "-", "_"
  /// and "."; all values together may hold at most 1 MiB.
  /// ---
  /// Values are base64 in JSON, kept as the base64 text.
  public var data: [String: String]?
  /// Values given as plain text, by key, for convenience when writing a secret: the server encodes them into
  /// data (replacing a value of the same key there) and never returns stringData.
  public var stringData: [String: String]?
  /// What the secret holds, which decides the keys it must have: "Opaque" (the default, any keys),
  /// "kubernetes.io/tls" (tls.crt and tls.key), "kubernetes.io/dockerconfigjson" (.dockerconfigjson),
  /// "kubernetes.io/basic-auth" (username or password), "kubernetes.io/ssh-auth" (ssh-privatekey) and others.
  /// It cannot be changed after creation.
  public var type: String?

  public init(metadata: ObjectMeta = ObjectMeta(), data: [String: String]? = nil, type: String? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.data = data
    self.type = type
  }

  /// The decoded value of `key`, nil when absent or not base64.
  public func value(_ key: String) -> [UInt8]? {
    guard let text = data?[key] else { return nil }
    return try? Base64.decode(text)
  }
}

extension Secret {
  /// `SetDefaults_Secret` (type "Opaque"), and the v1 conversion's merge of `stringData`
  /// into `data`, which is why stringData is never stored or returned.
  public mutating func setDefaults() {
    if type?.isEmpty ?? true { type = "Opaque" }
    if let plain = stringData {
      var merged = data ?? [:]
      for (key, value) in plain { merged[key] = Base64.encode(Array(value.utf8)) }
      data = merged
      stringData = nil
    }
  }

  /// Go decodes `data` (`map[string][]byte`) from base64: a value that is not base64 fails
  /// the decoding of the whole request.
  public static func decodingProblem(_ body: JSONValue) -> String? {
    Base64Values.problem(body["data"])
  }
}

/// The check Go's JSON decoder makes on a `map[string][]byte` (Secret data, ConfigMap
/// binaryData): every value must be padded standard base64.
enum Base64Values {
  static func problem(_ map: JSONValue?) -> String? {
    guard case .object(let members)? = map else { return nil }
    for (_, value) in members.sorted(by: { $0.key < $1.key }) {
      guard let text = value.stringValue else { continue }
      do {
        _ = try Base64.decode(text)
      } catch {
        return "\(error)"
      }
    }
    return nil
  }
}
