import SkiffAPI

/// `kubectl describe`'s describers (kubectl `pkg/describe/describe.go`, v1.32): one layout
/// per built-in kind, the generic one (every field of the object, with "smart" labels)
/// for the rest, Istio's kinds included, as kubectl shows custom resources.
struct Describer {
  let client: APIClient
  let now: Timestamp
  var showEvents = true

  /// The description of one object, as kubectl prints it (ends with a newline).
  func describe(_ object: JSONValue, info: ResourceInfo) throws -> String {
    switch (info.group, info.kind) {
    case ("", "Pod"): return try describePod(object)
    case ("apps", "Deployment"): return try describeDeployment(object)
    case ("apps", "ReplicaSet"): return try describeReplicaSet(object)
    case ("", "Service"): return try describeService(object)
    case ("", "Endpoints"): return try describeEndpoints(object)
    case ("", "Namespace"): return describeNamespace(object)
    case ("", "Node"): return try describeNode(object)
    case ("", "ConfigMap"): return try describeConfigMap(object)
    case ("", "Secret"): return try describeSecret(object)
    case ("", "ServiceAccount"): return try describeServiceAccount(object)
    default: return try describeGeneric(object, info: info)
    }
  }

  func writer() -> DescribeWriter { DescribeWriter(now: now) }

  /// `searchEvents`: the Events whose involvedObject is this object (by name, namespace,
  /// kind and uid; pods leave the kind out), or nil when events are not shown.
  func events(for object: JSONValue, kind: String?, uid: String? = nil) throws -> [JSONValue]? {
    guard showEvents else { return nil }
    let name = object.metadataString("name") ?? ""
    let namespace = object.metadataString("namespace") ?? ""
    var fields = ["involvedObject.name=\(name)", "involvedObject.namespace=\(namespace)"]
    if let kind, !kind.isEmpty { fields.insert("involvedObject.kind=\(kind)", at: 0) }
    let uid = uid ?? object.metadataString("uid") ?? ""
    if !uid.isEmpty { fields.append("involvedObject.uid=\(uid)") }
    return try client.list(
      Event.resourceInfo, namespace: namespace.isEmpty ? nil : namespace, fieldSelector: fields.joined(separator: ","))
  }

  /// `Name:` and `Namespace:` lines.
  func nameAndNamespace(_ object: JSONValue, into w: inout DescribeWriter) {
    w.write(0, "Name:\t\(object.metadataString("name") ?? "")\n")
    w.write(0, "Namespace:\t\(object.metadataString("namespace") ?? "")\n")
  }

  /// `printController`: `ReplicaSet/x` for the object's controller owner.
  static func controller(of object: JSONValue) -> String? {
    let owners = object.value(at: ["metadata", "ownerReferences"])?.arrayValue ?? []
    guard let owner = owners.first(where: { $0["controller"]?.boolValue == true }) else { return nil }
    return "\(owner.string("kind"))/\(owner.string("name"))"
  }

  static func isControlled(_ object: JSONValue, byUID uid: String) -> Bool {
    let owners = object.value(at: ["metadata", "ownerReferences"])?.arrayValue ?? []
    return owners.contains { $0["controller"]?.boolValue == true && $0.string("uid") == uid }
  }

  static func metadataMap(_ object: JSONValue, _ field: String) -> [String: String] {
    object["metadata"]?.stringMap(field) ?? [:]
  }

  /// The pods a controller owns, counted by phase (`getPodStatusForController`).
  func podStatusCounts(selector: JSONValue?, namespace: String, ownerUID: String) throws -> (Int, Int, Int, Int) {
    let pods = try client.list(Pod.resourceInfo, namespace: namespace, labelSelector: LabelSelectorText.string(selector))
    var running = 0, waiting = 0, succeeded = 0, failed = 0
    for pod in pods where Self.isControlled(pod, byUID: ownerUID) {
      switch pod.value(at: ["status", "phase"])?.stringValue {
      case "Running": running += 1
      case "Pending": waiting += 1
      case "Succeeded": succeeded += 1
      case "Failed": failed += 1
      default: break
      }
    }
    return (running, waiting, succeeded, failed)
  }
}

/// Label selectors as apimachinery prints them: `labels.Selector.String()` (requirements
/// sorted by key: `a=b`, `k in (x,y)`, `k notin (x)`, `k`, `!k`).
enum LabelSelectorText {
  static func string(_ selector: JSONValue?) -> String {
    guard let selector, selector.objectValue != nil else { return "" }
    var requirements: [(key: String, text: String)] = []
    for (key, value) in selector["matchLabels"]?.objectValue ?? JSONObject() {
      requirements.append((key, "\(key)=\(value.stringValue ?? "")"))
    }
    for expression in selector.array("matchExpressions") {
      let key = expression.string("key")
      let values = expression.array("values").compactMap(\.stringValue).sorted()
      switch expression.string("operator") {
      case "In": requirements.append((key, "\(key) in (\(values.joined(separator: ",")))"))
      case "NotIn": requirements.append((key, "\(key) notin (\(values.joined(separator: ",")))"))
      case "Exists": requirements.append((key, key))
      case "DoesNotExist": requirements.append((key, "!\(key)"))
      default: break
      }
    }
    return requirements.enumerated().sorted { a, b in
      a.element.key == b.element.key ? a.offset < b.offset : a.element.key < b.element.key
    }.map(\.element.text).joined(separator: ",")
  }

  /// `metav1.FormatLabelSelector`: the same, `<none>` when empty.
  static func formatted(_ selector: JSONValue?) -> String {
    let text = string(selector)
    return text.isEmpty ? "<none>" : text
  }

  /// `labels.FormatLabels`: `a=b,c=d` sorted, `<none>` when empty.
  static func formatted(_ labels: [String: String]) -> String {
    labels.isEmpty ? "<none>" : labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
  }
}

extension JSONValue {
  /// Go's `%v` of a JSON scalar (what describe prints for unstructured values).
  var goText: String {
    switch self {
    case .null: return "<nil>"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d): return JSONValue.formatDouble(d)
    case .string(let s): return s
    case .array(let items): return "[" + items.map(\.goText).joined(separator: " ") + "]"
    case .object(let o): return "map[" + o.keys.sorted().map { "\($0):\(o[$0]!.goText)" }.joined(separator: " ") + "]"
    }
  }

  /// An IntOrString's `String()`: the number, or the string.
  var intOrStringText: String {
    switch self {
    case .int(let i): return String(i)
    case .string(let s): return s
    case .double(let d): return JSONValue.formatDouble(d)
    default: return "0"
    }
  }
}
