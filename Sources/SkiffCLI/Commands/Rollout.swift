import ArgumentParser
import SkiffAPI

/// `skiff rollout`: manage the rollout of Deployments, as `kubectl rollout`.
struct Rollout: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Manage the rollout of one or many resources.",
    discussion: """
        skiff rollout status deployment/istio-grpc-server-v1
        skiff rollout restart deployment/istio-grpc-server-v1
        skiff rollout history deployment/istio-grpc-server-v1
        skiff rollout undo deployment/istio-grpc-server-v1 --to-revision=1
      """,
    subcommands: [RolloutStatus.self, RolloutRestart.self, RolloutHistory.self, RolloutUndo.self, RolloutPause.self, RolloutResume.self])
}

/// The arguments every rollout subcommand takes.
struct RolloutTargetOptions: ParsableArguments {
  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector of the objects.")
  var selector: String?

  @Option(name: [.short, .customLong("filename")], help: "Files naming the resources.")
  var files: [String] = []

  @Argument(help: "TYPE NAME or TYPE/NAME (deployments).", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  /// The objects named, fetched (kubectl's builder with `ContinueOnError`).
  func targets() throws -> (targets: [ResourceArguments.Target], errors: [String]) {
    let request = files.isEmpty
      ? try ResourceArguments(arguments, selector: selector, allowEmptySelector: false)
      : try ResourceArguments(files: files)
    return try request.fetch(cluster.client, namespace: namespace.effective)
  }

  func checkArguments() throws {
    if arguments.isEmpty && files.isEmpty {
      throw CLIError(
        "error: required resource not specified\nSee 'skiff rollout --help' for the resource forms (TYPE NAME or TYPE/NAME).")
    }
  }
}

/// `skiff rollout status`: watches a Deployment until its rollout completes, printing
/// kubectl's progress lines.
struct RolloutStatus: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show the status of the rollout.")

  @OptionGroup var target: RolloutTargetOptions

  @Flag(name: [.short, .long], inversion: .prefixedNo, help: "Watch the status of the rollout until it's done.")
  var watch = true

  @Option(name: .long, help: "Time to wait before ending the watch (e.g. 30s, 2m); 0 waits forever.")
  var timeout = "0s"

  @Option(name: .long, help: "Pin to a specific revision; fail if it is not the running one.")
  var revision: Int64 = 0

  func validate() throws {
    try target.checkArguments()
    if revision < 0 { throw CLIError("error: revision must be a positive integer: \(revision)") }
    _ = try GoDurationText.seconds(timeout)
  }

  func run() throws {
    let (targets, errors) = try target.targets()
    if let error = errors.first { throw CLIError(error) }
    if targets.isEmpty {
      Console.err("No resources found in \(target.namespace.effective) namespace.\n")
      return
    }
    let seconds = try GoDurationText.seconds(timeout)
    for item in targets {
      guard item.info.kind == "Deployment" else {
        throw CLIError("error: no status viewer has been implemented for \(item.info.kind)\(item.info.group.isEmpty ? "" : "." + item.info.group)")
      }
      var failure: CLIError?
      do {
        let refused = try target.cluster.client.watch(
          ResourcePaths.collection(item.info, namespace: item.namespace), query: [("fieldSelector", "metadata.name=\(item.name)")],
          timeout: seconds
        ) { type, object in
          switch type {
          case "ADDED", "MODIFIED":
            do {
              let (message, done) = try Self.status(object, revision: revision)
              Console.out(message)
              return done || !watch ? .stop : .next
            } catch let error as CLIError {
              failure = error
              return .stop
            }
          case "DELETED":
            failure = CLIError("error: object has been deleted")
            return .stop
          default:
            return .next
          }
        }
        if let refused { throw CLIError.fromServer(refused) }
      } catch ClientError.timedOut {
        throw CLIError("error: timed out waiting for the condition")
      }
      if let failure { throw failure }
    }
  }

