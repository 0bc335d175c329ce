/// Turns one document's node tree into JSON the way sigs.k8s.io/yaml does (go-yaml v2
/// decodes into `interface{}`, then keys become strings and the result is JSON), while
/// recording the source map and duplicate keys.
struct YAMLToJSON {
  let nodes: [YAMLNode]
  private(set) var sourceMap = SourceMap()
  private(set) var duplicateKeys: [YAMLDuplicateKey] = []

  /// Mappings whose duplicate keys were already reported: an aliased mapping is converted
  /// again at every alias, but its duplicates are one mistake, reported where it is written.
  private var reportedMappings: Set<Int> = []
  /// Collections being converted, innermost last: an alias to one of them is a cycle.
  private var inProgress: Set<Int> = []
  private var depth = 0
  // go-yaml's counters for its "excessive aliasing" guard.
  private var aliasDepth = 0
  private var decodeCount = 0
  private var aliasCount = 0

  init(nodes: [YAMLNode]) { self.nodes = nodes }

  mutating func convert(root: Int) throws(YAMLError) -> JSONValue {
    let position = nodes[root].position
    sourceMap.record("", key: position, value: position)
    return try value(of: root, path: "")
  }

  // MARK: Values

  private mutating func value(of index: Int, path: String) throws(YAMLError) -> JSONValue {
    try count(index)
    let node = nodes[index]
    switch node.kind {
    case .scalar(let text, let tag, let plain):
      return try scalar(text, tag: tag, plain: plain, at: node.position)

    case .alias(let target, let name):
      try checkCycle(target, name: name, at: node.position)
      aliasDepth += 1
      defer { aliasDepth -= 1 }
      return try value(of: target, path: path)

    case .sequence(let items):
      try enter(index)
      defer { leave(index) }
      var array: [JSONValue] = []
      array.reserveCapacity(items.count)
      for (i, item) in items.enumerated() {
        let itemPath = "\(path)[\(i)]"
        let position = nodes[item].position
        sourceMap.record(itemPath, key: position, value: position)
        array.append(try value(of: item, path: itemPath))
      }
      return .array(array)

    case .mapping:
      try enter(index)
      defer { leave(index) }
      var object = JSONObject()
      for member in try members(of: index, path: path) {
        let memberPath = path.isEmpty ? member.key : path + "." + member.key
        sourceMap.record(memberPath, key: member.keyPosition, value: nodes[member.value].position)
        if member.viaAlias { aliasDepth += 1 }
        defer { if member.viaAlias { aliasDepth -= 1 } }
        object[member.key] = try value(of: member.value, path: memberPath)
      }
      return .object(object)
    }
  }

  /// A scalar as JSON: go-yaml's resolution, then what Go's JSON encoder makes of the Go
  /// value, as read back by `JSONValue(parsing:)`. So a float with an integral value
  /// (`1e3`, `5.0`) becomes an integer, because Go writes it as `1000` and `5`.
  private func scalar(_ text: String, tag: String?, plain: Bool, at position: SourcePosition) throws(YAMLError)
    -> JSONValue
  {
    switch ScalarResolver.resolve(text, tag: tag, plain: plain) {
    case .failure(var error):
      error.position = position
      throw error
    case .success(.null): return .null
    case .success(.bool(let b)): return .bool(b)
    case .success(.int(let i)): return .int(i)
    case .success(.uint(let u)): return .double(Double(u))
    case .success(.string(let s)): return .string(s)
    case .success(.float(let d)):
      guard d.isFinite else {
        // Go's encoding/json refuses these; sigs.k8s.io/yaml passes its error on.
        let go = d.isNaN ? "NaN" : (d < 0 ? "-Inf" : "+Inf")
        throw YAMLError(.unsupportedValue, "json: unsupported value: \(go)", at: position)
      }
      if d.rounded() == d, abs(d) < 1e21, let i = Int64(exactly: d) { return .int(i) }
      return .double(d)
    }
  }

  // MARK: Mappings

  /// A member of a mapping after merges: its JSON key, where the key is written, and its
  /// value node. `viaAlias` marks members merged from an aliased mapping, so their
  /// conversion counts as alias expansion.
  private struct Member {
    var key: String
    var keyPosition: SourcePosition
    var value: Int
    var viaAlias: Bool
  }

  /// The members of a mapping in key order, with merge keys (`<<`) applied as the YAML
  /// merge-key spec (and go-yaml v3) define them: keys written in the mapping win over
  /// merged ones wherever the `<<` is, and among merged mappings the earlier wins. Merged
  /// members take the place of the `<<` key. A key written twice keeps its first place in
  /// the order and takes its last value and position; the repeat is reported.
  private mutating func members(of index: Int, path: String) throws(YAMLError) -> [Member] {
    guard case .mapping(let children) = nodes[index].kind else { return [] }
    let report = reportedMappings.insert(index).inserted
    enum Entry {
      case written(Member)
      case merged([Member])
    }
    var entries: [Entry] = []
    var firstWritten: [String: SourcePosition] = [:]
    for pair in stride(from: 0, to: children.count - 1, by: 2) {
      let keyNode = children[pair]
      let valueNode = children[pair + 1]
      if isMerge(keyNode) {
        entries.append(.merged(try mergedMembers(of: valueNode, path: path)))
        continue
      }
      let key = try keyString(keyNode)
      let keyPosition = nodes[keyNode].position
      if let first = firstWritten[key] {
        if report {
          duplicateKeys.append(
            YAMLDuplicateKey(
              path: path.isEmpty ? key : path + "." + key, key: key, position: keyPosition, firstPosition: first))
        }
      } else {
        firstWritten[key] = keyPosition
      }
      entries.append(.written(Member(key: key, keyPosition: keyPosition, value: valueNode, viaAlias: false)))
    }

    var result: [Member] = []
    var slot: [String: Int] = [:]
    for entry in entries {
      switch entry {
      case .written(let member):
        if let i = slot[member.key] {
          result[i].value = member.value
          result[i].keyPosition = member.keyPosition
        } else {
          slot[member.key] = result.count
          result.append(member)
        }
      case .merged(let merged):
        for member in merged where firstWritten[member.key] == nil && slot[member.key] == nil {
          slot[member.key] = result.count
          result.append(member)
        }
      }
    }
    return result
  }

