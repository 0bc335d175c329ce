/// Server-side apply (`PATCH` with `application/apply-patch+yaml`, `kubectl apply
/// --server-side`): the applied configuration is merged into the live object, and each
/// field manager owns the fields it applied, recorded in `metadata.managedFields` as
/// `FieldsV1` sets (`{"f:spec":{"f:replicas":{}}}`, list items by merge key
/// `k:{"name":"app"}`, set members `v:"x"`) beside the `Update` entries of other writes
/// (``ManagedFields``).
///
/// Applying again with fewer fields removes the fields this manager owned and no longer
/// applies, unless another manager (applier or updater) also owns them. Applying a different
/// value to a field another manager owns is a conflict (409) unless `force`, which takes the
/// field over. As the apiserver does for the manager `kubectl`: conflicts on fields whose
/// live values are still those of the client-side `last-applied-configuration` annotation
/// are taken over (client-side to server-side apply), and that annotation, when the object
/// has it, is kept in step with the configuration applied.
public enum ServerSideApply {
  /// One element of a managed field's path.
  public enum PathElement: Hashable, Sendable, Comparable {
    case field(String)
    /// A list item by its merge key(s), as a JSON object text: `{"name":"app"}`.
    case key(String)
    /// A member of a set-like list, as JSON text.
    case value(String)
    /// A list item by position (`i:0`), for lists without keys.
    case index(Int)

    var encoded: String {
      switch self {
      case .field(let name): return "f:" + name
      case .key(let json): return "k:" + json
      case .value(let json): return "v:" + json
      case .index(let i): return "i:\(i)"
      }
    }

    init?(encoded: String) {
      if encoded.hasPrefix("f:") { self = .field(String(encoded.dropFirst(2))) }
      else if encoded.hasPrefix("k:") { self = .key(String(encoded.dropFirst(2))) }
      else if encoded.hasPrefix("v:") { self = .value(String(encoded.dropFirst(2))) }
      else if encoded.hasPrefix("i:"), let i = Int(encoded.dropFirst(2)) { self = .index(i) }
      else { return nil }
    }

    /// A path element as `FieldsV1` holds it, nil when it is not one; keys and values are
    /// kept in Go's JSON form so they compare with the ones computed here.
    init?(parsing text: String) {
      guard let element = PathElement(encoded: text) else { return nil }
      switch element {
      case .field, .index:
        self = element
      case .key(let json):
        guard let object = try? JSONValue(parsing: Array(json.utf8)), case .object = object else { return nil }
        self = .key(object.goJSONString())
      case .value(let json):
        guard let value = try? JSONValue(parsing: Array(json.utf8)) else { return nil }
        self = .value(value.goJSONString())
      }
    }

    /// `.spec`, `[name="app"]`, `[="x"]`, `[0]`: how conflicts name fields.
    var printed: String {
      switch self {
      case .field(let name): return "." + name
      case .key(let json):
        let object = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue ?? [:]
        return "[" + object.map { "\($0.key)=\($0.value.goJSONString())" }.joined(separator: ",") + "]"
      case .value(let json): return "[=\(json)]"
      case .index(let i): return "[\(i)]"
      }
    }
  }

  public typealias Path = [PathElement]

  /// A field another manager owns that the apply would change.
  public struct Conflict: Sendable, Equatable {
    public var manager: String
    /// `Apply` or `Update`.
    public var operation: String
    public var apiVersion: String
    public var subresource: String
    public var path: String

    /// The manager as the apiserver names it: `"kubectl"` for an applier, `"kubectl-edit"
    /// using apps/v1` for an updater, `"kubectl" with subresource "scale" using apps/v1`.
    public var printedManager: String {
      var out = goQuoted(manager)
      if !subresource.isEmpty { out += " with subresource \(goQuoted(subresource))" }
      if operation != "Apply" { out += " using \(apiVersion)" }
      return out
    }

    var identityKey: String {
      ManagedFields.Identity(
        manager: manager, operation: operation, apiVersion: operation == "Apply" ? "" : apiVersion,
        subresource: subresource
      ).key
    }
  }

  public struct Outcome: Sendable {
    /// The object to store.
    public var object: JSONValue
    /// Its `metadata.managedFields`.
    public var managedFields: [JSONValue]
  }

