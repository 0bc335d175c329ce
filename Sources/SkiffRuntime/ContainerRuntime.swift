import CSkiffSys
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// A pod's shared namespaces, pinned under the run directory.
public struct SandboxHandle: Sendable, Equatable {
  public var id: String
  /// `net`, `uts`, `ipc` → the pinned namespace file.
  public var namespaces: [String: String]

  public var networkNamespacePath: String { namespaces["net"] ?? "" }

  /// The namespaces a container of this pod joins.
  public var joinList: [NamespacePath] {
    ["net", "uts", "ipc"].compactMap { type in namespaces[type].map { NamespacePath(type: type, path: $0) } }
  }
}

/// The node's container runtime: pod sandboxes, containers started through `skiff-init`,
/// signals, exit records and exec. This is the daemon's side; `skiff-init` does the
/// privileged work inside each container's process.
public final class ContainerRuntime: Sendable {
  /// Where namespaces are pinned (`/run/skiff/pods`); a private mount.
  public let runDirectory: String
  /// Where container state lives (`/var/lib/skiff/pods`): specs, overlay upper dirs, exits.
  public let stateDirectory: String
  /// The `skiff-init` binary.
  public let initBinary: String

  public init(runDirectory: String, stateDirectory: String, initBinary: String) {
    self.runDirectory = runDirectory
    self.stateDirectory = stateDirectory
    self.initBinary = initBinary
  }

  /// Makes the run directory a private mount, so namespace files can be bind-mounted into
  /// it without propagating anywhere (what `ip netns` does for /run/netns).
  public func prepare() throws(RuntimeError) {
    try KernelSetup.makeDirectories(runDirectory, container: "node")
    try KernelSetup.makeDirectories(stateDirectory, container: "node")
    if !Self.isMountPoint(runDirectory) {
      try KernelSetup.perform(.mount(source: runDirectory, target: runDirectory, type: "", flags: [.bind, .recursive], data: ""), container: "node")
    }
    try KernelSetup.perform(.mount(source: "", target: runDirectory, type: "", flags: [.private, .recursive], data: ""), container: "node")
  }

  /// Undoes `prepare()` once every sandbox is gone (`skiff down`).
  public func release() {
    for id in sandboxIDs() { removeSandbox(id: id) }
    _ = umount2(runDirectory, Int32(MNT_DETACH))
    rmdir(runDirectory)
  }

  /// Containers left running by a daemon that died (`skiff down` finds no daemon to stop
  /// them): every shim of this runtime (`skiff-init run <state dir>/...`) and the container it
  /// runs (pid 1 of its pid namespace, so the whole namespace goes with it) are killed, then
  /// every sandbox is unpinned and the run directory released. Returns how many containers.
  public func stopOrphans() -> Int {
    var shims: [Int32] = []
    var children: [Int32: [Int32]] = [:]
    for entry in Self.listDirectory("/proc") {
      guard let pid = Int32(entry), let stat = try? InitFiles.read("/proc/\(pid)/stat") else { continue }
      // `pid (comm) state ppid ...`: the fields after the last ')'.
      let fields = String(decoding: stat, as: UTF8.self).split(separator: ")").last?.split(separator: " ") ?? []
      if fields.count > 1, let ppid = Int32(fields[1]) { children[ppid, default: []].append(pid) }
      guard let cmdline = try? InitFiles.read("/proc/\(pid)/cmdline") else { continue }
      let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
      if args.count >= 3, args[0].hasSuffix("skiff-init"), args[1] == "run", args[2].hasPrefix(stateDirectory + "/") {
        shims.append(pid)
      }
    }
    for shim in shims {
      for child in children[shim] ?? [] { kill(child, SIGKILL) }
      kill(shim, SIGKILL)
    }
    release()
    return shims.count
  }

  static func isMountPoint(_ path: String) -> Bool {
    guard let bytes = try? InitFiles.read("/proc/self/mountinfo") else { return false }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.split(separator: "\n").contains { line in
      let fields = line.split(separator: " ")
      return fields.count > 4 && fields[4] == path
    }
  }

  // MARK: - Sandboxes

