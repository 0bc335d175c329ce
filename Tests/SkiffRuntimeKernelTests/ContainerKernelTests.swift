import CSkiffSys
import Foundation
import SkiffRuntime
import Testing

/// Runs real containers: namespaces, overlayfs, pivot_root, capabilities, seccomp. Needs
/// root and busybox-static (scripts/install-deps installs it).
@Suite(
  "containers on the real kernel",
  .enabled(if: getuid() == 0, "needs root: creates namespaces, mounts and containers"),
  .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/busybox"), "needs busybox-static (scripts/install-deps)"),
  .serialized)
struct ContainerKernelTests {
  let base: String
  let runtime: ContainerRuntime
  let image: String

  init() throws {
    base = "/tmp/skiff-kernel-test-\(UUID().uuidString.prefix(8))"
    image = base + "/image"
    let fm = FileManager.default
    try fm.createDirectory(atPath: image + "/bin", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: image + "/etc", withIntermediateDirectories: true)
    try fm.copyItem(atPath: "/bin/busybox", toPath: image + "/bin/busybox")
    for applet in ["sh", "cat", "sleep", "hostname", "grep", "ls", "echo", "touch", "id"] {
      try fm.createSymbolicLink(atPath: image + "/bin/" + applet, withDestinationPath: "busybox")
    }
    runtime = ContainerRuntime(
      runDirectory: base + "/run", stateDirectory: base + "/state", initBinary: Self.initBinary)
    try runtime.prepare()
  }

