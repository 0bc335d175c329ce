/// Every kind the API serves, and the lookups the API server and the CLI need: by group
/// and kind, by `apiVersion` + `kind` (any served version), by the names kubectl accepts
/// (`po`, `pods`, `pod`, `deployments.apps`, `vs`), and a decoder that picks the type.
public enum APIRegistry {
  public static let kinds: [any APIObject.Type] = [
    Namespace.self, Node.self, Pod.self, Service.self, Endpoints.self, Event.self, ServiceAccount.self,
    ConfigMap.self, Secret.self, Deployment.self, ReplicaSet.self, EndpointSlice.self, DestinationRule.self, VirtualService.self,
  ]

  /// The kind in `group` (`""` for core) named `kind` (exact, as in manifests).
  public static func kind(group: String, kind: String) -> (any APIObject.Type)? {
    kinds.first { $0.resourceInfo.group == group && $0.resourceInfo.kind == kind }
  }

  /// The kind a manifest's `apiVersion` and `kind` name, if that version is served.
  public static func kind(apiVersion: String, kind: String) -> (any APIObject.Type)? {
    kinds.first { $0.resourceInfo.kind == kind && $0.resourceInfo.serves(apiVersion: apiVersion) }
  }

  /// The kind a command line names, case-insensitively: plural, singular, short name or
  /// kind, optionally followed by `.group` or `.version.group`
  /// (`pods`, `po`, `Pod`, `deployment.apps`, `deployments.v1.apps`, `vs`).
  public static func resource(named name: String) -> (any APIObject.Type)? {
    let lower = name.lowercased()
    func names(_ info: ResourceInfo) -> [String] {
      [info.plural, info.singular, info.kind.lowercased()] + info.shortNames
    }
    if let exact = kinds.first(where: { names($0.resourceInfo).contains(lower) }) { return exact }
    guard let dot = lower.firstIndex(of: ".") else { return nil }
    let resource = String(lower[..<dot])
    let qualifier = String(lower[lower.index(after: dot)...])
    return kinds.first { type in
      let info = type.resourceInfo
      guard names(info).contains(resource) else { return false }
      return qualifier == info.group || info.servedVersions.contains { qualifier == "\($0).\(info.group)" }
        || (info.group.isEmpty && info.servedVersions.contains(qualifier))
    }
  }

  /// Reads `apiVersion` and `kind` and strictly decodes the matching type. Unknown fields
  /// do not fail the decode; they come back by path for the caller to judge (kubectl's
  /// default is to reject them).
  public static func decodeObject(_ json: JSONValue) throws(ObjectDecodeError) -> (any APIObject, unknownFields: [String]) {
    let kind = json["kind"]?.stringValue ?? ""
    let apiVersion = json["apiVersion"]?.stringValue ?? ""
    if kind.isEmpty { throw .missingKind(json: json.sortedKeys.jsonString()) }
    if apiVersion.isEmpty { throw .missingAPIVersion(json: json.sortedKeys.jsonString()) }
    guard let type = self.kind(apiVersion: apiVersion, kind: kind) else {
      throw .noKindMatch(kind: kind, apiVersion: apiVersion)
    }
    func decode<T: APIObject>(_ type: T.Type) throws(JSONDecodeError) -> (any APIObject, [String]) {
      let result = try JSONValueDecoder().decode(T.self, from: json)
      return (result.value, result.unknownFields)
    }
    do {
      let (object, unknown) = try decode(type)
      return (object, unknownFields: unknown)
    } catch {
      throw .invalid(error, kind: kind, apiVersion: apiVersion)
    }
  }
}

/// Why a manifest did not decode into an object, worded as Kubernetes words it.
public enum ObjectDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `Object 'Kind' is missing in '{"apiVersion":"v1",...}'`.
  case missingKind(json: String)
  /// `Object 'apiVersion' is missing in '{"kind":"Pod",...}'`.
  case missingAPIVersion(json: String)
  /// `no matches for kind "Foo" in version "v1"`.
  case noKindMatch(kind: String, apiVersion: String)
  /// A value of the wrong type: `Deployment in version "v1" cannot be handled as a
  /// Deployment: json: cannot unmarshal string into Go struct field ...`.
  case invalid(JSONDecodeError, kind: String, apiVersion: String)

  public var description: String {
    switch self {
    case .missingKind(let json): return "Object 'Kind' is missing in '\(json)'"
    case .missingAPIVersion(let json): return "Object 'apiVersion' is missing in '\(json)'"
    case .noKindMatch(let kind, let apiVersion): return "no matches for kind \"\(kind)\" in version \"\(apiVersion)\""
    case .invalid(let error, let kind, let apiVersion):
      let version = splitAPIVersion(apiVersion).version
      return "\(kind) in version \"\(version)\" cannot be handled as a \(kind): \(error.message)"
    }
  }
}

extension JSONValue {
  /// The value with every object's keys sorted, as Go prints a decoded manifest back.
  var sortedKeys: JSONValue {
    switch self {
    case .object(let o):
      return .object(JSONObject(o.keys.sorted().map { ($0, o[$0]!.sortedKeys) }))
    case .array(let a):
      return .array(a.map(\.sortedKeys))
    default:
      return self
    }
  }
}
