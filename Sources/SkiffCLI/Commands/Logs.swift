import ArgumentParser
import SkiffAPI

/// `skiff logs [-f] [-c CONTAINER] [--previous] [--tail N] [--timestamps] POD`.
struct Logs: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the logs for a container in a pod.")

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.short, .long], help: "Print the logs of this container.")
  var container: String?

  @Flag(name: [.short, .long], help: "Stream the logs.")
  var follow = false

  @Flag(name: [.short, .long], help: "Print the logs of the previous instance of the container.")
  var previous = false

  @Option(name: .long, help: "Lines of recent log to display (-1: all).")
  var tail: Int = -1

  @Flag(name: .long, help: "Include timestamps on each line.")
  var timestamps = false

  @Option(name: .customLong("since"), help: "Only logs newer than a relative duration like 5s, 2m, or 3h.")
  var since: String?

  @Argument(help: "POD (or pod/POD)")
  var pod: String

  func run() throws {
    var name = pod
    if name.hasPrefix("pod/") || name.hasPrefix("pods/") { name = String(name.split(separator: "/", maxSplits: 1)[1]) }
    var query: [(String, String)] = []
    if let container { query.append(("container", container)) }
    if follow { query.append(("follow", "true")) }
    if previous { query.append(("previous", "true")) }
    if tail >= 0 { query.append(("tailLines", String(tail))) }
    if timestamps { query.append(("timestamps", "true")) }
    if let since {
      let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
      guard let unit = since.last, let factor = units[unit], let n = Int(since.dropLast()) else {
        throw CLIError("error: invalid argument \"\(since)\" for \"--since\" flag: time: invalid duration \"\(since)\"")
      }
      query.append(("sinceSeconds", String(n * factor)))
    }
    let path = "/api/v1/namespaces/\(namespace.effective)/pods/\(name)/log"
    if follow {
      let response = try cluster.client.stream("GET", path, query: query) { chunk in
        Console.out(String(decoding: chunk, as: UTF8.self))
      }
      if response.status != 200 { throw CLIError.fromServer(response) }
      return
    }
    let response = try cluster.client.request("GET", path, query: query)
    guard response.status == 200 else {
      if response.status == 400, let message = response.json?["message"]?.stringValue {
        throw CLIError("error: \(message)")
      }
      throw CLIError.fromServer(response)
    }
    Console.out(String(decoding: response.body, as: UTF8.self))
  }
}
