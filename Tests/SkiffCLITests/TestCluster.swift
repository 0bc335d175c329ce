import Foundation
import SkiffAPI
import SkiffCLI
import SkiffTestSupport
import Testing

/// A real `skiff daemon --control-plane-only` on temporary directories, and the real
/// `skiff` binary run against it the way a user runs it.
final class TestCluster: @unchecked Sendable {
  // Safe: every stored property is set in init and never changed.
  let root: String
  let runDirectory: String
  let dataDirectory: String
  let daemon: Subprocess
  let daemonLog: String

  /// The directory holding the built products (next to the test bundle).
  static var productsDirectory: String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
  }

  static var skiffPath: String { productsDirectory + "/skiff" }

  /// The walkthrough manifests in the source tree.
  static func example(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("examples/walkthrough/\(name)").path
  }

  /// Starts a daemon and waits until `/readyz` answers on its socket.
  init() async throws {
    guard FileManager.default.isExecutableFile(atPath: Self.skiffPath) else {
      throw TestFailure("no skiff binary at \(Self.skiffPath): build with `swift build --build-tests`")
    }
    var template = Array("/tmp/skiff-cli-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
    root = String(cString: made)
    runDirectory = root + "/run"
    dataDirectory = root + "/data"
    daemonLog = root + "/daemon.log"
    daemon = try Subprocess(
      Self.skiffPath, ["daemon", "--control-plane-only", "--data-dir", dataDirectory, "--run-dir", runDirectory, "--api-port", "0"],
      stdout: .file(daemonLog), stderr: .file(daemonLog))
    let client = APIClient(socketPath: runDirectory + "/skiff.sock")
    for _ in 0..<300 {
      if let response = try? client.request("GET", "/readyz"), response.status == 200 { return }
      if !daemon.isRunning { break }
      try await Task.sleep(for: .milliseconds(50))
    }
    let text = (try? String(contentsOfFile: daemonLog, encoding: .utf8)) ?? ""
    stop()
    throw TestFailure("the daemon did not become ready:\n\(text)")
  }

  /// SIGTERM, then wait; removes the temporary directories.
  func stop() {
    if daemon.isRunning {
      daemon.signal(SIGTERM)
      _ = daemon.waitBlocking()
    }
    try? FileManager.default.removeItem(atPath: root)
  }

  deinit { stop() }

  typealias Output = Subprocess.Output

  /// A `skiff` command still running (a watch).
  struct Running: Sendable {
    let process: Subprocess
    let stdoutPath: String
    let stderrPath: String

    /// What it has printed so far.
    var stdoutSoFar: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    func wait() -> Output {
      let status = process.waitBlocking()
      return Output(status: status, stdout: stdoutSoFar, stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")
    }
  }

  /// The environment `skiff` runs with against this cluster.
  func environment(_ extra: [String: String] = [:]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["SKIFF_RUN_DIR"] = runDirectory
    env["SKIFF_DATA_DIR"] = dataDirectory
    env["TMPDIR"] = root
    env["TZ"] = "UTC"
    env.removeValue(forKey: "KUBE_EDITOR")
    env.removeValue(forKey: "EDITOR")
    for (k, v) in extra { env[k] = v }
    return env
  }

  /// Starts `skiff ARGS` without waiting for it.
  func start(_ arguments: [String]) throws -> Running {
    let out = root + "/out.\(UUID().uuidString)", err = root + "/err.\(UUID().uuidString)"
    let process = try Subprocess(
      Self.skiffPath, arguments, environment: environment(), stdout: .file(out), stderr: .file(err))
    return Running(process: process, stdoutPath: out, stderrPath: err)
  }

  /// Runs `skiff ARGS` against this cluster.
  @discardableResult
  func skiff(_ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil) throws -> Output {
    let out = root + "/out.\(UUID().uuidString)"
    let err = root + "/err.\(UUID().uuidString)"
    var input = Subprocess.Stream.null
    if let stdin {
      let path = root + "/in.\(UUID().uuidString)"
      _ = FileManager.default.createFile(atPath: path, contents: Data(stdin.utf8))
      input = .file(path)
    }
    let process = try Subprocess(
      Self.skiffPath, arguments, environment: environment(extra), stdin: input, stdout: .file(out), stderr: .file(err))
    let status = process.waitBlocking()
    let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: out)
    try? FileManager.default.removeItem(atPath: err)
    return Output(status: status, stdout: stdout, stderr: stderr)
  }

  /// Runs `skiff ARGS` and requires it to succeed.
  @discardableResult
  func ok(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Output {
    let output = try skiff(arguments, environment: environment, stdin: stdin)
    guard output.status == 0 else { throw TestFailure("skiff \(arguments.joined(separator: " ")) failed: \(output)") }
    return output
  }

  /// An object as JSON (`skiff get -o json`).
  func object(_ kind: String, _ name: String, namespace: String = "default") throws -> JSONValue {
    let output = try ok(["get", kind, name, "-n", namespace, "-o", "json"])
    return try JSONValue(parsing: output.stdout)
  }

  /// Waits until `condition` holds for the object (controllers work asynchronously).
  func waitFor(
    _ kind: String, _ name: String, namespace: String = "default", timeout: Double = 20,
    _ condition: (JSONValue) -> Bool
  ) async throws -> JSONValue {
    let start = Date()
    while true {
      if let object = try? object(kind, name, namespace: namespace), condition(object) { return object }
      if Date().timeIntervalSince(start) > timeout {
        throw TestFailure("\(kind)/\(name) did not reach the expected state in \(timeout)s")
      }
      try await Task.sleep(for: .milliseconds(100))
    }
  }

  /// Writes an executable script (an EDITOR for `skiff edit`).
  func script(_ name: String, _ body: String) throws -> String {
    let path = root + "/" + name
    try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o755)
    return path
  }
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

extension JSONValue {
  func at(_ path: String) -> JSONValue? { value(at: path.split(separator: ".").map(String.init)) }
  func text(_ path: String) -> String { at(path)?.stringValue ?? "" }
}

/// `time.RFC1123Z` in UTC, as the tests run the CLI with TZ=UTC.
func rfc1123Z(_ text: String) -> String {
  guard let time = Timestamp(rfc3339: text) else { return "" }
  let formatter = DateFormatter()
  formatter.locale = Locale(identifier: "en_US_POSIX")
  formatter.timeZone = TimeZone(identifier: "UTC")
  formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
  return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time.seconds)))
}

