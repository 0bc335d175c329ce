import ArgumentParser
import SkiffAPI

/// `skiff label`: adds (`key=value`), changes (`--overwrite`) and removes (`key-`) labels,
/// printing kubectl's `pod/x labeled|unlabeled|modified|not labeled`.
struct Label: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Update the labels on a resource.",
    discussion: """
        skiff label pods web unhealthy=true
        skiff label --overwrite pods web status=unhealthy
        skiff label pods --all status=unhealthy
        skiff label pods web bar-              (remove the label bar)
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Flag(name: .long, help: "Allow labels to be overwritten.")
  var overwrite = false

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector of the objects to update.")
  var selector: String?

  @Option(name: .customLong("field-selector"), help: "Field selector of the objects to update.")
  var fieldSelector: String?

  @Flag(name: .long, help: "Select all resources of the given types in the namespace.")
  var all = false

  @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Update the objects across all namespaces.")
  var allNamespaces = false

  @Flag(name: .long, help: "List the labels of the resource instead of changing them.")
  var list = false

  @Option(name: [.short, .customLong("filename")], help: "Files naming the resources to update.")
  var files: [String] = []

  @Option(name: .customLong("resource-version"), help: "Update only if the object is at this resource version.")
  var resourceVersion: String?

  @Option(name: .customLong("dry-run"), help: "none, client or server.")
  var dryRun = "none"

  @Argument(help: "TYPE NAME... or TYPE/NAME..., then KEY=VALUE... and KEY-...", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  func validate() throws {
    try checkDryRun(dryRun)
    let parsed = try KeyValueArguments(arguments, kind: "label")
    if all && selector != nil { throw CLIError("error: cannot set --all and --selector at the same time") }
    if all && fieldSelector != nil { throw CLIError("error: cannot set --all and --field-selector at the same time") }
    if parsed.resources.isEmpty && files.isEmpty {
      throw CLIError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    }
    if parsed.isEmpty && !list { throw CLIError("error: at least one label update is required") }
    for (key, value) in parsed.additions {
      let errors = LabelValidation.valueErrors(value)
      if !errors.isEmpty { throw CLIError("error: invalid label value: \"\(key)=\(value)\": \(errors.joined(separator: ";"))") }
    }
    if parsed.remove.contains(where: { key in parsed.additions.contains { $0.key == key } }) {
      throw CLIError("error: can not both modify and remove a label in the same command")
    }
  }

  func run() throws {
    let parsed = try KeyValueArguments(arguments, kind: "label")
    let request = files.isEmpty
      ? try ResourceArguments(parsed.resources, selector: selector, fieldSelector: fieldSelector, allowEmptySelector: all)
      : try ResourceArguments(files: files)
    if resourceVersion != nil && !request.singleItem {
      throw CLIError("error: --resource-version may only be used with a single resource")
    }
    let client = cluster.client
    let (targets, fetchErrors) = try request.fetch(client, namespace: namespace.effective, allNamespaces: allNamespaces)
    var errors: [String] = []
    for target in targets {
      do {
        try label(target, parsed, single: request.singleItem, client: client)
      } catch let error as CLIError {
        errors.append(error.message)
      }
    }
    let all = errors + fetchErrors
    if !all.isEmpty { throw CLIError(all.joined(separator: "\n")) }
  }

  func label(_ target: ResourceArguments.Target, _ parsed: KeyValueArguments, single: Bool, client: APIClient) throws {
    let current = Describer.metadataMap(target.object, "labels")
    if list {
      if !single { Console.out("Listing labels for \(target.info.kind).\(target.info.group)/\(target.name):\n") }
      for key in current.keys.sorted() { Console.out("\(single ? "" : " ")\(key)=\(current[key]!)\n") }
      return
    }
    if dryRun == "none" {
      for key in parsed.remove where current[key] == nil { Console.out("label \"\(key)\" not found.\n") }
    }
    let change = MetadataMapChange(current, set: parsed.additions, remove: parsed.remove)
    if !overwrite, let conflict = change.conflicts(parsed.additions).first {
      throw CLIError("error: '\(conflict.key)' already has a value (\(conflict.current)), and --overwrite is false")
    }
    let message: String
    switch (change.added.isEmpty, change.removed.isEmpty) {
    case (false, false): message = "modified"
    case (false, true): message = "labeled"
    case (true, false): message = "unlabeled"
    case (true, true): message = "not labeled"
    }
    if dryRun != "client" && (!change.added.isEmpty || !change.removed.isEmpty) {
      try patch(target, change.mergePatch(field: "labels", resourceVersion: resourceVersion), client: client, fieldManager: "kubectl-label",
        dryRun: dryRun == "server")
    }
    Console.out("\(target.displayName) \(message)\(dryRunSuffix(dryRun))\n")
  }
}

/// Sends a JSON merge patch to the object, as label and annotate do.
func patch(
  _ target: ResourceArguments.Target, _ patch: JSONValue, client: APIClient, fieldManager: String, dryRun: Bool = false
) throws {
  var query: [(String, String)] = [("fieldManager", fieldManager)]
  if dryRun { query.append(("dryRun", "All")) }
  let response = try client.request(
    "PATCH", ResourcePaths.object(target.info, namespace: target.namespace, name: target.name), query: query,
    headers: [("Content-Type", PatchType.merge.rawValue)], body: patch.jsonBytes())
  printWarnings(response)
  guard response.status == 200 else { throw CLIError.fromServer(response) }
}
