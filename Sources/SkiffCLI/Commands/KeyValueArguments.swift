import SkiffAPI

/// `label` and `annotate` arguments: the resources first, then `key=value` and `key-`
/// changes (kubectl `cmdutil.GetResourcesAndPairs`, `ParsePairs`).
struct KeyValueArguments {
  var resources: [String] = []
  /// Additions and changes, in the order given.
  var additions: [(key: String, value: String)] = []
  var remove: [String] = []

  /// Splits `args` into resources and changes; `kind` is `label` or `annotation`.
  init(_ args: [String], kind: String) throws(CLIError) {
    var foundPair = false
    var pairs: [String] = []
    for arg in args {
      let isPair = (arg.contains("=") && !arg.hasPrefix("=")) || (arg.hasSuffix("-") && arg != "-")
      if isPair {
        foundPair = true
        pairs.append(arg)
      } else if foundPair {
        throw CLIError("error: all resources must be specified before \(kind) changes: \(arg)")
      } else {
        resources.append(arg)
      }
    }
    for pair in pairs {
      if pair.contains("=") && !pair.hasPrefix("=") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0]), value = String(parts[1])
        additions.removeAll { $0.key == key }
        additions.append((key, value))
      } else {
        remove.append(String(pair.dropLast()))
      }
    }
  }

  var isEmpty: Bool { additions.isEmpty && remove.isEmpty }
}

/// Applies `label`/`annotate` changes to a metadata map and says what changed.
struct MetadataMapChange {
  var before: [String: String]
  var after: [String: String]
  var added: Set<String> = []
  var removed: Set<String> = []

  init(_ current: [String: String], set: [(key: String, value: String)], remove: [String]) {
    before = current
    after = current
    for (key, value) in set where after[key] != value {
      after[key] = value
      added.insert(key)
    }
    for key in remove where after[key] != nil {
      after[key] = nil
      removed.insert(key)
    }
  }

  /// The keys whose values would change (the `--overwrite` check).
  func conflicts(_ set: [(key: String, value: String)]) -> [(key: String, current: String)] {
    set.compactMap { pair in
      guard let current = before[pair.key], current != pair.value else { return nil }
      return (pair.key, current)
    }.sorted { $0.key < $1.key }
  }

  /// The JSON merge patch kubectl sends: `{"metadata":{"labels":{"a":"b","c":null}}}`.
  func mergePatch(field: String, resourceVersion: String?) -> JSONValue {
    var changes = JSONObject()
    for key in (added.union(removed)).sorted() {
      changes[key] = after[key].map { JSONValue.string($0) } ?? .null
    }
    var metadata = JSONObject()
    if !changes.isEmpty { metadata[field] = .object(changes) }
    if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
    return metadata.isEmpty ? [:] : ["metadata": .object(metadata)]
  }
}

/// The name printer's suffix for `--dry-run`.
func dryRunSuffix(_ dryRun: String) -> String {
  switch dryRun {
  case "client": return " (dry run)"
  case "server": return " (server dry run)"
  default: return ""
  }
}

/// kubectl's `--dry-run` values.
func checkDryRun(_ value: String) throws(CLIError) {
  guard ["none", "client", "server"].contains(value) else {
    throw CLIError("error: Invalid dry-run value (\(value)). Must be \"none\", \"server\", or \"client\".")
  }
}
