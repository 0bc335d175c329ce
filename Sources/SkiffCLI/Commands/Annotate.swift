import ArgumentParser
import SkiffAPI

/// `skiff annotate`: adds (`key=value`), changes (`--overwrite`) and removes (`key-`)
/// annotations, printing kubectl's `deployment.apps/x annotated`.
struct Annotate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Update the annotations on a resource.",
    discussion: """
        skiff annotate pods web description='my frontend'
        skiff annotate --overwrite pods web description='my frontend running nginx'
        skiff annotate pods --all description='my frontend running nginx'
        skiff annotate pods web description-     (remove the annotation description)
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Flag(name: .long, help: "Allow annotations to be overwritten.")
  var overwrite = false

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector of the objects to update.")
  var selector: String?

  @Option(name: .customLong("field-selector"), help: "Field selector of the objects to update.")
  var fieldSelector: String?

  @Flag(name: .long, help: "Select all resources of the given types in the namespace.")
  var all = false

  @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Update the objects across all namespaces.")
  var allNamespaces = false

  @Flag(name: .long, help: "List the annotations of the resource instead of changing them.")
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
    let parsed = try KeyValueArguments(arguments, kind: "annotation")
    if all && selector != nil { throw CLIError("error: cannot set --all and --selector at the same time") }
    if all && fieldSelector != nil { throw CLIError("error: cannot set --all and --field-selector at the same time") }
    if parsed.resources.isEmpty && files.isEmpty {
      throw CLIError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    }
    if parsed.isEmpty && !list { throw CLIError("error: at least one annotation update is required") }
    let both = parsed.remove.filter { key in parsed.additions.contains { $0.key == key } }
    if !both.isEmpty {
      throw CLIError(
        "error: can not both modify and remove the following annotation(s) in the same command: \(both.joined(separator: ", "))")
    }
  }

  func run() throws {
    let parsed = try KeyValueArguments(arguments, kind: "annotation")
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
        try annotate(target, parsed, single: request.singleItem, client: client)
      } catch let error as CLIError {
        errors.append(error.message)
      }
    }
    let all = errors + fetchErrors
    if !all.isEmpty { throw CLIError(all.joined(separator: "\n")) }
  }

  func annotate(_ target: ResourceArguments.Target, _ parsed: KeyValueArguments, single: Bool, client: APIClient) throws {
    let current = Describer.metadataMap(target.object, "annotations")
    if list {
      if !single { Console.out("Listing annotations for \(target.info.kind).\(target.info.group)/\(target.name):\n") }
      for key in current.keys.sorted() { Console.out("\(single ? "" : " ")\(key)=\(current[key]!)\n") }
      return
    }
    let change = MetadataMapChange(current, set: parsed.additions, remove: parsed.remove)
    // The change-cause annotation may always be overwritten.
    let conflicts = change.conflicts(parsed.additions).filter { $0.key != "kubernetes.io/change-cause" }
    if !overwrite && !conflicts.isEmpty {
      let list = conflicts.map { "'\($0.key)' already has a value (\($0.current))" }.joined(separator: "; ")
      throw CLIError("error: --overwrite is false but found the following declared annotation(s): \(list)")
    }
    if dryRun != "client" {
      try patch(
        target, change.mergePatch(field: "annotations", resourceVersion: resourceVersion), client: client,
        fieldManager: "kubectl-annotate", dryRun: dryRun == "server")
    }
    Console.out("\(target.displayName) annotated\(dryRunSuffix(dryRun))\n")
  }
}