  /// Fields other managers own with a different value; `Status` worded as the apiserver's.
  public struct ConflictError: Error, Sendable {
    public var conflicts: [Conflict]

    public var message: String {
      if conflicts.count == 1 {
        return "Apply failed with 1 conflict: conflict with \(conflicts[0].printedManager): \(conflicts[0].path)"
      }
      let byManager = Dictionary(grouping: conflicts, by: \.identityKey)
      var lines: [String] = []
      for key in byManager.keys.sorted(by: goLess) {
        let group = byManager[key]!
        lines.append("conflicts with \(group[0].printedManager):")
        lines += group.map { "- " + $0.path }
      }
      return "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
    }

    public var status: Status {
      let causes = conflicts.map {
        StatusCause(reason: "FieldManagerConflict", message: "conflict with \($0.printedManager)", field: $0.path)
      }
      return Status(code: 409, reason: "Conflict", message: message, details: StatusDetails(causes: causes))
    }
  }

  typealias Entry = ManagedFields.Entry

  /// Applies `applied` for `manager` to `live` (nil: the object does not exist yet).
  /// `hasStatus`: the kind has a status subresource, so the fields an object has before its
  /// first apply are counted without `status`.
  public static func apply(
    _ applied: JSONValue, to live: JSONValue?, manager: String, force: Bool, keys: MergeKeys, time: String,
    hasStatus: Bool = true
  ) throws(ConflictError) -> Outcome {
    var config = applied
    for key in ["resourceVersion", "uid", "managedFields", "creationTimestamp", "generation", "selfLink"] {
      config.setValue(nil, at: ["metadata", key])
    }
    config.setValue(nil, at: ["status"])
    let apiVersion = config["apiVersion"]?.stringValue ?? ""
    let owned = fieldSet(config, keys: keys)
    let me = ManagedFields.Identity(manager: manager, operation: "Apply", apiVersion: "", subresource: "")
    let mine = Entry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: time, subresource: "", fields: owned)
    guard let live else {
      return Outcome(object: config, managedFields: owned.isEmpty ? [] : ManagedFields.encode([mine]))
    }
    var entries = ManagedFields.decode(live.value(at: ["metadata", "managedFields"])?.arrayValue ?? []) ?? []
    if entries.isEmpty {
      // What the object holds before its first apply belongs to `before-first-apply`.
      let existing = ManagedFields.changes(
        from: nil, to: ManagedFields.stripped(live), scope: .object(hasStatus: hasStatus), keys: keys)
      if !existing.isEmpty {
        entries.append(Entry(
          manager: "before-first-apply", operation: "Update", apiVersion: apiVersion, time: time, subresource: "",
          fields: existing))
      }
    }
    let previous = entries.first { $0.identity == me }?.fields ?? []

    // Conflicts: a field another manager owns, applied here with another value.
    var conflicts: [(index: Int, path: Path)] = []
    for (i, other) in entries.enumerated() where other.identity != me {
      // Only values conflict: owning a list item itself (`.` of `k:{...}`) is shared freely.
      for path in owned.intersection(other.fields).sorted(by: { $0.lexicographicallyPrecedes($1) })
      where path.last.map({ if case .field = $0 { return true } else { return false } }) ?? false
        && value(at: path, in: live) != value(at: path, in: config)
      {
        conflicts.append((i, path))
      }
    }
    var force = force
    if !conflicts.isEmpty && !force && manager == "kubectl",
      let allowed = lastAppliedFields(of: live, apiVersion: apiVersion, keys: keys),
      conflicts.allSatisfy({ allowed.contains($0.path) })
    {
      force = true
    }
    if !conflicts.isEmpty && !force {
      throw ConflictError(conflicts: conflicts.map { conflict in
        let other = entries[conflict.index]
        return Conflict(
          manager: other.manager, operation: other.operation, apiVersion: other.apiVersion, subresource: other.subresource,
          path: conflict.path.map(\.printed).joined())
      })
    }
    for conflict in conflicts { entries[conflict.index].fields.remove(conflict.path) }

