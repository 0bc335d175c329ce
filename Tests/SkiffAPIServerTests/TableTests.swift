import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// Server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` answers a
/// `meta.k8s.io/v1 Table` whose columns are the kind's printer columns.
@Suite("Table responses")
struct TableTests {
  /// What kubectl 1.2x sends for `kubectl get`.
  static let kubectlAccept = [(
    "Accept",
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
  )]

  func columns(_ table: JSONValue) -> [String] {
    (table["columnDefinitions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
  }

  func rows(_ table: JSONValue) -> [[JSONValue]] {
    (table["rows"]?.arrayValue ?? []).map { $0["cells"]?.arrayValue ?? [] }
  }

  @Test func columnsPerKind() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post("/api/v1/namespaces/default/pods", Objects.pod("p")).status == 201)
      #expect(try await c.post("/apis/apps/v1/namespaces/default/deployments", Objects.deployment("web")).status == 201)
      #expect(try await c.post("/api/v1/namespaces/default/configmaps", Objects.configMap("cm", data: ["a": "1", "b": "2"])).status == 201)
      let vsPath = "/apis/networking.istio.io/v1alpha3/namespaces/default/virtualservices"
      #expect(try await c.post(vsPath, Objects.virtualService("vs", host: "reviews")).status == 201)
      let drPath = "/apis/networking.istio.io/v1/namespaces/default/destinationrules"
      #expect(try await c.post(drPath, Objects.destinationRule("dr", host: "reviews")).status == 201)

      let expected: [(String, [String])] = [
        ("/api/v1/namespaces/default/pods",
         ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]),
        ("/apis/apps/v1/namespaces/default/deployments",
         ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]),
        ("/apis/apps/v1/namespaces/default/replicasets",
         ["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"]),
        ("/api/v1/namespaces/default/services",
         ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]),
        ("/api/v1/namespaces/default/configmaps", ["Name", "Data", "Age"]),
        ("/api/v1/namespaces", ["Name", "Status", "Age"]),
        ("/api/v1/namespaces/default/endpoints", ["Name", "Endpoints", "Age"]),
        ("/api/v1/namespaces/default/serviceaccounts", ["Name", "Secrets", "Age"]),
        (vsPath, ["Name", "Gateways", "Hosts", "Age"]),
        (drPath, ["Name", "Host", "Age"]),
      ]
      for (path, names) in expected {
        let response = try await c.get(path, headers: Self.kubectlAccept)
        #expect(response.status == 200, "\(path)")
        #expect(response.json["kind"] == "Table", "\(path)")
        #expect(response.json["apiVersion"] == "meta.k8s.io/v1", "\(path)")
        #expect(columns(response.json) == names, "\(path)")
        #expect(response.json.at("metadata.resourceVersion")?.stringValue == String(cluster.store.revision))
      }

      let pods = try await c.get("/api/v1/namespaces/default/pods", headers: Self.kubectlAccept).json
      let podRow = try #require(rows(pods).first)
      #expect(Array(podRow.prefix(4)) == ["p", "0/1", "Pending", 0] || Array(podRow.prefix(4)) == ["p", "0/1", "Pending", "0"])
      let priorities = (pods["columnDefinitions"]?.arrayValue ?? []).compactMap { $0["priority"]?.intValue }
      #expect(priorities == [0, 0, 0, 0, 0, 1, 1, 1, 1])
      // Each row carries the object's metadata, which kubectl reads namespace and labels from.
      let object = pods.at("rows")?.arrayValue?.first?["object"]
      #expect(object?["kind"] == "PartialObjectMetadata")
      #expect(object?["apiVersion"] == "meta.k8s.io/v1")
      #expect(object?.at("metadata.name") == "p")
      #expect(object?["spec"] == nil)

      let configMaps = try await c.get("/api/v1/namespaces/default/configmaps", headers: Self.kubectlAccept).json
      #expect(rows(configMaps).first?.prefix(2).map { $0 } == ["cm", 2])

      let vs = try await c.get(vsPath, headers: Self.kubectlAccept).json
      #expect(rows(vs).first?.prefix(3).map { $0 } == ["vs", .null, #"["reviews"]"#])
      let dr = try await c.get(drPath, headers: Self.kubectlAccept).json
      #expect(rows(dr).first?.prefix(2).map { $0 } == ["dr", "reviews"])

      let namespaces = try await c.get("/api/v1/namespaces", headers: Self.kubectlAccept).json
      #expect(rows(namespaces).map { $0.prefix(2).map { $0 } } == [
        ["default", "Active"], ["kube-node-lease", "Active"], ["kube-public", "Active"], ["kube-system", "Active"],
      ])

      // A single object is a one-row Table too; includeObject=Object embeds it whole.
      let one = try await c.get("/apis/apps/v1/namespaces/default/deployments/web?includeObject=Object", headers: Self.kubectlAccept).json
      #expect(one["kind"] == "Table")
      #expect(rows(one).first?.prefix(4).map { $0 } == ["web", "0/3", 0, 0])
      #expect(one.at("rows")?.arrayValue?.first?["object"]?["kind"] == "Deployment")

      // Plain JSON when Table is not asked for.
      #expect(try await c.get("/api/v1/namespaces/default/pods").json["kind"] == "PodList")
    }
  }

  @Test func watchAsTable() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post("/api/v1/namespaces/default/configmaps", Objects.configMap("first")).status == 201)
      let watch = try await c.watch("/api/v1/namespaces/default/configmaps?watch=true", headers: Self.kubectlAccept)
      defer { watch.close() }
      let first = try await watch.next()
      #expect(first["type"] == "ADDED")
      #expect(first.at("object.kind") == "Table")
      #expect(columns(first["object"] ?? .null) == ["Name", "Data", "Age"])
      #expect(rows(first["object"] ?? .null).first?.first == "first")
      #expect(try await c.post("/api/v1/namespaces/default/configmaps", Objects.configMap("second")).status == 201)
      let second = try await watch.next()
      #expect(second["type"] == "ADDED")
      #expect(rows(second["object"] ?? .null).first?.first == "second")
    }
  }

  /// `kubectl get -w` lists, then watches from the list's resourceVersion: the columns come
  /// first as a BOOKMARK whose Table has no rows (kubectl prints every event it gets).
  @Test func watchFromAVersionSendsColumnsWithoutARow() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let list = try await c.get("/api/v1/namespaces/default/configmaps")
      let version = try #require(list.json.at("metadata.resourceVersion")?.stringValue)
      let watch = try await c.watch(
        "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(version)", headers: Self.kubectlAccept)
      defer { watch.close() }
      let bookmark = try await watch.next()
      #expect(bookmark["type"] == "BOOKMARK")
      #expect(columns(bookmark["object"] ?? .null) == ["Name", "Data", "Age"])
      #expect(rows(bookmark["object"] ?? .null).isEmpty)
      #expect(try await c.post("/api/v1/namespaces/default/configmaps", Objects.configMap("later")).status == 201)
      let added = try await watch.next()
      #expect(added["type"] == "ADDED")
      #expect(rows(added["object"] ?? .null).map { $0.first } == ["later"])
    }
  }
}
