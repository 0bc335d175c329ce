import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// The `scale` subresource `kubectl scale` uses: an `autoscaling/v1 Scale` view of a
/// Deployment or ReplicaSet, changed by PUT or any patch type.
@Suite("scale subresource")
struct ScaleTests {
  static let path = "/apis/apps/v1/namespaces/default/deployments/web/scale"

  @Test func readPatchAndPut() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post("/apis/apps/v1/namespaces/default/deployments", Objects.deployment("web", replicas: 3)).status == 201)
      let scale = try await c.get(Self.path)
      #expect(scale.status == 200)
      #expect(scale.json["kind"] == "Scale")
      #expect(scale.json["apiVersion"] == "autoscaling/v1")
      #expect(scale.json.at("spec.replicas") == 3)
      #expect(scale.json.at("status.selector") == "app=web")

      // kubectl scale sends a JSON merge patch.
      let patched = try await c.patch(Self.path, "application/merge-patch+json", #"{"spec":{"replicas":1}}"#)
      #expect(patched.status == 200)
      #expect(patched.json.at("spec.replicas") == 1)
      #expect(try await c.get("/apis/apps/v1/namespaces/default/deployments/web").json.at("spec.replicas") == 1)

      var body = patched.json
      body.setValue(5, at: ["spec", "replicas"])
      let put = try await c.put(Self.path, body)
      #expect(put.status == 200)
      #expect(try await c.get("/apis/apps/v1/namespaces/default/deployments/web").json.at("spec.replicas") == 5)

      // A stale resourceVersion is a conflict; a negative count is invalid; nothing changes.
      body.setValue(2, at: ["spec", "replicas"])
      let stale = try await c.put(Self.path, body)
      #expect(stale.status == 409)
      let negative = try await c.patch(Self.path, "application/merge-patch+json", #"{"spec":{"replicas":-1}}"#)
      #expect(negative.status == 422)
      #expect(negative.json["message"] == #"Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"#)
      #expect(try await c.get("/apis/apps/v1/namespaces/default/deployments/web").json.at("spec.replicas") == 5)

      let missing = try await c.get("/apis/apps/v1/namespaces/default/deployments/nope/scale")
      #expect(missing.status == 404)
      #expect(try await c.get("/api/v1/namespaces/default/pods/x/scale").status == 404)
    }
  }
}
