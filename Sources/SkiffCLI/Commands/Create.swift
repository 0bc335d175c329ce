import ArgumentParser
import SkiffAPI

/// `skiff create -f FILE` and `skiff create namespace NAME`.
struct Create: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create a resource from a file or from stdin.",
    subcommands: [CreateNamespace.self])

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.short, .customLong("filename")], help: "Files with the resources to create.")
  var files: [String] = []

  func run() throws {
    guard !files.isEmpty else { throw CLIError("error: must specify one of -f and -k") }
    let checked = try ManifestValidator.check(try ManifestLoader.load(files), namespace: namespace.namespace, defaultNamespace: "default")
    var failures: [String] = []
    for item in checked {
      let response = try cluster.client.request(
        "POST", ResourcePaths.collection(item.info, namespace: item.info.namespaced ? item.namespace : nil),
        query: [("fieldValidation", "Strict")], body: item.object.jsonBytes())
      printWarnings(response)
      if response.status == 201 || response.status == 200 {
        Console.out("\(item.info.kindDotGroup)/\(item.name) created\n")
      } else {
        failures.append(CLIError.fromServer(response, context: "error when creating \"\(item.manifest.source)\": ").message)
      }
    }
    if !failures.isEmpty { throw CLIError(failures.joined(separator: "\n")) }
  }
}

struct CreateNamespace: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "namespace", abstract: "Create a namespace with the specified name.", aliases: ["ns"])

  @OptionGroup var cluster: ClusterOptions
  @Argument var name: String

  func run() throws {
    let body: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    let response = try cluster.client.request("POST", "/api/v1/namespaces", query: [("fieldValidation", "Strict")], body: body.jsonBytes())
    if response.status == 409 {
      throw CLIError("Error from server (AlreadyExists): namespaces \"\(name)\" already exists")
    }
    guard response.status == 201 else { throw CLIError.fromServer(response) }
    Console.out("namespace/\(name) created\n")
  }
}