  /// go-yaml's `isMerge`: a plain `<<` key, or one tagged `!!merge`. A quoted `"<<"` is an
  /// ordinary key.
  private func isMerge(_ index: Int) -> Bool {
    guard case .scalar(let text, let tag, let plain) = nodes[index].kind, text == "<<" else { return false }
    return plain || tag == YAMLTag.merge
  }

  /// The members a `<<` value contributes: a mapping, an alias of one, or a sequence of
  /// those (earlier ones win).
  private mutating func mergedMembers(of index: Int, path: String) throws(YAMLError) -> [Member] {
    let sources: [Int]
    if case .sequence(let items) = nodes[index].kind {
      try count(index)
      sources = items
    } else {
      sources = [index]
    }
    var result: [Member] = []
    var seen: Set<String> = []
    for source in sources {
      try count(source)
      var mapping = source
      var viaAlias = false
      if case .alias(let target, let name) = nodes[source].kind {
        try checkCycle(target, name: name, at: nodes[source].position)
        mapping = target
        viaAlias = true
      }
      guard case .mapping = nodes[mapping].kind else {
        throw YAMLError(
          .unsupportedValue, "map merge requires map or sequence of maps as the value", at: nodes[source].position)
      }
      if viaAlias { aliasDepth += 1 }
      defer { if viaAlias { aliasDepth -= 1 } }
      try enter(mapping)
      defer { leave(mapping) }
      for var member in try members(of: mapping, path: path) where seen.insert(member.key).inserted {
        member.viaAlias = member.viaAlias || viaAlias
        result.append(member)
      }
    }
    return result
  }

  /// A mapping key as a JSON object key, as sigs.k8s.io/yaml converts go-yaml's key types:
  /// strings as they are, integers in decimal, booleans as `true`/`false`, floats as Go's
  /// 32-bit `%g` (`1.5`, `.inf`). Null and collection keys have no JSON form.
  private mutating func keyString(_ index: Int) throws(YAMLError) -> String {
    try count(index)
    var node = nodes[index]
    if case .alias(let target, _) = node.kind { node = nodes[target] }
    switch node.kind {
    case .scalar(let text, let tag, let plain):
      switch ScalarResolver.resolve(text, tag: tag, plain: plain) {
      case .failure(var error):
        error.position = nodes[index].position
        throw error
      case .success(.string(let s)): return s
      case .success(.int(let i)): return String(i)
      // sigs.k8s.io/yaml rejects uint64 keys (an oversight: it lists the other Go types);
      // decimal is the only sensible reading.
      case .success(.uint(let u)): return String(u)
      case .success(.bool(let b)): return b ? "true" : "false"
      case .success(.float(let d)): return goFormatFloat(d, bits: 32)
      case .success(.null):
        throw YAMLError(
          .unsupportedValue, "unsupported map key: null cannot be a JSON object key", at: nodes[index].position)
      }
    case .mapping, .sequence:
      let what = if case .mapping = node.kind { "mapping" } else { "sequence" }
      throw YAMLError(
        .unsupportedValue, "invalid map key: a \(what) cannot be a JSON object key", at: nodes[index].position)
    case .alias:
      return ""  // An alias always targets a non-alias node.
    }
  }

  // MARK: Guards

  private mutating func enter(_ index: Int) throws(YAMLError) {
    depth += 1
    if depth > YAMLNodeTreeBuilder.maxDepth {
      throw YAMLError(.limit, "exceeded max depth of \(YAMLNodeTreeBuilder.maxDepth)", at: nodes[index].position)
    }
    inProgress.insert(index)
  }

  private mutating func leave(_ index: Int) {
    depth -= 1
    inProgress.remove(index)
  }

  private func checkCycle(_ target: Int, name: String, at position: SourcePosition) throws(YAMLError) {
    if inProgress.contains(target) {
      throw YAMLError(.anchor, "anchor '\(name)' value contains itself", at: position)
    }
  }

  /// go-yaml v2's guard against alias bombs: past 1000 decoded nodes, aliases may account
  /// for at most 99% of them, falling to 10% for documents of millions of nodes.
  private mutating func count(_ index: Int) throws(YAMLError) {
    decodeCount += 1
    if aliasDepth > 0 { aliasCount += 1 }
    guard aliasCount > 100, decodeCount > 1000 else { return }
    let low = 400_000.0
    let high = 4_000_000.0
    let n = Double(decodeCount)
    let allowed = n <= low ? 0.99 : n >= high ? 0.10 : 0.99 - 0.89 * ((n - low) / (high - low))
    if Double(aliasCount) / n > allowed {
      throw YAMLError(.limit, "document contains excessive aliasing", at: nodes[index].position)
    }
  }
}
