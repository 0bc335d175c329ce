import ArgumentParser
import Logging
import SkiffDaemon
import SkiffNetwork
import SkiffRuntime

#if canImport(Glibc)
import Glibc
#endif

/// `skiff up`: starts the cluster daemon in the background (minikube-style), waits until
/// its API answers, and says how to use it.
struct Up: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Start the Skiff cluster on this machine (needs root).")

  @OptionGroup var cluster: ClusterOptions

  @Option(name: .long, help: "Seconds to wait for the API to answer.")
  var timeout: Int = 120

  @Option(name: .customLong("node-namespace"), help: "Name of the node network namespace.")
  var nodeNamespace = "skiff-node"

  @Option(name: .customLong("api-port"), help: "HTTPS port on 127.0.0.1 for kubectl (0 picks a free port).")
  var apiPort = 6443

  func run() throws {
    guard geteuid() == 0 else {
      throw CLIError("error: skiff up needs root: the cluster creates network namespaces, mounts and iptables rules. Run: sudo skiff up")
    }
    let run = cluster.runDirectory, data = cluster.dataDirectory
    if let pid = DaemonProcess.runningPid(runDirectory: run) {
      Console.out("Skiff is already running (pid \(pid)); API on unix:\(run)/skiff.sock and \(ClusterKubeconfig.server(cluster) ?? "-")\n")
      // The kubectl context again, in case it was removed or this is another user's shell.
      if let written = try? ClusterKubeconfig.writeEntries(cluster) { Console.out(written) }
      return
    }
    try DaemonProcess.makeDirectories(data)
    try DaemonProcess.makeDirectories(run)
    let logPath = data + "/daemon.log"
    let exe = DaemonProcess.executablePath()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(0x80) /* POSIX_SPAWN_SETSID: glibc 2.26+, not exported to Swift */)
    let args = [exe, "daemon", "--data-dir", data, "--run-dir", run, "--node-namespace", nodeNamespace, "--api-port", String(apiPort)]
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, exe, &actions, &attributes, &argv, environ)
    guard rc == 0 else { throw CLIError("error: could not start the daemon: \(String(cString: strerror(rc)))") }
    Console.out("Starting Skiff (pid \(pid)); log: \(logPath)\n")
    let client = cluster.client
    for _ in 0..<(timeout * 10) {
      if let response = try? client.request("GET", "/readyz"), response.status == 200 {
        let kubectl: String
        do {
          kubectl = try ClusterKubeconfig.writeEntries(cluster)
        } catch {
          kubectl = "! the kubectl context was not written: \(error.message)\n"
        }
        Console.out("""
          ✓ Skiff is up: API on unix:\(run)/skiff.sock (skiff) and \(ClusterKubeconfig.server(cluster) ?? "-") (kubectl), state in \(data)
          \(kubectl)  skiff get nodes
            skiff create namespace grpc-nosidecar
            skiff apply -n grpc-nosidecar -f examples/walkthrough/istio-grpc-server.yaml
          Stop it with: skiff down (add --purge to delete its state)

          """)
        return
      }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        let tail = DaemonProcess.tail(logPath, lines: 15)
        throw CLIError("error: the daemon exited during start-up. Last lines of \(logPath):\n\(tail)")
      }
      try sleepMilliseconds(100)
    }
    throw CLIError("error: the daemon did not answer within \(timeout)s; see \(logPath)")
  }
}

