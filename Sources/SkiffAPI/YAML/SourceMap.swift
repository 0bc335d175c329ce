/// A place in a YAML text: 1-based line and column (columns count Unicode scalars, as
/// libyaml counts them).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }

  public var description: String { "line \(line), column \(column)" }
}

/// Where each JSON path of a document was written, so a validation error on
/// `spec.template.spec.containers[0].ports[0].containerPort` can name its line and column.
///
/// Paths use the notation of `fieldPath(_:)` (the decoder's and `FieldError`'s): object
/// members joined with `.`, array items as `[i]`, the document itself as `""`.
///
/// Each path has two positions:
/// - ``position(of:)``: for an object member, its **key** (`replicas` in `  replicas: 1`),
///   which is where a reader looks for a field, and which exists even when the value is empty;
///   for an array item or the document, the item's node.
/// - ``valuePosition(of:)``: the value node (`1` in `  replicas: 1`).
///
/// Members that come from an alias or a merge (`<<: *defaults`) map to where the aliased
/// content is written.
public struct SourceMap: Sendable, Equatable {
  var keys: [String: SourcePosition] = [:]
  var values: [String: SourcePosition] = [:]

  public init() {}

  /// Records the positions of `path`; a later record of the same path replaces the earlier
  /// one (a duplicate key's last value is the one kept).
  mutating func record(_ path: String, key: SourcePosition, value: SourcePosition) {
    keys[path] = key
    values[path] = value
  }

  /// The position recorded for exactly `path`, nil when there is none.
  public subscript(path: String) -> SourcePosition? { keys[path] }

  /// Every path with a position.
  public var paths: Dictionary<String, SourcePosition>.Keys { keys.keys }

  /// The key position of `path` (see the type's notes), or of its nearest ancestor that has
  /// one: a field the decoder reports but the text lacks (`spec.selector`, required but
  /// missing) is located at its parent (`spec`).
  public func position(of path: String) -> SourcePosition? { lookup(path, in: keys) }

  /// The value position of `path`, or of its nearest ancestor that has one.
  public func valuePosition(of path: String) -> SourcePosition? { lookup(path, in: values) }

  func lookup(_ path: String, in table: [String: SourcePosition]) -> SourcePosition? {
    var current = Substring(path)
    while true {
      if let found = table[String(current)] { return found }
      guard let parent = Self.parent(of: current) else { return nil }
      current = parent
    }
  }

  /// `a.b[2]` → `a.b` → `a` → `""` → nil. Keys that contain dots (`app.kubernetes.io/name`)
  /// make the guess land on paths that do not exist; the walk goes on past them.
  static func parent(of path: Substring) -> Substring? {
    if path.isEmpty { return nil }
    if path.last == "]", let open = path.lastIndex(of: "[") { return path[..<open] }
    if let dot = path.lastIndex(of: ".") { return path[..<dot] }
    if let open = path.lastIndex(of: "[") { return path[..<open] }
    return ""
  }
}
