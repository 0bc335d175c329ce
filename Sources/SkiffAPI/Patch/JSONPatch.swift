/// JSON Patch (RFC 6902, `application/json-patch+json`): a list of `add`, `remove`,
/// `replace`, `move`, `copy` and `test` operations addressed by JSON Pointers (RFC 6901:
/// `/spec/containers/0/image`, `~1` for `/`, `~0` for `~`, `-` for the end of an array).
///
/// Behaves as the API server does: it runs evanphx/json-patch v4, so besides the RFC it
/// accepts negative array indices (`/items/-1` is the last item), a `replace` of a missing
/// object member adds it, and `add` or `remove` at the root path `""` fail. Errors carry
/// that library's messages; the server answers any of them with 422 (see ``PatchError``).
public enum JSONPatch {
  /// The API server refuses patches with more operations than this (413).
  public static let maxOperations = 10000

  /// The API server's default limit on the bytes `copy` operations may add (3 MiB).
  public static let defaultCopySizeLimit = 3 * 1024 * 1024

  /// Applies `patch` (a JSON array of operations) to `document` and returns the result.
  ///
  /// - Parameter copySizeLimit: total size in bytes that `copy` operations may add; 0 or
  ///   less for no limit.
  /// - Throws: ``PatchError`` with `.badRequest` when `patch` is not a list of operations,
  ///   `.invalid` when an operation does not apply.
  public static func apply(
    _ patch: JSONValue, to document: JSONValue, copySizeLimit: Int = defaultCopySizeLimit
  ) throws(PatchError) -> JSONValue {
    let operations = try decode(patch)
    var doc = document
    var copied = 0
    for operation in operations {
      try perform(operation, on: &doc, copied: &copied, copySizeLimit: copySizeLimit)
    }
    return doc
  }

  /// The operations of a patch document; `null` is an empty patch, as Go decodes it.
  static func decode(_ patch: JSONValue) throws(PatchError) -> [JSONObject?] {
    switch patch {
    case .null: return []
    case .array(let items):
      var operations: [JSONObject?] = []
      for item in items {
        switch item {
        case .object(let o): operations.append(o)
        case .null: operations.append(nil)
        default:
          throw PatchError(.badRequest, "json: cannot unmarshal \(item.goJSONKind) into Go value of type jsonpatch.Operation")
        }
      }
      return operations
    default:
      throw PatchError(.badRequest, "json: cannot unmarshal \(patch.goJSONKind) into Go value of type jsonpatch.Patch")
    }
  }

  // MARK: Operations (evanphx/json-patch v4 patch.go)

  static let errMissing = "missing value"
  static let errTestFailed = "test failed"
  static let errInvalidIndex = "invalid index referenced"

  static func fail(_ message: String) -> PatchError { PatchError(.invalid, message) }

