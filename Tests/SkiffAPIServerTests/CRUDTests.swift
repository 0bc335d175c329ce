import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// Create, read, update, delete with the codes and `Status` bodies a Kubernetes client
/// expects (apimachinery `pkg/api/errors`, apiserver `pkg/endpoints/handlers`).
@Suite("CRUD and errors")
struct CRUDTests {
  let configMaps = "/api/v1/namespaces/default/configmaps"
  let pods = "/api/v1/namespaces/default/pods"
  let deployments = "/apis/apps/v1/namespaces/default/deployments"

  @Test func createGetReplaceDelete() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let created = try await c.post(configMaps, Objects.configMap("settings", data: ["a": "1"]))
      #expect(created.status == 201)
      #expect(created.header("Content-Type") == "application/json")
      let object = created.json
      #expect(object["apiVersion"] == "v1")
      #expect(object["kind"] == "ConfigMap")
      #expect(object.at("metadata.namespace") == "default")
      #expect(object.at("metadata.uid")?.stringValue?.count == 36)
      #expect(object.at("metadata.creationTimestamp")?.stringValue?.hasSuffix("Z") == true)
      let rv = try #require(object.resourceVersion.flatMap { Int($0) })

      let fetched = try await c.get("\(configMaps)/settings")
      #expect(fetched.status == 200)
      #expect(fetched.json == object)

      var changed = object
      changed["data"] = ["a": "2"]
      let replaced = try await c.put("\(configMaps)/settings", changed)
      #expect(replaced.status == 200)
      #expect(replaced.json.at("data.a") == "2")
      #expect(Int(replaced.json.resourceVersion ?? "") ?? 0 > rv)
      #expect(replaced.json.at("metadata.uid") == object.at("metadata.uid"))
      #expect(replaced.json.at("metadata.creationTimestamp") == object.at("metadata.creationTimestamp"))

