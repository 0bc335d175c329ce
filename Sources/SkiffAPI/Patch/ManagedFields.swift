/// `metadata.managedFields` as the API server's field manager keeps them
/// (k8s.io/apimachinery `pkg/util/managedfields`, structured-merge-diff): which manager set
/// which fields, by `Apply` (``ServerSideApply``) or by `Update` (every create, update and
/// non-apply patch).
///
/// An update records the fields it set or changed (values that differ from the live object,
/// and new ones) under `manager` with `operation: Update`; those fields, and the ones it
/// removed, leave every other manager's set without a conflict, and a manager left with no
/// fields is dropped. An object whose live `managedFields` are empty is not tracked by
/// updates (the apiserver's skip-non-applied manager); a create always is.
public enum ManagedFields {
  public typealias Path = ServerSideApply.Path

  /// The manager of the paths in ``Entry/fields``, the apiserver's manager identifier:
  /// appliers are one per manager and subresource whatever the version they applied with.
  struct Identity: Hashable {
    var manager: String
    var operation: String
    var apiVersion: String
    var subresource: String

    /// `{"manager":"kubectl-edit","operation":"Update","apiVersion":"apps/v1"}`: how the
    /// apiserver orders managers in conflict messages.
    var key: String {
      var object = JSONObject()
      if !manager.isEmpty { object["manager"] = .string(manager) }
      if !operation.isEmpty { object["operation"] = .string(operation) }
      if !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
      if !subresource.isEmpty { object["subresource"] = .string(subresource) }
      return JSONValue.object(object).jsonString()
    }
  }

  /// One decoded entry.
  struct Entry: Equatable {
    var manager: String
    var operation: String
    var apiVersion: String
    /// RFC 3339, whole seconds; nil when the entry has none.
    var time: String?
    var subresource: String
    var fields: Set<Path>

    var isApply: Bool { operation == "Apply" }

    var identity: Identity {
      Identity(manager: manager, operation: operation, apiVersion: isApply ? "" : apiVersion, subresource: subresource)
    }

    /// The entry as the API shows it (`ManagedFieldsEntry`, members in Go's order).
    var json: JSONValue {
      var object = JSONObject()
      if !manager.isEmpty { object["manager"] = .string(manager) }
      object["operation"] = .string(operation)
      if !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
      if let time { object["time"] = .string(time) }
      object["fieldsType"] = "FieldsV1"
      object["fieldsV1"] = ServerSideApply.encode(fields)
      if !subresource.isEmpty { object["subresource"] = .string(subresource) }
      return .object(object)
    }
  }

  /// What an update is allowed to change, so only those fields count: the main resource
  /// (without `status` when the kind has a status subresource: the strategy resets it), the
  /// `status` subresource (status only), or `scale` (`spec.replicas` only).
  public enum Scope: Sendable, Equatable {
    case object(hasStatus: Bool)
    case status
    case scale

    /// The part of `object` the scope counts.
    func part(of object: JSONValue) -> JSONValue {
      switch self {
      case .object(let hasStatus):
        guard hasStatus else { return object }
        var copy = object
        copy.setValue(nil, at: ["status"])
        return copy
      case .status:
        return object["status"].map { ["status": $0] } ?? [:]
      case .scale:
        return object.value(at: ["spec", "replicas"]).map { ["spec": ["replicas": $0]] } ?? [:]
      }
    }

    func contains(_ path: Path) -> Bool {
      switch self {
      case .object(let hasStatus): return !(hasStatus && path.first == .field("status"))
      case .status: return path.first == .field("status")
      case .scale: return path.starts(with: [.field("spec"), .field("replicas")])
      }
    }
  }

  /// `metadata` members the field manager never tracks (its strip-meta manager), besides
  /// the object's `apiVersion`, `kind`, name and namespace.
  static let strippedMetadata = [
    "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion",
  ]

  /// The most `Update` managers an object keeps; older ones merge into `ancient-changes`.
  static let maxUpdateManagers = 10

  // MARK: - Updates