  static func perform(
    _ operation: JSONObject?, on doc: inout JSONValue, copied: inout Int, copySizeLimit: Int
  ) throws(PatchError) {
    let op = operation ?? JSONObject()
    let kind: String
    if case .string(let k) = op["op"] { kind = k } else { kind = "unknown" }
    let value = op["value"]
    switch kind {
    case "add":
      guard let path = try? member("path", of: op) else { throw fail("add operation failed to decode path: \(errMissing)") }
      try onContainer(of: path, in: &doc, missing: "add operation does not apply: doc is missing path: \"\(path)\": \(errMissing)") {
        (container, key) throws(PatchError) in
        do { try add(value ?? .null, at: key, in: &container) } catch { throw fail("error in add for path: '\(path)': \(error)") }
      }
    case "remove":
      guard let path = try? member("path", of: op) else { throw fail("remove operation failed to decode path: \(errMissing)") }
      try onContainer(of: path, in: &doc, missing: "remove operation does not apply: doc is missing path: \"\(path)\": \(errMissing)") {
        (container, key) throws(PatchError) in
        do { try remove(key, from: &container) } catch { throw fail("error in remove for path: '\(path)': \(error)") }
      }
    case "replace":
      let path: String
      do { path = try member("path", of: op) } catch { throw fail("replace operation failed to decode path: \(error)") }
      if path.isEmpty {
        // v4 wraps a nil error here, which Go prints as %!w(<nil>).
        guard let value, value.objectValue != nil || value.arrayValue != nil else {
          throw fail("replace operation value must be object or array: %!w(<nil>)")
        }
        doc = value
        return
      }
      try onContainer(of: path, in: &doc, missing: "replace operation does not apply: doc is missing path: \(path): \(errMissing)") {
        (container, key) throws(PatchError) in
        do { _ = try get(key, in: container) } catch {
          throw fail("replace operation does not apply: doc is missing key: \(path): \(errMissing)")
        }
        do { try set(value ?? .null, at: key, in: &container) } catch { throw fail("error in remove for path: '\(path)': \(error)") }
      }
    case "move":
      let from: String
      do { from = try member("from", of: op) } catch { throw fail("move operation failed to decode from: \(error)") }
      var moved: JSONValue = .null
      try onContainer(of: from, in: &doc, missing: "move operation does not apply: doc is missing from path: \(from): \(errMissing)") {
        (container, key) throws(PatchError) in
        do {
          moved = try get(key, in: container) ?? .null
          try remove(key, from: &container)
        } catch { throw fail("error in move for path: '\(key)': \(error)") }
      }
      let path: String
      do { path = try member("path", of: op) } catch { throw fail("move operation failed to decode path: \(error)") }
      try onContainer(of: path, in: &doc, missing: "move operation does not apply: doc is missing destination path: \(path): \(errMissing)") {
        (container, key) throws(PatchError) in
        do { try add(moved, at: key, in: &container) } catch { throw fail("error in move for path: '\(path)': \(error)") }
      }
    case "test":
      let path: String
      do { path = try member("path", of: op) } catch { throw fail("test operation failed to decode path: \(error)") }
      if path.isEmpty {
        guard let value, value == doc else { throw fail("testing value \(path) failed: \(errTestFailed)") }
        return
      }
      try onContainer(of: path, in: &doc, missing: "test operation does not apply: is missing path: \(path): \(errMissing)") {
        (container, key) throws(PatchError) in
        let current: JSONValue?
        do { current = try get(key, in: container) } catch { throw fail("error in test for path: '\(path)': \(error)") }
        // A missing member and a null one are both Go's nil node; so is `"value": null`.
        let expected = value?.isNull == true ? nil : value
        let actual = current?.isNull == true ? nil : current
        if actual == nil && expected == nil { return }
        guard let actual, let expected, actual == expected else {
          throw fail("testing value \(path) failed: \(errTestFailed)")
        }
      }
    case "copy":
      let from: String
      do { from = try member("from", of: op) } catch { throw fail("copy operation failed to decode from: \(error)") }
      var copy: JSONValue = .null
      try onContainer(of: from, in: &doc, missing: "copy operation does not apply: doc is missing from path: \(from): \(errMissing)") {
        (container, key) throws(PatchError) in
        do { copy = try get(key, in: container) ?? .null } catch { throw fail("error in copy for from: '\(from)': \(error)") }
      }
      guard let path = try? member("path", of: op) else { throw fail("copy operation failed to decode path: \(errMissing)") }
      try onContainer(of: path, in: &doc, missing: "copy operation does not apply: doc is missing destination path: \(path): \(errMissing)") {
        (container, key) throws(PatchError) in
        // Go copies a missing or null value as a nil node, which adds nothing.
        copied += copy.isNull ? 0 : copy.goJSONBytes().count
        if copySizeLimit > 0 && copied > copySizeLimit {
          throw fail("Unable to complete the copy, the accumulated size increase of copy is \(copied), exceeding the limit \(copySizeLimit)")
        }
        do { try add(copy, at: key, in: &container) } catch { throw fail("error while adding value during copy: \(error)") }
      }
    default:
      throw fail("Unexpected kind: \(kind)")
    }
  }

  /// The string member `path` or `from` of an operation, with Go's decoding errors.
  static func member(_ name: String, of op: JSONObject) throws(PatchError) -> String {
    switch op[name] {
    case .none, .some(.null):
      throw fail(name == "path" ? "operation missing path field: \(errMissing)" : "operation, missing from field: \(errMissing)")
    case .some(.string(let s)): return s
    case .some(let other): throw fail("json: cannot unmarshal \(other.goJSONKind) into Go value of type string")
    }
  }

  // MARK: JSON Pointer navigation (v4 findObject)

  /// RFC 6901 unescaping in one left-to-right pass: `~1` → `/`, `~0` → `~`.
  static func unescape(_ token: Substring) -> String {
    guard token.contains("~") else { return String(token) }
    var out = ""
    var i = token.startIndex
    while i < token.endIndex {
      let c = token[i]
      let next = token.index(after: i)
      if c == "~", next < token.endIndex, token[next] == "1" || token[next] == "0" {
        out.append(token[next] == "1" ? "/" : "~")
        i = token.index(after: next)
      } else {
        out.append(c)
        i = next
      }
    }
    return out
  }

