import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// LIST with selectors and WATCH streams, as informers and `kubectl get -w` use them.
@Suite("list and watch")
struct ListWatchTests {
  let configMaps = "/api/v1/namespaces/default/configmaps"

  func seed(_ cluster: TestCluster) async throws {
    let c = cluster.client
    for (name, labels) in [
      ("a", ["app": "web", "tier": "front"]), ("b", ["app": "web", "tier": "back"]), ("c", ["app": "db"]),
      ("d", [:]),
    ] {
      #expect(try await c.post(configMaps, Objects.configMap(name, labels: labels)).status == 201)
    }
    #expect(try await c.post("/api/v1/namespaces/kube-system/configmaps", Objects.configMap("e", labels: ["app": "web"])).status == 201)
  }

  @Test func listWithLabelSelectors() async throws {
    try await TestCluster.with { cluster in
      try await seed(cluster)
      let c = cluster.client
      let all = try await c.get(configMaps)
      #expect(all.status == 200)
      #expect(all.json["kind"] == "ConfigMapList")
      #expect(all.json["apiVersion"] == "v1")
      #expect(all.json.itemNames == ["a", "b", "c", "d"])
      #expect(all.json.at("metadata.resourceVersion")?.stringValue == String(cluster.store.revision))

      let cases: [(String, [String])] = [
        ("app=web", ["a", "b"]), ("app==web", ["a", "b"]), ("app!=web", ["c", "d"]),
        ("app in (web,db)", ["a", "b", "c"]), ("app notin (web)", ["c", "d"]), ("tier", ["a", "b"]),
        ("!tier", ["c", "d"]), ("app=web,tier=back", ["b"]), ("app=none", []),
      ]
      for (selector, expected) in cases {
        let response = try await c.get("\(configMaps)?labelSelector=\(percentEncoded(selector))")
        #expect(response.status == 200, "\(selector)")
        #expect(response.json.itemNames == expected, "\(selector)")
      }
      let everywhere = try await c.get("/api/v1/configmaps?labelSelector=app%3Dweb")
      #expect(everywhere.json.itemNames == ["a", "b", "e"])

      let bad = try await c.get("\(configMaps)?labelSelector=\(percentEncoded("app in (web"))")
      #expect(bad.status == 400)
      #expect(bad.reason == "BadRequest")
    }
  }

  @Test func listWithFieldSelectors() async throws {
    try await TestCluster.with { cluster in
      try await seed(cluster)
      let c = cluster.client
      #expect(try await c.get("\(configMaps)?fieldSelector=metadata.name%3Db").json.itemNames == ["b"])
      #expect(try await c.get("\(configMaps)?fieldSelector=metadata.name!%3Db").json.itemNames == ["a", "c", "d"])
      let namespaced = try await c.get("/api/v1/configmaps?fieldSelector=metadata.namespace%3Dkube-system")
      #expect(namespaced.json.itemNames == ["e"])
      let both = try await c.get("\(configMaps)?fieldSelector=metadata.name!%3Da&labelSelector=app%3Dweb")
      #expect(both.json.itemNames == ["b"])

      // Pods by phase, the way `kubectl get pods --field-selector status.phase=Pending` asks.
      #expect(try await c.post("/api/v1/namespaces/default/pods", Objects.pod("p")).status == 201)
      let pending = try await c.get("/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DPending")
      #expect(pending.json.itemNames == ["p"])
      let running = try await c.get("/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DRunning")
      #expect(running.json.itemNames == [])
    }
  }

  @Test func watchStartsWithExistingObjectsThenFollowsChangesInOrder() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post(configMaps, Objects.configMap("one")).status == 201)
      #expect(try await c.post(configMaps, Objects.configMap("two")).status == 201)
      let watch = try await c.watch("\(configMaps)?watch=true")
      defer { watch.close() }
      #expect(watch.status == 200)
      #expect(watch.headers["Transfer-Encoding"] == ["chunked"])
      #expect(watch.headers["Content-Type"] == ["application/json"])

      var initial: Set<String> = []
      for _ in 0..<2 { initial.insert(try await watch.nextSummary()) }
      #expect(initial == ["ADDED one", "ADDED two"])

      var cm = try await c.get("\(configMaps)/one").json
      cm["data"] = ["k": "changed"]
      let modified = try await c.put("\(configMaps)/one", cm)
      #expect(try await c.post(configMaps, Objects.configMap("three")).status == 201)
      #expect(try await c.delete("\(configMaps)/two").status == 200)