  /// The `managedFields` to store after an update (or create, `live` nil) of `new` by
  /// `manager`; nil when the object keeps none.
  ///
  /// - Parameters:
  ///   - requested: the `managedFields` the request's object carries (a PUT body, a patched
  ///     object): used instead of the live ones when they decode and are not empty, so a
  ///     client can rewrite them (kubectl's client-side to server-side apply migration).
  ///     `[]` or `[{}]` resets them. Ignored for subresources.
  ///   - apiVersion: the version the request used (`apps/v1`).
  ///   - subresource: `status` or `scale` for a subresource write, recorded in the entry.
  ///   - time: now, RFC 3339.
  public static func update(
    live: JSONValue?, new: JSONValue, requested: [JSONValue]?, manager: String, apiVersion: String,
    subresource: String? = nil, scope: Scope, keys: MergeKeys, time: String
  ) -> [JSONValue]? {
    let liveEntries = live?.value(at: ["metadata", "managedFields"])?.arrayValue ?? []
    var managed: [Entry]
    if subresource != nil {
      managed = decode(liveEntries) ?? []
    } else if let requested, isReset(requested) {
      managed = []
    } else if let requested, let decoded = decode(requested), !decoded.isEmpty {
      managed = decoded
    } else {
      managed = decode(liveEntries) ?? []
    }
    // An object nobody tracks stays untracked by updates; a new one is always tracked.
    if managed.isEmpty && live != nil { return nil }

    let newObject = stripped(new)
    let liveObject = live.map(stripped)
    let changed = changes(from: liveObject, to: newObject, scope: scope, keys: keys)
    var removed = Set<Path>()
    if let liveObject {
      for entry in managed {
        for path in entry.fields where scope.contains(path) && !changed.contains(path)
          && ServerSideApply.value(at: path, in: liveObject) != nil && ServerSideApply.value(at: path, in: newObject) == nil
        {
          removed.insert(path)
        }
      }
    }
    for i in managed.indices {
      managed[i].fields.subtract(changed)
      managed[i].fields.subtract(removed)
    }
    if !changed.isEmpty {
      let entry = Entry(
        manager: manager.isEmpty ? "unknown" : manager, operation: "Update", apiVersion: apiVersion, time: time,
        subresource: subresource ?? "", fields: changed)
      if let i = managed.firstIndex(where: { $0.identity == entry.identity }) {
        managed[i].fields.formUnion(changed)
        managed[i].time = time
      } else {
        managed.append(entry)
      }
    }
    managed.removeAll { $0.fields.isEmpty }
    capUpdateManagers(&managed)
    return managed.isEmpty ? nil : encode(managed)
  }

  /// The fields an update from `live` (nil: nothing) to `new` sets: new ones, leaves whose
  /// values differ, and maps of strings that did not exist (labels, annotations), which the
  /// manager owns themselves (`.` in `FieldsV1`) as the apiserver records an added map.
  static func changes(from live: JSONValue?, to new: JSONValue, scope: Scope, keys: MergeKeys) -> Set<Path> {
    let live = live.map(scope.part(of:))
    let new = scope.part(of: new)
    let newFields = ServerSideApply.fieldSet(new, keys: keys).filter(scope.contains)
    let liveFields = live.map { ServerSideApply.fieldSet($0, keys: keys) } ?? []
    var changed = Set<Path>()
    for path in newFields {
      if !liveFields.contains(path) {
        changed.insert(path)
      } else if case .field = path.last, let live,
        ServerSideApply.value(at: path, in: live) != ServerSideApply.value(at: path, in: new)
      {
        changed.insert(path)
      }
    }
    for node in stringMaps(in: new, keys: keys) where scope.contains(node) {
      if live.map({ ServerSideApply.value(at: node, in: $0) == nil }) ?? true { changed.insert(node) }
    }
    return changed
  }

