import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// The OpenAPI v3 documents kubectl reads: which group/versions exist, whether PATCH takes
/// `fieldValidation` (kubectl then validates on the server), which patch types a kind takes
/// (strategic merge for built-ins only), and the schemas `kubectl explain` prints.
@Suite("openapi v3")
struct OpenAPITests {
  func document(_ cluster: TestCluster, _ path: String) async throws -> JSONValue {
    let index = try await cluster.client.get("/openapi/v3")
    let url = try #require(index.json.at("paths")?[path]?["serverRelativeURL"]?.stringValue, "no \(path) in the index")
    #expect(url.hasPrefix("/openapi/v3/\(path)?hash="))
    let response = try await cluster.client.get(url)
    #expect(response.status == 200)
    #expect(response.header("Cache-Control") == "public, immutable")
    return response.json
  }

  /// The PATCH operation of the item path of `plural` in a document.
  func patchOperation(_ doc: JSONValue, _ itemPath: String) -> JSONValue? {
    doc["paths"]?[itemPath]?["patch"]
  }

  @Test func indexListsEveryServedGroupVersion() async throws {
    try await TestCluster.with { cluster in
      let index = try await cluster.client.get("/openapi/v3")
      #expect(index.status == 200)
      let paths = index.json["paths"]?.objectValue?.keys.sorted() ?? []
      #expect(paths == [
        "api/v1", "apis/apps/v1", "apis/discovery.k8s.io/v1", "apis/networking.istio.io/v1", "apis/networking.istio.io/v1alpha3",
        "apis/networking.istio.io/v1beta1",
      ])
      let missing = try await cluster.client.get("/openapi/v3/apis/batch/v1")
      #expect(missing.status == 404)
    }
  }

  @Test func builtinKindsTakeFieldValidationAndStrategicMerge() async throws {
    try await TestCluster.with { cluster in
      let doc = try await document(cluster, "apis/apps/v1")
      #expect(doc["openapi"] == "3.0.0")
      let patch = try #require(patchOperation(doc, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"))
      #expect(patch["x-kubernetes-group-version-kind"] == ["group": "apps", "kind": "Deployment", "version": "v1"])
      let parameters = patch["parameters"]?.arrayValue ?? []
      #expect(parameters.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" })
      let types = patch.at("requestBody.content")?.objectValue?.keys.sorted() ?? []
      #expect(types.contains("application/strategic-merge-patch+json"))
      #expect(types.contains("application/merge-patch+json"))

      let deployment = try #require(doc.at("components.schemas")?["io.k8s.api.apps.v1.Deployment"])
      #expect(deployment["x-kubernetes-group-version-kind"] == [["group": "apps", "kind": "Deployment", "version": "v1"]])
      // A described reference, as the apiserver writes it: the $ref in an allOf of one.
      #expect(deployment["properties"]?["spec"]?["allOf"]?.arrayValue?.first?["$ref"] == "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec")
      #expect(deployment["properties"]?["spec"]?["description"]?.stringValue?.isEmpty == false)
      // The pod template's schemas come along, with the merge keys apply needs.
      let container = try #require(doc.at("components.schemas")?["io.k8s.api.core.v1.Container"])
      #expect(container.at("properties.ports.x-kubernetes-patch-merge-key") == "containerPort")
      #expect(container.at("properties.ports.x-kubernetes-patch-strategy") == "merge")
      #expect(container["required"]?.arrayValue?.contains("name") == true)
      let podSpec = try #require(doc.at("components.schemas")?["io.k8s.api.core.v1.PodSpec"])
      #expect(podSpec.at("properties.containers.x-kubernetes-patch-merge-key") == "name")
      #expect(podSpec.at("properties.volumes.x-kubernetes-patch-strategy") == "merge,retainKeys")
      let meta = try #require(doc.at("components.schemas")?["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"])
      #expect(meta.at("properties.labels.additionalProperties.type") == "string")
      #expect(meta.at("properties.creationTimestamp.format") == "date-time")
    }
  }

  @Test func coreDocumentHasNamespacedAndClusterPaths() async throws {
    try await TestCluster.with { cluster in
      let doc = try await document(cluster, "api/v1")
      let paths = doc["paths"]?.objectValue?.keys ?? []
      #expect(paths.contains("/api/v1/namespaces/{namespace}/pods/{name}/status"))
      #expect(paths.contains("/api/v1/pods"))
      #expect(paths.contains("/api/v1/namespaces/{name}"))
      #expect(!paths.contains("/api/v1/namespaces/{namespace}/namespaces"))
      let port = try #require(doc.at("components.schemas")?["io.k8s.api.core.v1.ServicePort"])
      #expect(port.at("properties.targetPort.x-kubernetes-int-or-string") == true)
    }
  }

  /// Istio kinds are custom resources on a real cluster: no strategic merge (kubectl then
  /// sends a JSON merge patch), and every served version has the kind under its own GVK.
  @Test func istioKindsInEveryVersionWithoutStrategicMerge() async throws {
    try await TestCluster.with { cluster in
      for version in ["v1", "v1beta1", "v1alpha3"] {
        let doc = try await document(cluster, "apis/networking.istio.io/\(version)")
        let item = "/apis/networking.istio.io/\(version)/namespaces/{namespace}/virtualservices/{name}"
        let patch = try #require(patchOperation(doc, item), "\(version)")
        let types = patch.at("requestBody.content")?.objectValue?.keys.sorted() ?? []
        #expect(!types.contains("application/strategic-merge-patch+json"))
        #expect(patch["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
        let schemas = doc.at("components.schemas")?.objectValue ?? [:]
        let kinds = schemas.compactMap { $0.value["x-kubernetes-group-version-kind"]?.arrayValue?.first }
        #expect(kinds.contains(["group": "networking.istio.io", "kind": "VirtualService", "version": .string(version)]))
        #expect(kinds.contains(["group": "networking.istio.io", "kind": "DestinationRule", "version": .string(version)]))
      }
    }
  }

  /// kubectl's typed clients send protobuf; other formats get the apiserver's 415.
  @Test func bodiesInOtherFormatsAreRefusedAndYAMLIsTaken() async throws {
    try await TestCluster.with { cluster in
      let refused = try await cluster.client.post(
        "/api/v1/namespaces", raw: "<namespace/>", headers: [("Content-Type", "application/xml")])
      #expect(refused.status == 415)
      #expect(refused.json["reason"] == "UnsupportedMediaType")
      #expect(refused.json["message"] == "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
      let garbled = try await cluster.client.post(
        "/api/v1/namespaces", raw: "k8s\0\u{0a}\u{0f}", headers: [("Content-Type", "application/vnd.kubernetes.protobuf")])
      #expect(garbled.status == 400)
      #expect(garbled.json["message"]?.stringValue?.hasPrefix("the body of the request could not be decoded as application/vnd.kubernetes.protobuf: ") == true)
      let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n"
      let created = try await cluster.client.post(
        "/api/v1/namespaces/default/configmaps", raw: yaml, headers: [("Content-Type", "application/yaml")])
      #expect(created.status == 201)
      #expect(created.json.at("data.k") == "v")
    }
  }
}
