import Foundation
import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// `metadata.managedFields` for writes that are not applies, as kube-apiserver records them:
/// an `Update` entry per manager (the `fieldManager` parameter, else the user agent's first
/// token) with the fields each write set or changed, ownership moving to the last writer,
/// subresource entries, conflicts of a later apply with them, kubectl's client-side to
/// server-side apply migration, and malformed entries.
@Suite("managed fields of updates")
struct ManagedFieldsTests {
  static let deployments = "/apis/apps/v1/namespaces/default/deployments"
  static let path = deployments + "/web"

  static func entries(_ object: JSONValue) -> [JSONValue] {
    object.at("metadata.managedFields")?.arrayValue ?? []
  }

  static func entry(_ object: JSONValue, _ manager: String, subresource: String? = nil) -> JSONValue? {
    entries(object).first { $0["manager"] == .string(manager) && $0["subresource"]?.stringValue == subresource }
  }

  /// The value at `keys` under an entry's `fieldsV1`.
  static func owned(_ entry: JSONValue?, _ keys: String...) -> JSONValue? {
    entry?.value(at: ["fieldsV1"] + keys)
  }

  static let appContainer = #"k:{"name":"app"}"#

  /// Two `FieldsV1` sets as one (csaupgrade's `Union`): a leaf (`{}`) that is a node with
  /// members in the other set is owned itself there (`.`).
  static func union(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
    guard let x = a.objectValue, let y = b.objectValue else { return a }
    if x.isEmpty && y.isEmpty { return [:] }
    var out = JSONObject()
    if x.isEmpty || y.isEmpty { out["."] = [:] }
    for (key, value) in x { out[key] = y[key].map { union(value, $0) } ?? value }
    for (key, value) in y where x[key] == nil { out[key] = value }
    return .object(out)
  }

  func send(
    _ c: TestClient, _ method: HTTPMethod, _ target: String, _ body: String, contentType: String = "application/json",
    userAgent: String? = nil
  ) async throws -> TestResponse {
    var headers = [("Content-Type", contentType)]
    if let userAgent { headers.append(("User-Agent", userAgent)) }
    return try await c.request(method, target, body: Array(body.utf8), headers: headers)
  }

  func apply(_ c: TestClient, _ body: String, manager: String = "kubectl", force: Bool = false) async throws -> TestResponse {
    try await send(
      c, .PATCH, Self.path + "?fieldManager=\(manager)\(force ? "&force=true" : "")", body,
      contentType: "application/apply-patch+yaml")
  }

  @Test func createUpdateAndPatchRecordUpdateEntries() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await send(
        c, .POST, Self.deployments + "?fieldManager=kubectl-create", Objects.deployment("web", replicas: 2).jsonString())
      #expect(created.status == 201, "\(created.text)")
      let entries = Self.entries(created.json)
      #expect(entries.count == 1)
      let create = try #require(entries.first)
      #expect(create["manager"] == "kubectl-create")
      #expect(create["operation"] == "Update")
      #expect(create["apiVersion"] == "apps/v1")
      #expect(create["fieldsType"] == "FieldsV1")
      #expect(create["subresource"] == nil)
      let time = try #require(create["time"]?.stringValue)
      #expect(Timestamp(rfc3339: time) != nil && time.hasSuffix("Z") && !time.contains("."))
      // Everything the object was created with, server defaults included; not its status.
      #expect(Self.owned(create, "f:spec", "f:replicas") == [:])
      #expect(Self.owned(create, "f:spec", "f:strategy", "f:type") == [:])
      #expect(Self.owned(create, "f:spec", "f:template", "f:metadata", "f:labels") == [".": [:], "f:app": [:]])
      let container = Self.owned(create, "f:spec", "f:template", "f:spec", "f:containers", Self.appContainer)
      #expect(container?["."] == [:])
      #expect(container?["f:image"] == [:])
      #expect(container?["f:imagePullPolicy"] == [:])
      #expect(Self.owned(create, "f:status") == nil)
      #expect(Self.owned(create, "f:metadata", "f:name") == nil)
      #expect(Self.owned(create, "f:metadata", "f:uid") == nil)

