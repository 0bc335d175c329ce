import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// Status kept apart from spec, generation, graceful deletion and finalizers.
@Suite("object lifecycle")
struct LifecycleTests {
  let deployments = "/apis/apps/v1/namespaces/default/deployments"
  let pods = "/api/v1/namespaces/default/pods"
  let configMaps = "/api/v1/namespaces/default/configmaps"

  @Test func statusSubresourceChangesOnlyStatus() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await c.post(deployments, Objects.deployment("web", replicas: 3)).json
      // PrepareForCreate resets the status to the empty Go struct, served as {}.
      #expect(created["status"] == [:])
      #expect(created.at("metadata.generation") == 1)

      var body = created
      body.setValue(7, at: ["spec", "replicas"])
      body.setValue(["team": "blue"], at: ["metadata", "labels"])
      body["status"] = ["replicas": 2, "observedGeneration": 1]
      let status = try await c.put("\(deployments)/web/status", body)
      #expect(status.status == 200)
      #expect(status.json.at("status.replicas") == 2)
      #expect(status.json.at("spec.replicas") == 3)
      #expect(status.json.at("metadata.labels") == nil)
      #expect(status.json.at("metadata.generation") == 1)
      #expect(Int(status.json.resourceVersion ?? "") ?? 0 > Int(created.resourceVersion ?? "") ?? 0)

      // The main resource keeps the stored status whatever the body says.
      var main = status.json
      main.setValue(5, at: ["spec", "replicas"])
      main["status"] = ["replicas": 99]
      let replaced = try await c.put("\(deployments)/web", main)
      #expect(replaced.status == 200)
      #expect(replaced.json.at("spec.replicas") == 5)
      #expect(replaced.json.at("status.replicas") == 2)