  /// Creates a pod's namespaces (net, uts with `hostname`, ipc).
  public func createSandbox(id: String, hostname: String) async throws(RuntimeError) -> SandboxHandle {
    let directory = "\(runDirectory)/\(id)"
    let spec = SandboxSpec(namespaceDirectory: directory + "/ns", hostname: hostname)
    try KernelSetup.makeDirectories(directory, container: "sandbox \(id)")
    let specPath = directory + "/sandbox.json"
    try InitFiles.writeAtomically(specPath, (try? JSONValueEncoder().encode(spec).jsonBytes()) ?? [])
    let pid = try ChildProcesses.shared.spawn(initBinary, [initBinary, "sandbox", specPath], files: Self.quietStdio())
    let exit = await ChildProcesses.shared.wait(pid)
    guard exit == .exited(0) else {
      throw RuntimeError(stage: "create sandbox for pod \(id)", "skiff-init sandbox exited \(exit.code)")
    }
    return sandbox(id: id)!
  }

  /// The sandbox of pod `id`, if its namespaces are pinned.
  public func sandbox(id: String) -> SandboxHandle? {
    let directory = "\(runDirectory)/\(id)/ns"
    var namespaces: [String: String] = [:]
    for type in ["net", "uts", "ipc"] where access("\(directory)/\(type)", F_OK) == 0 {
      namespaces[type] = "\(directory)/\(type)"
    }
    return namespaces.isEmpty ? nil : SandboxHandle(id: id, namespaces: namespaces)
  }

  /// Unpins the pod's namespaces and removes its run directory. The namespaces go away with
  /// their last process.
  public func removeSandbox(id: String) {
    let directory = "\(runDirectory)/\(id)"
    for type in ["net", "uts", "ipc"] {
      // Propagation can stack copies of the pin on one path (a mount made while another
      // namespace shared the parent): take them all off, up to a bound.
      for _ in 0..<8 where umount2("\(directory)/ns/\(type)", Int32(MNT_DETACH)) == 0 {}
    }
    Self.removeTree(directory)
  }

  /// Every pod id with pinned namespaces (for re-adoption and cleanup).
  public func sandboxIDs() -> [String] {
    Self.listDirectory(runDirectory).filter { access("\(runDirectory)/\($0)/ns", F_OK) == 0 }
  }

  // MARK: - Containers

  /// Where a container's state lives.
  public func containerDirectory(pod: String, container: String) -> String {
    "\(stateDirectory)/\(pod)/containers/\(container)"
  }

  /// Starts a container from `spec` (paths in it already point into `directory`). Returns
  /// the host pid of its main process, or throws the start error (`exec: "/bin/foo": stat
  /// /bin/foo: no such file or directory`).
  public func start(_ spec: LaunchSpec, directory: String) async throws(RuntimeError) -> Int32 {
    try KernelSetup.makeDirectories(directory, container: spec.id)
    for path in [spec.rootfs.upperDir, spec.rootfs.workDir, spec.rootfs.mountPoint] {
      try KernelSetup.makeDirectories(path, container: spec.id)
    }
    unlink(spec.exitPath)
    let specPath = directory + "/spec.json"
    try InitFiles.writeAtomically(specPath, (try? JSONValueEncoder().encode(spec).jsonBytes()) ?? [])
    var report: [Int32] = [-1, -1]
    _ = skiff_pipe2(&report, O_CLOEXEC)
    var files = Self.quietStdio()
    files.dups.append((report[1], 3))
    let shim: Int32
    do {
      shim = try ChildProcesses.shared.spawn(initBinary, [initBinary, "run", specPath], files: files)
    } catch {
      close(report[0])
      close(report[1])
      throw error
    }
    close(report[1])
    let readFD = report[0]
    let bytes = await onBlockingThread { ContainerShim.readAll(readFD) }
    close(readFD)
    // The shim is our child: reap it whenever it ends (the daemon never waits on it).
    Task { _ = await ChildProcesses.shared.wait(shim) }
    guard let json = try? JSONValue(parsing: bytes), let parsed = try? JSONValueDecoder().decode(StartReport.self, from: json).value else {
      throw RuntimeError(stage: "start container \(spec.id)", "skiff-init sent no start report")
    }
    if let error = parsed.error { throw RuntimeError(stage: "start container \(spec.id)", error) }
    guard let pid = parsed.pid else { throw RuntimeError(stage: "start container \(spec.id)", "no pid reported") }
    return pid
  }

