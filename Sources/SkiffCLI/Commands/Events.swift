import ArgumentParser
import SkiffAPI

/// `skiff events`: kubectl 1.26+'s `kubectl events`, the namespace's Events sorted by when
/// they last happened: `LAST SEEN TYPE REASON OBJECT MESSAGE`.
struct Events: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List events.",
    discussion: """
        skiff events -n grpc-nosidecar
        skiff events --for deployment/istio-grpc-server-v1
        skiff events -A --types=Warning
        skiff events -w
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List the events across all namespaces.")
  var allNamespaces = false

  @Option(name: .customLong("for"), help: "Only events about this object: TYPE/NAME (e.g. pod/web).")
  var forObject: String?

  @Option(name: .long, help: "Only events of these types (comma-separated: Normal, Warning).")
  var types: String?

  @Flag(name: [.short, .long], help: "After listing the events, watch for more.")
  var watch = false

  @Flag(name: .customLong("no-headers"), help: "Do not print headers.")
  var noHeaders = false

  @Option(name: [.short, .long], help: "Output format: json or yaml.")
  var output: String?

  @Flag(name: .customLong("show-managed-fields"), help: "Keep metadata.managedFields in -o json|yaml output.")
  var showManagedFields = false

  func validate() throws {
    if let output, !["json", "yaml"].contains(output) {
      throw CLIError("error: unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,yaml")
    }
    if let forObject, !forObject.contains("/") {
      throw CLIError("error: --for must be in resource/name form")
    }
    if let forObject, forObject.split(separator: "/", omittingEmptySubsequences: false).count != 2 {
      throw CLIError("error: arguments in resource/name form may not have more than one slash")
    }
  }

  func run() throws {
    let client = cluster.client
    let ns: String? = allNamespaces ? nil : namespace.effective
    var fieldSelector: String?
    if let forObject {
      let parts = forObject.split(separator: "/", maxSplits: 1).map(String.init)
      let info = try ResourcePaths.resolve(parts[0])
      fieldSelector = "involvedObject.kind=\(info.kind),involvedObject.apiVersion=\(info.apiVersion),involvedObject.name=\(parts[1])"
    }
    let filter = types?.split(separator: ",").map { $0.lowercased() } ?? []
    let wanted = { (event: JSONValue) in filter.isEmpty || filter.contains(event.string("type").lowercased()) }
    var printer = EventPrinter(allNamespaces: allNamespaces, headers: !noHeaders, now: Timestamp.now())
    if watch {
      var query: [(String, String)] = []
      if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
      let refused = try client.watch(ResourcePaths.collection(Event.resourceInfo, namespace: ns), query: query) { type, event in
        guard type != "DELETED", type != "ERROR", type != "BOOKMARK", wanted(event) else { return .next }
        printer.now = Timestamp.now()
        Console.out(printer.render([event]))
        return .next
      }
      if let refused { throw CLIError.fromServer(refused) }
      return
    }
    let events = try client.list(Event.resourceInfo, namespace: ns, fieldSelector: fieldSelector).filter(wanted).map { event in
      var event = event
      if event["apiVersion"] == nil { event["apiVersion"] = "v1" }
      if event["kind"] == nil { event["kind"] = "Event" }
      return event
    }
    guard !events.isEmpty else {
      Console.err(allNamespaces ? "No events found.\n" : "No events found in \(namespace.effective) namespace.\n")
      return
    }
    let sorted = EventTimes.sortedByEventTime(events).map { showManagedFields ? $0 : $0.withoutManagedFields }
    switch output {
    case "json":
      let list: JSONValue = ["apiVersion": "v1", "items": .array(sorted), "kind": "EventList", "metadata": [:]]
      Console.out(list.keysSortedRecursively.prettyJSONString(indent: 4) + "\n")
    case "yaml":
      let list: JSONValue = ["apiVersion": "v1", "items": .array(sorted), "kind": "EventList", "metadata": [:]]
      do {
        Console.out(try YAML.emit(list.keysSortedRecursively))
      } catch {
        throw CLIError("error: \(error)")
      }
    default:
      Console.out(printer.render(sorted))
    }
  }
}

/// `kubectl events`' table (kubectl `pkg/cmd/events/event_printer.go`): the header once,
/// OBJECT as `Kind/name`, aligned by cli-runtime's tabwriter.
struct EventPrinter {
  var allNamespaces: Bool
  var headers: Bool
  var now: Timestamp
  private var tabs = TabWriter.table()
  private var printedHeader = false

  init(allNamespaces: Bool, headers: Bool, now: Timestamp) {
    self.allNamespaces = allNamespaces
    self.headers = headers
    self.now = now
  }

  mutating func render(_ events: [JSONValue]) -> String {
    if headers && !printedHeader {
      tabs.write((allNamespaces ? "NAMESPACE\t" : "") + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n")
      printedHeader = true
    }
    for event in events {
      let involved = event["involvedObject"] ?? [:]
      tabs.write(
        (allNamespaces ? "\(event.metadataString("namespace") ?? "")\t" : "")
          + "\(EventTimes.interval(event, now: now))\t\(event.string("type"))\t\(event.string("reason"))\t\(involved.string("kind"))/\(involved.string("name"))\t\(event.string("message").trimmingWhitespace)\n"
      )
    }
    return tabs.flush()
  }
}