  /// kubectl's `DeploymentStatusViewer`: the line to print and whether the rollout is done.
  static func status(_ deployment: JSONValue, revision: Int64) throws(CLIError) -> (String, Bool) {
    let name = deployment.metadataString("name") ?? ""
    if revision > 0 {
      let running = DeploymentReplicaSets.revision(deployment)
      if revision != running {
        throw CLIError("error: desired revision (\(revision)) is different from the running revision (\(running))")
      }
    }
    let status = deployment["status"] ?? [:]
    let generation = deployment.value(at: ["metadata", "generation"])?.intValue ?? 0
    guard generation <= status.int("observedGeneration") else {
      return ("Waiting for deployment spec update to be observed...\n", false)
    }
    let progressing = status.array("conditions").first { $0.string("type") == "Progressing" }
    if progressing?.string("reason") == "ProgressDeadlineExceeded" {
      throw CLIError("error: deployment \"\(name)\" exceeded its progress deadline")
    }
    let updated = status.int("updatedReplicas"), replicas = status.int("replicas"), available = status.int("availableReplicas")
    if let desired = deployment.value(at: ["spec", "replicas"])?.intValue, updated < desired {
      return ("Waiting for deployment \"\(name)\" rollout to finish: \(updated) out of \(desired) new replicas have been updated...\n", false)
    }
    if replicas > updated {
      return ("Waiting for deployment \"\(name)\" rollout to finish: \(replicas - updated) old replicas are pending termination...\n", false)
    }
    if available < updated {
      return ("Waiting for deployment \"\(name)\" rollout to finish: \(available) of \(updated) updated replicas are available...\n", false)
    }
    return ("deployment \"\(name)\" successfully rolled out\n", true)
  }
}

/// `skiff rollout restart`: a new rollout of the same template, by stamping
/// `kubectl.kubernetes.io/restartedAt` on the pod template.
struct RolloutRestart: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart a resource.")

  @OptionGroup var target: RolloutTargetOptions

  func validate() throws { try target.checkArguments() }

  func run() throws {
    let (targets, fetchErrors) = try target.targets()
    var errors = fetchErrors
    if targets.isEmpty && errors.isEmpty {
      Console.err("No resources found in \(target.namespace.effective) namespace.\n")
      return
    }
    let now = GoTime.rfc3339Local(Timestamp.now().seconds)
    for item in targets {
      let resource = item.info.group.isEmpty ? item.info.plural : "\(item.info.plural).\(item.info.group)"
      guard item.info.kind == "Deployment" else {
        errors.append("error: \(resource) \"\(item.name)\" restarting is not supported")
        continue
      }
      if item.object.value(at: ["spec", "paused"])?.boolValue == true {
        errors.append("error: \(resource) \"\(item.name)\" can't restart paused deployment (run rollout resume first)")
        continue
      }
      let key = "kubectl.kubernetes.io/restartedAt"
      if item.object.value(at: ["spec", "template", "metadata", "annotations", key])?.stringValue == now {
        errors.append(
          "failed to create patch for \(item.name): if restart has already been triggered within the past second, please wait before attempting to trigger another")
        continue
      }
      let body: JSONValue = ["spec": ["template": ["metadata": ["annotations": [key: .string(now)]]]]]
      let response = try target.cluster.client.request(
        "PATCH", ResourcePaths.object(item.info, namespace: item.namespace, name: item.name),
        query: [("fieldManager", "kubectl-rollout")], headers: [("Content-Type", PatchType.strategicMerge.rawValue)],
        body: body.jsonBytes())
      guard response.status == 200 else {
        errors.append("failed to patch: \(CLIError.serverMessage(response))")
        continue
      }
      Console.out("\(item.displayName) restarted\n")
    }
    if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
  }
}

