import Foundation
import SkiffAPI
import SkiffStore
import SkiffTestSupport
import Synchronization
import Testing

/// The real `skiff daemon --control-plane-only` as a process: every create that was
/// answered 201 survives a SIGKILL in the middle of a burst of writes.
@Suite("durability", .serialized)
struct DurabilityTests {
  static let isRoot = geteuid() == 0

  @Test(.enabled(if: DurabilityTests.isRoot, "skiff daemon refuses to start without root"), .timeLimit(.minutes(3)))
  func acknowledgedCreatesSurviveSIGKILL() async throws {
    let directory = try TestCluster.makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let dataDir = directory + "/data"
    let runDir = directory + "/run"
    let client = TestClient(socketPath: runDir + "/skiff.sock")

    let first = try DaemonProcess(dataDir: dataDir, runDir: runDir, log: directory + "/daemon-1.log")
    try await first.waitUntilServing(client)

    // A burst from several clients at once; the daemon is killed while it is going on.
    let acknowledged = Acknowledged()
    let payload = String(repeating: "0123456789abcdef", count: 64)
    let killAfter = 400
    let writers = 6
    try await withThrowingTaskGroup(of: Void.self) { group in
      for writer in 0..<writers {
        group.addTask {
          var n = 0
          while true {
            let name = "w\(writer)-\(n)"
            n += 1
            let body = Objects.configMap(name, labels: ["writer": "w\(writer)"], data: ["payload": payload, "name": name])
            guard let response = try? await client.post("/api/v1/namespaces/default/configmaps", body) else { return }
            if response.status == 201 {
              let rv = Int(response.json.resourceVersion ?? "") ?? 0
              acknowledged.record(name, rv)
            }
          }
        }
      }
      group.addTask {
        while acknowledged.count < killAfter {
          try await Task.sleep(for: .milliseconds(1))
        }
        first.kill(SIGKILL)
      }
      try await group.waitForAll()
    }
    let status = try await first.waitForExit()
    #expect(status == 128 + SIGKILL, "the daemon died of the SIGKILL, not of something else")
    let saved = acknowledged.all
    #expect(saved.count >= killAfter)

    // Restarted on the same directories, the store opens and every acknowledged create is there.
    let second = try DaemonProcess(dataDir: dataDir, runDir: runDir, log: directory + "/daemon-2.log")
    try await second.waitUntilServing(client)
    let list = try await client.get("/api/v1/namespaces/default/configmaps").json
    let items = list["items"]?.arrayValue ?? []
    let present = Dictionary(items.compactMap { item in item.name.map { ($0, item) } }, uniquingKeysWith: { a, _ in a })
    let missing = saved.keys.filter { present[$0] == nil }.sorted()
    #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
    for (name, rv) in saved {
      guard let item = present[name] else { continue }
      #expect(item.at("data.name") == .string(name))
      #expect(item.at("data.payload") == .string(payload))
      #expect(Int(item.resourceVersion ?? "") == rv, "\(name) kept the revision it was acknowledged with")
    }
    // Writes that were in flight when it died are either whole or absent.
    for item in items where saved[item.name ?? ""] == nil {
      #expect(item.at("data.payload") == .string(payload))
    }
    // Revisions never go back: the next write is newer than everything acknowledged.
    let newest = saved.values.max() ?? 0
    #expect(Int(list.at("metadata.resourceVersion")?.stringValue ?? "") ?? 0 >= newest)
    let after = try await client.post("/api/v1/namespaces/default/configmaps", Objects.configMap("after-restart"))
    #expect(after.status == 201)
    #expect(Int(after.json.resourceVersion ?? "") ?? 0 > newest)

    second.kill(SIGTERM)
    #expect(try await second.waitForExit() == 0)

    // The database file on its own opens cleanly, and each row is a whole object.
    let store = try ObjectStore(path: dataDir + "/skiff.db")
    let stored = store.list(GroupResource(group: "", resource: "configmaps"), namespace: "default").items
    #expect(stored.count == items.count + 1)
    for object in stored {
      #expect(object.object.resourceVersion == String(object.resourceVersion))
    }
  }
}

/// The creates answered 201, by name, with the resourceVersion they were answered with.
final class Acknowledged: Sendable {
  private let names = Mutex<[String: Int]>([:])
  func record(_ name: String, _ rv: Int) { names.withLock { $0[name] = rv } }
  var count: Int { names.withLock { $0.count } }
  var all: [String: Int] { names.withLock { $0 } }
}

/// `skiff daemon --control-plane-only` started from the build directory.
final class DaemonProcess: Sendable {
  let process: Subprocess
  let logPath: String

  static var skiffPath: String {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("skiff").path
  }

  init(dataDir: String, runDir: String, log: String) throws {
    process = try Subprocess(
      Self.skiffPath, ["daemon", "--control-plane-only", "--data-dir", dataDir, "--run-dir", runDir, "--api-port", "0"],
      stdout: .file(log), stderr: .file(log))
    logPath = log
  }

  var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

  func waitUntilServing(_ client: TestClient, timeout: Duration = .seconds(30)) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if !process.isRunning { throw TestClientError("the daemon exited during start-up:\n\(log)") }
      if let response = try? await client.get("/healthz"), response.status == 200 { return }
      try await Task.sleep(for: .milliseconds(20))
    }
    throw TestClientError("the daemon did not answer within \(timeout):\n\(log)")
  }

  func kill(_ signal: Int32) { process.signal(signal) }

  /// The exit status, or 128+N for the signal N that ended it.
  func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
    try await process.wait(timeout: timeout)
  }
}