  /// The exit record of a container that has ended, or nil while it runs.
  public func exitRecord(at path: String) -> ExitRecord? {
    try? InitFiles.decode(ExitRecord.self, from: path)
  }

  /// Whether the process is alive (and not a zombie).
  public static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0, kill(pid, 0) == 0 else { return false }
    guard let stat = try? InitFiles.read("/proc/\(pid)/stat") else { return false }
    let text = String(decoding: stat, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return true }
    let state = text[text.index(close, offsetBy: 2)...].first
    return state != "Z" && state != "X"
  }

  /// Sends `signal` to a container's main process.
  public static func signal(_ pid: Int32, _ signal: Int32) {
    if pid > 0 { kill(pid, signal) }
  }

  /// Removes a container's writable layer and state.
  public func removeContainerState(_ directory: String) {
    Self.removeTree(directory)
  }

  /// Starts `skiff-init exec` for `spec` with the given stdio descriptors (pipes or a
  /// terminal). Returns the helper's pid once the process runs, or throws the start error.
  /// Runs a process in a running container (`skiff-init exec`). With `console` (one end of a
  /// unix socket pair) and `process.terminal`, the helper opens the terminal in the
  /// container and sends its master over `console`.
  public func exec(
    _ spec: ExecSpec, directory: String, stdin: Int32, stdout: Int32, stderr: Int32, console: Int32 = -1
  ) async throws(RuntimeError) -> (helper: Int32, process: Int32) {
    var spec = spec
    if console >= 0 { spec.consoleSocket = 4 }
    try KernelSetup.makeDirectories(directory, container: "exec")
    let specPath = "\(directory)/exec-\(UInt32.random(in: 0...UInt32.max)).json"
    try InitFiles.writeAtomically(specPath, (try? JSONValueEncoder().encode(spec).jsonBytes()) ?? [])
    defer { unlink(specPath) }
    var report: [Int32] = [-1, -1]
    _ = skiff_pipe2(&report, O_CLOEXEC)
    var files = ChildProcesses.FileActions()
    files.dups = [(stdin, 0), (stdout, 1), (stderr, 2), (report[1], 3)]
    if console >= 0 { files.dups.append((console, 4)) }
    let helper: Int32
    do {
      helper = try ChildProcesses.shared.spawn(initBinary, [initBinary, "exec", specPath], files: files)
    } catch {
      close(report[0])
      close(report[1])
      throw error
    }
    close(report[1])
    let readFD = report[0]
    let bytes = await onBlockingThread { ContainerShim.readAll(readFD) }
    close(readFD)
    let parsed = (try? JSONValue(parsing: bytes)).flatMap { try? JSONValueDecoder().decode(StartReport.self, from: $0).value }
    if let error = parsed?.error {
      _ = await ChildProcesses.shared.wait(helper)
      throw RuntimeError(stage: "exec", error)
    }
    guard let process = parsed?.pid else {
      _ = await ChildProcesses.shared.wait(helper)
      throw RuntimeError(stage: "exec", "skiff-init exec sent no start report")
    }
    return (helper, process)
  }

  static func quietStdio() -> ChildProcesses.FileActions {
    var files = ChildProcesses.FileActions()
    files.opens = [(0, "/dev/null", O_RDONLY), (1, "/dev/null", O_WRONLY), (2, "/dev/null", O_WRONLY)]
    return files
  }

  static func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// `rm -rf` without following symlinks out of the tree, and without crossing mounts.
  public static func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      for name in listDirectory(path) { removeTree("\(path)/\(name)") }
      if rmdir(path) != 0 && errno == EBUSY {
        _ = umount2(path, Int32(MNT_DETACH))
        rmdir(path)
      }
    } else {
      unlink(path)
    }
  }
}
