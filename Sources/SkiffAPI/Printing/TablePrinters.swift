/// A column of a `meta.k8s.io/v1 Table`.
public struct TableColumn: Sendable {
  public var name: String
  public var type: String
  public var format: String
  public var description: String
  /// 0: always shown; 1: only with `-o wide`.
  public var priority: Int

  public init(_ name: String, _ type: String = "string", format: String = "", priority: Int = 0, _ description: String = "") {
    self.name = name
    self.type = type
    self.format = format
    self.priority = priority
    self.description = description
  }

  var json: JSONValue {
    ["name": .string(name), "type": .string(type), "format": .string(format),
     "description": .string(description), "priority": .int(Int64(priority))]
  }
}

/// Server-side printing, as Kubernetes' printers (`pkg/printers/internalversion`) and CRD
/// printer columns do it: one printer per kind turns objects into Table rows. `skiff get` and
/// kubectl both render these Tables, so both show the same columns.
public enum TablePrinters {
  typealias Printer = (columns: [TableColumn], cells: @Sendable (JSONValue, Timestamp) -> [JSONValue])

  static let printers: [String: Printer] = [
    "/Pod": (PodPrinting.columns, PodPrinting.cells),
    "apps/Deployment": (deploymentColumns, deploymentCells),
    "apps/ReplicaSet": (replicaSetColumns, replicaSetCells),
    "/Service": (serviceColumns, serviceCells),
    "/Endpoints": ([TableColumn("Name", format: "name"), TableColumn("Endpoints"), TableColumn("Age")], endpointsCells),
    "discovery.k8s.io/EndpointSlice": (
      [TableColumn("Name", format: "name"), TableColumn("AddressType"), TableColumn("Ports"), TableColumn("Endpoints"), TableColumn("Age")],
      endpointSliceCells),
    "/Namespace": ([TableColumn("Name", format: "name"), TableColumn("Status"), TableColumn("Age")], {
      [name($0), $0.value(at: ["status", "phase"]) ?? "", .string(age(of: $0, now: $1))]
    }),
    "/Node": (nodeColumns, nodeCells),
    "/Event": (eventColumns, eventCells),
    "/ConfigMap": ([TableColumn("Name", format: "name"), TableColumn("Data", "integer"), TableColumn("Age")], {
      [name($0), .int(Int64(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0))),
       .string(age(of: $0, now: $1))]
    }),
    "/Secret": ([TableColumn("Name", format: "name"), TableColumn("Type"), TableColumn("Data", "integer"), TableColumn("Age")], {
      [name($0), $0["type"] ?? "", .int(Int64($0["data"]?.objectValue?.count ?? 0)), .string(age(of: $0, now: $1))]
    }),
    "/ServiceAccount": ([TableColumn("Name", format: "name"), TableColumn("Secrets", "integer"), TableColumn("Age")], {
      [name($0), .int(Int64($0["secrets"]?.arrayValue?.count ?? 0)), .string(age(of: $0, now: $1))]
    }),
    "networking.istio.io/DestinationRule": ([TableColumn("Name", format: "name"), TableColumn("Host"), TableColumn("Age", "date")], {
      [name($0), $0.value(at: ["spec", "host"]) ?? .null, .string(age(of: $0, now: $1))]
    }),
    "networking.istio.io/VirtualService": (
      [TableColumn("Name", format: "name"), TableColumn("Gateways"), TableColumn("Hosts"), TableColumn("Age", "date")],
      {
        // CRD printer columns print lists as JSON (`["istio-grpc-server"]`), missing ones empty.
        [name($0), $0.value(at: ["spec", "gateways"]).map { .string($0.jsonString()) } ?? .null,
         $0.value(at: ["spec", "hosts"]).map { .string($0.jsonString()) } ?? .null, .string(age(of: $0, now: $1))]
      }),
  ]

  /// The columns for a kind (NAME, AGE for kinds without a printer, like a CRD without
  /// printer columns).
  public static func columns(for info: ResourceInfo) -> [TableColumn] {
    printers["\(info.group)/\(info.kind)"]?.columns ?? [TableColumn("Name", format: "name"), TableColumn("Age", "date")]
  }

  /// One row's cells.
  public static func cells(for object: JSONValue, info: ResourceInfo, now: Timestamp) -> [JSONValue] {
    if let printer = printers["\(info.group)/\(info.kind)"] { return printer.cells(object, now) }
    return [name(object), .string(age(of: object, now: now))]
  }

  /// A `meta.k8s.io/v1 Table` of `objects`. Each row carries the object's metadata
  /// (`PartialObjectMetadata`, as kubectl asks by default) or the whole object.
  public static func table(
    for objects: [JSONValue], info: ResourceInfo, revision: Int64?, now: Timestamp,
    includeObject: String = "Metadata", withColumns: Bool = true
  ) -> JSONValue {
    let rows: [JSONValue] = objects.map { object in
      var row: JSONObject = ["cells": .array(cells(for: object, info: info, now: now))]
      switch includeObject {
      case "None": break
      case "Object": row["object"] = object
      default:
        row["object"] = [
          "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
          "metadata": object["metadata"] ?? [:],
        ]
      }
      return .object(row)
    }
    var table: JSONObject = [
      "kind": "Table", "apiVersion": "meta.k8s.io/v1",
      "metadata": revision.map { ["resourceVersion": .string(String($0))] } ?? [:],
    ]
    table["columnDefinitions"] = withColumns ? .array(columns(for: info).map(\.json)) : .array([])
    table["rows"] = .array(rows)
    return .object(table)
  }

  static func name(_ object: JSONValue) -> JSONValue { object.value(at: ["metadata", "name"]) ?? "" }

  static func string(_ object: JSONValue, _ path: String...) -> String {
    object.value(at: path)?.stringValue ?? ""
  }

  static func int(_ object: JSONValue, _ path: String...) -> Int64 {
    object.value(at: path)?.intValue ?? 0
  }

  static func containersAndImages(_ podSpec: JSONValue?) -> (String, String) {
    let containers = podSpec?["containers"]?.arrayValue ?? []
    return (containers.compactMap { $0["name"]?.stringValue }.joined(separator: ","),
            containers.compactMap { $0["image"]?.stringValue }.joined(separator: ","))
  }

  public static func selectorText(_ selector: JSONValue?) -> String {
    guard let selector else { return "<none>" }
    var parts = (selector["matchLabels"]?.objectValue ?? JSONObject()).map { "\($0.key)=\($0.value.stringValue ?? "")" }.sorted()
    for expression in selector["matchExpressions"]?.arrayValue ?? [] {
      let key = expression["key"]?.stringValue ?? ""
      let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
      switch expression["operator"]?.stringValue {
      case "In": parts.append("\(key) in (\(values))")
      case "NotIn": parts.append("\(key) notin (\(values))")
      case "Exists": parts.append(key)
      case "DoesNotExist": parts.append("!\(key)")
      default: break
      }
    }
    return parts.isEmpty ? "<none>" : parts.joined(separator: ",")
  }

  static let deploymentColumns = [
    TableColumn("Name", format: "name"), TableColumn("Ready"), TableColumn("Up-to-date", "integer"),
    TableColumn("Available", "integer"), TableColumn("Age"), TableColumn("Containers", priority: 1),
    TableColumn("Images", priority: 1), TableColumn("Selector", priority: 1),
  ]

  static func deploymentCells(_ d: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let (containers, images) = containersAndImages(d.value(at: ["spec", "template", "spec"]))
    return [
      name(d), .string("\(int(d, "status", "readyReplicas"))/\(d.value(at: ["spec", "replicas"])?.intValue ?? 1)"),
      .int(int(d, "status", "updatedReplicas")), .int(int(d, "status", "availableReplicas")),
      .string(age(of: d, now: now)), .string(containers), .string(images), .string(selectorText(d.value(at: ["spec", "selector"]))),
    ]
  }

  static let replicaSetColumns = [
    TableColumn("Name", format: "name"), TableColumn("Desired", "integer"), TableColumn("Current", "integer"),
    TableColumn("Ready", "integer"), TableColumn("Age"), TableColumn("Containers", priority: 1),
    TableColumn("Images", priority: 1), TableColumn("Selector", priority: 1),
  ]

  static func replicaSetCells(_ r: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let (containers, images) = containersAndImages(r.value(at: ["spec", "template", "spec"]))
    return [
      name(r), .int(r.value(at: ["spec", "replicas"])?.intValue ?? 1), .int(int(r, "status", "replicas")),
      .int(int(r, "status", "readyReplicas")), .string(age(of: r, now: now)), .string(containers), .string(images),
      .string(selectorText(r.value(at: ["spec", "selector"]))),
    ]
  }

  static let serviceColumns = [
    TableColumn("Name", format: "name"), TableColumn("Type"), TableColumn("Cluster-IP"), TableColumn("External-IP"),
    TableColumn("Port(s)"), TableColumn("Age"), TableColumn("Selector", priority: 1),
  ]

  static func serviceCells(_ s: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let type = string(s, "spec", "type").isEmpty ? "ClusterIP" : string(s, "spec", "type")
    let clusterIP = s.value(at: ["spec", "clusterIPs"])?.arrayValue?.first?.stringValue
      ?? s.value(at: ["spec", "clusterIP"])?.stringValue
    let ports = (s.value(at: ["spec", "ports"])?.arrayValue ?? []).map { p -> String in
      let port = p["port"]?.intValue ?? 0
      let proto = p["protocol"]?.stringValue ?? "TCP"
      if let nodePort = p["nodePort"]?.intValue, nodePort > 0 { return "\(port):\(nodePort)/\(proto)" }
      return "\(port)/\(proto)"
    }
    var external = "<none>"
    if let ips = s.value(at: ["spec", "externalIPs"])?.arrayValue, !ips.isEmpty {
      external = ips.compactMap(\.stringValue).joined(separator: ",")
    } else if type == "LoadBalancer" {
      let ingress = s.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? []
      external = ingress.isEmpty ? "<pending>" : ingress.compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }.joined(separator: ",")
    } else if type == "ExternalName" {
      external = string(s, "spec", "externalName")
    }
    let selector = (s.value(at: ["spec", "selector"])?.objectValue ?? JSONObject()).map { "\($0.key)=\($0.value.stringValue ?? "")" }.sorted()
    return [
      name(s), .string(type), .string(clusterIP.map { $0.isEmpty ? "<none>" : $0 } ?? "<none>"), .string(external),
      .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), .string(age(of: s, now: now)),
      .string(selector.isEmpty ? "<none>" : selector.joined(separator: ",")),
    ]
  }

  /// As `printEndpointSlice`: ports as `8080,9090` (`<unset>` for a port without number),
  /// addresses as the Endpoints column (three, then "+ N more...").
  static func endpointSliceCells(_ e: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let ports = (e["ports"]?.arrayValue ?? []).map { $0["port"]?.intValue.map(String.init) ?? "<unset>" }
    let addresses = (e["endpoints"]?.arrayValue ?? []).flatMap { ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue) }
    return [name(e), e["addressType"] ?? "", .string(ports.isEmpty ? "<unset>" : ports.joined(separator: ",")),
            .string(addresses.isEmpty ? "<none>" : firstThree(addresses)), .string(age(of: e, now: now))]
  }

  /// `a,b,c + 2 more...`, as the Endpoints printers shorten long lists.
  static func firstThree(_ list: [String]) -> String {
    list.count > 3 ? list.prefix(3).joined(separator: ",") + " + \(list.count - 3) more..." : list.joined(separator: ",")
  }

  static func endpointsCells(_ e: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let subsets = e["subsets"]?.arrayValue ?? []
    var list: [String] = []
    for subset in subsets {
      let ports = (subset["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue }
      for address in subset["addresses"]?.arrayValue ?? [] {
        let ip = address["ip"]?.stringValue ?? ""
        if ports.isEmpty { list.append(ip) } else { list += ports.map { "\(ip):\($0)" } }
      }
    }
    return [name(e), .string(subsets.isEmpty ? "<none>" : firstThree(list)), .string(age(of: e, now: now))]
  }

  static let nodeColumns = [
    TableColumn("Name", format: "name"), TableColumn("Status"), TableColumn("Roles"), TableColumn("Age"),
    TableColumn("Version"), TableColumn("Internal-IP", priority: 1), TableColumn("External-IP", priority: 1),
    TableColumn("OS-Image", priority: 1), TableColumn("Kernel-Version", priority: 1),
    TableColumn("Container-Runtime", priority: 1),
  ]

  static func nodeCells(_ n: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let ready = (n.value(at: ["status", "conditions"])?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
    var status = ready?["status"]?.stringValue == "True" ? "Ready" : (ready == nil ? "Unknown" : "NotReady")
    if n.value(at: ["spec", "unschedulable"])?.boolValue == true { status += ",SchedulingDisabled" }
    let roles = n.labels.keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }
      .map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
    let addresses = n.value(at: ["status", "addresses"])?.arrayValue ?? []
    func address(_ type: String) -> String {
      addresses.first { $0["type"]?.stringValue == type }?["address"]?.stringValue ?? "<none>"
    }
    let info = n.value(at: ["status", "nodeInfo"])
    func field(_ key: String) -> String { info?[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "<unknown>" }
    return [
      name(n), .string(status), .string(roles.isEmpty ? "<none>" : roles.joined(separator: ",")),
      .string(age(of: n, now: now)), .string(field("kubeletVersion")), .string(address("InternalIP")),
      .string(address("ExternalIP")), .string(field("osImage")), .string(field("kernelVersion")),
      .string(field("containerRuntimeVersion")),
    ]
  }

  static let eventColumns = [
    TableColumn("Last Seen"), TableColumn("Type"), TableColumn("Reason"), TableColumn("Object"),
    TableColumn("Subobject", priority: 1), TableColumn("Source", priority: 1), TableColumn("Message"),
    TableColumn("First Seen", priority: 1), TableColumn("Count", "integer", priority: 1), TableColumn("Name", priority: 1),
  ]

  static func eventCells(_ e: JSONValue, _ now: Timestamp) -> [JSONValue] {
    func since(_ key: String) -> String? {
      (e[key]?.stringValue).flatMap { Timestamp(rfc3339: $0) }.map { humanDuration(seconds: $0.seconds(until: now)) }
    }
    let last = since("lastTimestamp") ?? since("eventTime") ?? age(of: e, now: now)
    let first = since("firstTimestamp") ?? since("eventTime") ?? age(of: e, now: now)
    let involved = e["involvedObject"]
    let object = "\((involved?["kind"]?.stringValue ?? "").lowercased())/\(involved?["name"]?.stringValue ?? "")"
    let source = [e.value(at: ["source", "component"])?.stringValue, e.value(at: ["source", "host"])?.stringValue]
      .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    let message = (e["message"]?.stringValue ?? "").trimmingTrailingSpace
    return [
      .string(last), e["type"] ?? "", e["reason"] ?? "", .string(object),
      .string(involved?["fieldPath"]?.stringValue ?? ""), .string(source), .string(message), .string(first),
      .int(max(1, e["count"]?.intValue ?? 1)), name(e),
    ]
  }
}

extension String {
  var trimmingTrailingSpace: String {
    var s = Substring(self)
    while let last = s.last, last == " " || last == "\n" { s = s.dropLast() }
    return String(s)
  }
}
