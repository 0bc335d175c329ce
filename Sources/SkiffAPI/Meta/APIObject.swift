/// What the API knows about one kind of object: its names in REST paths, discovery and
/// the command line.
public struct ResourceInfo: Sendable, Hashable {
  /// API group; "" for the core group (`v1`).
  public var group: String
  /// The version objects are stored and returned in.
  public var version: String
  /// Every version served (Istio kinds: `v1`, `v1beta1`, `v1alpha3`).
  public var servedVersions: [String]
  public var kind: String
  /// The resource name in paths: `pods`, `deployments`, `virtualservices`.
  public var plural: String
  public var singular: String
  public var namespaced: Bool
  public var shortNames: [String]
  public var categories: [String]
  /// Whether the kind has a `status` subresource (writes to the main resource keep status).
  public var hasStatus: Bool
  /// What discovery says can be done: everything for stored kinds, `create` alone for
  /// request-only resources (access reviews).
  public var verbs: [String]

  public static let storedVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

  public init(
    group: String, version: String, servedVersions: [String]? = nil, kind: String, plural: String,
    singular: String? = nil, namespaced: Bool, shortNames: [String] = [], categories: [String] = [],
    hasStatus: Bool = true, verbs: [String] = ResourceInfo.storedVerbs
  ) {
    self.group = group
    self.version = version
    self.servedVersions = servedVersions ?? [version]
    self.kind = kind
    self.plural = plural
    self.singular = singular ?? kind.lowercased()
    self.namespaced = namespaced
    self.shortNames = shortNames
    self.categories = categories
    self.hasStatus = hasStatus
    self.verbs = verbs
  }

  /// `v1`, `apps/v1`, `networking.istio.io/v1`.
  public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

  /// `pods`, `deployments.apps`: how errors name the resource.
  public var groupResource: GroupResource { GroupResource(group: group, resource: plural) }

  /// `pod`, `deployment.apps`: how kubectl's success lines name the kind.
  public var kindDotGroup: String {
    group.isEmpty ? kind.lowercased() : "\(kind.lowercased()).\(group)"
  }

  /// Whether `apiVersion` (`apps/v1`) names a served version of this kind's group.
  public func serves(apiVersion: String) -> Bool {
    let (g, v) = splitAPIVersion(apiVersion)
    return g == group && servedVersions.contains(v)
  }
}

/// `apps/v1` → ("apps", "v1"); `v1` → ("", "v1").
public func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
  guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
  return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
}

/// A kind the API serves: a Codable object with `metadata`, Kubernetes defaulting, and
/// validation kept separate from it (as in kubernetes `pkg/apis/*/defaults.go` vs
/// `validation.go`).
public protocol APIObject: Codable, Sendable {
  static var resourceInfo: ResourceInfo { get }
  var apiVersion: String? { get set }
  var kind: String? { get set }
  var metadata: ObjectMeta { get set }

  /// Fills unset fields with Kubernetes' defaults. Idempotent.
  mutating func setDefaults()

  /// Every validation error of the object, with field paths. `old` is the stored object
  /// when this is an update (immutable fields are checked against it).
  func validate(old: Self?) -> [FieldError]

  /// Warnings to show the user without rejecting the object (`nodeSelector` is ignored ...).
  func warnings() -> [String]

  /// Why Go's decoder would refuse the request body beyond what the Swift decoder checks
  /// (base64 in `[]byte` values), as its message; nil when it decodes.
  static func decodingProblem(_ body: JSONValue) -> String?
}

extension APIObject {
  public func warnings() -> [String] { [] }
  public static func decodingProblem(_ body: JSONValue) -> String? { nil }
}