/// `skiff rollout history`: a Deployment's revisions, from its ReplicaSets'
/// `deployment.kubernetes.io/revision` annotations.
struct RolloutHistory: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "history", abstract: "View rollout history.")

  @OptionGroup var target: RolloutTargetOptions

  @Option(name: .long, help: "See the details, including the pod template, of the revision specified.")
  var revision: Int64 = 0

  func validate() throws {
    try target.checkArguments()
    if revision < 0 { throw CLIError("error: revision must be a positive integer: \(revision)") }
  }

  func run() throws {
    let (targets, errors) = try target.targets()
    let client = target.cluster.client
    for item in targets {
      guard item.info.kind == "Deployment" else {
        throw CLIError("error: no history viewer has been implemented for \(item.info.kind)\(item.info.group.isEmpty ? "" : "." + item.info.group)")
      }
      let sets = try DeploymentReplicaSets.find(for: item.object, client: client)
      var history: [Int64: JSONValue] = [:]
      for rs in sets.all + (sets.new.map { [$0] } ?? []) {
        var template = rs.value(at: ["spec", "template"]) ?? [:]
        if let cause = rs.value(at: ["metadata", "annotations", "kubernetes.io/change-cause"])?.stringValue, !cause.isEmpty {
          template.setValue(.string(cause), at: ["metadata", "annotations", "kubernetes.io/change-cause"])
        }
        history[DeploymentReplicaSets.revision(rs)] = template
      }
      let text: String
      if history.isEmpty {
        text = "No rollout history found."
      } else if revision > 0 {
        guard let template = history[revision] else { throw CLIError("error: unable to find the specified revision") }
        var w = DescribeWriter(now: Timestamp.now(), raw: true)
        Describer.podTemplate(template, into: &w)
        text = w.finish()
      } else {
        var tabs = TabWriter.describe()
        tabs.write("REVISION\tCHANGE-CAUSE\n")
        for r in history.keys.sorted() {
          let cause = history[r]?.value(at: ["metadata", "annotations", "kubernetes.io/change-cause"])?.stringValue ?? ""
          tabs.write("\(r)\t\(cause.isEmpty ? "<none>" : cause)\n")
        }
        text = tabs.flush()
      }
      let heading = revision > 0 ? "with revision #\(revision)" : ""
      Console.out("\(item.displayName) \(heading)\n\(text)\n")
    }
    if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
  }
}

/// `skiff rollout undo`: puts the template of an earlier revision (the previous one, or
/// `--to-revision`) back into the Deployment; the controller then rolls it out.
struct RolloutUndo: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "undo", abstract: "Undo a previous rollout.")

  @OptionGroup var target: RolloutTargetOptions

  @Option(name: .customLong("to-revision"), help: "The revision to roll back to. Default 0 (last revision).")
  var toRevision: Int64 = 0

  @Option(name: .customLong("dry-run"), help: "none, client or server.")
  var dryRun = "none"

  func validate() throws {
    try target.checkArguments()
    try checkDryRun(dryRun)
  }

  /// Annotations that describe the Deployment's own rollout, never copied from a revision.
  static let annotationsToSkip: Set<String> = [
    LastAppliedConfiguration.annotation, "deployment.kubernetes.io/revision", "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to",
  ]

  func run() throws {
    let (targets, fetchErrors) = try target.targets()
    let client = target.cluster.client
    var errors = fetchErrors
    for item in targets {
      guard item.info.kind == "Deployment" else {
        errors.append("error: no rollbacker has been implemented for \(item.info.kind)\(item.info.group.isEmpty ? "" : "." + item.info.group)")
        continue
      }
      do {
        let result = try rollback(item, client: client)
        Console.out("\(item.displayName) \(result)\(dryRun == "server" ? " (server dry run)" : "")\n")
      } catch let error as CLIError {
        errors.append(error.message)
      }
    }
    if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
  }

  /// kubectl's `DeploymentRollbacker`.
  func rollback(_ item: ResourceArguments.Target, client: APIClient) throws -> String {
    let deployment = item.object
    let sets = try DeploymentReplicaSets.find(for: deployment, client: client)
    var latest: (Int64, JSONValue?) = (-1, nil), previous: (Int64, JSONValue?) = (-1, nil)
    var chosen: JSONValue?
    for rs in sets.all + (sets.new.map { [$0] } ?? []) {
      let v = DeploymentReplicaSets.revision(rs)
      if toRevision == 0 {
        if latest.0 < v {
          previous = latest
          latest = (v, rs)
        } else if previous.0 < v {
          previous = (v, rs)
        }
      } else if toRevision == v {
        chosen = rs
        break
      }
    }
    if toRevision > 0 && chosen == nil { throw CLIError("error: unable to find specified revision \(toRevision) in history") }
    if toRevision == 0 {
      guard let rs = previous.1 else { throw CLIError("error: no rollout history found for deployment \"\(item.name)\"") }
      chosen = rs
    }
    guard let rs = chosen else { return "" }
    var template = rs.value(at: ["spec", "template"]) ?? [:]
    if dryRun == "client" {
      var w = DescribeWriter(now: Timestamp.now(), raw: true)
      Describer.podTemplate(template, into: &w)
      return w.finish()
    }
    if deployment.value(at: ["spec", "paused"])?.boolValue == true {
      throw CLIError(
        "error: you cannot rollback a paused deployment; resume it first with 'skiff rollout resume' and try again")
    }
    let revisionNumber = toRevision == 0 ? previous.0 : toRevision
    if DeploymentReplicaSets.templatesEqualIgnoringHash(template, deployment.value(at: ["spec", "template"])) {
      return "skipped rollback (current template already matches revision \(revisionNumber))"
    }
    template.setValue(nil, at: ["metadata", "labels", "pod-template-hash"])
    var annotations = JSONObject()
    for (key, value) in deployment.value(at: ["metadata", "annotations"])?.objectValue ?? JSONObject()
    where Self.annotationsToSkip.contains(key) {
      annotations[key] = value
    }
    for (key, value) in rs.value(at: ["metadata", "annotations"])?.objectValue ?? JSONObject() where !Self.annotationsToSkip.contains(key) {
      annotations[key] = value
    }
    let patch: JSONValue = [
      ["op": "replace", "path": "/spec/template", "value": template],
      ["op": "replace", "path": "/metadata/annotations", "value": .object(annotations)],
    ]
    var query: [(String, String)] = [("fieldManager", "kubectl-rollout")]
    if dryRun == "server" { query.append(("dryRun", "All")) }
    let response = try client.request(
      "PATCH", ResourcePaths.object(item.info, namespace: item.namespace, name: item.name), query: query,
      headers: [("Content-Type", PatchType.json.rawValue)], body: patch.jsonBytes())
    guard response.status == 200 else {
      throw CLIError("error: failed restoring revision \(revisionNumber): \(CLIError.serverMessage(response))")
    }
    return "rolled back"
  }
}

