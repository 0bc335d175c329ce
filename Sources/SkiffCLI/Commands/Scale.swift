import ArgumentParser
import SkiffAPI

/// `skiff scale --replicas=N`: sets a Deployment's or ReplicaSet's replicas, printing
/// kubectl's `deployment.apps/x scaled`; `--current-replicas` and `--resource-version` are
/// preconditions checked against the object before it changes.
struct Scale: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Set a new size for a deployment or replica set.",
    discussion: """
        skiff scale --replicas=3 deployment/istio-grpc-server-v1
        skiff scale --current-replicas=2 --replicas=3 deployment/istio-grpc-server-v1
        skiff scale --replicas=5 rs/foo rs/bar
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: .long, help: "The new desired number of replicas. Required.")
  var replicas: Int?

  @Option(name: .customLong("current-replicas"), help: "Precondition: the current size must be this (-1: no precondition).")
  var currentReplicas = -1

  @Option(name: .customLong("resource-version"), help: "Precondition: the resource version must be this.")
  var resourceVersion: String?

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector of the objects to scale.")
  var selector: String?

  @Flag(name: .long, help: "Select all resources of the given types in the namespace.")
  var all = false

  @Option(name: [.short, .customLong("filename")], help: "Files naming the resources to scale.")
  var files: [String] = []

  @Option(name: .long, help: "How long to wait for the new size (e.g. 30s, 2m); 0 does not wait.")
  var timeout = "0s"

  @Option(name: .customLong("dry-run"), help: "none, client or server.")
  var dryRun = "none"

  @Argument(help: "TYPE NAME... or TYPE/NAME...", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  func validate() throws {
    try checkDryRun(dryRun)
    guard let replicas else { throw CLIError("error: required flag(s) \"replicas\" not set") }
    if replicas < 0 {
      throw CLIError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    }
    if currentReplicas < -1 { throw CLIError("error: The --current-replicas must specify an integer of -1 or greater") }
    _ = try GoDurationText.seconds(timeout)
  }

  func run() throws {
    let request = files.isEmpty
      ? try ResourceArguments(arguments, selector: selector, allowEmptySelector: all)
      : try ResourceArguments(files: files)
    let client = cluster.client
    let (targets, errors) = try request.fetch(client, namespace: namespace.effective)
    if resourceVersion != nil && targets.count > 1 { throw CLIError("error: cannot use --resource-version with multiple resources") }
    if targets.isEmpty {
      if !errors.isEmpty {
        // kubectl wraps the server's error (`%w`), so its own message shows, not the rendering.
        let messages = errors.map { text in text.firstRange(of: "): ").map { String(text[$0.upperBound...]) } ?? text }
        throw CLIError("error: no objects passed to scale " + messages.joined(separator: "\n"))
      }
      throw CLIError("error: no objects passed to scale")
    }
    let wait = try GoDurationText.seconds(timeout)
    for target in targets {
      guard ["Deployment", "ReplicaSet"].contains(target.info.kind) && target.info.group == "apps" else {
        throw CLIError("Error from server (NotFound): the server could not find the requested resource")
      }
      if dryRun != "client" {
        try scale(target, client: client)
        if wait > 0 && dryRun == "none" { try waitForReplicas(target, client: client, seconds: wait) }
      }
      Console.out("\(target.displayName) scaled\(dryRunSuffix(dryRun))\n")
    }
    if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
  }

  /// A blind merge patch without preconditions; with them, read-check-update (retried on
  /// conflicts, as kubectl's scaler does).
  func scale(_ target: ResourceArguments.Target, client: APIClient) throws {
    let path = ResourcePaths.object(target.info, namespace: target.namespace, name: target.name)
    var query: [(String, String)] = [("fieldManager", "kubectl-scale")]
    if dryRun == "server" { query.append(("dryRun", "All")) }
    guard currentReplicas != -1 || resourceVersion != nil else {
      let body: JSONValue = ["spec": ["replicas": .int(Int64(replicas ?? 0))]]
      let response = try client.request(
        "PATCH", path, query: query, headers: [("Content-Type", PatchType.merge.rawValue)], body: body.jsonBytes())
      guard response.status == 200 else { throw CLIError.fromServer(response) }
      return
    }
    for _ in 0..<300 {
      var object = try client.object(target.info, namespace: target.namespace, name: target.name)
      let current = object.value(at: ["spec", "replicas"])?.intValue ?? 1
      if currentReplicas != -1 && current != Int64(currentReplicas) {
        throw CLIError("error: Expected replicas to be \(currentReplicas), was \(current)")
      }
      let version = object.metadataString("resourceVersion") ?? ""
      if let resourceVersion, resourceVersion != version {
        throw CLIError("error: Expected resource version to be \(resourceVersion), was \(version)")
      }
      object.setValue(.int(Int64(replicas ?? 0)), at: ["spec", "replicas"])
      let response = try client.request("PUT", path, query: query, body: object.jsonBytes())
      if response.status == 200 { return }
      if response.status != 409 { throw CLIError.fromServer(response) }
      try sleepMilliseconds(1000)
    }
    throw CLIError("error: timed out waiting for the condition")
  }

  /// `--timeout`: waits until the controller reports the new size.
  func waitForReplicas(_ target: ResourceArguments.Target, client: APIClient, seconds: Double) throws {
    let start = Timestamp.now()
    while start.seconds(until: Timestamp.now()) <= seconds {
      let object = try client.object(target.info, namespace: target.namespace, name: target.name)
      let observed = object.value(at: ["status", "observedGeneration"])?.intValue ?? 0
      let generation = object.value(at: ["metadata", "generation"])?.intValue ?? 0
      if observed >= generation && (object.value(at: ["status", "replicas"])?.intValue ?? 0) == Int64(replicas ?? 0) { return }
      try sleepMilliseconds(1000)
    }
    throw CLIError("error: timed out waiting for \"\(target.name)\" to be synced")
  }
}

/// Go's `time.ParseDuration` for the CLI's `--timeout` flags (`30s`, `2m`, `1h30m`, `0`).
enum GoDurationText {
  static func seconds(_ text: String) throws(CLIError) -> Double {
    if text == "0" { return 0 }
    var total = 0.0
    var number = ""
    var unit = ""
    var sawUnit = false
    func flush() throws(CLIError) {
      guard let value = Double(number) else { throw CLIError("error: invalid argument \"\(text)\": time: invalid duration \"\(text)\"") }
      let scale: Double
      switch unit {
      case "ns": scale = 1e-9
      case "us", "µs": scale = 1e-6
      case "ms": scale = 1e-3
      case "s": scale = 1
      case "m": scale = 60
      case "h": scale = 3600
      case "": throw CLIError("error: invalid argument \"\(text)\": time: missing unit in duration \"\(text)\"")
      default: throw CLIError("error: invalid argument \"\(text)\": time: unknown unit \"\(unit)\" in duration \"\(text)\"")
      }
      total += value * scale
      number = ""
      unit = ""
      sawUnit = true
    }
    for c in text {
      if c.isNumber || c == "." {
        if !unit.isEmpty { try flush() }
        number.append(c)
      } else {
        unit.append(c)
      }
    }
    if !number.isEmpty || !unit.isEmpty { try flush() }
    guard sawUnit else { throw CLIError("error: invalid argument \"\(text)\": time: invalid duration \"\(text)\"") }
    return total
  }
}
