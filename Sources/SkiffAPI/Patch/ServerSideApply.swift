/// Server-side apply (`PATCH` with `application/apply-patch+yaml`, `kubectl apply
/// --server-side`): the applied configuration is merged into the live object, and each
/// field manager owns the fields it applied, recorded in `metadata.managedFields` as
/// `FieldsV1` sets (`{"f:spec":{"f:replicas":{}}}`, list items by merge key
/// `k:{"name":"app"}`, set members `v:"x"`).
///
/// Applying again with fewer fields removes the fields this manager owned and no longer
/// applies, unless another manager also owns them. Applying a different value to a field
/// another applier owns is a conflict (409) unless `force`, which takes the field over.
/// Ownership is recorded for appliers only: fields written by plain updates (client-side
/// apply, `skiff edit`, controllers) are not tracked, so they never conflict and are never
/// removed by an apply that stops naming them.
public enum ServerSideApply {
  /// One element of a managed field's path.
  public enum PathElement: Hashable, Sendable, Comparable {
    case field(String)
    /// A list item by its merge key(s), as a JSON object text: `{"name":"app"}`.
    case key(String)
    /// A member of a set-like list, as JSON text.
    case value(String)

    var encoded: String {
      switch self {
      case .field(let name): return "f:" + name
      case .key(let json): return "k:" + json
      case .value(let json): return "v:" + json
      }
    }

    init?(encoded: String) {
      if encoded.hasPrefix("f:") { self = .field(String(encoded.dropFirst(2))) }
      else if encoded.hasPrefix("k:") { self = .key(String(encoded.dropFirst(2))) }
      else if encoded.hasPrefix("v:") { self = .value(String(encoded.dropFirst(2))) }
      else { return nil }
    }

    /// `.spec`, `[name="app"]`, `[="x"]`: how conflicts name fields.
    var printed: String {
      switch self {
      case .field(let name): return "." + name
      case .key(let json):
        let object = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue ?? [:]
        return "[" + object.map { "\($0.key)=\($0.value.goJSONString())" }.joined(separator: ",") + "]"
      case .value(let json): return "[=\(json)]"
      }
    }
  }

  public typealias Path = [PathElement]

  public struct Conflict: Sendable, Equatable {
    public var manager: String
    public var apiVersion: String
    public var path: String
  }

  public struct Outcome: Sendable {
    /// The object to store.
    public var object: JSONValue
    /// Its `metadata.managedFields`.
    public var managedFields: [JSONValue]
  }

  /// Fields another applier owns with a different value; `Status` worded as the apiserver's.
  public struct ConflictError: Error, Sendable {
    public var conflicts: [Conflict]

    public var status: Status {
      let byManager = Dictionary(grouping: conflicts) { "\($0.manager)\u{0}\($0.apiVersion)" }
      var message = "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): "
      message += byManager.keys.sorted().map { key in
        let group = byManager[key]!
        let head = "conflict\(group.count == 1 ? "" : "s") with \(goQuoted(group[0].manager)) using \(group[0].apiVersion)"
        return group.count == 1 ? head + ": " + group[0].path : head + ":\n" + group.map { "- " + $0.path }.joined(separator: "\n")
      }.joined(separator: "\n")
      let causes = conflicts.map {
        StatusCause(reason: "FieldManagerConflict", message: "conflict with \(goQuoted($0.manager)) using \($0.apiVersion)", field: $0.path)
      }
      return Status(code: 409, reason: "Conflict", message: message, details: StatusDetails(causes: causes))
    }
  }

  /// Applies `applied` for `manager` to `live` (nil: the object does not exist yet).
  public static func apply(
    _ applied: JSONValue, to live: JSONValue?, manager: String, force: Bool, keys: MergeKeys, time: String
  ) throws(ConflictError) -> Outcome {
    var config = applied
    for key in ["resourceVersion", "uid", "managedFields", "creationTimestamp", "generation", "selfLink"] {
      config.setValue(nil, at: ["metadata", key])
    }
    config.setValue(nil, at: ["status"])
    let apiVersion = config["apiVersion"]?.stringValue ?? ""
    let owned = fieldSet(config, keys: keys)
    var entries = (live?.value(at: ["metadata", "managedFields"])?.arrayValue ?? [])
    guard let live else {
      return Outcome(object: config, managedFields: [entry(manager, apiVersion, time, owned)])
    }
    let previous = entries.first { isApply($0, by: manager) }.map(paths(of:)) ?? []

    // Conflicts: a field another applier owns, applied here with another value.
    var conflicts: [Conflict] = []
    var taken: [Int: Set<Path>] = [:]
    for (i, other) in entries.enumerated() where !isApply(other, by: manager) && other["operation"] == "Apply" {
      let theirs = paths(of: other)
      // Only values conflict: owning a list item itself (`.` of `k:{...}`) is shared freely.
      for path in owned.intersection(theirs)
      where path.last.map({ if case .field = $0 { return true } else { return false } }) ?? false
        && value(at: path, in: live) != value(at: path, in: config)
      {
        conflicts.append(Conflict(
          manager: other["manager"]?.stringValue ?? "", apiVersion: other["apiVersion"]?.stringValue ?? "",
          path: path.map(\.printed).joined()))
        taken[i, default: []].insert(path)
      }
    }
    if !conflicts.isEmpty && !force {
      throw ConflictError(conflicts: conflicts.sorted { $0.path < $1.path })
    }
    for (i, paths) in taken {
      let remaining = Self.paths(of: entries[i]).subtracting(paths)
      entries[i]["fieldsV1"] = encode(remaining)
    }

    // Merge, then drop what this manager no longer applies and nobody else owns.
    var merged = (try? StrategicMergePatch.apply(config, to: live, keys: keys)) ?? live
    let othersOwn = entries.filter { !isApply($0, by: manager) && $0["operation"] == "Apply" }.reduce(into: Set<Path>()) {
      $0.formUnion(paths(of: $1))
    }
    // Shallow first: a list item goes whole before its fields are looked for.
    for path in previous.subtracting(owned).subtracting(othersOwn).sorted(by: { $0.count < $1.count }) {
      remove(path, from: &merged)
    }

    // The manager's entry stays in its place; with the same fields it is kept as it was (time
    // included), so a no-op apply writes nothing.
    if let i = entries.firstIndex(where: { isApply($0, by: manager) }) {
      if paths(of: entries[i]) != owned { entries[i] = entry(manager, apiVersion, time, owned) }
    } else {
      entries.append(entry(manager, apiVersion, time, owned))
    }
    entries = entries.filter { !paths(of: $0).isEmpty || $0["operation"] != "Apply" }
    return Outcome(object: merged, managedFields: entries)
  }