      // A PUT that changes replicas: that field moves to its manager, the rest stays.
      var replaced = created.json
      replaced.setValue(5, at: ["spec", "replicas"])
      let put = try await send(c, .PUT, Self.path + "?fieldManager=kubectl-replace", replaced.jsonString())
      #expect(put.status == 200, "\(put.text)")
      #expect(Self.owned(Self.entry(put.json, "kubectl-replace"), "f:spec") == ["f:replicas": [:]])
      #expect(Self.owned(Self.entry(put.json, "kubectl-create"), "f:spec", "f:replicas") == nil)
      #expect(Self.owned(Self.entry(put.json, "kubectl-create"), "f:spec", "f:selector") != nil)

      // Patches likewise; a merge patch changing the image.
      let edit = try await send(
        c, .PATCH, Self.path + "?fieldManager=kubectl-edit",
        #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"greeter:v2"}]}}}}"#,
        contentType: "application/strategic-merge-patch+json")
      #expect(edit.status == 200, "\(edit.text)")
      let edited = try #require(Self.entry(edit.json, "kubectl-edit"))
      #expect(Self.owned(edited, "f:spec", "f:template", "f:spec", "f:containers", Self.appContainer) == ["f:image": [:]])
      #expect(
        Self.owned(Self.entry(edit.json, "kubectl-create"), "f:spec", "f:template", "f:spec", "f:containers", Self.appContainer, "f:image")
          == nil)

      // A write that sets what is already there records nothing and writes nothing.
      let same = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl-scale", #"{"spec":{"replicas":5}}"#,
        contentType: "application/merge-patch+json")
      #expect(same.status == 200)
      #expect(Self.entry(same.json, "kubectl-scale") == nil)
      #expect(same.json.at("metadata.resourceVersion") == edit.json.at("metadata.resourceVersion"))

      // A field a write removes leaves its owner, whose emptied entry goes.
      let annotated = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl-annotate",
        #"{"metadata":{"annotations":{"note":"x","keep":"y"}}}"#, contentType: "application/merge-patch+json")
      #expect(Self.owned(Self.entry(annotated.json, "kubectl-annotate"), "f:metadata", "f:annotations")
        == [".": [:], "f:keep": [:], "f:note": [:]])
      let relabel = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl-label",
        #"{"metadata":{"annotations":{"keep":"z"}}}"#, contentType: "application/merge-patch+json")
      #expect(Self.owned(Self.entry(relabel.json, "kubectl-annotate"), "f:metadata", "f:annotations")
        == [".": [:], "f:note": [:]])
      let removed = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl-edit",
        #"{"metadata":{"annotations":{"note":null}}}"#, contentType: "application/merge-patch+json")
      #expect(removed.status == 200, "\(removed.text)")
      #expect(Self.owned(Self.entry(removed.json, "kubectl-annotate"), "f:metadata", "f:annotations", "f:note") == nil)

      // Several managers: appliers first, then by time and name.
      let managers = Self.entries(try await c.get(Self.path).json).compactMap { $0["manager"]?.stringValue }
      #expect(Set(managers) == ["kubectl-create", "kubectl-replace", "kubectl-edit", "kubectl-annotate", "kubectl-label"])
      #expect(managers.count == 5)

      // A dry run computes them but stores nothing.
      let dry = try await send(c, .PATCH, Self.path + "?fieldManager=dry&dryRun=All", #"{"spec":{"replicas":7}}"#,
        contentType: "application/merge-patch+json")
      #expect(dry.status == 200)
      #expect(Self.entry(try await c.get(Self.path).json, "dry") == nil)
    }
  }

  @Test func theManagerDefaultsToTheUserAgent() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let cases: [(String?, String)] = [
        ("kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd", "kubectl"),
        ("Go-http-client/1.1", "Go-http-client"),
        (nil, "skiff-apiserver-tests"),
        ("", "unknown"),
      ]
      for (i, (agent, manager)) in cases.enumerated() {
        let created = try await send(
          c, .POST, "/api/v1/namespaces/default/configmaps", Objects.configMap("cm\(i)").jsonString(), userAgent: agent)
        #expect(created.status == 201, "\(created.text)")
        #expect(Self.entries(created.json).map { $0["manager"] } == [.string(manager)], "\(agent ?? "default")")
        #expect(Self.owned(Self.entries(created.json).first, "f:data") == [".": [:], "f:k": [:]])
      }
      // The parameter wins over the user agent.
      let named = try await send(
        c, .POST, "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create", Objects.configMap("named").jsonString(),
        userAgent: "kubectl/v1.32.4")
      #expect(Self.entries(named.json).first?["manager"] == "kubectl-create")
    }
  }

  @Test func subresourceWritesRecordTheirSubresource() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await send(
        c, .POST, Self.deployments + "?fieldManager=kubectl-create", Objects.deployment("web", replicas: 2).jsonString())
      #expect(created.status == 201)

      // status: only status fields count, and the request's own entries are ignored.
      var status = created.json
      status["status"] = ["replicas": 2, "readyReplicas": 1]
      status.setValue(9, at: ["spec", "replicas"])
      status.setValue([], at: ["metadata", "managedFields"])
      let written = try await send(c, .PUT, Self.path + "/status?fieldManager=status-writer", status.jsonString())
      #expect(written.status == 200, "\(written.text)")
      let statusEntry = try #require(Self.entry(written.json, "status-writer", subresource: "status"))
      #expect(statusEntry["operation"] == "Update")
      #expect(Self.owned(statusEntry) == ["f:status": ["f:readyReplicas": [:], "f:replicas": [:]]])
      #expect(Self.entry(written.json, "kubectl-create") != nil)
      #expect(written.json.at("spec.replicas") == 2)

      // scale: spec.replicas, named by the user agent (kubectl scale sends no fieldManager).
      let scaled = try await send(
        c, .PATCH, Self.path + "/scale", #"{"spec":{"replicas":4}}"#, contentType: "application/merge-patch+json",
        userAgent: "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd")
      #expect(scaled.status == 200, "\(scaled.text)")
      let live = try await c.get(Self.path).json
      let scaleEntry = try #require(Self.entry(live, "kubectl", subresource: "scale"))
      #expect(scaleEntry["apiVersion"] == "apps/v1")
      #expect(Self.owned(scaleEntry) == ["f:spec": ["f:replicas": [:]]])
      #expect(Self.owned(Self.entry(live, "kubectl-create"), "f:spec", "f:replicas") == nil)

      // A later apply of another replica count conflicts with the scale.
      let conflict = try await apply(c, ServerSideApplyTests.config(replicas: 2, env: false))
      #expect(conflict.status == 409, "\(conflict.text)")
      #expect(conflict.json["message"]
        == #"Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas"#)
    }
  }

  @Test func controllersWriteAsKubernetesComponents() async throws {
    try await TestCluster.with(controllers: [.deployment, .replicaSet]) { cluster in
      let c = cluster.client
      _ = try await send(c, .POST, Self.deployments + "?fieldManager=kubectl-create", Objects.deployment("web", replicas: 1).jsonString())
      try await cluster.eventually("a replica set and a deployment status") {
        let rs = try await c.get("/apis/apps/v1/namespaces/default/replicasets").json["items"]?.arrayValue?.first
        let d = try await c.get(Self.path).json
        return rs != nil && Self.entry(d, "kube-controller-manager", subresource: "status") != nil
      }
      let rs = try #require(try await c.get("/apis/apps/v1/namespaces/default/replicasets").json["items"]?.arrayValue?.first)
      let rsEntry = try #require(Self.entry(rs, "kube-controller-manager"))
      #expect(rsEntry["operation"] == "Update")
      #expect(Self.owned(rsEntry, "f:metadata", "f:ownerReferences") != nil)
      let d = try await c.get(Self.path).json
      #expect(Self.owned(Self.entry(d, "kube-controller-manager", subresource: "status"), "f:status") != nil)
      // The revision annotation is the controller's; the spec stays the creator's.
      #expect(Self.owned(Self.entry(d, "kube-controller-manager"), "f:metadata", "f:annotations", "f:deployment.kubernetes.io/revision") == [:])
      #expect(Self.owned(Self.entry(d, "kubectl-create"), "f:spec", "f:replicas") == [:])
    }
  }

  @Test func anApplyConflictsWithAnUpdateManager() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await apply(c, ServerSideApplyTests.config())
      #expect(created.status == 201)
      let edit = try await send(
        c, .PATCH, Self.path + "?fieldManager=kubectl-edit",
        #"{"spec":{"replicas":5,"template":{"spec":{"containers":[{"name":"app","image":"greeter:v9"}]}}}}"#,
        contentType: "application/strategic-merge-patch+json")
      #expect(edit.status == 200, "\(edit.text)")
      // The update took the fields from the applier, without a conflict.
      let kubectl = try #require(Self.entry(edit.json, "kubectl"))
      #expect(kubectl["operation"] == "Apply")
      #expect(Self.owned(kubectl, "f:spec", "f:replicas") == nil)
      #expect(Self.owned(Self.entry(edit.json, "kubectl-edit"), "f:spec", "f:replicas") == [:])
      #expect(Self.entries(edit.json).map { $0["operation"] } == ["Apply", "Update"])

      let one = try await apply(c, ServerSideApplyTests.config(image: "greeter:v9"))
      #expect(one.status == 409)
      #expect(one.json["message"] == #"Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas"#)
      #expect(one.json.at("details.causes")?.arrayValue?.first?["message"] == #"conflict with "kubectl-edit" using apps/v1"#)
      #expect(one.json.at("details.causes")?.arrayValue?.first?["reason"] == "FieldManagerConflict")

      let two = try await apply(c, ServerSideApplyTests.config())
      #expect(two.status == 409)
      #expect(two.json["message"] == """
        Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:
        - .spec.replicas
        - .spec.template.spec.containers[name="app"].image
        """)
      #expect(try await c.get(Self.path).json.at("spec.replicas") == 5)

      // Applying the live values co-owns them; forcing takes them, and the emptied entry goes.
      let forced = try await apply(c, ServerSideApplyTests.config(), force: true)
      #expect(forced.status == 200, "\(forced.text)")
      #expect(forced.json.at("spec.replicas") == 2)
      #expect(Self.entry(forced.json, "kubectl-edit") == nil)
      #expect(Self.owned(Self.entry(forced.json, "kubectl"), "f:spec", "f:replicas") == [:])
    }
  }

  @Test func fieldsFromBeforeTheFirstApplyHaveAManager() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await send(c, .POST, Self.deployments, Objects.deployment("web", replicas: 3).jsonString())
      // Cleared, as `managedFields: [{}]` clears them; updates then leave the object untracked.
      var cleared = created.json
      cleared.setValue([[:]], at: ["metadata", "managedFields"])
      let reset = try await send(c, .PUT, Self.path + "?fieldManager=reset", cleared.jsonString())
      #expect(reset.status == 200, "\(reset.text)")
      #expect(reset.json.at("metadata.managedFields") == nil)
      let untracked = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl-label",
        #"{"metadata":{"labels":{"team":"a"}}}"#, contentType: "application/merge-patch+json")
      #expect(untracked.json.at("metadata.managedFields") == nil)

      let conflict = try await apply(c, ServerSideApplyTests.config(replicas: 2, env: false))
      #expect(conflict.status == 409)
      #expect(conflict.json["message"]
        == #"Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas"#)
      let same = try await apply(c, ServerSideApplyTests.config(replicas: 3, env: false))
      #expect(same.status == 200, "\(same.text)")
      #expect(Self.entries(same.json).compactMap { $0["manager"]?.stringValue } == ["kubectl", "before-first-apply"])
    }
  }

  /// `kubectl apply`, then `kubectl apply --server-side` of the same file (kubectl 1.32).
  @Test func clientSideApplyMigratesToServerSideApply() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let config = try #require(try YAML.parseStream(bytes: Array(ServerSideApplyTests.config().utf8)).first?.value)
      let annotated = LastAppliedConfiguration.annotated(config)
      let created = try await send(
        c, .POST, Self.deployments + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict", annotated.jsonString())
      #expect(created.status == 201, "\(created.text)")
      let csa = try #require(Self.entry(created.json, "kubectl-client-side-apply"))
      #expect(csa["operation"] == "Update")
      #expect(Self.owned(csa, "f:metadata", "f:annotations", "f:kubectl.kubernetes.io/last-applied-configuration") == [:])

      // The first server-side apply: no conflicts, whatever the file says of fields whose live
      // values are still those of the last-applied annotation; that annotation follows.
      let changedFile = ServerSideApplyTests.config(replicas: 3)
      let first = try await apply(c, changedFile)
      #expect(first.status == 200, "\(first.text)")
      #expect(first.json.at("spec.replicas") == 3)
      let lastApplied = first.json.value(at: ["metadata", "annotations", LastAppliedConfiguration.annotation])?.stringValue ?? ""
      #expect(lastApplied.hasSuffix("\n"))
      #expect((try? JSONValue(parsing: Array(lastApplied.utf8)))?.at("spec.replicas") == 3)
      #expect(Self.entry(first.json, "kubectl")?["operation"] == "Apply")

      // kubectl's csaupgrade: the client-side manager's fields merged into the applier's
      // entry, sent as a JSON patch of managedFields with the resourceVersion it read.
      let rv = try #require(first.json.at("metadata.resourceVersion")?.stringValue)
      var migrated = Self.entries(first.json)
      let kubectlIndex = try #require(migrated.firstIndex { $0["manager"] == "kubectl" && $0["operation"] == "Apply" })
      let csaIndex = try #require(migrated.firstIndex { $0["manager"] == "kubectl-client-side-apply" })
      let union = Self.union(migrated[kubectlIndex]["fieldsV1"] ?? [:], migrated[csaIndex]["fieldsV1"] ?? [:])
      migrated[kubectlIndex]["fieldsV1"] = union
      migrated.remove(at: csaIndex)
      let patch: JSONValue = [
        ["op": "replace", "path": "/metadata/managedFields", "value": .array(migrated)],
        ["op": "replace", "path": "/metadata/resourceVersion", "value": .string(rv)],
      ]
      let stale: JSONValue = [
        ["op": "replace", "path": "/metadata/managedFields", "value": .array(migrated)],
        ["op": "replace", "path": "/metadata/resourceVersion", "value": "1"],
      ]
      let refused = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl", stale.jsonString(),
        contentType: "application/json-patch+json")
      #expect(refused.status == 409, "\(refused.text)")
      let upgraded = try await send(c, .PATCH, Self.path + "?fieldManager=kubectl", patch.jsonString(),
        contentType: "application/json-patch+json")
      #expect(upgraded.status == 200, "\(upgraded.text)")
      // Taken as sent: no Update entry for the patch itself, which changed no field.
      #expect(Self.entries(upgraded.json).map { $0["manager"] } == ["kubectl"])
      #expect(Self.entries(upgraded.json).first?["fieldsV1"] == union)

      // kubectl applies again: the defaults the client-side manager owned go and come back,
      // and the object is the applier's.
      let again = try await apply(c, changedFile)
      #expect(again.status == 200, "\(again.text)")
      #expect(Self.entries(again.json).map { $0["manager"] } == ["kubectl"])
      #expect(again.json.at("spec.strategy.type") == "RollingUpdate")
      #expect(again.json.at("spec.replicas") == 3)
      #expect(again.json.value(at: ["metadata", "labels", "app"]) == "web")
      #expect(Self.owned(Self.entry(again.json, "kubectl"), "f:spec", "f:strategy") == nil)
      #expect(Self.owned(Self.entry(again.json, "kubectl"), "f:spec", "f:replicas") == [:])

      // Without the annotation's say-so it is a conflict, as with any other manager.
      var edited = again.json
      edited.setValue(
        .string(LastAppliedConfiguration.value(for: config)), at: ["metadata", "annotations", LastAppliedConfiguration.annotation])
      edited.setValue(6, at: ["spec", "replicas"])
      edited.setValue(nil, at: ["metadata", "managedFields"])
      _ = try await send(c, .PUT, Self.path + "?fieldManager=kubectl-edit", edited.jsonString())
      let conflict = try await apply(c, changedFile)
      #expect(conflict.status == 409)
      #expect(conflict.json["message"] == #"Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas"#)
    }
  }

  @Test func malformedEntriesAndParameters() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await send(
        c, .POST, Self.deployments + "?fieldManager=kubectl-create", Objects.deployment("web", replicas: 2).jsonString())
      let live = created.json
      func put(_ entries: JSONValue, validation: String = "Strict") async throws -> TestResponse {
        var body = live
        body.setValue(entries, at: ["metadata", "managedFields"])
        body.setValue(nil, at: ["metadata", "resourceVersion"])
        return try await send(c, .PUT, Self.path + "?fieldManager=kubectl-replace&fieldValidation=\(validation)", body.jsonString())
      }
      let good: JSONValue = [
        "manager": "someone", "operation": "Update", "apiVersion": "apps/v1", "time": "2024-02-07T14:37:14Z",
        "fieldsType": "FieldsV1", "fieldsV1": ["f:spec": ["f:replicas": [:]]],
      ]

      // Members of the wrong type, as Go's decoder words them.
      var wrongType = good
      wrongType["operation"] = 5
      let badType = try await put([wrongType])
      #expect(badType.status == 400)
      #expect(badType.json["message"] == #"Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field ManagedFieldsEntry.metadata.managedFields.operation of type v1.ManagedFieldsOperationType"#)
      var badTime = good
      badTime["time"] = "yesterday"
      let time = try await put([badTime])
      #expect(time.status == 400)
      #expect(time.json["message"] == #"Deployment in version "v1" cannot be handled as a Deployment: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#)
      let notAnEntry = try await put(["x"])
      #expect(notAnEntry.json["message"] == #"Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field ObjectMeta.metadata.managedFields of type v1.ManagedFieldsEntry"#)
      var unknown = good
      unknown["owner"] = "me"
      let strict = try await put([unknown])
      #expect(strict.status == 400)
      #expect(strict.json["message"] == #"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.managedFields[0].owner""#)

      // Entries the field manager cannot use are ignored: the live ones stay.
      for (member, value) in [("operation", "Bogus"), ("fieldsType", "FieldsV2"), ("apiVersion", "")] as [(String, JSONValue)] {
        var unusable = good
        unusable[member] = value
        let ignored = try await put([unusable])
        #expect(ignored.status == 200, "\(ignored.text)")
        #expect(Self.entries(ignored.json).map { $0["manager"] } == ["kubectl-create"], "\(member)")
      }
      var badFields = good
      badFields["fieldsV1"] = ["x:spec": [:]]
      #expect(Self.entries(try await put([badFields]).json).map { $0["manager"] } == ["kubectl-create"])

      // Usable entries replace them; a manager name the API would not accept is invalid.
      let replaced = try await put([good])
      #expect(Self.entries(replaced.json) == [good])
      var long = good
      long["manager"] = .string(String(repeating: "m", count: 129))
      let tooLong = try await put([long])
      #expect(tooLong.status == 422)
      #expect(tooLong.json["message"] == #"Deployment.apps "web" is invalid: metadata.managedFields[0].manager: Too long: may not be more than 128 bytes"#)

      // The parameters.
      let longManager = String(repeating: "m", count: 129)
      let param = try await send(c, .POST, Self.deployments + "?fieldManager=\(longManager)", Objects.deployment("other").jsonString())
      #expect(param.status == 422)
      #expect(param.json["message"] == #"CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes"#)
      let patchParam = try await send(c, .PATCH, Self.path + "?fieldManager=\(longManager)", "{}", contentType: "application/merge-patch+json")
      #expect(patchParam.json["message"] == #"PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes"#)
      let force = try await send(c, .PATCH, Self.path + "?force=true", "{}", contentType: "application/merge-patch+json")
      #expect(force.status == 422)
      #expect(force.json["message"] == #"PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch"#)

      // An apply configuration carries no managed fields.
      let withFields = try await apply(
        c, ServerSideApplyTests.config().replacingOccurrences(of: "  name: web\n", with: "  name: web\n  managedFields:\n  - manager: x\n"))
      #expect(withFields.status == 400)
      #expect(withFields.json["message"] == "metadata.managedFields must be nil")
    }
  }
}
