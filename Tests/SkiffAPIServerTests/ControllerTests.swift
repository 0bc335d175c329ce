import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// The controllers seen through the API: cascading deletion, namespace deletion,
/// Deployment → ReplicaSet → Pods.
@Suite("controllers through the API")
struct ControllerTests {
  let configMaps = "/api/v1/namespaces/default/configmaps"
  let deployments = "/apis/apps/v1/namespaces/default/deployments"
  let replicaSets = "/apis/apps/v1/namespaces/default/replicasets"
  let pods = "/api/v1/namespaces/default/pods"

  func dependent(_ name: String, of owner: JSONValue) -> JSONValue {
    var cm = Objects.configMap(name)
    cm.setValue([[
      "apiVersion": "v1", "kind": "ConfigMap", "name": owner.at("metadata.name") ?? "",
      "uid": owner.at("metadata.uid") ?? "",
    ]], at: ["metadata", "ownerReferences"])
    return cm
  }

  @Test func cascadingDeletionByOwnerReferences() async throws {
    try await TestCluster.with(controllers: [.garbageCollector]) { cluster in
      let c = cluster.client
      // Background (the default): the owner goes now, its dependents after it.
      let owner = try await c.post(configMaps, Objects.configMap("owner")).json
      #expect(try await c.post(configMaps, dependent("child", of: owner)).status == 201)
      let grandchildOwner = try await c.get("\(configMaps)/child").json
      #expect(try await c.post(configMaps, dependent("grandchild", of: grandchildOwner)).status == 201)
      #expect(try await c.delete("\(configMaps)/owner").status == 200)
      try await cluster.eventually("dependents collected") {
        let names = try await c.get(configMaps).json.itemNames
        return !names.contains("child") && !names.contains("grandchild")
      }

      // Foreground: the owner waits, with the foregroundDeletion finalizer, until they are gone.
      let fg = try await c.post(configMaps, Objects.configMap("fg")).json
      var heldChild = dependent("fg-child", of: fg)
      heldChild.setValue(["example.com/hold"], at: ["metadata", "finalizers"])
      #expect(try await c.post(configMaps, heldChild).status == 201)
      let deleting = try await c.delete("\(configMaps)/fg", ["propagationPolicy": "Foreground"])
      #expect(deleting.status == 200)
      #expect(deleting.json.at("metadata.finalizers") == ["foregroundDeletion"])
      #expect(deleting.json.at("metadata.deletionTimestamp") != nil)
      try await cluster.eventually("the dependent is being deleted") {
        try await c.get("\(configMaps)/fg-child").json.at("metadata.deletionTimestamp") != nil
      }
      #expect(try await c.get("\(configMaps)/fg").status == 200)
      #expect(try await c.patch("\(configMaps)/fg-child", "application/merge-patch+json", #"{"metadata":{"finalizers":null}}"#).status == 200)
      try await cluster.eventually("the owner goes after its dependent") {
        try await c.get("\(configMaps)/fg").status == 404
      }

      // Orphan: the dependents stay, without the reference.
      let orphaner = try await c.post(configMaps, Objects.configMap("orphaner")).json
      #expect(try await c.post(configMaps, dependent("orphan", of: orphaner)).status == 201)
      #expect(try await c.delete("\(configMaps)/orphaner?propagationPolicy=Orphan").status == 200)
      #expect(try await c.get("\(configMaps)/orphaner").status == 404)
      try await Task.sleep(for: .milliseconds(300))
      let orphan = try await c.get("\(configMaps)/orphan")
      #expect(orphan.status == 200)
      #expect(orphan.json.at("metadata.ownerReferences") == nil)
    }
  }