extension TestCluster {
  var client: APIClient { APIClient(socketPath: runDirectory + "/skiff.sock") }

  /// Plays the node agent for pods that match `selector`: Running, an IP, Ready (as the
  /// kubelet reports them), so controllers see them available.
  func markPodsReady(_ selector: String, namespace: String = "default", firstIP: Int = 5) throws {
    let response = try client.request("GET", "/api/v1/namespaces/\(namespace)/pods", query: [("labelSelector", selector)])
    guard response.status == 200, let list = response.json else { throw TestFailure("list pods: \(response.status)") }
    for (i, pod) in (list["items"]?.arrayValue ?? []).enumerated() {
      let name = pod.text("metadata.name")
      let containers = pod.at("spec.containers")?.arrayValue ?? []
      let statuses: [JSONValue] = containers.map { container in
        [
          "name": container["name"] ?? "", "image": container["image"] ?? "", "imageID": "", "ready": true, "restartCount": 0,
          "started": true, "state": ["running": ["startedAt": .string(Timestamp.now().wholeSeconds.rfc3339)]],
        ]
      }
      let ip = "10.244.0.\(firstIP + i)"
      let now = JSONValue.string(Timestamp.now().wholeSeconds.rfc3339)
      let patch: JSONValue = [
        "status": [
          "phase": "Running", "podIP": .string(ip), "podIPs": [["ip": .string(ip)]], "hostIP": "10.244.0.1",
          "startTime": now, "containerStatuses": .array(statuses),
          "conditions": [
            ["type": "Initialized", "status": "True", "lastTransitionTime": now],
            ["type": "Ready", "status": "True", "lastTransitionTime": now],
            ["type": "ContainersReady", "status": "True", "lastTransitionTime": now],
            ["type": "PodScheduled", "status": "True", "lastTransitionTime": now],
          ],
        ]
      ]
      let patched = try client.request(
        "PATCH", "/api/v1/namespaces/\(namespace)/pods/\(name)/status",
        headers: [("Content-Type", "application/merge-patch+json")], body: patch.jsonBytes())
      guard patched.status == 200 else {
        throw TestFailure("patch pod \(name) status: \(patched.status) \(String(decoding: patched.body, as: UTF8.self))")
      }
    }
  }

  /// Applies a walkthrough manifest.
  func apply(_ example: String, namespace: String = "default") throws {
    try ok(["apply", "-n", namespace, "-f", Self.example(example)])
  }
}

extension TestCluster {
  /// The objects of a kind (`skiff get KIND -o json`).
  func list(_ kind: String, namespace: String = "default") throws -> [JSONValue] {
    let output = try ok(["get", kind, "-n", namespace, "-o", "json"])
    return try JSONValue(parsing: output.stdout).at("items")?.arrayValue ?? []
  }
}