  static func isApply(_ entry: JSONValue, by manager: String) -> Bool {
    entry["manager"]?.stringValue == manager && entry["operation"] == "Apply"
  }

  static func entry(_ manager: String, _ apiVersion: String, _ time: String, _ owned: Set<Path>) -> JSONValue {
    [
      "manager": .string(manager), "operation": "Apply", "apiVersion": .string(apiVersion), "time": .string(time),
      "fieldsType": "FieldsV1", "fieldsV1": encode(owned),
    ]
  }

  // MARK: - Field sets

  /// The fields a configuration sets: leaves, atomic lists, keyed list items (and their
  /// fields), set members. `apiVersion`, `kind`, name and namespace are identity, not owned.
  public static func fieldSet(_ config: JSONValue, keys: MergeKeys) -> Set<Path> {
    var out = Set<Path>()
    func walk(_ value: JSONValue, _ node: MergeKeys, _ prefix: Path) {
      guard case .object(let members) = value else { return }
      for (name, member) in members {
        if prefix.isEmpty && (name == "apiVersion" || name == "kind") { continue }
        if prefix == [.field("metadata")] && (name == "name" || name == "namespace") { continue }
        let child = node[field: name]
        let path = prefix + [.field(name)]
        switch member {
        case .object(let fields) where !fields.isEmpty:
          walk(member, child, path)
        case .array(let items):
          if let strategy = child.strategy, strategy.merge, let key = strategy.mergeKey {
            for item in items {
              let itemPath = path + [.key((["\(key)": item[key] ?? .null] as JSONValue).goJSONString())]
              out.insert(itemPath)
              walk(item, child, itemPath)
            }
          } else if let strategy = child.strategy, strategy.merge {
            for item in items { out.insert(path + [.value(item.goJSONString())]) }
          } else {
            out.insert(path)
          }
        default:
          out.insert(path)
        }
      }
    }
    walk(config, keys, [])
    return out
  }

  /// `FieldsV1`: nested objects of encoded path elements; `"."` marks a node that is owned
  /// itself and has owned children.
  public static func encode(_ paths: Set<Path>) -> JSONValue {
    final class Node {
      var children: [String: Node] = [:]
      var owned = false
    }
    let root = Node()
    for path in paths {
      var node = root
      for element in path {
        let key = element.encoded
        if node.children[key] == nil { node.children[key] = Node() }
        node = node.children[key]!
      }
      node.owned = true
    }
    func json(_ node: Node) -> JSONValue {
      var object = JSONObject()
      if node.owned && !node.children.isEmpty { object["."] = .object(JSONObject()) }
      for key in node.children.keys.sorted() { object[key] = json(node.children[key]!) }
      return .object(object)
    }
    return json(root)
  }

  static func paths(of entry: JSONValue) -> Set<Path> {
    var out = Set<Path>()
    func walk(_ value: JSONValue, _ prefix: Path) {
      guard case .object(let members) = value else { return }
      if members.isEmpty { if !prefix.isEmpty { out.insert(prefix) }; return }
      for (key, child) in members {
        if key == "." { out.insert(prefix); continue }
        guard let element = PathElement(encoded: key) else { continue }
        walk(child, prefix + [element])
      }
    }
    walk(entry["fieldsV1"] ?? .null, [])
    return out
  }

  // MARK: - Navigation

  static func matches(_ item: JSONValue, _ element: PathElement) -> Bool {
    switch element {
    case .key(let json):
      guard let key = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue else { return false }
      return key.allSatisfy { item[$0.key] == $0.value }
    case .value(let json):
      return item.goJSONString() == json
    case .field:
      return false
    }
  }

  static func value(at path: Path, in object: JSONValue) -> JSONValue? {
    var current: JSONValue? = object
    for element in path {
      switch element {
      case .field(let name): current = current?[name]
      case .key, .value: current = current?.arrayValue?.first { matches($0, element) }
      }
    }
    return current
  }

  static func remove(_ path: Path, from object: inout JSONValue) {
    guard let first = path.first else { return }
    let rest = Array(path.dropFirst())
    switch first {
    case .field(let name):
      guard case .object(var members) = object, var child = members[name] else { return }
      if rest.isEmpty {
        members[name] = nil
      } else {
        remove(rest, from: &child)
        // A list or map emptied by the removal goes with its last member.
        let emptied = child.arrayValue?.isEmpty ?? child.objectValue?.isEmpty ?? false
        members[name] = emptied ? nil : child
      }
      object = .object(members)
    case .key, .value:
      guard case .array(var items) = object, let i = items.firstIndex(where: { matches($0, first) }) else { return }
      if rest.isEmpty {
        items.remove(at: i)
      } else {
        remove(rest, from: &items[i])
      }
      object = .array(items)
    }
  }
}
