import SkiffAPI

extension Describer {
  /// `describeDeployment`.
  func describeDeployment(_ d: JSONValue) throws -> String {
    let events = try self.events(for: d, kind: "Deployment")
    let sets = (try? DeploymentReplicaSets.find(for: d, client: client)) ?? DeploymentReplicaSets(new: nil, old: [], all: [])
    var w = writer()
    let spec = d["spec"] ?? [:]
    let status = d["status"] ?? [:]
    nameAndNamespace(d, into: &w)
    w.write(0, "CreationTimestamp:\t\(GoTime.rfc1123Z(d.metadataString("creationTimestamp") ?? ""))\n")
    w.labels("Labels", Self.metadataMap(d, "labels"))
    w.annotations("Annotations", Self.metadataMap(d, "annotations"))
    w.write(0, "Selector:\t\(LabelSelectorText.string(spec["selector"]))\n")
    w.write(
      0,
      "Replicas:\t\(spec.int("replicas")) desired | \(status.int("updatedReplicas")) updated | \(status.int("replicas")) total | \(status.int("availableReplicas")) available | \(status.int("unavailableReplicas")) unavailable\n"
    )
    let strategy = spec["strategy"] ?? [:]
    w.write(0, "StrategyType:\t\(strategy.string("type"))\n")
    w.write(0, "MinReadySeconds:\t\(spec.int("minReadySeconds"))\n")
    if let rolling = strategy["rollingUpdate"], rolling.objectValue != nil {
      let unavailable = rolling["maxUnavailable"]?.intOrStringText ?? "0"
      let surge = rolling["maxSurge"]?.intOrStringText ?? "0"
      w.write(0, "RollingUpdateStrategy:\t\(unavailable) max unavailable, \(surge) max surge\n")
    }
    Self.podTemplate(spec["template"], into: &w)
    Self.workloadConditions(status.array("conditions"), into: &w)
    if sets.new != nil || !sets.old.isEmpty {
      w.write(0, "OldReplicaSets:\t\(Self.replicaSetsText(sets.old))\n")
      w.write(0, "NewReplicaSet:\t\(Self.replicaSetsText(sets.new.map { [$0] } ?? []))\n")
    }
    w.events(events)
    return w.finish()
  }

  /// `describeReplicaSet`.
  func describeReplicaSet(_ rs: JSONValue) throws -> String {
    let spec = rs["spec"] ?? [:]
    let status = rs["status"] ?? [:]
    let counts = try podStatusCounts(
      selector: spec["selector"], namespace: rs.metadataString("namespace") ?? "", ownerUID: rs.metadataString("uid") ?? "")
    let events = try self.events(for: rs, kind: "ReplicaSet")
    var w = writer()
    nameAndNamespace(rs, into: &w)
    w.write(0, "Selector:\t\(LabelSelectorText.formatted(spec["selector"]))\n")
    w.labels("Labels", Self.metadataMap(rs, "labels"))
    w.annotations("Annotations", Self.metadataMap(rs, "annotations"))
    if let controller = Self.controller(of: rs) { w.write(0, "Controlled By:\t\(controller)\n") }
    w.write(0, "Replicas:\t\(status.int("replicas")) current / \(spec.int("replicas")) desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, "\(counts.0) Running / \(counts.1) Waiting / \(counts.2) Succeeded / \(counts.3) Failed\n")
    Self.podTemplate(spec["template"], into: &w)
    Self.workloadConditions(status.array("conditions"), into: &w)
    w.events(events)
    return w.finish()
  }

  /// `DescribePodTemplate`.
  static func podTemplate(_ template: JSONValue?, into w: inout DescribeWriter) {
    w.write(0, "Pod Template:\n")
    guard let template, template.objectValue != nil else {
      w.write(1, "<unset>")
      return
    }
    let spec = template["spec"] ?? [:]
    w.labels("  Labels", metadataMap(template, "labels"))
    let annotations = metadataMap(template, "annotations")
    if !annotations.isEmpty { w.annotations("  Annotations", annotations) }
    if !spec.string("serviceAccountName").isEmpty { w.write(1, "Service Account:\t\(spec.string("serviceAccountName"))\n") }
    if !spec.array("initContainers").isEmpty {
      containers("Init Containers", spec.array("initContainers"), statuses: [], env: nil, space: "  ", into: &w)
    }
    containers("Containers", spec.array("containers"), statuses: [], env: nil, space: "  ", into: &w)
    volumes(spec.array("volumes"), space: "  ", into: &w)
    topologySpreadConstraints(spec.array("topologySpreadConstraints"), space: "  ", into: &w)
    if !spec.string("priorityClassName").isEmpty { w.write(1, "Priority Class Name:\t\(spec.string("priorityClassName"))\n") }
    w.labels("  Node-Selectors", spec.stringMap("nodeSelector"))
    w.tolerations("  Tolerations", spec.array("tolerations"))
  }

  /// The `Type Status Reason` table of Deployments and ReplicaSets.
  static func workloadConditions(_ conditions: [JSONValue], into w: inout DescribeWriter) {
    guard !conditions.isEmpty else { return }
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for c in conditions { w.write(1, "\(c.string("type")) \t\(c.string("status"))\t\(c.string("reason"))\n") }
  }

  /// `printReplicaSetsByLabels`: `name (1/1 replicas created)`, comma-separated, or `<none>`.
  static func replicaSetsText(_ sets: [JSONValue]) -> String {
    let text = sets.map { rs in
      "\(rs.metadataString("name") ?? "") (\(rs.value(at: ["status", "replicas"])?.intValue ?? 0)/\(rs.value(at: ["spec", "replicas"])?.intValue ?? 0) replicas created)"
    }.joined(separator: ", ")
    return text.isEmpty ? "<none>" : text
  }
}

/// A Deployment's ReplicaSets as kubectl finds them (kubectl `pkg/util/deployment`): the
/// ones it controls, the new one being the oldest whose template equals the Deployment's
/// (ignoring `pod-template-hash`), the old ones those that still have replicas.
struct DeploymentReplicaSets {
  var new: JSONValue?
  /// Old ReplicaSets with replicas (`OldReplicaSets` in describe).
  var old: [JSONValue]
  /// Every controlled ReplicaSet but the new one (history, undo).
  var all: [JSONValue]

