/// The metadata every stored object has: its name and namespace, labels and annotations, owners and
/// finalizers, and the fields the server maintains, such as its UID and version.
/// ---
/// k8s.io/apimachinery ObjectMeta, field for field.
public struct ObjectMeta: Codable, Sendable, Equatable {
  /// The name of the object, unique among the objects of its kind in its namespace (or in the cluster, for a
  /// cluster-scoped kind). Required when creating, unless generateName is given; it cannot be changed. Most kinds
  /// require a DNS subdomain: lowercase letters, digits, "-" and ".".
  public var name: String?
  /// A prefix from which the server makes a unique name when name is empty, by appending five random
  /// characters. It is used only at creation and only when name is not given.
  public var generateName: String?
  /// The namespace the object lives in, a DNS label; empty for cluster-scoped objects. When creating, it
  /// defaults to the namespace of the request; it cannot be changed.
  public var namespace: String?
  /// Deprecated: once the URL of the object. The server leaves it empty.
  public var selfLink: String?
  /// A unique ID the server gives the object when it is created, which tells it apart from earlier or later
  /// objects of the same name. Read-only.
  public var uid: String?
  /// An opaque value that changes whenever the object changes. Clients send it back to make a write fail when
  /// the object changed meanwhile, and to start watches from a known point. Read-only; do not interpret it.
  public var resourceVersion: String?
  /// A counter of changes to the desired state: the server sets it to 1 at creation and raises it each time the
  /// spec changes. Read-only.
  public var generation: Int64?
  /// When the server created the object, in UTC. Read-only.
  public var creationTimestamp: Timestamp?
  /// When the object is to be deleted. The server sets it when a deletion is requested but the object cannot go
  /// at once: its finalizers must be removed first, or (for a pod) its containers must stop within the grace
  /// period. Read-only; once set, it is not unset.
  public var deletionTimestamp: Timestamp?
  /// The number of seconds the object has to shut down before it is removed, set together with
  /// deletionTimestamp. Read-only.
  public var deletionGracePeriodSeconds: Int64?
  /// Key-value pairs to organize and select objects: the selectors of services and deployments, and kubectl -l,
  /// match them. A key is a name of at most 63 characters with an optional DNS subdomain prefix and "/"; a value
  /// has at most 63 characters.
  public var labels: [String: String]?
  /// Key-value pairs holding any data for tools and people to read; they cannot be selected on. Keys follow the
  /// rules of label keys; keys and values together hold at most 256 KiB.
  public var annotations: [String: String]?
  /// The objects this one belongs to. When all of its owners are gone, the garbage collector deletes the object;
  /// at most one owner can be the controller that manages it.
  public var ownerReferences: [OwnerReference]?
  /// Names of tasks that must be done before the object is removed: deleting it only sets deletionTimestamp,
  /// and the object goes once the list is empty. A name without "/" must be one of Kubernetes' own:
  /// "kubernetes", "orphan" or "foregroundDeletion". On Skiff, nothing acts on an "orphan" finalizer: it stays
  /// until someone removes it.
  public var finalizers: [String]?
  /// Which field manager (client) set which fields, and when, as server-side apply tracks them. Written by the
  /// server.
  /// ---
  /// Kept as JSON: the registry's ManagedFields computes and validates the entries.
  public var managedFields: [JSONValue]?

  public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil) {
    self.name = name
    self.namespace = namespace
    self.labels = labels
  }
}

/// A reference to an object that owns this one. When every owner is deleted, the garbage collector deletes this
/// object too, unless the deletion orphans it. An owner is in the same namespace, or cluster-scoped.
public struct OwnerReference: Codable, Sendable, Equatable {
  /// The API version of the owner, such as "apps/v1". Required.
  public var apiVersion: String
  /// The kind of the owner, such as "ReplicaSet". Required.
  public var kind: String
  /// The name of the owner. Required.
  public var name: String
  /// The UID of the owner. Required; an object of that name with another UID is not the owner.
  public var uid: String
  /// Whether the owner is the controller that manages this object. At most one owner reference can have it set
  /// to true.
  public var controller: Bool?
  /// Whether deleting the owner in the foreground waits until this object is gone. Defaults to false. On Skiff,
  /// a foreground deletion waits for every dependent, whatever this field says.
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

/// The metadata of a list: the version of the collection and, for a list served in pages, how to get the
/// rest.
public struct ListMeta: Codable, Sendable, Equatable {
  /// The version of the collection at the time it was read; a watch started from it sees the changes made after
  /// the list.
  public var resourceVersion: String?
  /// A token to fetch the next page of a list cut short by the limit parameter; empty when nothing is left. On
  /// Skiff, lists are not split into pages: the limit parameter is ignored and this field stays empty.
  public var `continue`: String?
  /// How many items remain after this page, when the server can tell. On Skiff, it is never set.
  public var remainingItemCount: Int64?

  public init(resourceVersion: String? = nil) {
    self.resourceVersion = resourceVersion
  }
}

/// A query over labels: an object matches when its labels satisfy every pair of matchLabels and every
/// requirement of matchExpressions. An empty selector matches every object.
/// ---
/// As Deployments and ReplicaSets use it.
public struct LabelSelector: Codable, Sendable, Equatable {
  /// Labels an object must have, each with exactly the given value. Each pair is the same as a requirement with
  /// the operator "In" and that one value.
  public var matchLabels: [String: String]?
  /// Requirements the object's labels must meet, all of them.
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

/// One requirement of a label selector: a label key, an operator and values.
public struct LabelSelectorRequirement: Codable, Sendable, Equatable {
  /// The label key the requirement tests.
  public var key: String
  /// How the label is tested: "In" (its value is one of values), "NotIn" (the label is absent or its value is
  /// none of values), "Exists" (the label is present) or "DoesNotExist" (the label is absent).
  public var `operator`: String
  /// The values to compare with: non-empty for "In" and "NotIn", and empty for "Exists" and "DoesNotExist".
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
