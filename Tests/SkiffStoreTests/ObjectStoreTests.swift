import Foundation
import SkiffAPI
import SkiffStore
import Testing

@Suite("object store")
struct ObjectStoreTests {
  let pods = GroupResource(group: "", resource: "pods")
  let deployments = GroupResource(group: "apps", resource: "deployments")

  func pod(_ name: String, _ extra: String = "") throws -> JSONValue {
    try JSONValue(parsing: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","namespace":"default"}\#(extra)}"#)
  }

  func key(_ name: String, ns: String = "default") -> ObjectKey { ObjectKey(pods, namespace: ns, name: name) }

  func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("skiff-store-\(UUID().uuidString).db").path
  }

  @Test func createGetListWithMonotonicRevisions() throws {
    let store = try ObjectStore(path: ":memory:")
    let a = try store.create(key("a"), pod("a"))
    let b = try store.create(key("b"), pod("b"))
    #expect(b.resourceVersion == a.resourceVersion + 1)
    #expect(store.get(key("a"))?.object.value(at: ["metadata", "resourceVersion"]) == .string(String(a.resourceVersion)))
    let listed = store.list(pods, namespace: "default")
    #expect(listed.items.map(\.key.name) == ["a", "b"])
    #expect(listed.revision == b.resourceVersion)
    #expect(store.list(pods, namespace: "other").items.isEmpty)
    #expect(store.list(deployments).items.isEmpty)
  }

