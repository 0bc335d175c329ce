import ArgumentParser
import SkiffAPI

/// `skiff describe`: kubectl's describers (pods with containers, probes, conditions and
/// events; deployments with replicas, strategy, pod template and ReplicaSets; services,
/// endpoints, ...), the generic field listing for the other kinds. `describe pod web`
/// also finds pods whose names start with `web` when none is called exactly that.
struct Describe: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show details of a specific resource or group of resources.",
    discussion: """
        skiff describe pods -n grpc-nosidecar
        skiff describe deploy istio-grpc-server-v1
        skiff describe pod istio-grpc-server       (every pod whose name starts so)
        skiff describe vs/vs-istio-grpc-server -n grpc-sidecar
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Describe the objects across all namespaces.")
  var allNamespaces = false

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector (e.g. app=x,version!=v2).")
  var selector: String?

  @Option(name: [.short, .customLong("filename")], help: "Files with the resources to describe.")
  var files: [String] = []

  @Flag(name: .customLong("show-events"), inversion: .prefixedNo, help: "Show the events related to the object.")
  var showEvents = true

  @Argument(help: "TYPE [NAME_PREFIX] or TYPE/NAME...", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  func validate() throws {
    if arguments.isEmpty && files.isEmpty {
      throw CLIError(
        "error: You must specify the type of resource to describe. Use \"skiff api-resources\" for a complete list of supported resources.")
    }
  }

  func run() throws {
    let ns = namespace.effective
    let request = files.isEmpty
      ? try ResourceArguments(arguments, selector: selector, allowEmptySelector: true)
      : try ResourceArguments(files: files)
    let client = cluster.client
    let describer = Describer(client: client, now: Timestamp.now(), showEvents: showEvents)
    let (targets, errors) = try request.fetch(client, namespace: ns, allNamespaces: allNamespaces)

    // kubectl: a single TYPE NAME that is not found describes the objects whose names
    // start with NAME.
    if targets.isEmpty, errors.count == 1, arguments.count == 2, !arguments[0].contains("/"), selector == nil,
      let info = request.requests.first?.info, errors[0].contains("(NotFound)")
    {
      let all = try client.list(info, namespace: info.namespaced ? ns : nil)
      let matching = all.filter { ($0.metadataString("name") ?? "").hasPrefix(arguments[1]) }
      guard !matching.isEmpty else { throw CLIError(errors[0]) }
      for object in matching {
        Console.out(try describer.describe(object, info: info) + "\n")
      }
      return
    }

    var first = true
    for target in targets {
      let text = try describer.describe(target.object, info: target.info)
      Console.out(first ? text : "\n\n" + text)
      first = false
    }
    if targets.isEmpty && errors.isEmpty {
      Console.err(ResourceArguments.noResourcesMessage(namespace: ns, allNamespaces: allNamespaces))
    }
    if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
  }
}
