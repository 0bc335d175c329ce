import ArgumentParser
import SkiffAPI

/// `skiff version`.
struct Version: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the client and server version information.")

  @OptionGroup var cluster: ClusterOptions
  @Flag(name: .long, help: "Client version only (no server needed).")
  var client = false

  func run() throws {
    Console.out("Client Version: v\(skiffCLIVersion)\n")
    guard !client else { return }
    let response = try cluster.client.request("GET", "/version")
    guard response.status == 200, let json = response.json else { throw CLIError.fromServer(response) }
    Console.out("Server Version: \(json["gitVersion"]?.stringValue ?? "?")\n")
  }
}

/// `skiff api-resources`: the kinds served, as kubectl lists them.
struct APIResources: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "api-resources", abstract: "Print the supported API resources.")

  @Option(name: [.short, .long], help: "Output format: wide or name.")
  var output: String?

  func run() throws {
    var rows = [["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"] + (output == "wide" ? ["VERBS", "CATEGORIES"] : [])]
    for type in APIRegistry.kinds.sorted(by: { ($0.resourceInfo.group, $0.resourceInfo.plural) < ($1.resourceInfo.group, $1.resourceInfo.plural) }) {
      let info = type.resourceInfo
      if output == "name" {
        Console.out((info.group.isEmpty ? info.plural : "\(info.plural).\(info.group)") + "\n")
        continue
      }
      var row = [info.plural, info.shortNames.joined(separator: ","), info.apiVersion, String(info.namespaced), info.kind]
      if output == "wide" {
        row += ["create,delete,deletecollection,get,list,patch,update,watch", info.categories.joined(separator: ",")]
      }
      rows.append(row)
    }
    if output != "name" { Console.out(TableRenderer.align(rows)) }
  }
}