  /// Paths of non-empty objects whose members are all strings (maps such as labels,
  /// annotations, `matchLabels`, resource limits), outside atomic lists.
  static func stringMaps(in object: JSONValue, keys: MergeKeys) -> [Path] {
    var out: [Path] = []
    func walk(_ value: JSONValue, _ node: MergeKeys, _ prefix: Path) {
      guard case .object(let members) = value else { return }
      if !prefix.isEmpty, !members.isEmpty, members.allSatisfy({ $0.value.stringValue != nil }) { out.append(prefix) }
      for (name, member) in members {
        let child = node[field: name]
        let path = prefix + [.field(name)]
        switch member {
        case .object: walk(member, child, path)
        case .array(let items):
          guard let strategy = child.strategy, strategy.merge, let key = strategy.mergeKey else { continue }
          for item in items {
            walk(item, child, path + [.key((["\(key)": item[key] ?? .null] as JSONValue).goJSONString())])
          }
        default: break
        }
      }
    }
    walk(object, keys, [])
    return out
  }

  /// The object without the members the field manager does not track.
  static func stripped(_ object: JSONValue) -> JSONValue {
    var copy = object
    for key in strippedMetadata { copy.setValue(nil, at: ["metadata", key]) }
    return copy
  }

  /// `[]` or `[{}]`: the client asks for the managed fields to be cleared.
  static func isReset(_ entries: [JSONValue]) -> Bool {
    if entries.isEmpty { return true }
    guard entries.count == 1 else { return false }
    switch entries[0] {
    case .null: return true
    case .object(let members):
      return members.allSatisfy { member in
        member.value.isNull || member.value == .string("") || member.value == .object(JSONObject())
      }
    default: return false
    }
  }

  /// The apiserver's cap on `Update` managers: past ``maxUpdateManagers``, the oldest are
  /// merged, per apiVersion, into one `ancient-changes` entry.
  static func capUpdateManagers(_ entries: inout [Entry]) {
    var updaters = entries.filter { !$0.isApply }
    guard updaters.count > maxUpdateManagers else { return }
    updaters.sort { a, b in
      let (ta, tb) = (seconds(a.time), seconds(b.time))
      return ta != tb ? ta < tb : a.identity.key < b.identity.key
    }
    var length = updaters.count
    var firstByVersion: [String: Identity] = [:]
    for updater in updaters where length > maxUpdateManagers {
      let bucket = Identity(manager: "ancient-changes", operation: "Update", apiVersion: updater.apiVersion, subresource: "")
      guard let first = firstByVersion[updater.apiVersion] else {
        firstByVersion[updater.apiVersion] = updater.identity
        continue
      }
      if !entries.contains(where: { $0.identity == bucket }), let i = entries.firstIndex(where: { $0.identity == first }) {
        entries[i].manager = "ancient-changes"
        entries[i].subresource = ""
      }
      guard let b = entries.firstIndex(where: { $0.identity == bucket }),
        let u = entries.firstIndex(where: { $0.identity == updater.identity })
      else { continue }
      entries[b].fields.formUnion(updater.fields)
      entries[b].time = updater.time
      entries.remove(at: u)
      length -= 1
    }
  }

  static func seconds(_ time: String?) -> Int64 {
    time.flatMap(Timestamp.init(rfc3339:))?.seconds ?? 0
  }

  // MARK: - Encoding

  /// Entries in the apiserver's order: appliers first, then by time, manager, apiVersion
  /// and subresource.
  static func encode(_ entries: [Entry]) -> [JSONValue] {
    entries.sorted { a, b in
      if a.operation != b.operation { return goLess(a.operation, b.operation) }
      let (ta, tb) = (seconds(a.time), seconds(b.time))
      if ta != tb { return ta < tb }
      if a.manager != b.manager { return goLess(a.manager, b.manager) }
      if a.apiVersion != b.apiVersion { return goLess(a.apiVersion, b.apiVersion) }
      return goLess(a.subresource, b.subresource)
    }.map(\.json)
  }

