import Foundation
import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// LIST in pages (`limit`, `continue`), as `kubectl get --chunk-size` and client-go's pager
/// read large collections.
@Suite("list pagination")
struct PaginationTests {
  let configMaps = "/api/v1/namespaces/default/configmaps"

  func seed(_ cluster: TestCluster) async throws {
    for name in ["e", "a", "d", "b", "c"] {
      #expect(try await cluster.client.post(configMaps, Objects.configMap(name, labels: ["app": name < "c" ? "web" : "db"])).status == 201)
    }
    // "a-b" sorts before "a/" in etcd's key order (byte order of "namespace/name").
    for namespace in ["kube-system", "a-b"] {
      if namespace == "a-b" {
        #expect(try await cluster.client.post("/api/v1/namespaces", Objects.json(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a-b"}}"#)).status == 201)
      }
      #expect(try await cluster.client.post("/api/v1/namespaces/\(namespace)/configmaps", Objects.configMap("x")).status == 201)
    }
  }

  /// Every page of a list, following `continue`.
  func pages(_ cluster: TestCluster, _ path: String, limit: Int) async throws -> [JSONValue] {
    var pages: [JSONValue] = []
    var next: String?
    repeat {
      var target = "\(path)\(path.contains("?") ? "&" : "?")limit=\(limit)"
      if let next { target += "&continue=\(next)" }
      let response = try await cluster.client.get(target)
      #expect(response.status == 200, "\(response.json)")
      pages.append(response.json)
      next = response.json.at("metadata.continue")?.stringValue
    } while next != nil && pages.count < 20
    return pages
  }

  @Test func pagesInKeyOrderWithRemainingCountsAndOneResourceVersion() async throws {
    try await TestCluster.with { cluster in
      try await seed(cluster)
      let pages = try await pages(cluster, configMaps, limit: 2)
      #expect(pages.map(\.itemNames) == [["a", "b"], ["c", "d"], ["e"]])
      #expect(pages.map { $0.at("metadata.remainingItemCount")?.intValue } == [3, 1, nil])
      let versions = Set(pages.compactMap { $0.at("metadata.resourceVersion")?.stringValue })
      #expect(versions.count == 1)
      // The token is the apiserver's: base64url JSON naming the version, revision and start key.
      let token = try #require(pages[0].at("metadata.continue")?.stringValue)
      var padded = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
      while padded.count % 4 != 0 { padded += "=" }
      let decoded = try JSONValue(parsing: Array(try #require(Data(base64Encoded: padded))))
      #expect(decoded["v"] == "meta.k8s.io/v1")
      #expect(decoded["start"] == "b\u{0}")
      #expect(decoded["rv"]?.intValue.map(String.init) == versions.first)

      // Across namespaces the key is namespace/name; a filtered list has no remaining count.
      let everywhere = try await self.pages(cluster, "/api/v1/configmaps", limit: 3)
      #expect(everywhere.flatMap(\.itemNames) == ["x", "a", "b", "c", "d", "e", "x"])
      #expect(everywhere.first?["items"]?.arrayValue?.first?.at("metadata.namespace") == "a-b")
      let filtered = try await self.pages(cluster, "\(configMaps)?labelSelector=app%3Dweb", limit: 1)
      #expect(filtered.map(\.itemNames) == [["a"], ["b"]])
      #expect(filtered.allSatisfy { $0.at("metadata.remainingItemCount") == nil })
      // No limit, or limit 0: everything, no token.
      let whole = try await cluster.client.get("\(configMaps)?limit=0")
      #expect(whole.json.itemNames == ["a", "b", "c", "d", "e"])
      #expect(whole.json.at("metadata.continue") == nil)
    }
  }

  /// kubectl get asks for Tables in pages of 500.
  @Test func tablesArePagedToo() async throws {
    try await TestCluster.with { cluster in
      try await seed(cluster)
      let table = try await cluster.client.get(
        "\(configMaps)?limit=4", headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
      #expect(table.json["kind"] == "Table")
      #expect(table.json["rows"]?.arrayValue?.count == 4)
      let token = try #require(table.json.at("metadata.continue")?.stringValue)
      #expect(table.json.at("metadata.remainingItemCount")?.intValue == 1)
      let rest = try await cluster.client.get(
        "\(configMaps)?limit=4&continue=\(token)", headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
      #expect(rest.json["rows"]?.arrayValue?.count == 1)
      #expect(rest.json.at("metadata.continue") == nil)
    }
  }

  @Test func badParametersAreRefusedAsTheApiserverDoes() async throws {
    try await TestCluster.with { cluster in
      try await seed(cluster)
      let first = try await cluster.client.get("\(configMaps)?limit=2")
      let token = try #require(first.json.at("metadata.continue")?.stringValue)
      let cases: [(String, String)] = [
        ("continue=!!!", "invalid continue token: continue key is not valid: illegal base64 data at input byte 0"),
        ("continue=e30", "invalid continue token: continue key is not valid: server does not recognize this encoded version"),
        ("continue=\(token)&resourceVersion=5", "specifying resource version is not allowed when using continue"),
        ("limit=ten", #"strconv.ParseInt: parsing "ten": invalid syntax"#),
      ]
      for (query, message) in cases {
        let response = try await cluster.client.get("\(configMaps)?\(query)")
        #expect(response.status == 400, "\(query)")
        #expect(response.reason == "BadRequest", "\(query)")
        #expect(response.json["message"]?.stringValue == message, "\(query)")
      }
      // A token whose start key climbs out of the list is refused, not served.
      let escaping = Base64.encode(Array(#"{"v":"meta.k8s.io/v1","rv":1,"start":"../kube-system/x"}"#.utf8), .rawURL)
      #expect(try await cluster.client.get("\(configMaps)?continue=\(escaping)").status == 400)
    }
  }
}