  @Test func duplicatesAndStaleWritesAreRefused() throws {
    let store = try ObjectStore(path: ":memory:")
    let first = try store.create(key("a"), pod("a"))
    #expect(throws: StoreError.alreadyExists(key("a"))) { try store.create(key("a"), pod("a")) }
    let second = try store.update(key("a"), pod("a", #","spec":{}"#), expectedRevision: first.resourceVersion)
    #expect(throws: StoreError.conflict(key("a"), expected: first.resourceVersion, actual: second.resourceVersion)) {
      try store.update(key("a"), pod("a"), expectedRevision: first.resourceVersion)
    }
    #expect(throws: StoreError.notFound(key("zz"))) { try store.update(key("zz"), pod("zz")) }
  }

  @Test func watchDeliversEventsInOrderAndResumesFromARevision() async throws {
    let store = try ObjectStore(path: ":memory:")
    let start = store.revision
    let live = try store.watch(pods, namespace: "default")
    try store.create(key("a"), pod("a"))
    try store.update(key("a"), pod("a", #","spec":{"x":1}"#))
    try store.create(key("c", ns: "other"), pod("c"))
    try store.delete(key("a"))
    var seen: [String] = []
    for await event in live {
      seen.append("\(event.type.rawValue) \(event.object.key.name)@\(event.object.resourceVersion)")
      if seen.count == 3 { break }
    }
    #expect(seen == ["ADDED a@\(start + 1)", "MODIFIED a@\(start + 2)", "DELETED a@\(start + 4)"])

    // A watch from a revision replays what happened after it, then continues live.
    let resumed = try store.watch(pods, fromRevision: start + 2)
    try store.create(key("d"), pod("d"))
    var replay: [String] = []
    for await event in resumed {
      replay.append("\(event.type.rawValue) \(event.object.key.name)")
      if replay.count == 3 { break }
    }
    #expect(replay == ["ADDED c", "DELETED a", "ADDED d"])
  }

  @Test func watchingFromCompactedHistoryIsTooOld() throws {
    let store = try ObjectStore(path: ":memory:", historyLimit: 3)
    for i in 0..<10 { try store.create(key("p\(i)"), pod("p\(i)")) }
    #expect(throws: StoreError.self) { try store.watch(pods, fromRevision: 1) }
    _ = try store.watch(pods, fromRevision: store.revision - 2)
  }

  @Test func everyAcknowledgedWriteSurvivesReopen() throws {
    let path = temporaryPath()
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    do {
      let store = try ObjectStore(path: path)
      for i in 0..<50 { try store.create(key("p\(i)"), pod("p\(i)")) }
      try store.update(key("p7"), pod("p7", #","spec":{"restartPolicy":"Never"}"#))
      try store.delete(key("p8"))
    }
    let reopened = try ObjectStore(path: path)
    #expect(reopened.list(pods).items.count == 49)
    #expect(reopened.get(key("p7"))?.object.value(at: ["spec", "restartPolicy"]) == "Never")
    #expect(reopened.get(key("p8")) == nil)
    #expect(reopened.revision == 52)
    // History survives too: a watch can resume across the restart.
    _ = try reopened.watch(pods, fromRevision: 40)
    let next = try reopened.create(key("new"), pod("new"))
    #expect(next.resourceVersion == 53)
  }

  @Test func guaranteedUpdateSeesTheLatestObject() throws {
    let store = try ObjectStore(path: ":memory:")
    try store.create(key("a"), pod("a", #","status":{"n":0}"#))
    for _ in 0..<5 {
      try store.guaranteedUpdate(key("a")) { current in
        var next = current.object
        let n = next.value(at: ["status", "n"])?.intValue ?? 0
        next.setValue(.int(n + 1), at: ["status", "n"])
        return next
      }
    }
    #expect(store.get(key("a"))?.object.value(at: ["status", "n"]) == 5)
  }
}

@Suite("object store indexes")
struct ObjectStoreIndexTests {
  let configMaps = GroupResource(group: "", resource: "configmaps")
  let pods = GroupResource(group: "", resource: "pods")

  func object(_ kind: String, _ name: String, ns: String, owners: [String] = []) throws -> JSONValue {
    let refs = owners.map { #"{"apiVersion":"v1","kind":"ConfigMap","name":"o","uid":"\#($0)"}"# }.joined(separator: ",")
    return try JSONValue(parsing: #"{"apiVersion":"v1","kind":"\#(kind)","metadata":{"name":"\#(name)","namespace":"\#(ns)","ownerReferences":[\#(refs)]}}"#)
  }

  @Test func listsOneKindSortedByNamespaceAndName() throws {
    let store = try ObjectStore(path: ":memory:")
    for (ns, name) in [("b", "z"), ("a", "y"), ("b", "a"), ("a", "x")] {
      try store.create(ObjectKey(configMaps, namespace: ns, name: name), object("ConfigMap", name, ns: ns))
    }
    try store.create(ObjectKey(pods, namespace: "a", name: "p"), object("Pod", "p", ns: "a"))
    #expect(store.list(configMaps).items.map { "\($0.key.namespace)/\($0.key.name)" } == ["a/x", "a/y", "b/a", "b/z"])
    #expect(store.list(configMaps, namespace: "b").items.map(\.key.name) == ["a", "z"])
    #expect(store.list(pods).items.map(\.key.name) == ["p"])
    try store.delete(ObjectKey(configMaps, namespace: "b", name: "a"))
    try store.delete(ObjectKey(configMaps, namespace: "b", name: "z"))
    #expect(store.list(configMaps, namespace: "b").items.isEmpty)
    #expect(store.list(configMaps).items.count == 2)
  }

  @Test func dependentsFollowOwnerReferencesThroughWrites() throws {
    let store = try ObjectStore(path: ":memory:")
    let a = ObjectKey(configMaps, namespace: "d", name: "a")
    let b = ObjectKey(pods, namespace: "d", name: "b")
    try store.create(a, object("ConfigMap", "a", ns: "d", owners: ["u1"]))
    try store.create(b, object("Pod", "b", ns: "d", owners: ["u1", "u2"]))
    #expect(store.dependents(ofOwner: "u1").map(\.key) == [a, b])
    #expect(store.dependents(ofOwner: "u2").map(\.key) == [b])
    try store.update(b, object("Pod", "b", ns: "d", owners: ["u2"]))
    #expect(store.dependents(ofOwner: "u1").map(\.key) == [a])
    try store.delete(a)
    #expect(store.dependents(ofOwner: "u1").isEmpty)
    #expect(store.dependents(ofOwner: "u2").map(\.key) == [b])
  }

  @Test func watchEventsCarryThePreviousState() async throws {
    let store = try ObjectStore(path: ":memory:")
    let key = ObjectKey(configMaps, namespace: "d", name: "a")
    let events = try store.watch(configMaps)
    let first = try store.create(key, object("ConfigMap", "a", ns: "d"))
    let second = try store.update(key, object("ConfigMap", "a", ns: "d", owners: ["u"]))
    try store.delete(key)
    var seen: [WatchEvent] = []
    for await event in events {
      seen.append(event)
      if seen.count == 3 { break }
    }
    #expect(seen.map(\.previous) == [nil, first, second])
  }
}