      let deleted = try await c.delete("\(configMaps)/settings")
      #expect(deleted.status == 200)
      let gone = try await c.get("\(configMaps)/settings")
      #expect(gone.status == 404)
    }
  }

  @Test func notFoundIsAStatusWithTheResourceName() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.get("\(pods)/x")
      #expect(response.status == 404)
      #expect(response.text == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}"#)

      let deployment = try await cluster.client.get("\(deployments)/web")
      #expect(deployment.status == 404)
      #expect(deployment.message == #"deployments.apps "web" not found"#)
      #expect(deployment.json["details"] == ["name": "web", "group": "apps", "kind": "deployments"])

      let put = try await cluster.client.put("\(configMaps)/absent", Objects.configMap("absent"))
      #expect(put.status == 404)
      #expect(put.message == #"configmaps "absent" not found"#)

      let delete = try await cluster.client.delete("\(configMaps)/absent")
      #expect(delete.status == 404)
      #expect(delete.message == #"configmaps "absent" not found"#)

      let vs = try await cluster.client.get("/apis/networking.istio.io/v1alpha3/namespaces/default/virtualservices/r")
      #expect(vs.message == #"virtualservices.networking.istio.io "r" not found"#)
    }
  }

  @Test func alreadyExists() async throws {
    try await TestCluster.with { cluster in
      #expect(try await cluster.client.post(deployments, Objects.deployment("web")).status == 201)
      let again = try await cluster.client.post(deployments, Objects.deployment("web"))
      #expect(again.status == 409)
      #expect(again.text == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" already exists","reason":"AlreadyExists","details":{"name":"web","group":"apps","kind":"deployments"},"code":409}"#)
    }
  }

  @Test func staleResourceVersionIsAConflict() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let first = try await c.post(configMaps, Objects.configMap("cfg")).json
      var update = first
      update["data"] = ["k": "second"]
      #expect(try await c.put("\(configMaps)/cfg", update).status == 200)
      // The same stale resourceVersion again.
      update["data"] = ["k": "third"]
      let stale = try await c.put("\(configMaps)/cfg", update)
      #expect(stale.status == 409)
      #expect(stale.reason == "Conflict")
      #expect(stale.message == #"Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again"#)
      #expect(stale.json["details"] == ["name": "cfg", "kind": "configmaps"])
      #expect(try await c.get("\(configMaps)/cfg").json.at("data.k") == "second")

      // Without a resourceVersion the update is unconditional, as for every built-in kind.
      update.setValue(nil, at: ["metadata", "resourceVersion"])
      #expect(try await c.put("\(configMaps)/cfg", update).status == 200)

      // A precondition on delete is checked too.
      let current = try await c.get("\(configMaps)/cfg").json
      let precondition = try await c.delete("\(configMaps)/cfg", ["preconditions": ["resourceVersion": "1"]])
      #expect(precondition.status == 409)
      #expect(precondition.message == #"Operation cannot be fulfilled on configmaps "cfg": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \#(current.resourceVersion ?? "")"#)
    }
  }

  @Test func invalidObjectsAre422WithCauses() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.post(deployments, Objects.deployment("web", replicas: -1))
      #expect(response.status == 422)
      #expect(response.reason == "Invalid")
      #expect(response.message == #"Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"#)
      #expect(response.json["details"] == [
        "name": "web", "group": "apps", "kind": "Deployment",
        "causes": [["reason": "FieldValueInvalid", "message": "Invalid value: -1: must be greater than or equal to 0", "field": "spec.replicas"]],
      ])

      // Several causes: the message lists them in brackets; each is a cause of its own.
      let pod = Objects.json(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app"}],"restartPolicy":"Sometimes"}}"#)
      let several = try await cluster.client.post(pods, pod)
      #expect(several.status == 422)
      let message = try #require(several.message)
      #expect(message.hasPrefix(#"Pod "p" is invalid: ["#))
      let causes = several.json.at("details.causes")?.arrayValue ?? []
      #expect(causes.contains(["reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"]))
      #expect(causes.contains {
        $0["reason"] == "FieldValueNotSupported" && $0["field"] == "spec.restartPolicy"
          && $0["message"]?.stringValue?.hasPrefix(#"Unsupported value: "Sometimes": supported values: "#) == true
      })
      #expect(several.json.at("details.kind") == "Pod")
      #expect(several.json.at("details.group") == nil)

      // Nothing was stored.
      #expect(try await cluster.client.get("\(pods)/p").status == 404)
    }
  }

  @Test func malformedJSONIsABadRequest() async throws {
    try await TestCluster.with { cluster in
      let truncated = try await cluster.client.post(configMaps, raw: #"{"apiVersion":"v1","kind":"ConfigMap","#)
      #expect(truncated.status == 400)
      #expect(truncated.reason == "BadRequest")
      #expect(truncated.message == "couldn't get version/kind; json parse error: unexpected end of JSON input")

      let garbage = try await cluster.client.post(configMaps, raw: #"{"apiVersion": v1}"#)
      #expect(garbage.status == 400)
      #expect(garbage.message == "couldn't get version/kind; json parse error: invalid character 'v' looking for beginning of value")
    }
  }

  @Test func unknownFieldsFollowFieldValidation() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      var oneUnknown = Objects.deployment("strict")
      oneUnknown.setValue("bar", at: ["spec", "foo"])
      let strict = try await c.post("\(deployments)?fieldValidation=Strict", oneUnknown)
      #expect(strict.status == 400)
      #expect(strict.reason == "BadRequest")
      #expect(strict.message == #"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo""#)
      #expect(try await c.get("\(deployments)/strict").status == 404)

      var two = Objects.deployment("strict2")
      two.setValue("bar", at: ["spec", "foo"])
      two.setValue("x", at: ["metadata", "nickname"])
      let both = try await c.post("\(deployments)?fieldValidation=Strict", two)
      #expect(both.message == #"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.nickname", unknown field "spec.foo""#)

      // Warn (the server's default): stored without the field, one Warning header per field,
      // the text quoted as an HTTP quoted-string (apimachinery `NewWarningHeader`).
      let warned = try await c.post(deployments, oneUnknown.replacingName("warned"))
      #expect(warned.status == 201)
      #expect(warned.headers["Warning"] == [#"299 - "unknown field \"spec.foo\"""#])
      #expect(warned.json.at("spec.foo") == nil)

      let ignored = try await c.post("\(deployments)?fieldValidation=Ignore", oneUnknown.replacingName("ignored"))
      #expect(ignored.status == 201)
      #expect(ignored.headers["Warning"].isEmpty)
    }
  }

  @Test func createInAMissingNamespace() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.post("/api/v1/namespaces/nope/configmaps", Objects.configMap("c"))
      #expect(response.status == 404)
      #expect(response.text == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"namespaces"},"code":404}"#)

      let mismatch = try await cluster.client.post(configMaps, Objects.configMap("c", namespace: "kube-system"))
      #expect(mismatch.status == 400)
      #expect(mismatch.message == "the namespace of the provided object does not match the namespace sent on the request")
    }
  }

  @Test func bodiesOverTheLimitAre413() async throws {
    try await TestCluster.with { cluster in
      let big = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\""
        + String(repeating: "x", count: 3 * 1024 * 1024) + "\"}}"
      let response = try await cluster.client.post(configMaps, raw: big)
      #expect(response.status == 413)
      #expect(response.reason == "RequestEntityTooLarge")
      #expect(response.message == "Request entity too large: limit is 3145728")
      #expect(try await cluster.client.get("\(configMaps)/big").status == 404)
      // The server is still there for the next client.
      #expect(try await cluster.client.get(configMaps).status == 200)
    }
  }

  @Test func nameMismatchAndGenerateName() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let cm = try await c.post(configMaps, Objects.configMap("a")).json
      let renamed = try await c.put("\(configMaps)/b", cm)
      #expect(renamed.status == 400)
      #expect(renamed.message == "the name of the object (a) does not match the name on the URL (b)")
      var moved = cm
      moved.setValue("kube-system", at: ["metadata", "namespace"])
      let elsewhere = try await c.put("\(configMaps)/a", moved)
      #expect(elsewhere.status == 400)
      #expect(elsewhere.message == "the namespace of the object (kube-system) does not match the namespace on the request (default)")

      var generated = Objects.configMap("")
      generated.setValue(nil, at: ["metadata", "name"])
      generated.setValue("job-", at: ["metadata", "generateName"])
      let response = try await c.post(configMaps, generated)
      #expect(response.status == 201)
      let name = try #require(response.json.name)
      #expect(name.count == 9)
      #expect(name.hasPrefix("job-"))
      #expect(name.dropFirst(4).allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
    }
  }

  @Test func deleteCollectionBySelector() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      for (name, app) in [("a", "web"), ("b", "web"), ("c", "db")] {
        #expect(try await c.post(configMaps, Objects.configMap(name, labels: ["app": app])).status == 201)
      }
      let response = try await c.delete("\(configMaps)?labelSelector=app%3Dweb")
      #expect(response.status == 200)
      #expect(response.json["kind"] == "ConfigMapList")
      #expect(response.json.itemNames == ["a", "b"])
      #expect(try await c.get(configMaps).json.itemNames == ["c"])
    }
  }

  @Test func methodNotAllowed() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.request(.POST, "\(configMaps)/x", body: Objects.configMap("x").jsonBytes())
      #expect(response.status == 405)
      #expect(response.reason == "MethodNotAllowed")
    }
  }
}

extension JSONValue {
  func replacingName(_ name: String) -> JSONValue {
    var copy = self
    copy.setValue(.string(name), at: ["metadata", "name"])
    return copy
  }
}
