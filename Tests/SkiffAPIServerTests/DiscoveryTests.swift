import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// Discovery and `/version`: what kubectl reads before anything else.
@Suite("discovery")
struct DiscoveryTests {
  /// `name -> entry` of an APIResourceList.
  func resources(_ list: JSONValue) -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    for entry in list["resources"]?.arrayValue ?? [] {
      if let name = entry["name"]?.stringValue { out[name] = entry }
    }
    return out
  }

  static let allVerbs: JSONValue = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

  @Test func coreAndGroupLists() async throws {
    try await TestCluster.with { cluster in
      let api = try await cluster.client.get("/api")
      #expect(api.status == 200)
      #expect(api.header("Content-Type") == "application/json")
      #expect(api.json["kind"] == "APIVersions")
      #expect(api.json["versions"] == ["v1"])

      let apis = try await cluster.client.get("/apis")
      #expect(apis.json["kind"] == "APIGroupList")
      let groups = apis.json["groups"]?.arrayValue ?? []
      #expect(groups.compactMap { $0["name"]?.stringValue } == [
        "apps", "discovery.k8s.io", "networking.istio.io", "authorization.k8s.io", "authentication.k8s.io",
      ])
      let istio = groups.first { $0["name"] == "networking.istio.io" }
      #expect(istio?["versions"]?.arrayValue?.compactMap { $0["groupVersion"]?.stringValue } == [
        "networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3",
      ])
      #expect(istio?.at("preferredVersion.version") == "v1")
      let apps = groups.first { $0["name"] == "apps" }
      #expect(apps?["versions"] == [["groupVersion": "apps/v1", "version": "v1"]])

      let group = try await cluster.client.get("/apis/apps")
      #expect(group.json["kind"] == "APIGroup")
      #expect(group.json.at("preferredVersion.groupVersion") == "apps/v1")
    }
  }

  @Test func coreV1Resources() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.get("/api/v1")
      #expect(response.status == 200)
      #expect(response.json["kind"] == "APIResourceList")
      #expect(response.json["groupVersion"] == "v1")
      let r = resources(response.json)
      let expected: [(String, String, Bool, [String])] = [
        ("pods", "Pod", true, ["po"]), ("services", "Service", true, ["svc"]),
        ("namespaces", "Namespace", false, ["ns"]), ("nodes", "Node", false, ["no"]),
        ("configmaps", "ConfigMap", true, ["cm"]), ("endpoints", "Endpoints", true, ["ep"]),
        ("events", "Event", true, ["ev"]), ("serviceaccounts", "ServiceAccount", true, ["sa"]),
      ]
      for (name, kind, namespaced, shortNames) in expected {
        let entry = try #require(r[name], "missing \(name)")
        #expect(entry["kind"] == .string(kind))
        #expect(entry["namespaced"] == .bool(namespaced))
        #expect(entry["shortNames"] == .array(shortNames.map { .string($0) }))
        #expect(entry["verbs"] == Self.allVerbs)
      }
      #expect(r["pods"]?["singularName"] == "pod")
      #expect(r["pods"]?["categories"] == ["all"])
      #expect(r["pods/status"]?["verbs"] == ["get", "patch", "update"])
      #expect(r["pods/log"]?["verbs"] == ["get"])
      #expect(r["pods/exec"]?["verbs"] == ["create", "get"])
      #expect(r["services/status"] != nil)
      #expect(r["configmaps/status"] == nil)
      #expect(r["deployments"] == nil)
    }
  }

  @Test func appsV1Resources() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.get("/apis/apps/v1")
      #expect(response.json["groupVersion"] == "apps/v1")
      let r = resources(response.json)
      #expect(r["deployments"]?["kind"] == "Deployment")
      #expect(r["deployments"]?["shortNames"] == ["deploy"])
      #expect(r["deployments"]?["namespaced"] == true)
      #expect(r["deployments"]?["verbs"] == Self.allVerbs)
      #expect(r["replicasets"]?["shortNames"] == ["rs"])
      #expect(r["deployments/status"]?["verbs"] == ["get", "patch", "update"])
      #expect(r["pods"] == nil)
    }
  }

  @Test func istioResourcesInEveryServedVersion() async throws {
    try await TestCluster.with { cluster in
      for version in ["v1", "v1beta1", "v1alpha3"] {
        let response = try await cluster.client.get("/apis/networking.istio.io/\(version)")
        #expect(response.status == 200)
        #expect(response.json["groupVersion"] == .string("networking.istio.io/\(version)"))
        let r = resources(response.json)
        #expect(r["virtualservices"]?["kind"] == "VirtualService")
        #expect(r["virtualservices"]?["shortNames"] == ["vs"])
        #expect(r["virtualservices"]?["namespaced"] == true)
        #expect(r["virtualservices"]?["categories"] == ["istio-io", "networking-istio-io"])
        #expect(r["destinationrules"]?["shortNames"] == ["dr"])
        #expect(r["destinationrules"]?["verbs"] == Self.allVerbs)
      }
      let missing = try await cluster.client.get("/apis/networking.istio.io/v2")
      #expect(missing.status == 404)
      #expect(missing.reason == "NotFound")
    }
  }

  @Test func version() async throws {
    try await TestCluster.with { cluster in
      let response = try await cluster.client.get("/version")
      #expect(response.status == 200)
      #expect(response.json["major"] == "1")
      #expect(response.json["minor"] == "32")
      let git = try #require(response.json["gitVersion"]?.stringValue)
      #expect(git.hasPrefix("v1.32.0"))
      #expect(response.json["platform"] == "linux/amd64")
    }
  }

  @Test func unknownPathsAreNotFoundStatuses() async throws {
    try await TestCluster.with { cluster in
      for path in ["/api/v1/widgets", "/apis/apps/v1/pods", "/nope", "/api/v1/namespaces/default/namespaces"] {
        let response = try await cluster.client.get(path)
        #expect(response.status == 404, "\(path)")
        #expect(response.json["kind"] == "Status")
        #expect(response.message == "the server could not find the requested resource", "\(path)")
      }
    }
  }

  static let aggregatedAccept = [(
    "Accept",
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
  )]

  /// kubectl 1.32 asks `/api` and `/apis` for aggregated discovery and reads everything from
  /// those two answers.
  @Test func aggregatedDiscovery() async throws {
    try await TestCluster.with { cluster in
      let apis = try await cluster.client.get("/apis", headers: Self.aggregatedAccept)
      #expect(apis.status == 200)
      #expect(apis.header("Content-Type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
      #expect(apis.json["kind"] == "APIGroupDiscoveryList")
      #expect(apis.json["apiVersion"] == "apidiscovery.k8s.io/v2")
      let groups = apis.json["items"]?.arrayValue ?? []
      #expect(groups.compactMap { $0.at("metadata.name")?.stringValue } == [
        "apps", "discovery.k8s.io", "networking.istio.io", "authorization.k8s.io", "authentication.k8s.io",
      ])
      let apps = try #require(groups.first)
      let deployments = try #require(apps["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first { $0["resource"] == "deployments" })
      #expect(deployments["scope"] == "Namespaced")
      #expect(deployments["responseKind"] == ["group": "apps", "version": "v1", "kind": "Deployment"])
      #expect(deployments["shortNames"] == ["deploy"])
      let subresources = deployments["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue }
      #expect(subresources == ["status", "scale"])
      let istioVersions = groups.first { $0.at("metadata.name") == "networking.istio.io" }?["versions"]?.arrayValue?.compactMap { $0["version"]?.stringValue }
      #expect(istioVersions == ["v1", "v1beta1", "v1alpha3"])

      let core = try await cluster.client.get("/api", headers: Self.aggregatedAccept)
      let coreGroups = core.json["items"]?.arrayValue ?? []
      #expect(coreGroups.count == 1)
      #expect(coreGroups.first?.at("metadata.name") == "")
      let coreResources = coreGroups.first?["versions"]?.arrayValue?.first?["resources"]?.arrayValue ?? []
      let pods = try #require(coreResources.first { $0["resource"] == "pods" })
      #expect(pods["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue } == ["status", "attach", "ephemeralcontainers", "exec", "log", "portforward"])
      #expect(coreResources.first { $0["resource"] == "namespaces" }?["scope"] == "Cluster")

      // Without the media type, the legacy documents.
      #expect(try await cluster.client.get("/api").json["kind"] == "APIVersions")
      let beta = try await cluster.client.get("/apis", headers: [("Accept", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")])
      #expect(beta.json["apiVersion"] == "apidiscovery.k8s.io/v2beta1")
    }
  }
}
