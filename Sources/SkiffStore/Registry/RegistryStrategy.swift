public import SkiffAPI

/// Per-kind rules of the generic registry that work on the stored JSON (Kubernetes'
/// `PrepareForCreate`/`PrepareForUpdate` strategies): status ownership, generation, and
/// graceful deletion of pods.
enum RegistryStrategy {
  static func prepareForCreate(_ json: inout JSONValue, info: ResourceInfo) {
    if json["spec"] != nil { json.setValue(1, at: ["metadata", "generation"]) }
    switch (info.group, info.kind) {
    case ("", "Pod"):
      // A new pod is Pending until the node runs it (status set by Pod.prepareForCreate).
      break
    case ("", "Namespace"):
      if json.value(at: ["spec", "finalizers"]) == nil {
        json.setValue(["kubernetes"], at: ["spec", "finalizers"])
      }
      json.setValue(["phase": "Active"], at: ["status"])
    case ("", "Node"), ("", "Event"), ("", "Endpoints"), ("", "ConfigMap"), ("", "Secret"), ("", "ServiceAccount"):
      break
    case ("apps", "Deployment"), ("apps", "ReplicaSet"):
      // PrepareForCreate resets the status to the empty Go struct, which is served as {}.
      json["status"] = [:]
    default:
      if info.hasStatus { json["status"] = nil }
    }
  }

  static func prepareForUpdate(_ json: inout JSONValue, old: JSONValue, info: ResourceInfo, subresource: String?) {
    if subresource == "status" {
      // A status write changes the status and nothing else.
      var merged = old
      merged["status"] = json["status"]
      json = merged
      return
    }
    if info.hasStatus, !["Event", "Endpoints", "Node"].contains(info.kind) || info.group != "" {
      json["status"] = old["status"]
    }
    if info.group.isEmpty, info.kind == "Pod", subresource == nil {
      // Ephemeral containers are added through their subresource only; an update of the pod
      // keeps the list it had.
      json.setValue(old.value(at: ["spec", "ephemeralContainers"]), at: ["spec", "ephemeralContainers"])
    }
    if json["spec"] != nil, json["spec"] != old["spec"] {
      let generation = old.value(at: ["metadata", "generation"])?.intValue ?? 0
      json.setValue(.int(generation + 1), at: ["metadata", "generation"])
    }
  }

  /// The grace period a delete gets: pods that may still run on the node get theirs (the
  /// node agent stops them, then removes the pod); everything else goes at once. As the pod
  /// strategy's `CheckGracefulDelete`: a pod not bound to a node (nothing runs it) or
  /// already finished goes at once, and a negative request means 1 second.
  static func gracePeriod(_ json: JSONValue, info: ResourceInfo, requested: Int64?) -> Int64? {
    guard info.group == "", info.kind == "Pod" else { return nil }
    let phase = json.value(at: ["status", "phase"])?.stringValue ?? ""
    if phase == "Succeeded" || phase == "Failed" { return 0 }
    if (json.value(at: ["spec", "nodeName"])?.stringValue ?? "").isEmpty { return 0 }
    let period = requested ?? json.value(at: ["spec", "terminationGracePeriodSeconds"])?.intValue ?? 30
    return period < 0 ? 1 : period
  }
}