  @Test func namespaceDeletionEmptiesThenRemovesIt() async throws {
    try await TestCluster.with(controllers: [.namespace, .garbageCollector]) { cluster in
      let c = cluster.client
      let ns = try await c.post("/api/v1/namespaces", Objects.json(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}"#))
      #expect(ns.status == 201)
      #expect(ns.json.at("status.phase") == "Active")
      #expect(ns.json.at("spec.finalizers") == ["kubernetes"])
      #expect(ns.json.value(at: ["metadata", "labels", "kubernetes.io/metadata.name"]) == "team")
      let base = "/api/v1/namespaces/team"
      var held = Objects.configMap("held")
      held.setValue(["example.com/hold"], at: ["metadata", "finalizers"])
      #expect(try await c.post("\(base)/configmaps", held).status == 201)
      #expect(try await c.post("\(base)/configmaps", Objects.configMap("plain")).status == 201)
      #expect(try await c.post("\(base)/pods", Objects.pod("worker")).status == 201)
      #expect(try await c.post("/apis/apps/v1/namespaces/team/deployments", Objects.deployment("web")).status == 201)
      // The controller gives every namespace its default ServiceAccount.
      try await cluster.eventually("default service account") {
        try await c.get("\(base)/serviceaccounts/default").status == 200
      }

      let deleting = try await c.delete(base)
      #expect(deleting.status == 200)
      #expect(deleting.json.at("status.phase") == "Terminating")
      #expect(deleting.json.at("metadata.deletionTimestamp") != nil)

      // Terminating while something is left; nothing new may be created in it.
      try await cluster.eventually("everything but the held config map deleted") {
        let cms = try await c.get("\(base)/configmaps").json.itemNames
        let podNames = try await c.get("\(base)/pods").json.itemNames
        let deps = try await c.get("/apis/apps/v1/namespaces/team/deployments").json.itemNames
        let sas = try await c.get("\(base)/serviceaccounts").json.itemNames
        return cms == ["held"] && podNames.isEmpty && deps.isEmpty && sas.isEmpty
      }
      let still = try await c.get(base)
      #expect(still.status == 200)
      #expect(still.json.at("status.phase") == "Terminating")
      let refused = try await c.post("\(base)/configmaps", Objects.configMap("late"))
      #expect(refused.status == 403)
      #expect(refused.reason == "Forbidden")
      #expect(refused.message == "configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated")

      #expect(try await c.patch("\(base)/configmaps/held", "application/merge-patch+json", #"{"metadata":{"finalizers":null}}"#).status == 200)
      try await cluster.eventually("the namespace is gone") { try await c.get(base).status == 404 }
      #expect(try await c.get("/api/v1/configmaps?fieldSelector=metadata.namespace%3Dteam").json.itemNames == [])
    }
  }

  static let hashAlphabet = Set("456789bcdf")
  static let suffixAlphabet = Set("bcdfghjklmnpqrstvwxz2456789")

  /// Marks every pod that is not yet ready as running and ready, as the node agent would.
  func makePodsReady(_ cluster: TestCluster) async throws {
    let list = try await cluster.client.get(pods).json
    for pod in list["items"]?.arrayValue ?? [] where pod.at("metadata.deletionTimestamp") == nil {
      let ready = (pod.at("status.conditions")?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
      if ready { continue }
      var update = pod
      update["status"] = [
        "phase": "Running",
        "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": .string(Timestamp.now().wholeSeconds.rfc3339)]],
      ]
      _ = try await cluster.client.put("\(pods)/\(pod.name ?? "")/status", update)
    }
  }

  func activePods(_ cluster: TestCluster) async throws -> [JSONValue] {
    (try await cluster.client.get(pods).json["items"]?.arrayValue ?? []).filter { $0.at("metadata.deletionTimestamp") == nil }
  }