  static func find(for deployment: JSONValue, client: APIClient) throws -> DeploymentReplicaSets {
    let selector = LabelSelectorText.string(deployment.value(at: ["spec", "selector"]))
    let uid = deployment.metadataString("uid") ?? ""
    let owned = try client.list(
      ReplicaSet.resourceInfo, namespace: deployment.metadataString("namespace"), labelSelector: selector
    ).filter { Describer.isControlled($0, byUID: uid) }
    return select(deployment: deployment, owned: owned)
  }

  static func select(deployment: JSONValue, owned: [JSONValue]) -> DeploymentReplicaSets {
    let sorted = owned.sorted { a, b in
      let (ta, tb) = (a.metadataString("creationTimestamp") ?? "", b.metadataString("creationTimestamp") ?? "")
      let (ca, cb) = (EventTimes.time(ta), EventTimes.time(tb))
      return ca == cb ? (a.metadataString("name") ?? "") < (b.metadataString("name") ?? "") : ca < cb
    }
    let template = deployment.value(at: ["spec", "template"])
    let new = sorted.first { templatesEqualIgnoringHash($0.value(at: ["spec", "template"]), template) }
    let newName = new?.metadataString("name")
    let all = sorted.filter { $0.metadataString("name") != newName }
    let old = all.filter { ($0.value(at: ["spec", "replicas"])?.intValue ?? 0) != 0 }
    return DeploymentReplicaSets(new: new, old: old, all: all)
  }

  /// `equalIgnoreHash` with apimachinery's semantic equality (empty and absent maps and
  /// lists are the same).
  static func templatesEqualIgnoringHash(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
    func clean(_ t: JSONValue?) -> JSONValue {
      var t = t ?? [:]
      t.setValue(nil, at: ["metadata", "labels", "pod-template-hash"])
      return t.withoutEmptyContainers
    }
    return clean(a) == clean(b)
  }

  /// `deployment.kubernetes.io/revision` of an object, 0 when absent.
  static func revision(_ object: JSONValue) -> Int64 {
    Int64(object.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"])?.stringValue ?? "") ?? 0
  }
}

extension JSONValue {
  /// The value with empty objects and arrays (and nulls) removed from objects, as Go's
  /// semantic equality treats nil and empty alike.
  var withoutEmptyContainers: JSONValue {
    switch self {
    case .object(let o):
      var out = JSONObject()
      for (k, v) in o {
        let cleaned = v.withoutEmptyContainers
        switch cleaned {
        case .null: continue
        case .object(let inner) where inner.isEmpty: continue
        case .array(let inner) where inner.isEmpty: continue
        default: out[k] = cleaned
        }
      }
      return .object(out)
    case .array(let items): return .array(items.map(\.withoutEmptyContainers))
    default: return self
    }
  }
}
