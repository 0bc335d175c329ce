import ArgumentParser
import SkiffAPI

/// Shell completion of resource arguments (`skiff get <TAB>`, `skiff describe pod <TAB>`):
/// the first argument completes to the kinds' names, the next ones to the names of the
/// objects of that kind on the cluster (`TYPE/<TAB>` too), as kubectl's completion does.
enum ResourceCompletion {
  /// The kinds' plural names (`pods`, `deployments`, `virtualservices`, ...).
  static var kindNames: [String] {
    APIRegistry.kinds.map { $0.resourceInfo.plural }.sorted()
  }

  /// Flags whose value is the next word.
  static let valueFlags: Set<String> = [
    "-n", "--namespace", "-l", "--selector", "-o", "--output", "-f", "--filename", "--field-selector", "--run-dir",
    "--data-dir", "--replicas", "--current-replicas", "--timeout", "--to-revision", "--revision", "--for", "--types",
    "--resource-version", "--sort-by",
  ]

  /// ArgumentParser's custom completion entry: `words` is the command line, `index` the
  /// word being completed, `prefix` its text before the cursor.
  @Sendable static func complete(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
    let commandWords = commandNames
    var positionals: [String] = []
    var namespace: String?
    var runDirectory: String?
    var i = 1
    var skipping = true
    while i < min(index, words.count) {
      let word = words[i]
      if word.hasPrefix("-") {
        if valueFlags.contains(word) {
          if (word == "-n" || word == "--namespace"), i + 1 < words.count { namespace = words[i + 1] }
          if word == "--run-dir", i + 1 < words.count { runDirectory = words[i + 1] }
          i += 2
          continue
        }
        if word.hasPrefix("--namespace=") { namespace = String(word.dropFirst("--namespace=".count)) }
        if word.hasPrefix("--run-dir=") { runDirectory = String(word.dropFirst("--run-dir=".count)) }
        i += 1
        continue
      }
      if skipping && commandWords.contains(word) {
        i += 1
        continue
      }
      skipping = false
      positionals.append(word)
      i += 1
    }
    if let slash = prefix.firstIndex(of: "/") {
      let kind = String(prefix[..<slash])
      return names(kind: kind, namespace: namespace, runDirectory: runDirectory).map { "\(kind)/\($0)" }.filter { $0.hasPrefix(prefix) }
    }
    if positionals.isEmpty { return kindNames.filter { $0.hasPrefix(prefix) } }
    guard !positionals[0].contains("/") else { return [] }
    return names(kind: positionals[0], namespace: namespace, runDirectory: runDirectory).filter { $0.hasPrefix(prefix) }
  }

  /// The names of every subcommand, skipped when finding the positional arguments.
  static var commandNames: Set<String> {
    var names: Set<String> = []
    func walk(_ command: any ParsableCommand.Type) {
      names.insert(command._commandName)
      for sub in command.configuration.subcommands { walk(sub) }
    }
    walk(SkiffCommand.self)
    return names
  }

  /// Object names of `kind` on the cluster (none when it does not answer).
  static func names(kind: String, namespace: String?, runDirectory: String?) -> [String] {
    guard let type = APIRegistry.resource(named: kind) else { return [] }
    let info = type.resourceInfo
    let run = runDirectory ?? ProcessEnvironment.value("SKIFF_RUN_DIR") ?? "/run/skiff"
    let client = APIClient(socketPath: run + "/skiff.sock")
    guard let items = try? client.list(info, namespace: info.namespaced ? (namespace ?? "default") : nil) else { return [] }
    return items.compactMap { $0.metadataString("name") }.sorted()
  }
}
