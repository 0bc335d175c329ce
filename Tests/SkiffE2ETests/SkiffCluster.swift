import Foundation
import Testing

/// A real cluster for one test: the `skiff` binary started with its own data and run
/// directories and its own node network namespace, driven the way a user drives it.
final class SkiffCluster: @unchecked Sendable {
  // @unchecked: the fields are set once in init and only read afterwards.
  let base: String
  let dataDirectory: String
  let runDirectory: String
  let nodeNamespace: String
  /// The kubeconfig `skiff up` writes the cluster's context into.
  var kubeconfig: String { base + "/kubeconfig" }

  static var binary: String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
      .appendingPathComponent("skiff").path
  }

  /// Images built by `scripts/build-images` (scripts/test builds them into this directory).
  static var imagesDirectory: String? {
    let candidates: [String?] = [
      ProcessInfo.processInfo.environment["SKIFF_TEST_IMAGES"],
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build-test-images/images").path,
    ]
    return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/index.json") }
  }

  static var canRun: Bool { getuid() == 0 && imagesDirectory != nil }

  init(_ name: String) throws {
    let id = "\(name)-\(getpid() % 10000)"
    base = "/tmp/skiff-e2e-\(id)"
    dataDirectory = base + "/data"
    runDirectory = base + "/run"
    nodeNamespace = "skiff-e2e-\(id)"
    try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: dataDirectory + "/images", withDestinationPath: Self.imagesDirectory!)
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
  }

  /// Runs `skiff ARGS` against this cluster. Spawned and reaped by hand (posix_spawn and
  /// a blocking waitpid for this child only), not through Foundation's Process: `skiff up`
  /// leaves a daemon behind, and nothing here may depend on process-wide SIGCHLD handling.
  @discardableResult
  func skiff(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(120)) async throws -> Result {
    try await command(Self.binary, arguments, stdin: stdin, timeout: timeout)
  }

  /// A stock kubectl (`$KUBECTL` or the first on PATH), nil when there is none.
  static var kubectlBinary: String? {
    let candidates = [ProcessInfo.processInfo.environment["KUBECTL"]]
      + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin").split(separator: ":").map { "\($0)/kubectl" }
    return candidates.compactMap { $0 }.first { access($0, X_OK) == 0 }
  }

  /// Runs a stock `kubectl ARGS` with the kubeconfig `skiff up` wrote (and its own cache).
  @discardableResult
  func kubectl(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], timeout: Duration = .seconds(120)
  ) async throws -> Result {
    guard let binary = Self.kubectlBinary else { throw ClusterError("kubectl not found") }
    return try await command(binary, arguments, stdin: stdin, environment: environment, timeout: timeout)
  }

  func kubectl(_ words: String...) async throws -> Result { try await kubectl(words) }

  func command(
    _ binary: String, _ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:],
    timeout: Duration
  ) async throws -> Result {
    var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1], input: [Int32] = [-1, -1]
    pipe(&out)
    pipe(&err)
    pipe(&input)
    for fd in out + err + input { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[0], 0)
    posix_spawn_file_actions_adddup2(&actions, out[1], 1)
    posix_spawn_file_actions_adddup2(&actions, err[1], 2)
    var environment = ProcessInfo.processInfo.environment
    environment["SKIFF_RUN_DIR"] = runDirectory
    environment["SKIFF_DATA_DIR"] = dataDirectory
    // `skiff up` merges its kubectl context here, never into the user's own kubeconfig.
    environment["KUBECONFIG"] = kubeconfig
    environment["KUBECACHEDIR"] = base + "/kube-cache"
    environment.merge(extra) { _, new in new }
    let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    var pid: pid_t = 0
    let rc = argv.withUnsafeBufferPointer { a in
      envp.withUnsafeBufferPointer { e in
        posix_spawn(&pid, binary, &actions, nil, UnsafeMutablePointer(mutating: a.baseAddress!), UnsafeMutablePointer(mutating: e.baseAddress!))
      }
    }
    close(out[1])
    close(err[1])
    close(input[0])
    guard rc == 0 else { throw ClusterError("spawn \(binary): \(String(cString: strerror(rc)))") }
    let writeFD = input[1]
    let inputBytes = Array((stdin ?? "").utf8)
    _ = inputBytes.withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
    close(writeFD)
    let outFD = out[0], errFD = err[0]
    async let o = Self.readToEnd(outFD)
    async let e = Self.readToEnd(errFD)
    let childPid = pid
    let killer = Task.detached {
      try await Task.sleep(for: timeout)
      kill(childPid, SIGKILL)
    }
    let status: Int32 = await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        var status: Int32 = 0
        while waitpid(childPid, &status, 0) < 0 && errno == EINTR {}
        continuation.resume(returning: status)
      }
    }
    killer.cancel()
    let (stdoutData, stderrData) = await (o, e)
    close(outFD)
    close(errFD)
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Result(
      status: exitCode, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
  }

  func skiff(_ words: String...) async throws -> Result { try await skiff(words) }

  /// A file read to its end with read(2) (procfs files report size 0).
  static func readFile(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Reads a pipe to its end on a Dispatch thread. `skiff up`'s daemon does not keep our
  /// pipes (it redirects its output to its log), so the end comes with the command's exit.
  static func readToEnd(_ fd: Int32) async -> [UInt8] {
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
          let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { break }
          out += buffer[0..<n]
        }
        continuation.resume(returning: out)
      }
    }
  }

  func up() async throws {
    // Any free port: clusters of parallel tests must not share 6443.
    let result = try await skiff(["up", "--node-namespace", nodeNamespace, "--api-port", "0"])
    #expect(result.status == 0, "skiff up failed: \(result.stderr)")
    try #require(result.status == 0)
  }

  /// Starts a cluster, runs `body` on it, and stops it (`skiff down --purge`) whatever
  /// happens; when `body` fails, the daemon log's tail goes into the test's issues.
  /// Returns the stopped cluster, for checks of what it left behind.
  @discardableResult
  static func run(_ name: String, _ body: (SkiffCluster) async throws -> Void) async throws -> SkiffCluster {
    let cluster = try SkiffCluster(name)
    try await cluster.up()
    do {
      try await body(cluster)
    } catch {
      let log = (try? String(contentsOfFile: cluster.dataDirectory + "/daemon.log", encoding: .utf8)) ?? ""
      Issue.record("daemon log tail:\n\(log.split(separator: "\n").suffix(40).joined(separator: "\n"))")
      try await cluster.down()
      throw error
    }
    try await cluster.down()
    return cluster
  }

  /// SIGKILLs the daemon (its containers run on) and waits until it is gone.
  func killDaemon() async throws {
    let pidText = try String(contentsOfFile: runDirectory + "/skiff.pid", encoding: .utf8)
    let daemon = try #require(pid_t(pidText.split(separator: "\n").first ?? ""))
    kill(daemon, SIGKILL)
    try await eventually("the daemon to die", timeout: .seconds(20)) { () -> Bool? in
      let stat = SkiffCluster.readFile("/proc/\(daemon)/stat")
      return stat.isEmpty || stat.contains(") Z") ? true : nil
    }
  }

  /// Stops the cluster (`skiff down --purge`) and removes the test directories.
  func down() async throws {
    _ = try await skiff(["down", "--purge", "--node-namespace", nodeNamespace])
    try? FileManager.default.removeItem(atPath: base)
  }

  /// Polls `check` until it returns a value or `timeout` passes.
  func eventually<T>(_ what: String, timeout: Duration = .seconds(90), _ check: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if let value = try await check() { return value }
      try await Task.sleep(for: .milliseconds(500))
    }
    throw ClusterError("timed out waiting for \(what)")
  }

  /// uid and restart counts per pod of a PodList's JSON, to prove nothing restarted or was
  /// replaced.
  static func podState(podList json: String) -> [String: String] {
    var out: [String: String] = [:]
    let items = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
    for item in items {
      let meta = item["metadata"] as? [String: Any] ?? [:]
      let status = item["status"] as? [String: Any] ?? [:]
      let restarts = ((status["containerStatuses"] as? [[String: Any]] ?? []) + (status["initContainerStatuses"] as? [[String: Any]] ?? []))
        .map { "\($0["name"] ?? ""):\($0["restartCount"] ?? 0)" }.sorted().joined(separator: ",")
      out[meta["name"] as? String ?? ""] = "\(meta["uid"] ?? "") \(restarts)"
    }
    return out
  }

  /// Pod rows of `get pod -n NS` as [NAME, READY, STATUS, RESTARTS, AGE].
  func pods(_ namespace: String) async throws -> [[String]] {
    let result = try await skiff("get", "pod", "-n", namespace)
    return result.lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
  }

  var examples: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("examples/walkthrough").path
  }
}

struct ClusterError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Whether `line` is Go's log format with `message`.
func isGoLogLine(_ line: String, message: String) -> Bool {
  guard let match = line.wholeMatch(of: #/^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} (.*)$/#) else { return false }
  return match.1 == message
}