    // Merge, then drop what this manager no longer applies and nobody else owns.
    var merged = (try? StrategicMergePatch.apply(config, to: live, keys: keys)) ?? live
    let kept = entries.filter { $0.identity != me }.reduce(into: owned) { $0.formUnion($1.fields) }
    // Shallow first: a list item goes whole before its fields are looked for; a map or item
    // something still owned lies in stays, and only what this manager owned in it goes.
    for path in previous.subtracting(kept).sorted(by: { $0.count < $1.count })
    where !kept.contains(where: { $0.count > path.count && $0.starts(with: path) }) {
      remove(path, from: &merged)
    }

    // The manager's entry gets the time of a change to the object; an apply that changes
    // nothing keeps it (and so writes nothing).
    let changed = merged != live
    if let i = entries.firstIndex(where: { $0.identity == me }) {
      entries[i].fields = owned
      entries[i].apiVersion = apiVersion
      if changed { entries[i].time = time }
    } else {
      var entry = mine
      if !changed { entry.time = nil }
      entries.append(entry)
    }
    entries.removeAll { $0.fields.isEmpty }
    if manager == "kubectl",
      let annotation = live.value(at: ["metadata", "annotations", LastAppliedConfiguration.annotation])?.stringValue,
      !annotation.isEmpty
    {
      merged.setValue(.string(lastAppliedValue(applied)), at: ["metadata", "annotations", LastAppliedConfiguration.annotation])
    }
    return Outcome(object: merged, managedFields: ManagedFields.encode(entries))
  }

  /// The fields of the live object's `last-applied-configuration` (same apiVersion) whose
  /// live values are still the ones it records: conflicts on them are client-side apply's
  /// and `kubectl` takes them over. Nil without such an annotation.
  static func lastAppliedFields(of live: JSONValue, apiVersion: String, keys: MergeKeys) -> Set<Path>? {
    guard let text = live.value(at: ["metadata", "annotations", LastAppliedConfiguration.annotation])?.stringValue,
      !text.isEmpty, let last = try? JSONValue(parsing: Array(text.utf8)), case .object = last,
      last["apiVersion"]?.stringValue == apiVersion
    else { return nil }
    return fieldSet(last, keys: keys).filter { path in
      value(at: path, in: live).map { $0 == value(at: path, in: last) } ?? false
    }
  }

  /// The annotation's value after an apply by `kubectl` (the apiserver's last-applied
  /// updater): the applied configuration without the annotation, as Go encodes it.
  static func lastAppliedValue(_ applied: JSONValue) -> String {
    var object = applied
    if var annotations = object.value(at: ["metadata", "annotations"])?.objectValue {
      annotations[LastAppliedConfiguration.annotation] = nil
      object.setValue(.object(annotations), at: ["metadata", "annotations"])
    }
    return object.goJSONString() + "\n"
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
      for key in node.children.keys.sorted(by: goLess) { object[key] = json(node.children[key]!) }
      return .object(object)
    }
    return json(root)
  }

  // MARK: - Navigation

  static func matches(_ item: JSONValue, _ element: PathElement) -> Bool {
    switch element {
    case .key(let json):
      guard let key = (try? JSONValue(parsing: Array(json.utf8)))?.objectValue else { return false }
      return key.allSatisfy { item[$0.key] == $0.value }
    case .value(let json):
      return item.goJSONString() == json
    case .field, .index:
      return false
    }
  }

  /// The index of the item `element` names in `items`.
  static func index(of element: PathElement, in items: [JSONValue]) -> Int? {
    if case .index(let i) = element { return items.indices.contains(i) ? i : nil }
    return items.firstIndex { matches($0, element) }
  }

  static func value(at path: Path, in object: JSONValue) -> JSONValue? {
    var current: JSONValue? = object
    for element in path {
      switch element {
      case .field(let name): current = current?[name]
      case .key, .value, .index: current = current?.arrayValue.flatMap { items in index(of: element, in: items).map { items[$0] } }
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
    case .key, .value, .index:
      guard case .array(var items) = object, let i = index(of: first, in: items) else { return }
      if rest.isEmpty {
        items.remove(at: i)
      } else {
        remove(rest, from: &items[i])
      }
      object = .array(items)
    }
  }
}
