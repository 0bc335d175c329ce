/// `metadata` of every object (k8s.io/apimachinery `ObjectMeta`), field for field.
public struct ObjectMeta: Codable, Sendable, Equatable {
  public var name: String?
  public var generateName: String?
  public var namespace: String?
  public var selfLink: String?
  public var uid: String?
  public var resourceVersion: String?
  public var generation: Int64?
  public var creationTimestamp: Timestamp?
  public var deletionTimestamp: Timestamp?
  public var deletionGracePeriodSeconds: Int64?
  public var labels: [String: String]?
  public var annotations: [String: String]?
  public var ownerReferences: [OwnerReference]?
  public var finalizers: [String]?
  public var managedFields: [JSONValue]?

  public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil) {
    self.name = name
    self.namespace = namespace
    self.labels = labels
  }
}

/// An owner of an object (`metadata.ownerReferences[]`): garbage collection follows these.
public struct OwnerReference: Codable, Sendable, Equatable {
  public var apiVersion: String
  public var kind: String
  public var name: String
  public var uid: String
  public var controller: Bool?
  public var blockOwnerDeletion: Bool?

  public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = true, blockOwnerDeletion: Bool? = true) {
    self.apiVersion = apiVersion
    self.kind = kind
    self.name = name
    self.uid = uid
    self.controller = controller
    self.blockOwnerDeletion = blockOwnerDeletion
  }
}

/// `metadata` of a list (`resourceVersion`, `continue`).
public struct ListMeta: Codable, Sendable, Equatable {
  public var resourceVersion: String?
  public var `continue`: String?
  public var remainingItemCount: Int64?

  public init(resourceVersion: String? = nil) {
    self.resourceVersion = resourceVersion
  }
}

/// A label selector (`matchLabels` and `matchExpressions`), as Deployments and
/// ReplicaSets use.
public struct LabelSelector: Codable, Sendable, Equatable {
  public var matchLabels: [String: String]?
  public var matchExpressions: [LabelSelectorRequirement]?

  public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
    self.matchLabels = matchLabels
    self.matchExpressions = matchExpressions
  }

  /// Whether `labels` satisfy every requirement. An empty selector matches everything.
  public func matches(_ labels: [String: String]) -> Bool {
    for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
    for requirement in matchExpressions ?? [] where !requirement.matches(labels) { return false }
    return true
  }

  /// `app=x,version=v1`, as kubectl prints selectors.
  public var text: String {
    var parts = (matchLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    for r in matchExpressions ?? [] {
      let values = (r.values ?? []).sorted().joined(separator: ",")
      switch r.operator {
      case "In": parts.append("\(r.key) in (\(values))")
      case "NotIn": parts.append("\(r.key) notin (\(values))")
      case "Exists": parts.append(r.key)
      case "DoesNotExist": parts.append("!\(r.key)")
      default: parts.append("\(r.key) \(r.operator) (\(values))")
      }
    }
    return parts.joined(separator: ",")
  }
}

public struct LabelSelectorRequirement: Codable, Sendable, Equatable {
  public var key: String
  public var `operator`: String
  public var values: [String]?

  public init(key: String, operator op: String, values: [String]? = nil) {
    self.key = key
    self.operator = op
    self.values = values
  }

  public func matches(_ labels: [String: String]) -> Bool {
    switch self.operator {
    case "In": return labels[key].map { (values ?? []).contains($0) } ?? false
    case "NotIn": return labels[key].map { !(values ?? []).contains($0) } ?? true
    case "Exists": return labels[key] != nil
    case "DoesNotExist": return labels[key] == nil
    default: return false
    }
  }
}