  static var initBinary: String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
      .appendingPathComponent("skiff-init").path
  }

  func cleanUp() {
    for id in runtime.sandboxIDs() { runtime.removeSandbox(id: id) }
    _ = umount2(base + "/run", Int32(MNT_DETACH))
    ContainerRuntime.removeTree(base)
  }

  func spec(_ id: String, sandbox: SandboxHandle, args: [String], seccomp: Bool = false, readOnly: Bool = false) -> (LaunchSpec, String) {
    let dir = runtime.containerDirectory(pod: sandbox.id, container: id)
    var process = ProcessSpec(args: args, env: ["PATH=/bin"], cwd: "/")
    if seccomp { process.seccomp = SeccompProfile.runtimeDefault(capabilities: process.capabilities.bounding) }
    let spec = LaunchSpec(
      id: id, joinNamespaces: sandbox.joinList, hostname: "pod-\(sandbox.id)",
      rootfs: RootfsSpec(lowerDirs: [image], upperDir: dir + "/upper", workDir: dir + "/work", mountPoint: dir + "/rootfs", readOnly: readOnly),
      mounts: SetupPlan.defaultMounts, devices: SetupPlan.defaultDevices, maskedPaths: SetupPlan.defaultMaskedPaths,
      readonlyPaths: SetupPlan.defaultReadonlyPaths, process: process, logPath: dir + "/log", exitPath: dir + "/exit.json")
    return (spec, dir)
  }

  func waitForExit(_ path: String) async throws -> ExitRecord {
    for _ in 0..<200 {
      if let record = runtime.exitRecord(at: path) { return record }
      try await Task.sleep(for: .milliseconds(25))
    }
    throw RuntimeError(stage: "test", "container did not exit")
  }

  /// The log's message text, as `kubectl logs` shows it; only one stream's with `stream`
  /// (stdout and stderr are separate pipes: their lines interleave in no set order).
  func logText(_ path: String, stream: String? = nil) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
      let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
      guard parts.count == 4 else { return "" }
      if let stream, parts[1] != stream { return nil }
      return String(parts[3])
    }
  }

  @Test func containerRunsIsolatedAndReportsItsExitCode() async throws {
    defer { cleanUp() }
    let sandbox = try await runtime.createSandbox(id: "p1", hostname: "pod-p1")
    let (launch, dir) = spec("app", sandbox: sandbox, args: [
      "/bin/sh", "-c",
      "hostname; echo pid=$$; grep -E '^(CapBnd|Seccomp):' /proc/self/status; ls /proc/kcore && cat /proc/kcore | head -c1 | wc -c; echo oops >&2; exit 3",
    ], seccomp: true)
    _ = try await runtime.start(launch, directory: dir)
    let record = try await waitForExit(launch.exitPath)
    #expect(record.exitCode == 3)
    let lines = try logText(launch.logPath)
    #expect(try logText(launch.logPath, stream: "stdout").first == "pod-p1")
    #expect(lines.contains("pid=1"))
    #expect(lines.contains("CapBnd:\t00000000a80425fb"), "Docker's default capability set: \(lines)")
    #expect(lines.contains("Seccomp:\t2"))
    #expect(lines.contains("oops"))
    let log = try String(contentsOfFile: launch.logPath, encoding: .utf8)
    #expect(log.contains(" stderr F oops"))
  }

  @Test func missingCommandIsAStartError() async throws {
    defer { cleanUp() }
    let sandbox = try await runtime.createSandbox(id: "p2", hostname: "pod-p2")
    let (launch, dir) = spec("app", sandbox: sandbox, args: ["/bin/foo"])
    await #expect(throws: RuntimeError(stage: "start container app", "exec: \"/bin/foo\": stat /bin/foo: no such file or directory")) {
      try await runtime.start(launch, directory: dir)
    }
    let (bare, dir2) = spec("app2", sandbox: sandbox, args: ["nosuchcommand"])
    await #expect(throws: RuntimeError(stage: "start container app2", "exec: \"nosuchcommand\": executable file not found in $PATH")) {
      try await runtime.start(bare, directory: dir2)
    }
  }

  @Test func execJoinsARunningContainer() async throws {
    defer { cleanUp() }
    let sandbox = try await runtime.createSandbox(id: "p3", hostname: "pod-p3")
    let (launch, dir) = spec("app", sandbox: sandbox, args: ["/bin/sh", "-c", "touch /made-by-main; sleep 600"])
    let pid = try await runtime.start(launch, directory: dir)
    try await Task.sleep(for: .milliseconds(200))
    let out = Pipe()
    let helper = try await runtime.exec(
      ExecSpec(targetPid: pid, process: ProcessSpec(args: ["sh", "-c", "hostname; ls /made-by-main; echo $$"], env: ["PATH=/bin"])),
      directory: dir, stdin: FileHandle.nullDevice.fileDescriptor, stdout: out.fileHandleForWriting.fileDescriptor,
      stderr: out.fileHandleForWriting.fileDescriptor)
    try out.fileHandleForWriting.close()
    let exit = await ChildProcesses.shared.wait(helper.helper)
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(exit == .exited(0))
    let lines = text.split(separator: "\n")
    #expect(lines.first == "pod-p3")
    #expect(lines.dropFirst().first == "/made-by-main")
    // In the container's pid namespace, the exec'd shell is neither pid 1 nor a host pid.
    #expect(Int(lines.last ?? "0") ?? 0 > 1)
    #expect(Int(lines.last ?? "0") ?? 0 < 100)
    ContainerRuntime.signal(pid, SIGKILL)
    let record = try await waitForExit(launch.exitPath)
    #expect(record.exitCode == 137)
    #expect(record.signal == 9)
  }

  /// `exec -it`: the terminal is opened inside the container, from its own /dev/pts, and its
  /// master comes back over the console socket; the process has it as stdio and controlling tty.
  @Test func execWithATerminalGetsOneFromTheContainersDevPts() async throws {
    defer { cleanUp() }
    let sandbox = try await runtime.createSandbox(id: "p7", hostname: "pod-p7")
    let (launch, dir) = spec("app", sandbox: sandbox, args: ["/bin/sh", "-c", "sleep 30"])
    let pid = try await runtime.start(launch, directory: dir)
    var console: [Int32] = [-1, -1]
    #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &console) == 0)
    let devNull = FileHandle.nullDevice.fileDescriptor
    var process = ProcessSpec(args: ["sh", "-c", "tty; stty size; ls -1 /dev/pts"], env: ["PATH=/bin"])
    process.terminal = true
    let helper = try await runtime.exec(
      ExecSpec(targetPid: pid, process: process), directory: dir, stdin: devNull, stdout: devNull, stderr: devNull,
      console: console[1])
    close(console[1])
    let master = skiff_recv_fd(console[0])
    close(console[0])
    #expect(master >= 0)
    let exit = await ChildProcesses.shared.wait(helper.helper)
    // Read until EIO: the process and everything it started have closed the terminal.
    let output = ContainerShim.readAllBytes(master)
    close(master)
    #expect(exit == .exited(0))
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\r\n").map(String.init)
    #expect(lines == ["/dev/pts/0", "24 80", "0", "ptmx"], "got \(lines)")
    ContainerRuntime.signal(pid, SIGKILL)
    _ = try await waitForExit(launch.exitPath)
  }

  /// `kubectl attach`/`run -it`: the shim's attach socket reaches the main process. With a
  /// terminal it is the container's own /dev/pts, sized by the client; without one, a stdin
  /// pipe that stdinOnce closes when the client leaves.
  @Test func attachReachesTheMainProcessThroughItsShim() async throws {
    defer { cleanUp() }
    let sandbox = try await runtime.createSandbox(id: "p9", hostname: "pod-p9")
    var (launch, dir) = spec("tty", sandbox: sandbox, args: ["/bin/sh"])
    launch.process.terminal = true
    launch.process.openStdin = true
    launch.attachDirectory = dir
    _ = try await runtime.start(launch, directory: dir)
    let terminal = try attach(dir)
    send(terminal, AttachFrame.encode(AttachFrame.resize, AttachFrame.resizePayload(rows: 30, columns: 100)))
    send(terminal, AttachFrame.encode(AttachFrame.stdin, Array("tty; stty size; exit 5\n".utf8)))
    let screen = String(decoding: await onBlockingThread { self.received(terminal, AttachFrame.stdout) }, as: UTF8.self)
    #expect(screen.contains("/dev/pts/0\r\n30 100\r\n"), "got \(screen)")
    #expect(try await waitForExit(launch.exitPath).exitCode == 5)

    var (piped, pipedDir) = spec("cat", sandbox: sandbox, args: ["/bin/sh", "-c", "cat; echo done"])
    piped.process.openStdin = true
    piped.process.stdinOnce = true
    piped.attachDirectory = pipedDir
    _ = try await runtime.start(piped, directory: pipedDir)
    let client = try attach(pipedDir)
    send(client, AttachFrame.encode(AttachFrame.stdin, Array("hello\n".utf8)))
    try await Task.sleep(for: .milliseconds(200))
    // The client leaves: with stdinOnce, cat reads the end of its input.
    close(client)
    #expect(try await waitForExit(piped.exitPath).exitCode == 0)
    #expect(try logText(piped.logPath) == ["hello", "done"])
  }

  func attach(_ directory: String) throws -> Int32 {
    let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { close(dir) }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let path = Array("/proc/self/fd/\(dir)/\(AttachFrame.socketName)".utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.enumerated() { raw[i] = b } }
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard rc == 0 else { throw RuntimeError(stage: "attach", String(cString: strerror(errno))) }
    return fd
  }

  func send(_ fd: Int32, _ bytes: [UInt8]) {
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  }

  /// Every payload of frames of `type` until the shim closes the connection.
  func received(_ fd: Int32, _ type: UInt8) -> [UInt8] {
    var buffer: [UInt8] = []
    var out: [UInt8] = []
    for frame in AttachFrame.take(&buffer) where frame.type == type { out += frame.payload }
    while true {
      var chunk = [UInt8](repeating: 0, count: 4096)
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      buffer += chunk[0..<n]
      for frame in AttachFrame.take(&buffer) where frame.type == type { out += frame.payload }
    }
    close(fd)
    return out
  }

  @Test func readOnlyRootRefusesWrites() async throws {
    defer { cleanUp() }
    let sandbox = try await runtime.createSandbox(id: "p4", hostname: "pod-p4")
    let (launch, dir) = spec("app", sandbox: sandbox, args: ["/bin/sh", "-c", "touch /x || echo refused"], readOnly: true)
    _ = try await runtime.start(launch, directory: dir)
    _ = try await waitForExit(launch.exitPath)
    #expect(try logText(launch.logPath).contains("refused"))
  }

  @Test func removingTheSandboxLeavesNoMounts() async throws {
    defer { cleanUp() }
    _ = try await runtime.createSandbox(id: "p5", hostname: "pod-p5")
    #expect(Self.mountTable().contains(base + "/run/p5/ns/net"))
    runtime.removeSandbox(id: "p5")
    #expect(!Self.mountTable().contains(base + "/run/p5"))
  }
}

extension ContainerKernelTests {
  /// This process's mount table, read to its end (procfs files report size 0, and while
  /// other suites run clusters the table is long).
  static func mountTable() -> String {
    let fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    return String(decoding: ContainerShim.readAllBytes(fd), as: UTF8.self)
  }
}