/// `skiff down`: stops the daemon (which stops every pod and removes the namespaces, mounts
/// and rules it created); `--purge` also deletes the cluster's state.
struct Down: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Stop the Skiff cluster and clean up what it created.")

  @OptionGroup var cluster: ClusterOptions

  @Flag(name: .long, help: "Also delete the cluster's state (objects, images, logs).")
  var purge = false

  @Option(name: .customLong("node-namespace"), help: "Name of the node network namespace.")
  var nodeNamespace = "skiff-node"

  func run() throws {
    guard geteuid() == 0 else { throw CLIError("error: skiff down needs root. Run: sudo skiff down") }
    if let pid = DaemonProcess.runningPid(runDirectory: cluster.runDirectory) {
      // Tell the daemon this is a teardown, not a restart: stop every pod.
      let marker = open(cluster.runDirectory + "/stop-pods", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
      if marker >= 0 { close(marker) }
      kill(pid, SIGTERM)
      Console.out("Stopping Skiff (pid \(pid))...\n")
      var stopped = false
      for _ in 0..<900 {
        // A zombie has stopped too: its parent (often pid 1, after `skiff up` exited) may be
        // slow to reap it, or never do.
        if !ContainerRuntime.isAlive(pid) {
          stopped = true
          break
        }
        try sleepMilliseconds(100)
      }
      if !stopped {
        kill(pid, SIGKILL)
        Console.err("warning: the daemon did not stop within 90s; killed it\n")
      }
      Console.out("✓ Skiff stopped: pods stopped, their namespaces, mounts and network removed\n")
    } else {
      Console.out("Skiff is not running\n")
      // A daemon that died left its containers running: stop them and unpin their sandboxes.
      let runtime = ContainerRuntime(
        runDirectory: cluster.runDirectory + "/pods", stateDirectory: cluster.dataDirectory + "/pods", initBinary: "")
      let stopped = runtime.stopOrphans()
      if stopped > 0 { Console.out("✓ stopped \(stopped) container\(stopped == 1 ? "" : "s") the dead daemon left running\n") }
    }
    NodeNamespace.remove(nodeNamespace)
    unlink(cluster.runDirectory + "/stop-pods")
    if purge {
      if let path = ClusterKubeconfig.removeEntries(cluster) { Console.out("✓ removed the kubectl context \"skiff\" from \(path)\n") }
      DaemonProcess.removeTree(cluster.dataDirectory)
      Console.out("✓ removed \(cluster.dataDirectory)\n")
    }
  }
}

/// `skiff status`.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "status", abstract: "Show whether the cluster is running.")

  @OptionGroup var cluster: ClusterOptions

  func run() throws {
    guard let pid = DaemonProcess.runningPid(runDirectory: cluster.runDirectory) else {
      Console.out("skiff: Stopped\n")
      throw CLIError("", exitCode: 3)
    }
    let healthy = (try? cluster.client.request("GET", "/readyz"))?.status == 200
    Console.out("""
      skiff: Running (pid \(pid))
      apiserver: \(healthy ? "Running" : "Not answering") (unix:\(cluster.runDirectory)/skiff.sock)
      state: \(cluster.dataDirectory)

      """)
  }
}

/// `skiff daemon`: runs the cluster in the foreground (for systemd or debugging).
struct DaemonCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "daemon", abstract: "Run the cluster in the foreground (skiff up runs this in the background).")

  @OptionGroup var cluster: ClusterOptions

  @Flag(name: .customLong("control-plane-only"), help: "Run the API and controllers without the node (no containers).")
  var controlPlaneOnly = false

  @Option(name: .customLong("node-namespace"), help: "Name of the node network namespace.")
  var nodeNamespace = "skiff-node"

  @Option(name: .customLong("api-port"), help: "HTTPS port on 127.0.0.1 for kubectl (0 picks a free port); bound before the daemon enters the node namespace.")
  var apiPort = 6443

  func run() async throws {
    var logger = Logger(label: "skiff") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = ProcessEnvironment.value("SKIFF_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
    let configuration = DaemonConfiguration(
      dataDirectory: cluster.dataDirectory, runDirectory: cluster.runDirectory, nodeNamespace: nodeNamespace,
      controlPlaneOnly: controlPlaneOnly, apiPort: apiPort)
    do {
      try await Daemon(configuration: configuration, logger: logger).run()
    } catch let error as Daemon.StartError {
      throw CLIError("error: \(error.description)")
    }
  }
}

/// The daemon process as the CLI sees it: pid file, liveness, logs.
enum DaemonProcess {
  static func runningPid(runDirectory: String) -> pid_t? {
    guard let text = try? String(readingFile: runDirectory + "/skiff.pid"),
      let pid = pid_t(text.split(separator: "\n").first ?? "")
    else { return nil }
    return ContainerRuntime.isAlive(pid) ? pid : nil
  }

  static func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
  }

  static func tail(_ path: String, lines: Int) -> String {
    guard let text = try? String(readingFile: path) else { return "(no log)" }
    return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
  }

  static func makeDirectories(_ path: String) throws(CLIError) {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw CLIError("error: mkdir \(current): \(String(cString: strerror(errno)))")
      }
    }
  }

  static func removeTree(_ path: String) {
    let kind = FileKind.of(path)
    guard kind != .missing else { return }
    // A symlink (the test clusters link their images in) goes, its target stays.
    if kind == .directory {
      if let dir = opendir(path) {
        var names: [String] = []
        while let entry = readdir(dir) {
          let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
          if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names { removeTree(path + "/" + name) }
      }
      rmdir(path)
    } else {
      unlink(path)
    }
  }
}

extension String {
  init(readingFile path: String) throws(CLIError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIError("error: open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      bytes += buffer[0..<n]
    }
    self = String(decoding: bytes, as: UTF8.self)
  }
}
