import ArgumentParser
import SkiffAPI

/// `skiff get`: kubectl's tables (rendered from the server's Table responses), `-o
/// wide|yaml|json|name`, `-l`, `-A`, `-w`, several kinds at once (`deploy,rs,pod`) and
/// `kind/name` forms.
struct Get: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Display one or many resources.",
    discussion: """
        skiff get pods -n grpc-nosidecar
        skiff get deploy,rs,pod,svc,ep -n grpc-nosidecar -o wide
        skiff get vs vs-istio-grpc-server -n grpc-sidecar -o yaml
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List across all namespaces.")
  var allNamespaces = false

  @Option(name: [.short, .long], help: "Output format: wide, yaml, json, name.")
  var output: String?

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector (e.g. app=x,version!=v2).")
  var selector: String?

  @Option(name: .customLong("field-selector"), help: "Field selector (e.g. status.phase=Running).")
  var fieldSelector: String?

  @Flag(name: [.short, .long], help: "After listing, watch for changes.")
  var watch = false

  @Flag(name: .customLong("no-headers"), help: "Do not print headers.")
  var noHeaders = false

  @Option(name: .customLong("sort-by"), help: "Sort by a field (JSONPath-like, e.g. .lastTimestamp or .metadata.name).")
  var sortBy: String?

  @Flag(name: .customLong("show-managed-fields"), help: "Keep metadata.managedFields in -o json|yaml output.")
  var showManagedFields = false

  @Argument(help: "TYPE[.GROUP][,TYPE...] [NAME...] or TYPE/NAME...", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  func validate() throws {
    if arguments.isEmpty {
      throw ValidationError("""
        You must specify the type of resource to get. Use "skiff api-resources" for a complete list of supported resources.
        """)
    }
    if let output, !["wide", "yaml", "json", "name"].contains(output) {
      throw ValidationError("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,name,wide,yaml")
    }
  }

  /// What was asked for: kinds and, per kind, names (empty = all).
  func requests() throws(CLIError) -> [(ResourceInfo, [String])] {
    if arguments.allSatisfy({ $0.contains("/") }) {
      var out: [(ResourceInfo, [String])] = []
      for arg in arguments {
        let parts = arg.split(separator: "/", maxSplits: 1)
        let info = try ResourcePaths.resolve(String(parts[0]))
        if let i = out.firstIndex(where: { $0.0 == info }) { out[i].1.append(String(parts[1])) } else { out.append((info, [String(parts[1])])) }
      }
      return out
    }
    let kinds = try arguments[0].split(separator: ",").map { name throws(CLIError) in try ResourcePaths.resolve(String(name)) }
    let names = Array(arguments.dropFirst())
    if kinds.count > 1 && !names.isEmpty {
      throw CLIError("error: you may only specify a single resource type when naming objects (or use TYPE/NAME)")
    }
    return kinds.map { ($0, names) }
  }

  func run() throws {
    let requests = try requests()
    let client = cluster.client
    let ns: String? = allNamespaces ? nil : namespace.effective
    var query: [(String, String)] = []
    if let selector { query.append(("labelSelector", selector)) }
    if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
    if sortBy != nil { query.append(("includeObject", "Object")) }
    let multiple = requests.count > 1 || requests.contains { $0.1.count > 1 } || arguments.contains { $0.contains("/") } && requests.count > 1

    if watch {
      guard requests.count == 1, let (info, _) = requests.first else {
        throw CLIError("error: you may only specify a single resource type when watching")
      }
      try watchTable(info, namespace: ns, query: query, client: client)
      return
    }

    if output == "yaml" || output == "json" {
      try printObjects(requests, namespace: ns, query: query, client: client)
      return
    }

    var sections: [String] = []
    var anyRows = false
    var errors: [String] = []
    for (info, names) in requests {
      var tables: [JSONValue] = []
      if names.isEmpty {
        let response = try client.request(
          "GET", ResourcePaths.collection(info, namespace: info.namespaced ? ns : nil), query: query,
          headers: [("Accept", ResourcePaths.tableAccept)])
        guard response.status == 200, var table = response.json else { throw CLIError.fromServer(response) }
        if let sortBy { table["rows"] = .array(FieldSort.sorted(table.array("rows"), by: sortBy, objectKey: "object")) }
        tables.append(table)
      } else {
        for name in names {
          let response = try client.request(
            "GET", ResourcePaths.object(info, namespace: info.namespaced ? (ns ?? "default") : nil, name: name),
            headers: [("Accept", ResourcePaths.tableAccept)])
          if response.status == 404 {
            errors.append(CLIError.fromServer(response).message)
            continue
          }
          guard response.status == 200, let table = response.json else { throw CLIError.fromServer(response) }
          tables.append(table)
        }
      }
      let prefix = multiple || requests.count > 1 ? "\(info.kindDotGroup)/" : nil
      if output == "name" {
        for table in tables {
          for row in table["rows"]?.arrayValue ?? [] {
            let name = row.value(at: ["object", "metadata", "name"])?.stringValue ?? TableRenderer.text(row["cells"]?.arrayValue?.first ?? "")
            Console.out("\(info.kindDotGroup)/\(name)\n")
          }
        }
        anyRows = anyRows || tables.contains { !($0["rows"]?.arrayValue ?? []).isEmpty }
        continue
      }
      let renderer = TableRenderer(wide: output == "wide", namePrefix: prefix, showNamespace: allNamespaces && info.namespaced, showHeaders: !noHeaders)
      var rows: [[String]] = []
      for (i, table) in tables.enumerated() {
        let cells = renderer.cells(table, columns: tables.first?["columnDefinitions"]?.arrayValue)
        rows += i == 0 ? cells : Array(cells.dropFirst(noHeaders ? 0 : 1))
      }
      let dataRows = rows.count - (noHeaders ? 0 : 1)
      if dataRows > 0 {
        anyRows = true
        sections.append(TableRenderer.align(rows))
      }
    }
    if !sections.isEmpty { Console.out(sections.joined(separator: "\n")) }
    for error in errors { Console.err(error + "\n") }
    if !anyRows && errors.isEmpty && output != "name" {
      if allNamespaces || !(requests.first?.0.namespaced ?? true) {
        Console.err("No resources found\n")
      } else {
        Console.err("No resources found in \(ns ?? "default") namespace.\n")
      }
    }
    if !errors.isEmpty { throw CLIError("", exitCode: 1) }
  }

  func printObjects(_ requests: [(ResourceInfo, [String])], namespace ns: String?, query: [(String, String)], client: APIClient) throws {
    var items: [JSONValue] = []
    var single: JSONValue?
    for (info, names) in requests {
      if names.isEmpty {
        let response = try client.request("GET", ResourcePaths.collection(info, namespace: info.namespaced ? ns : nil), query: query)
        guard response.status == 200, let list = response.json else { throw CLIError.fromServer(response) }
        let listed = sortBy.map { FieldSort.sorted(list.array("items"), by: $0, objectKey: nil) } ?? list.array("items")
        for var item in listed {
          if item["apiVersion"] == nil { item["apiVersion"] = .string(info.apiVersion) }
          if item["kind"] == nil { item["kind"] = .string(info.kind) }
          items.append(item)
        }
      } else {
        for name in names {
          let response = try client.request("GET", ResourcePaths.object(info, namespace: info.namespaced ? (ns ?? "default") : nil, name: name))
          guard response.status == 200, let object = response.json else { throw CLIError.fromServer(response) }
          items.append(object)
          if requests.count == 1 && names.count == 1 { single = object }
        }
      }
    }
    let unsorted: JSONValue = single ?? [
      "apiVersion": "v1", "items": .array(items), "kind": "List", "metadata": ["resourceVersion": ""],
    ]
    // kubectl prints objects as maps, so every level's keys come out sorted; it leaves the
    // field managers out unless asked (its printers' OmitManagedFieldsPrinter).
    let document = (showManagedFields ? unsorted : unsorted.withoutManagedFields).keysSortedRecursively
    if output == "json" {
      Console.out(document.prettyJSONString(indent: 4) + "\n")
    } else {
      do {
        Console.out(try YAML.emit(document))
      } catch {
        throw CLIError("error: \(error)")
      }
    }
  }

  func watchTable(_ info: ResourceInfo, namespace ns: String?, query: [(String, String)], client: APIClient) throws {
    var q = query
    q.append(("watch", "true"))
    let renderer = TableRenderer(wide: output == "wide", showNamespace: allNamespaces && info.namespaced, showHeaders: false)
    var columns: [JSONValue]?
    var widths: [Int]?
    var buffer: [UInt8] = []
    let response = try client.stream(
      "GET", ResourcePaths.collection(info, namespace: info.namespaced ? ns : nil), query: q,
      headers: [("Accept", ResourcePaths.tableAccept)]
    ) { chunk in
      buffer += chunk
      while let newline = buffer.firstIndex(of: 0x0a) {
        let line = Array(buffer[..<newline])
        buffer.removeSubrange(...newline)
        guard let event = try? JSONValue(parsing: line), let table = event["object"] else { continue }
        if let defs = table["columnDefinitions"]?.arrayValue, !defs.isEmpty, columns == nil {
          columns = defs
          let header = TableRenderer(wide: output == "wide", showNamespace: allNamespaces && info.namespaced).cells(["rows": []], columns: defs)
          if !noHeaders {
            // Size columns from the header; kubectl's watch output is aligned per line as it streams.
            widths = TableRenderer.columnWidths(header + [header[0].map { _ in String(repeating: " ", count: 12) }])
            Console.out(TableRenderer.align(header, widths: widths))
          }
        }
        guard event["type"]?.stringValue != "BOOKMARK" else { continue }
        let rows = renderer.cells(table, columns: columns)
        if !rows.isEmpty { Console.out(TableRenderer.align(rows, widths: widths ?? TableRenderer.columnWidths(rows))) }
      }
    }
    if response.status >= 300 { throw CLIError.fromServer(response) }
  }
}

/// `--sort-by`: rows ordered by a field of their objects (kubectl's SortingPrinter),
/// numbers numerically, other values as text, a missing field first.
enum FieldSort {
  static func sorted(_ rows: [JSONValue], by field: String, objectKey: String?) -> [JSONValue] {
    var path = field
    if path.hasPrefix("{") && path.hasSuffix("}") { path = String(path.dropFirst().dropLast()) }
    let keys = path.split(separator: ".").map(String.init)
    func value(_ row: JSONValue) -> JSONValue? {
      let object = objectKey.map { row[$0] ?? [:] } ?? row
      return object.value(at: keys)
    }
    func less(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
      switch (a, b) {
      case (nil, nil): return false
      case (nil, _): return true
      case (_, nil): return false
      case (.int(let x)?, .int(let y)?): return x < y
      case (.double(let x)?, .double(let y)?): return x < y
      case (.int(let x)?, .double(let y)?): return Double(x) < y
      case (.double(let x)?, .int(let y)?): return x < Double(y)
      default: return TableRenderer.text(a!) < TableRenderer.text(b!)
      }
    }
    return rows.enumerated().sorted { x, y in
      let (vx, vy) = (value(x.element), value(y.element))
      if less(vx, vy) { return true }
      if less(vy, vx) { return false }
      return x.offset < y.offset
    }.map(\.element)
  }
}

extension JSONValue {
  /// The value with every object's keys in sorted order, as Go prints maps.
  /// The object, or a list's items, without `metadata.managedFields`.
  var withoutManagedFields: JSONValue {
    var copy = self
    if let items = copy["items"]?.arrayValue {
      copy["items"] = .array(items.map(\.withoutManagedFields))
    } else if copy.value(at: ["metadata", "managedFields"]) != nil {
      copy.setValue(nil, at: ["metadata", "managedFields"])
    }
    return copy
  }

  var keysSortedRecursively: JSONValue {
    switch self {
    case .object(let object):
      var sorted = JSONObject()
      for key in object.keys.sorted() { sorted[key] = object[key]!.keysSortedRecursively }
      return .object(sorted)
    case .array(let items): return .array(items.map(\.keysSortedRecursively))
    default: return self
    }
  }
}