  @Test func deploymentCreatesReplicaSetAndPodsWithKubernetesNames() async throws {
    try await TestCluster.with(controllers: [.deployment, .replicaSet, .garbageCollector]) { cluster in
      let c = cluster.client
      let deployment = try await c.post(deployments, Objects.deployment("web", replicas: 3)).json
      try await cluster.eventually("three pods") { try await activePods(cluster).count == 3 }

      let rsList = try await c.get(replicaSets).json["items"]?.arrayValue ?? []
      #expect(rsList.count == 1)
      let rs = try #require(rsList.first)
      let rsName = try #require(rs.name)
      let hash = try #require(rs.value(at: ["metadata", "labels", "pod-template-hash"])?.stringValue)
      #expect(rsName == "web-\(hash)")
      #expect((1...10).contains(hash.count))
      #expect(hash.allSatisfy { Self.hashAlphabet.contains($0) })
      #expect(rs.value(at: ["spec", "selector", "matchLabels"]) == ["app": "web", "pod-template-hash": .string(hash)])
      #expect(rs.value(at: ["spec", "template", "metadata", "labels", "pod-template-hash"]) == .string(hash))
      #expect(rs.value(at: ["metadata", "annotations"]) == [
        "deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
      ])
      #expect(rs.at("metadata.ownerReferences") == [[
        "apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": deployment.at("metadata.uid") ?? "",
        "controller": true, "blockOwnerDeletion": true,
      ]])

      for pod in try await activePods(cluster) {
        let name = try #require(pod.name)
        #expect(name.hasPrefix("\(rsName)-"))
        let suffix = name.dropFirst(rsName.count + 1)
        #expect(suffix.count == 5)
        #expect(suffix.allSatisfy { Self.suffixAlphabet.contains($0) })
        #expect(pod.value(at: ["metadata", "generateName"]) == .string("\(rsName)-"))
        #expect(pod.value(at: ["metadata", "labels"]) == ["app": "web", "pod-template-hash": .string(hash)])
        #expect(pod.at("metadata.ownerReferences")?.arrayValue?.first?["name"] == .string(rsName))
      }

      try await makePodsReady(cluster)
      try await cluster.eventually("deployment available") {
        let d = try await c.get("\(deployments)/web").json
        return d.at("status.availableReplicas") == 3 && d.at("status.readyReplicas") == 3
          && d.at("status.updatedReplicas") == 3 && d.at("status.observedGeneration") == 1
      }
      let d = try await c.get("\(deployments)/web").json
      #expect(d.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "1")
      let conditions = d.at("status.conditions")?.arrayValue ?? []
      #expect(conditions.contains { $0["type"] == "Available" && $0["status"] == "True" && $0["reason"] == "MinimumReplicasAvailable" })
      #expect(conditions.contains { $0["type"] == "Progressing" && $0["reason"] == "NewReplicaSetAvailable" })
      let table = try await c.get("\(deployments)/web", headers: TableTests.kubectlAccept).json
      #expect(table.at("rows")?.arrayValue?.first?["cells"]?.arrayValue?.prefix(4).map { $0 } == ["web", "3/3", 3, 3])

      // Scaling up and down.
      #expect(try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"spec":{"replicas":5}}"#).status == 200)
      try await cluster.eventually("five pods") { try await activePods(cluster).count == 5 }
      try await makePodsReady(cluster)
      #expect(try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"spec":{"replicas":2}}"#).status == 200)
      try await cluster.eventually("two pods") { try await activePods(cluster).count == 2 }
      try await cluster.eventually("status follows") {
        let d = try await c.get("\(deployments)/web").json
        return d.at("status.replicas") == 2 && d.at("status.availableReplicas") == 2 && d.at("status.observedGeneration") == 3
      }
      let rsAfter = try await c.get("\(replicaSets)/\(rsName)").json
      #expect(rsAfter.at("spec.replicas") == 2)
      #expect(rsAfter.value(at: ["metadata", "annotations", "deployment.kubernetes.io/desired-replicas"]) == "2")

      // Deleting the Deployment takes its ReplicaSet and pods with it.
      #expect(try await c.delete("\(deployments)/web").status == 200)
      try await cluster.eventually("everything collected") {
        let sets = try await c.get(replicaSets).json.itemNames
        let left = try await c.get(pods).json.itemNames
        return sets.isEmpty && left.isEmpty
      }
    }
  }

  @Test func rollingUpdateRespectsMaxSurgeAndMaxUnavailable() async throws {
    try await TestCluster.with(controllers: [.deployment, .replicaSet, .garbageCollector]) { cluster in
      let c = cluster.client
      let strategy = #""strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":1}},"#
      #expect(try await c.post(deployments, Objects.deployment("web", replicas: 4, strategy: strategy)).status == 201)
      try await cluster.eventually("four pods") { try await activePods(cluster).count == 4 }
      try await makePodsReady(cluster)
      try await cluster.eventually("rolled out") {
        try await c.get("\(deployments)/web").json.at("status.availableReplicas") == 4
      }
      let oldRS = try #require(try await c.get(replicaSets).json.itemNames.first)

      // New template: a second ReplicaSet takes over step by step.
      let patched = try await c.patch("\(deployments)/web", "application/strategic-merge-patch+json",
        #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"greeter:v2"}]}}}}"#)
      #expect(patched.status == 200)

      var maxTotal = 0
      var minAvailable = Int.max
      var sawBothAtOnce = false
      let deadline = ContinuousClock.now + .seconds(30)
      while ContinuousClock.now < deadline {
        let sets = try await c.get(replicaSets).json["items"]?.arrayValue ?? []
        let total = sets.reduce(0) { $0 + Int($1.at("spec.replicas")?.intValue ?? 0) }
        maxTotal = max(maxTotal, total)
        let active = try await activePods(cluster)
        let ready = active.filter { ($0.at("status.conditions")?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" } }
        minAvailable = min(minAvailable, ready.count)
        if sets.filter({ ($0.at("spec.replicas")?.intValue ?? 0) > 0 }).count == 2 { sawBothAtOnce = true }
        let d = try await c.get("\(deployments)/web").json
        if sets.count == 2, d.at("status.updatedReplicas") == 4, d.at("status.availableReplicas") == 4,
          d.at("status.replicas") == 4, active.count == 4
        {
          break
        }
        // The node: new pods become ready after a moment.
        try await Task.sleep(for: .milliseconds(50))
        try await makePodsReady(cluster)
      }
      #expect(maxTotal <= 5, "replicas never exceed desired + maxSurge")
      #expect(minAvailable >= 3, "ready pods never drop below desired - maxUnavailable")
      #expect(sawBothAtOnce, "old and new ReplicaSets ran side by side")

      let sets = try await c.get(replicaSets).json["items"]?.arrayValue ?? []
      let old = try #require(sets.first { $0.name == oldRS })
      let new = try #require(sets.first { $0.name != oldRS })
      #expect(old.at("spec.replicas") == 0)
      #expect(new.at("spec.replicas") == 4)
      #expect(old.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "1")
      #expect(new.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "2")
      #expect(new.value(at: ["metadata", "annotations", "deployment.kubernetes.io/max-replicas"]) == "5")
      #expect(new.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["image"] == "greeter:v2")
      let d = try await c.get("\(deployments)/web").json
      #expect(d.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "2")
      #expect(d.at("status.observedGeneration") == 2)
      #expect(try await activePods(cluster).allSatisfy { ($0.name ?? "").hasPrefix(new.name ?? "?") })

      // Back to the first template: its ReplicaSet returns as revision 3.
      #expect(try await c.patch("\(deployments)/web", "application/strategic-merge-patch+json",
        #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"greeter:v1"}]}}}}"#).status == 200)
      try await cluster.eventually("rolled back") {
        try await makePodsReady(cluster)
        let rs = try await c.get("\(replicaSets)/\(oldRS)").json
        let d = try await c.get("\(deployments)/web").json
        return rs.at("spec.replicas") == 4 && d.at("status.updatedReplicas") == 4 && d.at("status.availableReplicas") == 4
          && d.at("status.replicas") == 4
      }
      #expect(try await c.get("\(replicaSets)/\(oldRS)").json.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "3")
      #expect(try await c.get("\(deployments)/web").json.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "3")
    }
  }
}