      // PATCH on /status too.
      let patched = try await c.patch("\(deployments)/web/status", "application/merge-patch+json",
        #"{"spec":{"replicas":1},"status":{"readyReplicas":2}}"#)
      #expect(patched.status == 200)
      #expect(patched.json.at("status.readyReplicas") == 2)
      #expect(patched.json.at("spec.replicas") == 5)

      // GET on /status shows the object.
      #expect(try await c.get("\(deployments)/web/status").json.at("status.readyReplicas") == 2)

      // Kinds without a status subresource have no /status.
      #expect(try await c.post(configMaps, Objects.configMap("cm")).status == 201)
      let none = try await c.put("\(configMaps)/cm/status", Objects.configMap("cm"))
      #expect(none.status == 404)
    }
  }

  @Test func podStatusIsWrittenByTheNodeOnly() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      var pod = Objects.pod("p")
      pod["status"] = ["phase": "Running"]
      let created = try await c.post(pods, pod).json
      // Whatever status came with it, a new pod is Pending.
      #expect(created.at("status.phase") == "Pending")
      var update = created
      update["status"] = ["phase": "Running", "podIP": "10.244.0.9"]
      let main = try await c.put("\(pods)/p", update)
      #expect(main.json.at("status.phase") == "Pending")
      let status = try await c.put("\(pods)/p/status", update)
      #expect(status.json.at("status.phase") == "Running")
      #expect(status.json.at("status.podIP") == "10.244.0.9")
    }
  }

  @Test func generationCountsSpecChangesOnly() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await c.post(deployments, Objects.deployment("web")).json
      #expect(created.at("metadata.generation") == 1)
      let labels = try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"metadata":{"labels":{"a":"b"},"annotations":{"x":"y"}}}"#)
      #expect(labels.json.at("metadata.generation") == 1)
      let spec = try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"spec":{"replicas":4}}"#)
      #expect(spec.json.at("metadata.generation") == 2)
      let same = try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"spec":{"replicas":4}}"#)
      #expect(same.json.at("metadata.generation") == 2)
      // A no-op write is not a write: the resourceVersion stays.
      #expect(same.json.resourceVersion == spec.json.resourceVersion)
      let status = try await c.patch("\(deployments)/web/status", "application/merge-patch+json", #"{"status":{"replicas":4}}"#)
      #expect(status.json.at("metadata.generation") == 2)
      let template = try await c.patch("\(deployments)/web", "application/strategic-merge-patch+json",
        #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"greeter:v2"}]}}}}"#)
      #expect(template.json.at("metadata.generation") == 3)
      // A client cannot set it.
      var forged = template.json
      forged.setValue(42, at: ["metadata", "generation"])
      #expect(try await c.put("\(deployments)/web", forged).json.at("metadata.generation") == 3)
    }
  }

  @Test func gracefulPodDeletion() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      // Bound to the node (as the node agent binds it), so it has something to wait for.
      let pod = Objects.pod("p", extraSpec: #","nodeName":"skiff","terminationGracePeriodSeconds":45"#)
      #expect(try await c.post(pods, pod).status == 201)
      let watch = try await c.watch("\(pods)?watch=true&resourceVersion=\(cluster.store.revision)")
      defer { watch.close() }

      let deleting = try await c.delete("\(pods)/p")
      #expect(deleting.status == 200)
      #expect(deleting.json["kind"] == "Pod")
      let timestamp = try #require(deleting.json.at("metadata.deletionTimestamp")?.stringValue)
      let stamped = try #require(Timestamp(rfc3339: timestamp))
      #expect(abs(Timestamp.now().seconds(until: stamped) - 45) < 5)
      #expect(deleting.json.at("metadata.deletionGracePeriodSeconds") == 45)
      #expect(try await watch.nextSummary() == "MODIFIED p")

      // Still there, shown as Terminating, while the node stops it; status writes keep it.
      #expect(try await c.get("\(pods)/p").status == 200)
      let table = try await c.get("\(pods)/p", headers: TableTests.kubectlAccept).json
      #expect(table.at("rows")?.arrayValue?.first?["cells"]?.arrayValue?[2] == "Terminating")
      var status = try await c.get("\(pods)/p").json
      status["status"] = ["phase": "Running"]
      #expect(try await c.put("\(pods)/p/status", status).status == 200)
      #expect(try await c.get("\(pods)/p").status == 200)
      #expect(try await watch.nextSummary() == "MODIFIED p")

      // A shorter grace period moves the deadline closer.
      let shorter = try await c.delete("\(pods)/p", ["gracePeriodSeconds": 5])
      #expect(shorter.json.at("metadata.deletionGracePeriodSeconds") == 5)
      #expect(try await watch.nextSummary() == "MODIFIED p")

      // The node's final delete with grace 0 removes it.
      let final = try await c.delete("\(pods)/p?gracePeriodSeconds=0")
      #expect(final.status == 200)
      #expect(try await c.get("\(pods)/p").status == 404)
      #expect(try await watch.nextSummary() == "DELETED p")
    }
  }

  @Test func podsThatCannotBeRunningGoAtOnce() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      // Not bound to a node: nothing runs it (the pod strategy's CheckGracefulDelete).
      #expect(try await c.post(pods, Objects.pod("unbound")).status == 201)
      let unbound = try await c.delete("\(pods)/unbound")
      #expect(unbound.status == 200)
      #expect(try await c.get("\(pods)/unbound").status == 404)

      // Finished pods too.
      #expect(try await c.post(pods, Objects.pod("done", extraSpec: #","nodeName":"skiff""#)).status == 201)
      var done = try await c.get("\(pods)/done").json
      done["status"] = ["phase": "Succeeded"]
      #expect(try await c.put("\(pods)/done/status", done).status == 200)
      #expect(try await c.delete("\(pods)/done").status == 200)
      #expect(try await c.get("\(pods)/done").status == 404)
    }
  }

  @Test func finalizersKeepAnObjectUntilRemoved() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      var cm = Objects.configMap("held")
      cm.setValue(["example.com/hold", "example.com/audit"], at: ["metadata", "finalizers"])
      #expect(try await c.post(configMaps, cm).status == 201)

      let deleting = try await c.delete("\(configMaps)/held")
      #expect(deleting.status == 200)
      #expect(deleting.json.at("metadata.deletionTimestamp") != nil)
      #expect(try await c.get("\(configMaps)/held").status == 200)
      // Deleting again changes nothing.
      #expect(try await c.delete("\(configMaps)/held").status == 200)

      // The deletionTimestamp is the server's: an update cannot clear it.
      var update = try await c.get("\(configMaps)/held").json
      update.setValue(nil, at: ["metadata", "deletionTimestamp"])
      update.setValue(["example.com/hold"], at: ["metadata", "finalizers"])
      let one = try await c.put("\(configMaps)/held", update)
      #expect(one.status == 200)
      #expect(one.json.at("metadata.deletionTimestamp") != nil)
      #expect(try await c.get("\(configMaps)/held").status == 200)

      // The last finalizer removed: it goes.
      let last = try await c.patch("\(configMaps)/held", "application/merge-patch+json", #"{"metadata":{"finalizers":null}}"#)
      #expect(last.status == 200)
      #expect(try await c.get("\(configMaps)/held").status == 404)
    }
  }
}
