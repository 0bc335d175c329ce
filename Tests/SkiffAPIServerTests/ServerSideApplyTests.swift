import Foundation
import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// `kubectl apply --server-side`: PATCH with `application/apply-patch+yaml`, field managers
/// in `metadata.managedFields`, removal of fields a manager stops applying, conflicts
/// between appliers, `force`.
@Suite("server-side apply")
struct ServerSideApplyTests {
  static let path = "/apis/apps/v1/namespaces/default/deployments/web"

  static func config(replicas: Int = 2, env: Bool = true, image: String = "greeter:v1") -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: \(replicas)
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: app
            image: \(image)
    \(env ? "        env:\n        - {name: MODE, value: fast}\n" : "")
    """
  }

  func apply(_ c: TestClient, _ body: String, manager: String = "kubectl", force: Bool = false) async throws -> TestResponse {
    try await c.request(
      .PATCH, Self.path + "?fieldManager=\(manager)\(force ? "&force=true" : "")", body: Array(body.utf8),
      headers: [("Content-Type", "application/apply-patch+yaml")])
  }

  @Test func createsMergesRemovesAndConflicts() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await apply(c, Self.config())
      #expect(created.status == 201, "\(created.text)")
      let managed = created.json.at("metadata.managedFields")?.arrayValue ?? []
      #expect(managed.count == 1)
      #expect(managed.first?["manager"] == "kubectl")
      #expect(managed.first?["operation"] == "Apply")
      #expect(managed.first?["fieldsType"] == "FieldsV1")
      let container = managed.first?.at("fieldsV1.f:spec.f:template.f:spec.f:containers")?[#"k:{"name":"app"}"#]
      #expect(container?["."] == [:])
      #expect(container?["f:image"] == [:])
      #expect(container?.at("f:env")?[#"k:{"name":"MODE"}"#]?["f:value"] == [:])
      // Defaults are the server's, not the applier's.
      #expect(created.json.at("spec.strategy.type") == "RollingUpdate")

      // The same configuration again changes nothing (a second later, too).
      try await Task.sleep(for: .milliseconds(1100))
      let again = try await apply(c, Self.config())
      #expect(again.status == 200)
      #expect(again.json.at("metadata.resourceVersion") == created.json.at("metadata.resourceVersion"))

      // A field the manager stops applying goes; a changed one changes.
      let trimmed = try await apply(c, Self.config(env: false, image: "greeter:v2"))
      #expect(trimmed.status == 200, "\(trimmed.text)")
      let live = try await c.get(Self.path).json
      #expect(live.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["env"] == nil)
      #expect(live.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["image"] == "greeter:v2")

      // Another applier setting replicas differently: conflict, nothing written.
      let conflict = try await apply(c, Self.config(replicas: 5, env: false, image: "greeter:v2"), manager: "autoscaler")
      #expect(conflict.status == 409)
      #expect(conflict.json["reason"] == "Conflict")
      // An applier is named without a version (its identity has none), as the apiserver prints it.
      #expect(conflict.json["message"] == #"Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas"#)
      #expect(conflict.json.at("details.causes")?.arrayValue?.first?["field"] == ".spec.replicas")
      #expect(conflict.json.at("details.causes")?.arrayValue?.first?["message"] == #"conflict with "kubectl""#)
      #expect(try await c.get(Self.path).json.at("spec.replicas") == 2)

      // With force the field changes hands: kubectl no longer owns replicas.
      let forced = try await apply(c, Self.config(replicas: 5, env: false, image: "greeter:v2"), manager: "autoscaler", force: true)
      #expect(forced.status == 200)
      #expect(forced.json.at("spec.replicas") == 5)
      let entries = forced.json.at("metadata.managedFields")?.arrayValue ?? []
      let kubectl = entries.first { $0["manager"] == "kubectl" }
      #expect(kubectl?.at("fieldsV1.f:spec.f:replicas") == nil)
      #expect(entries.first { $0["manager"] == "autoscaler" }?.at("fieldsV1.f:spec.f:replicas") == [:])
    }
  }

  @Test func badApplyRequests() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let noManager = try await c.request(
        .PATCH, Self.path, body: Array(Self.config().utf8), headers: [("Content-Type", "application/apply-patch+yaml")])
      // ValidatePatchOptions, before the body is looked at.
      #expect(noManager.status == 422)
      #expect(noManager.json["message"] == #"PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch"#)
      #expect(noManager.json.at("details.kind") == "PatchOptions")
      #expect(noManager.json.at("details.group") == "meta.k8s.io")
      let wrongName = try await apply(c, Self.config().replacingOccurrences(of: "name: web\n", with: "name: other\n"))
      #expect(wrongName.status == 400)
      #expect(wrongName.json["message"] == "the name of the object (other) does not match the name on the URL (web)")
      let invalid = try await apply(c, Self.config(replicas: -1))
      #expect(invalid.status == 422)
      #expect(try await c.get(Self.path).status == 404)
    }
  }
}