/// `skiff rollout pause`: stops the controller from rolling out template changes.
struct RolloutPause: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "pause", abstract: "Mark the provided resource as paused.")

  @OptionGroup var target: RolloutTargetOptions

  func validate() throws { try target.checkArguments() }

  func run() throws { try setPaused(true, target: target) }
}

/// `skiff rollout resume`: lets the controller roll out template changes again.
struct RolloutResume: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused resource.")

  @OptionGroup var target: RolloutTargetOptions

  func validate() throws { try target.checkArguments() }

  func run() throws { try setPaused(false, target: target) }
}

/// kubectl's pause/resume: a strategic merge patch of `spec.paused`; an error when the
/// Deployment is already in that state.
func setPaused(_ paused: Bool, target: RolloutTargetOptions) throws {
  let (targets, fetchErrors) = try target.targets()
  var errors = fetchErrors
  for item in targets {
    let resource = item.info.group.isEmpty ? item.info.plural : "\(item.info.plural).\(item.info.group)"
    guard item.info.kind == "Deployment" else {
      errors.append("error: \(resource) \"\(item.name)\" \(paused ? "pausing" : "resuming") is not supported")
      continue
    }
    if (item.object.value(at: ["spec", "paused"])?.boolValue ?? false) == paused {
      errors.append("error: \(resource) \"\(item.name)\" \(paused ? "is already paused" : "is not paused")")
      continue
    }
    let body: JSONValue = ["spec": ["paused": paused ? .bool(true) : .null]]
    let response = try target.cluster.client.request(
      "PATCH", ResourcePaths.object(item.info, namespace: item.namespace, name: item.name),
      query: [("fieldManager", "kubectl-rollout")], headers: [("Content-Type", PatchType.strategicMerge.rawValue)],
      body: body.jsonBytes())
    guard response.status == 200 else {
      errors.append("failed to patch: \(CLIError.serverMessage(response))")
      continue
    }
    Console.out("\(item.displayName) \(paused ? "paused" : "resumed")\n")
  }
  if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
}