  /// Entries as the apiserver decodes them (`DecodeManagedFields`), nil when one is not
  /// usable: an operation other than `Apply`/`Update`, no apiVersion, a `fieldsType` other
  /// than `FieldsV1`, or `fieldsV1` that is not a field set. Of two entries with one
  /// identity, the later counts.
  static func decode(_ entries: [JSONValue]) -> [Entry]? {
    var out: [Entry] = []
    for value in entries {
      guard case .object(let object) = value else { return nil }
      let operation = object["operation"]?.stringValue ?? ""
      guard operation == "Apply" || operation == "Update" else { return nil }
      guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty else { return nil }
      guard object["fieldsType"]?.stringValue == "FieldsV1" else { return nil }
      let raw = object["fieldsV1"].flatMap { $0.isNull ? nil : $0 } ?? .object(JSONObject())
      guard let fields = parseFields(raw) else { return nil }
      let entry = Entry(
        manager: object["manager"]?.stringValue ?? "", operation: operation, apiVersion: apiVersion,
        time: object["time"]?.stringValue.flatMap(Timestamp.init(rfc3339:)).map { $0.wholeSeconds.rfc3339 },
        subresource: object["subresource"]?.stringValue ?? "", fields: fields)
      if let i = out.firstIndex(where: { $0.identity == entry.identity }) { out[i] = entry } else { out.append(entry) }
    }
    return out
  }

  /// A `FieldsV1` set, nil when it is not one: every member an object, every key `.` or a
  /// path element (`f:name`, `k:{json object}`, `v:json`, `i:index`).
  static func parseFields(_ value: JSONValue) -> Set<Path>? {
    var out = Set<Path>()
    func walk(_ value: JSONValue, _ prefix: Path) -> Bool {
      guard case .object(let members) = value else { return false }
      if members.isEmpty {
        if !prefix.isEmpty { out.insert(prefix) }
        return true
      }
      for (key, child) in members {
        if key == "." {
          if !prefix.isEmpty { out.insert(prefix) }
          continue
        }
        guard let element = ServerSideApply.PathElement(parsing: key), walk(child, prefix + [element]) else { return false }
      }
      return true
    }
    return walk(value, []) ? out : nil
  }

  // MARK: - Requests

  /// The manager of a write: the `fieldManager` parameter, else the user agent up to its
  /// first `/` without unprintable characters, at most 128 bytes (`kubectl/v1.32.4 (...)` is
  /// `kubectl`), as kube-apiserver's `managerOrUserAgent` names it. Empty becomes `unknown`
  /// when the entry is written.
  public static func managerName(fieldManager: String?, userAgent: String?) -> String {
    if let fieldManager, !fieldManager.isEmpty { return fieldManager }
    let prefix = (userAgent ?? "").split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    var out = String.UnicodeScalarView()
    var length = 0
    for scalar in prefix.unicodeScalars where isPrint(scalar) {
      let size = String(scalar).utf8.count
      if length + size > fieldManagerMaxLength { break }
      out.append(scalar)
      length += size
    }
    return String(out)
  }

  /// `FieldManagerMaxLength`.
  public static let fieldManagerMaxLength = 128

  /// apimachinery's `ValidateFieldManager`: at most 128 bytes, printable characters only.
  public static func validateFieldManager(_ name: String, field: String) -> [FieldError] {
    var errors: [FieldError] = []
    if name.utf8.count > fieldManagerMaxLength {
      errors.append(FieldError(.tooLong, field, "may not be more than \(fieldManagerMaxLength) bytes"))
    }
    var offset = 0
    for scalar in name.unicodeScalars {
      if !isPrint(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        errors.append(.invalid(field, .string(name),
          "invalid character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) (at position \(offset))"))
      }
      offset += String(scalar).utf8.count
    }
    return errors
  }

