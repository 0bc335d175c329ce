import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// PATCH in the three formats kubectl uses, by Content-Type.
@Suite("PATCH")
struct PatchRequestTests {
  let deployments = "/apis/apps/v1/namespaces/default/deployments"
  let configMaps = "/api/v1/namespaces/default/configmaps"
  let virtualServices = "/apis/networking.istio.io/v1alpha3/namespaces/default/virtualservices"

  /// A deployment whose container has a port, so list merging shows.
  func deploymentWithPort(_ cluster: TestCluster) async throws -> JSONValue {
    var d = Objects.deployment("web")
    d.setValue([["name": "app", "image": "greeter:v1", "ports": [["containerPort": 8080]]]],
               at: ["spec", "template", "spec", "containers"])
    let response = try await cluster.client.post(deployments, d)
    #expect(response.status == 201)
    return response.json
  }

  @Test func jsonPatch() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post(configMaps, Objects.configMap("cm", data: ["k": "1"])).status == 201)
      let patched = try await c.patch("\(configMaps)/cm", "application/json-patch+json",
        #"[{"op":"replace","path":"/data/k","value":"2"},{"op":"add","path":"/metadata/labels/team","value":"blue"}]"#)
      #expect(patched.status == 200)
      #expect(patched.json.at("data.k") == "2")
      #expect(patched.json.at("metadata.labels.team") == "blue")

      // A failed `test` changes nothing and is refused as Kubernetes refuses it.
      let failed = try await c.patch("\(configMaps)/cm", "application/json-patch+json",
        #"[{"op":"test","path":"/data/k","value":"1"},{"op":"replace","path":"/data/k","value":"3"}]"#)
      #expect(failed.status == 422)
      #expect(failed.reason == "Invalid")
      #expect(try await c.get("\(configMaps)/cm").json.at("data.k") == "2")

      let notAPatch = try await c.patch("\(configMaps)/cm", "application/json-patch+json", #"{"op":"add"}"#)
      #expect(notAPatch.status == 400)
      #expect(notAPatch.message == "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp")
    }
  }

  @Test func mergePatch() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      _ = try await deploymentWithPort(cluster)
      // A merge patch replaces lists whole: the port is gone.
      let patched = try await c.patch("\(deployments)/web", "application/merge-patch+json",
        #"{"metadata":{"labels":{"team":"blue"}},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"greeter:v2"}]}}}}"#)
      #expect(patched.status == 200)
      #expect(patched.json.at("metadata.labels.team") == "blue")
      let containers = patched.json.at("spec.template.spec.containers")?.arrayValue ?? []
      #expect(containers.count == 1)
      #expect(containers.first?["image"] == "greeter:v2")
      #expect(containers.first?["ports"] == nil)
      // Defaults are filled again after the patch.
      #expect(containers.first?["imagePullPolicy"] == "IfNotPresent")

      // null deletes.
      let removed = try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"metadata":{"labels":{"team":null}}}"#)
      #expect(removed.json.at("metadata.labels.team") == nil)
    }
  }

  @Test func strategicMergePatchMergesListsByKey() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      _ = try await deploymentWithPort(cluster)
      let patched = try await c.patch("\(deployments)/web", "application/strategic-merge-patch+json",
        #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"greeter:v2"},{"name":"sidecar","image":"proxy:v1"}]}}}}"#)
      #expect(patched.status == 200)
      let containers = patched.json.at("spec.template.spec.containers")?.arrayValue ?? []
      #expect(containers.compactMap { $0["name"]?.stringValue } == ["app", "sidecar"])
      #expect(containers.first?["image"] == "greeter:v2")
      #expect(containers.first?.at("ports")?.arrayValue?.first?["containerPort"] == 8080)

      // `$patch: delete` removes one element by its merge key.
      let deleted = try await c.patch("\(deployments)/web", "application/strategic-merge-patch+json",
        #"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}"#)
      #expect(deleted.json.at("spec.template.spec.containers")?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["app"])
    }
  }

  @Test func strategicMergePatchIsUnsupportedForIstioKinds() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post(virtualServices, Objects.virtualService("vs", host: "reviews")).status == 201)
      let refused = try await c.patch("\(virtualServices)/vs", "application/strategic-merge-patch+json", #"{"spec":{"hosts":["ratings"]}}"#)
      #expect(refused.status == 415)
      #expect(refused.reason == "UnsupportedMediaType")
      #expect(refused.message == "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")

      let merged = try await c.patch("\(virtualServices)/vs", "application/merge-patch+json", #"{"spec":{"hosts":["ratings"]}}"#)
      #expect(merged.status == 200)
      #expect(merged.json.at("spec.hosts") == ["ratings"])
      #expect(merged.json["apiVersion"] == "networking.istio.io/v1alpha3")

      let unknownType = try await c.patch("\(configMaps)/x", "text/plain", "{}")
      #expect(unknownType.status == 415)
      #expect(unknownType.message == "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml")
    }
  }

  @Test func patchErrors() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let missing = try await c.patch("\(configMaps)/absent", "application/merge-patch+json", #"{"data":{"a":"b"}}"#)
      #expect(missing.status == 404)
      #expect(missing.message == #"configmaps "absent" not found"#)

      _ = try await deploymentWithPort(cluster)
      let invalid = try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"spec":{"replicas":-2}}"#)
      #expect(invalid.status == 422)
      #expect(invalid.message == #"Deployment.apps "web" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0"#)

      // A patch naming a stale resourceVersion is a conflict, as kubectl's retries expect.
      let stale = try await c.patch("\(deployments)/web", "application/merge-patch+json", #"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":2}}"#)
      #expect(stale.status == 409)
      #expect(stale.reason == "Conflict")
    }
  }
}