      let event = try await watch.next()
      // Exactly the two members, in Kubernetes' order.
      #expect(event.objectValue?.keys == ["type", "object"])
      #expect(event["type"] == "MODIFIED")
      #expect(event["object"] == modified.json)
      #expect(try await watch.nextSummary() == "ADDED three")
      let deleted = try await watch.next()
      #expect(deleted["type"] == "DELETED")
      #expect(deleted.at("object.metadata.name") == "two")
      // The DELETED event carries the delete's revision: later than everything before it.
      let revisions = [modified.json.resourceVersion, deleted.at("object.metadata.resourceVersion")?.stringValue].compactMap { $0.flatMap { Int($0) } }
      #expect(revisions.count == 2 && revisions[0] < revisions[1])
      try await watch.expectQuiet()
    }
  }

  @Test func watchReplaysFromAResourceVersion() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let first = try await c.post(configMaps, Objects.configMap("first")).json
      #expect(try await c.post(configMaps, Objects.configMap("second")).status == 201)
      #expect(try await c.delete("\(configMaps)/first").status == 200)
      let watch = try await c.watch("\(configMaps)?watch=true&resourceVersion=\(first.resourceVersion ?? "")")
      defer { watch.close() }
      #expect(try await watch.nextSummary() == "ADDED second")
      #expect(try await watch.nextSummary() == "DELETED first")
      #expect(try await c.post(configMaps, Objects.configMap("third")).status == 201)
      #expect(try await watch.nextSummary() == "ADDED third")
      try await watch.expectQuiet()

      // From the current revision: nothing old, only what comes next.
      let now = try await c.get(configMaps).json.at("metadata.resourceVersion")?.stringValue ?? ""
      let fresh = try await c.watch("\(configMaps)?watch=true&resourceVersion=\(now)")
      defer { fresh.close() }
      try await fresh.expectQuiet(for: .milliseconds(100))
      #expect(try await c.post(configMaps, Objects.configMap("fourth")).status == 201)
      #expect(try await fresh.nextSummary() == "ADDED fourth")
    }
  }

  @Test func watchFromCompactedHistoryGetsAnExpiredError() async throws {
    try await TestCluster.with(historyLimit: 5) { cluster in
      let c = cluster.client
      for i in 0..<12 { #expect(try await c.post(configMaps, Objects.configMap("c\(i)")).status == 201) }
      let revision = cluster.store.revision
      let watch = try await c.watch("\(configMaps)?watch=true&resourceVersion=1")
      defer { watch.close() }
      #expect(watch.status == 200)
      let event = try await watch.next()
      #expect(event["type"] == "ERROR")
      // The oldest revision still watchable is the one before the oldest kept event.
      #expect(event["object"] == [
        "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
        "message": .string("too old resource version: 1 (\(revision - 5))"), "reason": "Expired", "code": 410,
      ])
      try await watch.waitForEnd()
      #expect(watch.isEnded)

      // One revision newer than that is still served.
      let ok = try await c.watch("\(configMaps)?watch=true&resourceVersion=\(revision - 5)")
      defer { ok.close() }
      #expect(try await ok.nextSummary() == "ADDED c7")
    }
  }

  @Test func selectorTransitionsAreAddedAndDeleted() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      #expect(try await c.post(configMaps, Objects.configMap("x", labels: ["app": "other"])).status == 201)
      let start = cluster.store.revision
      let watch = try await c.watch("\(configMaps)?watch=true&labelSelector=app%3Dweb")
      defer { watch.close() }
      // Resumed from a revision, the same transitions must come out the same way.
      let resumed = try await c.watch("\(configMaps)?watch=true&labelSelector=app%3Dweb&resourceVersion=\(start)")
      defer { resumed.close() }

      func relabel(_ app: String, data: String) async throws -> JSONValue {
        let patch = #"{"metadata":{"labels":{"app":"\#(app)"}},"data":{"k":"\#(data)"}}"#
        let response = try await c.patch("\(configMaps)/x", "application/merge-patch+json", patch)
        #expect(response.status == 200)
        return response.json
      }
      _ = try await relabel("web", data: "1")  // starts matching
      _ = try await relabel("web", data: "2")  // still matching
      let left = try await relabel("db", data: "3")  // stops matching
      _ = try await relabel("db", data: "4")  // still not matching
      _ = try await relabel("web", data: "5")  // matches again
      #expect(try await c.delete("\(configMaps)/x").status == 200)

      for stream in [watch, resumed] {
        var seen: [String] = []
        for _ in 0..<5 {
          let event = try await stream.next()
          seen.append("\(event["type"]?.stringValue ?? "") \(event.at("object.data.k")?.stringValue ?? "")")
          if event["type"] == "DELETED" && seen.count == 3 {
            // The last state the watcher was shown, at the revision of the change that hid it.
            #expect(event.at("object.metadata.labels.app") == "web")
            #expect(event.at("object.metadata.resourceVersion") == left.at("metadata.resourceVersion"))
          }
        }
        #expect(seen == ["ADDED 1", "MODIFIED 2", "DELETED 2", "ADDED 5", "DELETED 5"])
        try await stream.expectQuiet(for: .milliseconds(100))
      }
    }
  }

  @Test func watchScopesAndTimeout() async throws {
    try await TestCluster.with { cluster in
      let c = cluster.client
      let everywhere = try await c.watch("/api/v1/configmaps?watch=true&resourceVersion=\(cluster.store.revision)")
      defer { everywhere.close() }
      #expect(try await c.post("/api/v1/namespaces/kube-system/configmaps", Objects.configMap("elsewhere")).status == 201)
      #expect(try await c.post(configMaps, Objects.configMap("keep")).status == 201)
      #expect(try await c.post(configMaps, Objects.configMap("skip")).status == 201)
      #expect(try await everywhere.nextSummary() == "ADDED elsewhere")
      #expect(try await everywhere.nextSummary() == "ADDED keep")
      #expect(try await everywhere.nextSummary() == "ADDED skip")
      // Opened after the writes (no resourceVersion: the current state first), so the 1 s
      // timeout cannot win a race against them on a busy machine.
      let single = try await c.watch("\(configMaps)?watch=1&fieldSelector=metadata.name%3Dkeep&timeoutSeconds=1")
      defer { single.close() }
      #expect(try await single.nextSummary() == "ADDED keep")
      // timeoutSeconds ends the stream (the client then re-watches from its last revision).
      try await single.waitForEnd(timeout: .seconds(5))
    }
  }
}

func percentEncoded(_ text: String) -> String {
  var out = ""
  for b in text.utf8 {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
      out.unicodeScalars.append(UnicodeScalar(b))
    default:
      let hex = String(b, radix: 16, uppercase: true)
      out += "%" + (hex.count == 1 ? "0" + hex : hex)
    }
  }
  return out
}