  /// Runs `body` on the object or array that holds the last token of `path`, with that
  /// token. Like v4, the first token is never looked up (`a/b` acts as `/b`), and any
  /// step through a missing, null or scalar value makes the path missing.
  static func onContainer(
    of path: String, in doc: inout JSONValue, missing: @autoclosure () -> String,
    _ body: (inout JSONValue, String) throws(PatchError) -> Void
  ) throws(PatchError) {
    let tokens = path.split(separator: "/", omittingEmptySubsequences: false)
    guard tokens.count >= 2 else { throw fail(missing()) }
    let parents = tokens[1..<(tokens.count - 1)].map(unescape)
    let key = unescape(tokens[tokens.count - 1])
    guard try descend(&doc, parents[...], key, body) else { throw fail(missing()) }
  }

  private static func descend(
    _ value: inout JSONValue, _ parents: ArraySlice<String>, _ key: String,
    _ body: (inout JSONValue, String) throws(PatchError) -> Void
  ) throws(PatchError) -> Bool {
    guard value.objectValue != nil || value.arrayValue != nil else { return false }
    guard let part = parents.first else {
      try body(&value, key)
      return true
    }
    // The container is moved out of `value` while it is edited, so nothing is copied.
    switch value {
    case .object(var object):
      value = .null
      defer { value = .object(object) }
      guard var child = object[part], !child.isNull else { return false }
      object[part] = .null
      defer { object[part] = child }
      return try descend(&child, parents.dropFirst(), key, body)
    case .array(var items):
      value = .null
      defer { value = .array(items) }
      guard let index = try? arrayIndex(part, count: items.count), !items[index].isNull else { return false }
      var child = items[index]
      items[index] = .null
      defer { items[index] = child }
      return try descend(&child, parents.dropFirst(), key, body)
    default:
      return false
    }
  }

  // MARK: Container operations (v4 partialDoc / partialArray)

  struct ContainerError: Error, CustomStringConvertible {
    var description: String
  }

  /// Go's `strconv.Atoi`, with its errors word for word.
  static func atoi(_ key: String) throws(ContainerError) -> Int {
    if let i = Int(key) { return i }
    let digits = key.first == "+" || key.first == "-" ? key.dropFirst() : key[...]
    let reason = !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) ? "value out of range" : "invalid syntax"
    throw ContainerError(description: "strconv.Atoi: parsing \"\(key)\": \(reason)")
  }

  static func invalidIndex(_ i: Int) -> ContainerError {
    ContainerError(description: "Unable to access invalid index: \(i): \(errInvalidIndex)")
  }

  /// An existing index of an array of `count` items; negative counts from the end.
  static func arrayIndex(_ key: String, count: Int) throws(ContainerError) -> Int {
    var i = try atoi(key)
    if i < 0 {
      if i < -count { throw invalidIndex(i) }
      i += count
    }
    if i >= count { throw invalidIndex(i) }
    return i
  }

  static func get(_ key: String, in container: JSONValue) throws(ContainerError) -> JSONValue? {
    switch container {
    case .object(let o): return o[key]
    case .array(let items): return items[try arrayIndex(key, count: items.count)]
    default: return nil
    }
  }

  static func add(_ value: JSONValue, at key: String, in container: inout JSONValue) throws(ContainerError) {
    switch container {
    case .object(var o):
      o[key] = value
      container = .object(o)
    case .array(var items):
      if key == "-" {
        items.append(value)
      } else {
        let i: Int
        do { i = try atoi(key) } catch {
          throw ContainerError(description: "value was not a proper array index: '\(key)': \(error)")
        }
        let size = items.count + 1
        if i >= size { throw invalidIndex(i) }
        var index = i
        if index < 0 {
          if index < -size { throw invalidIndex(i) }
          index += size
        }
        items.insert(value, at: index)
      }
      container = .array(items)
    default: break
    }
  }

  static func set(_ value: JSONValue, at key: String, in container: inout JSONValue) throws(ContainerError) {
    switch container {
    case .object(var o):
      o[key] = value
      container = .object(o)
    case .array(var items):
      items[try arrayIndex(key, count: items.count)] = value
      container = .array(items)
    default: break
    }
  }

  static func remove(_ key: String, from container: inout JSONValue) throws(ContainerError) {
    switch container {
    case .object(var o):
      guard o[key] != nil else {
        throw ContainerError(description: "Unable to remove nonexistent key: \(key): \(errMissing)")
      }
      o[key] = nil
      container = .object(o)
    case .array(var items):
      let i = try atoi(key)
      if i >= items.count { throw invalidIndex(i) }
      var index = i
      if index < 0 {
        if index < -items.count { throw invalidIndex(i) }
        index += items.count
      }
      items.remove(at: index)
      container = .array(items)
    default: break
    }
  }
}

extension JSONValue {
  /// How Go's `json` package names a JSON value's kind in an UnmarshalTypeError.
  var goJSONKind: String {
    switch self {
    case .null: return "null"
    case .bool: return "bool"
    case .int, .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}
