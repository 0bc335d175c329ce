/// One node of a YAML document as libyaml's events describe it, before any resolution:
/// go-yaml's `node` (parser.go), kept in an array and linked by index.
struct YAMLNode {
  enum Kind {
    /// `plain` is libyaml's `plain_implicit`: untagged plain text (or tagged `!`), the only
    /// scalars whose type is resolved from their text.
    case scalar(String, tag: String?, plain: Bool)
    case sequence([Int])
    /// Keys and values alternate: `[key0, value0, key1, value1, ...]`.
    case mapping([Int])
    case alias(target: Int, name: String)
  }

  var kind: Kind
  /// Where the node starts (its anchor or tag, if it has one).
  var position: SourcePosition
}

/// Builds one document's nodes from parser events. Anchors are registered when their node
/// starts, as go-yaml does, so an alias inside its own anchor's node is seen by the
/// converter as a cycle rather than as an unknown anchor.
struct YAMLNodeTreeBuilder {
  /// Deeper nesting than this is refused, so converting a hostile document cannot exhaust
  /// the stack (the JSON parser uses the same limit).
  static let maxDepth = 512

  private(set) var nodes: [YAMLNode] = []
  private(set) var root: Int?
  private var anchors: [String: Int] = [:]
  private var open: [(node: Int, children: [Int])] = []

  mutating func scalar(_ text: String, tag: String?, plain: Bool, anchor: String?, at position: SourcePosition) {
    let index = add(YAMLNode(kind: .scalar(text, tag: tag, plain: plain), position: position))
    if let anchor { anchors[anchor] = index }
  }

  mutating func alias(_ name: String, at position: SourcePosition) throws(YAMLError) {
    guard let target = anchors[name] else {
      throw YAMLError(.anchor, "unknown anchor '\(name)' referenced", at: position)
    }
    add(YAMLNode(kind: .alias(target: target, name: name), position: position))
  }

  mutating func startCollection(mapping: Bool, anchor: String?, at position: SourcePosition) throws(YAMLError) {
    guard open.count < Self.maxDepth else {
      throw YAMLError(.limit, "exceeded max depth of \(Self.maxDepth)", at: position)
    }
    let index = add(YAMLNode(kind: mapping ? .mapping([]) : .sequence([]), position: position))
    if let anchor { anchors[anchor] = index }
    open.append((index, []))
  }

  mutating func endCollection() {
    guard let (index, children) = open.popLast() else { return }
    switch nodes[index].kind {
    case .mapping: nodes[index].kind = .mapping(children)
    default: nodes[index].kind = .sequence(children)
    }
  }

  @discardableResult
  private mutating func add(_ node: YAMLNode) -> Int {
    let index = nodes.count
    nodes.append(node)
    if open.isEmpty {
      root = index
    } else {
      open[open.count - 1].children.append(index)
    }
    return index
  }
}
