/// The pods printer: READY, STATUS and RESTARTS computed exactly as kubectl's `printPod`.
enum PodPrinting {
  static let columns = [
    TableColumn("Name", format: "name"), TableColumn("Ready"), TableColumn("Status"),
    TableColumn("Restarts", "string"), TableColumn("Age"), TableColumn("IP", priority: 1),
    TableColumn("Node", priority: 1), TableColumn("Nominated Node", priority: 1),
    TableColumn("Readiness Gates", priority: 1),
  ]

  static func cells(_ pod: JSONValue, _ now: Timestamp) -> [JSONValue] {
    let summary = summarize(pod, now: now)
    let ip = pod.value(at: ["status", "podIPs"])?.arrayValue?.first?["ip"]?.stringValue
      ?? pod.value(at: ["status", "podIP"])?.stringValue
    let node = pod.value(at: ["spec", "nodeName"])?.stringValue
    let gates = pod.value(at: ["spec", "readinessGates"])?.arrayValue ?? []
    var gatesText = "<none>"
    if !gates.isEmpty {
      let conditions = pod.value(at: ["status", "conditions"])?.arrayValue ?? []
      let ready = gates.filter { gate in
        conditions.contains { $0["type"] == gate["conditionType"] && $0["status"]?.stringValue == "True" }
      }.count
      gatesText = "\(ready)/\(gates.count)"
    }
    return [
      TablePrinters.name(pod), .string(summary.ready), .string(summary.status), summary.restarts,
      .string(age(of: pod, now: now)), .string(ip.flatMap { $0.isEmpty ? nil : $0 } ?? "<none>"),
      .string(node.flatMap { $0.isEmpty ? nil : $0 } ?? "<none>"), .string("<none>"), .string(gatesText),
    ]
  }

  struct Summary {
    var ready: String
    var status: String
    var restarts: JSONValue
  }

  /// kubectl's pod STATUS algorithm (facts §1 "Pod STATUS cell").
  static func summarize(_ pod: JSONValue, now: Timestamp) -> Summary {
    let status = pod["status"]
    var reason = status?["phase"]?.stringValue ?? "Pending"
    if let r = status?["reason"]?.stringValue, !r.isEmpty { reason = r }
    let conditions = status?["conditions"]?.arrayValue ?? []
    if let scheduled = conditions.first(where: { $0["type"] == "PodScheduled" }),
      scheduled["reason"]?.stringValue == "SchedulingGated"
    {
      reason = "SchedulingGated"
    }
    let specContainers = pod.value(at: ["spec", "containers"])?.arrayValue ?? []
    let initSpecs = pod.value(at: ["spec", "initContainers"])?.arrayValue ?? []
    var restarts: Int64 = 0
    var lastRestart: Timestamp?
    var readyCount = 0
    var total = specContainers.count

    func noteLastTerminated(_ cs: JSONValue) {
      if let finished = cs.value(at: ["lastState", "terminated", "finishedAt"])?.stringValue.flatMap(Timestamp.init(rfc3339:)) {
        if lastRestart == nil || finished > lastRestart! { lastRestart = finished }
      }
    }

    // Native sidecars (restartable init containers) count toward READY, as kubectl 1.28+.
    let sidecarNames = Set(initSpecs.filter { $0["restartPolicy"]?.stringValue == "Always" }.compactMap { $0["name"]?.stringValue })
    total += sidecarNames.count

    var initializing = false
    let initStatuses = status?["initContainerStatuses"]?.arrayValue ?? []
    for (i, cs) in initStatuses.enumerated() {
      restarts += cs["restartCount"]?.intValue ?? 0
      noteLastTerminated(cs)
      let name = cs["name"]?.stringValue ?? ""
      if sidecarNames.contains(name) {
        if cs["started"]?.boolValue == true && cs["ready"]?.boolValue == true { readyCount += 1 }
        if cs["started"]?.boolValue == true { continue }
      }
      let state = cs["state"]
      if let terminated = state?["terminated"], terminated["exitCode"]?.intValue == 0 { continue }
      if let terminated = state?["terminated"] {
        if let r = terminated["reason"]?.stringValue, !r.isEmpty {
          reason = "Init:" + r
        } else if let signal = terminated["signal"]?.intValue, signal != 0 {
          reason = "Init:Signal:\(signal)"
        } else {
          reason = "Init:ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
        }
      } else if let waiting = state?["waiting"], let r = waiting["reason"]?.stringValue, !r.isEmpty, r != "PodInitializing" {
        reason = "Init:" + r
      } else {
        reason = "Init:\(i)/\(initSpecs.count)"
      }
      initializing = true
      break
    }

    if !initializing {
      restarts = initStatuses.filter { sidecarNames.contains($0["name"]?.stringValue ?? "") }
        .reduce(0) { $0 + ($1["restartCount"]?.intValue ?? 0) }
      var hasRunning = false
      let statuses = status?["containerStatuses"]?.arrayValue ?? []
      for cs in statuses.reversed() {
        restarts += cs["restartCount"]?.intValue ?? 0
        noteLastTerminated(cs)
        let state = cs["state"]
        if let waiting = state?["waiting"], let r = waiting["reason"]?.stringValue, !r.isEmpty {
          reason = r
        } else if let terminated = state?["terminated"] {
          if let r = terminated["reason"]?.stringValue, !r.isEmpty {
            reason = r
          } else if let signal = terminated["signal"]?.intValue, signal != 0 {
            reason = "Signal:\(signal)"
          } else {
            reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
          }
        } else if cs["ready"]?.boolValue == true, state?["running"] != nil {
          hasRunning = true
          readyCount += 1
        } else if state?["running"] != nil {
          hasRunning = true
        }
      }
      if reason == "Completed" && hasRunning {
        let podReady = conditions.first { $0["type"] == "Ready" }?["status"]?.stringValue == "True"
        reason = podReady ? "Running" : "NotReady"
      }
    }

    if pod.value(at: ["metadata", "deletionTimestamp"]) != nil {
      reason = status?["reason"]?.stringValue == "NodeLost" ? "Unknown" : "Terminating"
    }

    var restartsCell: JSONValue = .int(restarts)
    if let lastRestart {
      restartsCell = .string("\(restarts) (\(humanDuration(seconds: lastRestart.seconds(until: now))) ago)")
    }
    return Summary(ready: "\(readyCount)/\(total)", status: reason, restarts: restartsCell)
  }
}
