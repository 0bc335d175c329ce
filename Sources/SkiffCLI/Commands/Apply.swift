import ArgumentParser
import SkiffAPI

/// `skiff apply -f FILE|DIR|-`: declarative configuration, as `kubectl apply`: creates what
/// is missing, and patches what exists with a three-way merge against the last-applied
/// configuration, so fields removed from the file are removed from the object while fields
/// set by controllers survive.
struct Apply: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Apply a configuration to a resource by file name or stdin.",
    discussion: """
      Every document of every file is checked first (kind, fields, validation); if any is
      invalid nothing is applied.

        skiff apply -n grpc-nosidecar -f examples/walkthrough/istio-grpc-server.yaml
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.short, .customLong("filename")], help: "Files or directories that contain the configuration to apply ('-' for stdin).")
  var files: [String] = []

  @Flag(name: [.short, .long], help: "Process the directory used in -f recursively.")
  var recursive = false

  @Option(name: [.short, .long], help: "Output format: name.")
  var output: String?

  @Option(name: .customLong("dry-run"), help: "none, client or server.")
  var dryRun: String = "none"

  func validate() throws {
    if files.isEmpty {
      throw ValidationError("error: must specify one of -f and -k")
    }
  }

  func run() throws {
    let manifests = try ManifestLoader.load(files, recursive: recursive)
    if manifests.isEmpty { throw CLIError("error: no objects passed to apply") }
    let checked = try ManifestValidator.check(manifests, namespace: namespace.namespace, defaultNamespace: "default")
    let client = cluster.client
    var failures: [String] = []
    for item in checked {
      do {
        let word = try apply(item, client: client)
        let suffix = dryRun == "none" ? "" : " (\(dryRun) dry run)"
        Console.out(output == "name" ? "\(item.info.kindDotGroup)/\(item.name)\n" : "\(item.info.kindDotGroup)/\(item.name) \(word)\(suffix)\n")
      } catch let error as CLIError {
        failures.append(error.message)
      }
    }
    if !failures.isEmpty { throw CLIError(failures.joined(separator: "\n")) }
  }

  func apply(_ item: ManifestValidator.Checked, client: APIClient) throws -> String {
    let namespace = item.info.namespaced ? item.namespace : nil
    let modified = LastAppliedConfiguration.annotated(item.object)
    var query = [("fieldValidation", "Strict"), ("fieldManager", "kubectl-client-side-apply")]
    if dryRun == "server" { query.append(("dryRun", "All")) }
    let current = try client.request("GET", ResourcePaths.object(item.info, namespace: namespace, name: item.name))
    if current.status == 404 {
      if dryRun == "client" { return "created" }
      let created = try client.request(
        "POST", ResourcePaths.collection(item.info, namespace: namespace), query: query, body: modified.jsonBytes())
      printWarnings(created)
      guard created.status == 201 || created.status == 200 else {
        throw CLIError.fromServer(created, context: "error when creating \"\(item.manifest.source)\": ")
      }
      return "created"
    }
    guard current.status == 200, let live = current.json else {
      throw CLIError.fromServer(current, context: "error when retrieving current configuration of \"\(item.manifest.source)\": ")
    }
    let original: JSONValue?
    do {
      original = try LastAppliedConfiguration.original(in: live)
    } catch {
      throw CLIError("error: \(error)")
    }
    if original == nil {
      Console.err("Warning: resource \(item.info.plural)/\(item.name) is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n")
    }
    let patch: ThreeWayMerge.Patch
    do {
      patch = try ThreeWayMerge.patch(original: original, modified: modified, current: live)
    } catch {
      throw CLIError("error: \(error)")
    }
    if patch.isEmpty { return "unchanged" }
    if dryRun == "client" { return "configured" }
    let patched = try client.request(
      "PATCH", ResourcePaths.object(item.info, namespace: namespace, name: item.name), query: query,
      headers: [("Content-Type", patch.type.rawValue)], body: Array(patch.json.utf8))
    printWarnings(patched)
    guard patched.status == 200 else {
      throw CLIError.fromServer(patched, context: "error when patching \"\(item.manifest.source)\": ")
    }
    return "configured"
  }
}

func printWarnings(_ response: APIResponse) {
  for warning in response.warnings { Console.err("Warning: \(warning)\n") }
}