  /// apimachinery's `ValidateManagedFields` of the entries an object is stored with.
  public static func validate(_ entries: [JSONValue], field: String = "metadata.managedFields") -> [FieldError] {
    var errors: [FieldError] = []
    for (i, entry) in entries.enumerated() {
      let path = "\(field)[\(i)]"
      let operation = entry["operation"]?.stringValue ?? ""
      if operation != "Apply" && operation != "Update" {
        errors.append(.invalid(path + ".operation", .string(operation), "must be `Apply` or `Update`"))
      }
      if let type = entry["fieldsType"]?.stringValue, !type.isEmpty, type != "FieldsV1" {
        errors.append(.invalid(path + ".fieldsType", .string(type), "must be `FieldsV1`"))
      }
      errors += validateFieldManager(entry["manager"]?.stringValue ?? "", field: path + ".manager")
      if (entry["subresource"]?.stringValue ?? "").utf8.count > 256 {
        errors.append(FieldError(.tooLong, path + ".subresource", "may not be more than 256 bytes"))
      }
    }
    return errors
  }

  /// What Go's decoder says of a `metadata.managedFields` list whose entries do not fit
  /// `ManagedFieldsEntry` (a member of the wrong type, a `time` that is not RFC 3339); nil
  /// when they fit. The list itself is the object decoder's.
  public static func decodingError(_ value: JSONValue?) -> String? {
    guard let entries = value?.arrayValue else { return nil }
    let strings: [(String, String)] = [
      ("manager", "string"), ("operation", "v1.ManagedFieldsOperationType"), ("apiVersion", "string"),
      ("fieldsType", "string"), ("subresource", "string"),
    ]
    for entry in entries {
      switch entry {
      case .null: continue
      case .object: break
      default:
        return "json: cannot unmarshal \(entry.typeName) into Go struct field ObjectMeta.metadata.managedFields of type v1.ManagedFieldsEntry"
      }
      for (name, type) in strings {
        guard let member = entry[name], !member.isNull, member.stringValue == nil else { continue }
        return "json: cannot unmarshal \(member.typeName) into Go struct field ManagedFieldsEntry.metadata.managedFields.\(name) of type \(type)"
      }
      switch entry["time"] {
      case nil, .null?: break
      case .string(let text)?:
        if let error = goTimeParseError(text) { return error }
      case let other?:
        return "json: cannot unmarshal \(other.typeName) into Go value of type string"
      }
    }
    return nil
  }

  /// Members of the entries that are not `ManagedFieldsEntry` fields, by path
  /// (`metadata.managedFields[0].owner`), for strict field validation.
  public static func unknownFields(_ value: JSONValue?) -> [String] {
    let known: Set<String> = ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"]
    var out: [String] = []
    for (i, entry) in (value?.arrayValue ?? []).enumerated() {
      for (key, _) in entry.objectValue ?? JSONObject() where !known.contains(key) {
        out.append("metadata.managedFields[\(i)].\(key)")
      }
    }
    return out
  }

  /// Go's `time.Parse(time.RFC3339, text)` error, nil when the text parses.
  static func goTimeParseError(_ text: String) -> String? {
    if Timestamp(rfc3339: text) != nil { return nil }
    let layout = "2006-01-02T15:04:05Z07:00"
    let prefix = "parsing time \(goQuoted(text)) as \(goQuoted(layout)): cannot parse "
    let bytes = Array(text.utf8)
    // The layout's elements in order: digits of a given count, or a literal.
    let elements: [(String, Int?)] = [
      ("2006", 4), ("-", nil), ("01", 2), ("-", nil), ("02", 2), ("T", nil), ("15", 2), (":", nil), ("04", 2),
      (":", nil), ("05", 2),
    ]
    var i = 0
    func rest() -> String { goQuoted(String(decoding: bytes[i...], as: UTF8.self)) }
    for (element, digits) in elements {
      if let digits {
        guard i + digits <= bytes.count, bytes[i..<(i + digits)].allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
          return prefix + rest() + " as " + goQuoted(element)
        }
        i += digits
      } else {
        guard i < bytes.count, bytes[i] == element.utf8.first! else { return prefix + rest() + " as " + goQuoted(element) }
        i += 1
      }
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      while i < bytes.count, bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
    }
    return prefix + rest() + " as \"Z07:00\""
  }

  /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
  static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark,
      .decimalNumber, .letterNumber, .otherNumber,
      .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation,
      .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }
}
