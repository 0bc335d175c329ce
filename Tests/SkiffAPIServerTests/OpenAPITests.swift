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

  // MARK: - v2

  @Test func v2IsOneSwaggerDocumentWithEveryKindAndDescribedReferences() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.get("/openapi/v2")
      #expect(response.status == 200)
      #expect(response.header("Content-Type") == "application/json")
      let doc = response.json
      #expect(doc["swagger"] == "2.0")
      let definitions = doc["definitions"]?.objectValue ?? [:]
      let kinds = definitions.compactMap { $0.value["x-kubernetes-group-version-kind"]?.arrayValue?.first?["kind"]?.stringValue }
      for kind in ["Pod", "Deployment", "Service", "VirtualService", "DestinationRule", "ConfigMap"] {
        #expect(kinds.contains(kind), "\(kind) missing from /openapi/v2")
      }
      // Swagger 2.0 keeps the description beside the $ref, and refs point into definitions.
      let spec = try #require(definitions["io.k8s.api.apps.v1.Deployment"]?["properties"]?["spec"])
      #expect(spec["$ref"] == "#/definitions/io.k8s.api.apps.v1.DeploymentSpec")
      #expect(spec["allOf"] == nil)
      #expect(spec["description"]?.stringValue?.isEmpty == false)
      #expect(!String(decoding: response.body, as: UTF8.self).contains("#/components/"))
      // Request bodies are the `body` parameter; the query parameters carry their type.
      let patch = try #require(doc["paths"]?["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?["patch"])
      let parameters = patch["parameters"]?.arrayValue ?? []
      #expect(parameters.first?["in"] == "body")
      #expect(parameters.first?["schema"]?["$ref"] == "#/definitions/io.k8s.api.apps.v1.Deployment")
      #expect(parameters.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" && $0["type"] == "string" })
      #expect(patch["consumes"]?.arrayValue?.contains("application/strategic-merge-patch+json") == true)
      // Istio kinds appear once per served version.
      #expect(definitions["io.istio.networking.v1beta1.VirtualService"] != nil)
      #expect(definitions["io.istio.networking.v1alpha3.DestinationRule"] != nil)
    }
  }

  /// kubectl's discovery client asks for gnostic's protobuf `openapi_v2.Document`.
  @Test func v2InProtobufForKubectl() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.get(
        "/openapi/v2?timeout=32s", headers: [("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json")])
      #expect(response.status == 200)
      #expect(response.header("Content-Type") == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
      let document = try WireMessage(response.body[...])
      #expect(document.strings(1) == ["2.0"])  // swagger
      // definitions (9) → NamedSchema (1) { name (1), Schema (2) }
      let definitions = try #require(document.messages(9).first).messages(1)
      let named = try definitions.map { (try #require($0.strings(1).first), try #require($0.messages(2).first)) }
      let pod = try #require(named.first { $0.0 == "io.k8s.api.core.v1.Pod" }?.1)
      #expect(pod.strings(4).first?.isEmpty == false)  // description
      // vendor_extension (31) → NamedAny { name, Any { yaml (2) } }
      let extensions = try pod.messages(31).map { (try #require($0.strings(1).first), try #require($0.messages(2).first).strings(2).first) }
      let gvk = try #require(extensions.first { $0.0 == "x-kubernetes-group-version-kind" }?.1)
      #expect(try JSONValue(parsing: try #require(gvk)) == [["group": "", "kind": "Pod", "version": "v1"]])
      // properties (25) → NamedSchema; spec's $ref (1) points into definitions.
      let properties = try #require(pod.messages(25).first).messages(1)
      let spec = try #require(properties.first { $0.strings(1) == ["spec"] }).messages(2).first
      #expect(spec?.strings(1) == ["#/definitions/io.k8s.api.core.v1.PodSpec"])

      let etag = try #require(response.header("ETag"))
      let again = try await cluster.client.get("/openapi/v2", headers: [("If-None-Match", etag)])
      #expect(again.status == 304)
    }
  }
}

/// A protobuf message read just far enough to check fields by number.
struct WireMessage {
  var fields: [(Int, [UInt8])] = []

  init(_ bytes: ArraySlice<UInt8>) throws {
    var i = bytes.startIndex
    func varint() throws -> UInt64 {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard i < bytes.endIndex, shift < 64 else { throw WireError() }
        let b = bytes[i]
        i += 1
        value |= UInt64(b & 0x7f) << shift
        if b < 0x80 { return value }
        shift += 7
      }
    }
    while i < bytes.endIndex {
      let key = try varint()
      switch key & 7 {
      case 0: _ = try varint()
      case 2:
        let length = Int(try varint())
        guard length <= bytes.endIndex - i else { throw WireError() }
        fields.append((Int(key >> 3), Array(bytes[i..<i + length])))
        i += length
      default: throw WireError()
      }
    }
  }

  struct WireError: Error {}

  func strings(_ field: Int) -> [String] { fields.filter { $0.0 == field }.map { String(decoding: $0.1, as: UTF8.self) } }
  func messages(_ field: Int) throws -> [WireMessage] { try fields.filter { $0.0 == field }.map { try WireMessage($0.1[...]) } }
}
