import CSkiffSys
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// `skiff-init run SPEC`: starts one container and stays with it as its shim (what conmon is
/// to runc): it forks the container's main process into new pid and mount namespaces,
/// reports the pid (or the start error) to the daemon on fd 3, copies the container's stdout
/// and stderr into the CRI log file, and writes the exit record when the process ends. The
/// shim outlives a daemon restart, so a restarted daemon can re-adopt the container.
public enum ContainerShim {
  public static func run(specPath: String, reportFD: Int32 = 3) -> Int32 {
    let spec: LaunchSpec
    do {
      spec = try InitFiles.decode(LaunchSpec.self, from: specPath)
    } catch {
      report(reportFD, StartReport(pid: nil, error: error.description))
      return 1
    }
    setsid()
    for sig in [SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT] { signal(sig, SIG_IGN) }
    // Nothing the shim holds may leak into the container: the report pipe in particular,
    // whose end-of-file tells the daemon the start is settled.
    _ = fcntl(reportFD, F_SETFD, FD_CLOEXEC)

    let logFD = open(spec.logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    var syncPipe: [Int32] = [-1, -1]
    var ptyMaster: Int32 = -1
    // With a terminal, the container opens it in its own /dev/pts once its root is in place
    // (so `tty` in there names it) and sends the master back over this socket pair.
    var console: [Int32] = [-1, -1]
    var stdinPipe: [Int32] = [-1, -1]
    if spec.process.openStdin == true && !spec.process.terminal { _ = skiff_pipe2(&stdinPipe, O_CLOEXEC) }
    if spec.process.terminal {
      _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &console)
    } else {
      _ = skiff_pipe2(&outPipe, O_CLOEXEC)
      _ = skiff_pipe2(&errPipe, O_CLOEXEC)
    }
    _ = skiff_pipe2(&syncPipe, O_CLOEXEC)

    do {
      for namespace in spec.joinNamespaces { try KernelSetup.join(namespace) }
      if spec.newNamespaces.contains("pid") { try KernelSetup.unshare(["pid"]) }
    } catch {
      finishStart(spec, reportFD, error: error.description)
      return 1
    }

    let child = fork()
    if child < 0 {
      finishStart(spec, reportFD, error: "fork: \(KernelSetup.errnoText())")
      return 1
    }
    if child == 0 {
      close(syncPipe[0])
      close(console[0])
      let failure = containerMain(
        spec, stdin: stdinPipe[0], stdout: outPipe[1], stderr: errPipe[1], console: spec.process.terminal ? console[1] : -1)
      InitFiles.writeAll(syncPipe[1], Array(failure.userMessage.utf8))
      _exit(127)
    }

    close(syncPipe[1])
    if stdinPipe[0] >= 0 { close(stdinPipe[0]) }
    if spec.process.terminal {
      close(console[1])
    } else {
      close(outPipe[1])
      close(errPipe[1])
    }
    let startError = readAll(syncPipe[0])
    close(syncPipe[0])
    if !startError.isEmpty {
      var status: Int32 = 0
      waitpid(child, &status, 0)
      finishStart(spec, reportFD, error: String(decoding: startError, as: UTF8.self))
      return 0
    }
    if spec.process.terminal {
      // Sent before the exec that ended the sync pipe, so it is there.
      ptyMaster = skiff_recv_fd(console[0])
      close(console[0])
    }
    // Listening before the start is reported: a client may attach as soon as it runs.
    let stdinWriter = spec.process.openStdin == true ? (spec.process.terminal ? ptyMaster : stdinPipe[1]) : -1
    let attach = spec.attachDirectory.flatMap {
      AttachServer(directory: $0, stdin: stdinWriter, terminal: ptyMaster, stdinOnce: spec.process.stdinOnce == true)
    }
    if attach == nil && stdinPipe[1] >= 0 { close(stdinPipe[1]) }
    report(reportFD, StartReport(pid: child, error: nil))

    let streams: [(fd: Int32, name: String)] =
      spec.process.terminal ? [(ptyMaster, "stdout")] : [(outPipe[0], "stdout"), (errPipe[0], "stderr")]
    let status = copyLogs(streams, to: logFD, child: child, attach: attach)
    if let attach, let directory = spec.attachDirectory { attach.shutdown(directory: directory) }
    let record: ExitRecord
    if skiff_wifsignaled(status) != 0 {
      let sig = skiff_wtermsig(status)
      record = ExitRecord(exitCode: 128 + sig, signal: sig, finishedAt: Timestamp.now().rfc3339)
    } else {
      record = ExitRecord(exitCode: skiff_wexitstatus(status), finishedAt: Timestamp.now().rfc3339)
    }
    try? InitFiles.writeAtomically(spec.exitPath, (try? JSONValueEncoder().encode(record).jsonBytes()) ?? [])
    return 0
  }

  /// The container's side of the fork: namespaces, root, identity, seccomp, exec. Returns
  /// only on failure, with the error to report.
  static func containerMain(_ spec: LaunchSpec, stdin: Int32, stdout: Int32, stderr: Int32, console: Int32) -> RuntimeError {
    skiff_reset_signals()
    setsid()
    do {
      if console < 0 {
        if stdin >= 0 {
          dup2(stdin, 0)
        } else {
          let null = open("/dev/null", O_RDONLY)
          dup2(null, 0)
          close(null)
        }
        dup2(stdout, 1)
        dup2(stderr, 2)
      }
      try KernelSetup.joinCgroups(spec.cgroups)
      if spec.newNamespaces.contains("mnt") { try KernelSetup.unshare(["mnt"]) }
      for step in SetupPlan.beforePivot(spec, isFile: KernelSetup.isFile) {
        try KernelSetup.perform(step, container: spec.id)
      }
      try KernelSetup.perform(.pivotRoot(spec.rootfs.mountPoint), container: spec.id)
      for step in SetupPlan.afterPivot(spec, isDirectory: KernelSetup.isDirectory, exists: KernelSetup.exists) {
        try KernelSetup.perform(step, container: spec.id)
      }
      if console >= 0 { try openTerminal(console) }
      try KernelSetup.makeDirectories(spec.process.cwd, container: spec.id)
      guard chdir(spec.process.cwd) == 0 else {
        throw RuntimeError(stage: "chdir to cwd (\"\(spec.process.cwd)\")", KernelSetup.errnoText())
      }
      let path = try KernelSetup.resolve(spec.process.args.first ?? "", env: spec.process.env)
      try KernelSetup.applyIdentity(spec.process)
      if let seccomp = spec.process.seccomp { try SeccompFilter.load(seccomp) }
      return KernelSetup.exec(path, spec.process)
    } catch let error as RuntimeError {
      return error
    } catch {
      return RuntimeError(stage: "start", String(describing: error))
    }
  }

  /// `tty: true`: a terminal from the container's own /dev/pts as stdin, stdout, stderr and
  /// controlling terminal, its master sent to the shim. 80x24 until a client sends its size
  /// (programs that ask a 0x0 terminal for its size fail).
  static func openTerminal(_ console: Int32) throws(RuntimeError) {
    var master: Int32 = -1
    var terminal: Int32 = -1
    guard skiff_openpty(&master, &terminal) == 0 else {
      throw RuntimeError(stage: "open a terminal in the container", KernelSetup.errnoText())
    }
    _ = skiff_set_window_size(master, 24, 80)
    guard skiff_send_fd(console, master) == 0 else {
      throw RuntimeError(stage: "send the terminal to the shim", KernelSetup.errnoText())
    }
    close(master)
    close(console)
    for fd: Int32 in 0...2 { dup2(terminal, fd) }
    if terminal > 2 { close(terminal) }
    _ = skiff_set_controlling_tty(0)
  }

  static func finishStart(_ spec: LaunchSpec, _ reportFD: Int32, error: String) {
    let record = ExitRecord(exitCode: 128, finishedAt: Timestamp.now().rfc3339, startError: error)
    try? InitFiles.writeAtomically(spec.exitPath, (try? JSONValueEncoder().encode(record).jsonBytes()) ?? [])
    report(reportFD, StartReport(pid: nil, error: error))
  }

  static func report(_ fd: Int32, _ report: StartReport) {
    let bytes = (try? JSONValueEncoder().encode(report).jsonBytes()) ?? []
    InitFiles.writeAll(fd, bytes + [0x0a])
    close(fd)
  }

  /// Reads a descriptor to its end.
  public static func readAllBytes(_ fd: Int32) -> [UInt8] { readAll(fd) }

  static func readAll(_ fd: Int32) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return out }
      out += buffer[0..<n]
    }
  }

  /// Copies each stream into the log, one CRI line per output line (`<time> stdout F text`;
  /// `P` for a piece of a longer line), and to attached clients as it comes, until the child
  /// has exited and the streams are drained. Returns the child's wait status.
  static func copyLogs(_ streams: [(fd: Int32, name: String)], to logFD: Int32, child: pid_t, attach: AttachServer? = nil) -> Int32 {
    var pending: [Int32: [UInt8]] = [:]
    var open = Set(streams.map(\.fd))
    var status: Int32 = 0
    var exited = false
    var exitedAt: ContinuousClock.Instant?
    let names = Dictionary(uniqueKeysWithValues: streams.map { ($0.fd, $0.name) })
    let maxLine = 16 * 1024

    func emit(_ fd: Int32, _ bytes: ArraySlice<UInt8>, partial: Bool) {
      guard logFD >= 0 else { return }
      let line = "\(InitFiles.criTimestamp()) \(names[fd] ?? "stdout") \(partial ? "P" : "F") "
      InitFiles.writeAll(logFD, Array(line.utf8) + bytes + [0x0a])
    }

    var buffer = [UInt8](repeating: 0, count: 32768)
    while !open.isEmpty {
      if !exited, skiff_try_reap(child, &status) == 1 {
        exited = true
        exitedAt = .now
      }
      // After the main process exits, give the streams a moment to drain, then stop: a
      // grandchild that escaped the namespace must not keep the shim alive.
      if let exitedAt, ContinuousClock.now - exitedAt > .seconds(2) { break }
      let attachFDs = attach?.pollDescriptors ?? []
      var fds = (open.sorted() + attachFDs).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      let ready = poll(&fds, nfds_t(fds.count), exited ? 50 : 200)
      if ready < 0 && errno == EINTR { continue }
      for p in fds where p.revents != 0 {
        if !open.contains(p.fd) {
          attach?.readable(p.fd)
          continue
        }
        let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
        if n <= 0 {
          if n < 0 && errno == EINTR { continue }
          open.remove(p.fd)
          if let rest = pending[p.fd], !rest.isEmpty { emit(p.fd, rest[...], partial: false) }
          pending[p.fd] = nil
          continue
        }
        attach?.broadcast(names[p.fd] == "stderr" ? AttachFrame.stderr : AttachFrame.stdout, buffer[0..<n])
        var data = (pending[p.fd] ?? []) + buffer[0..<n]
        while let newline = data.firstIndex(of: 0x0a) {
          var line = data[..<newline]
          if line.last == 0x0d { line = line.dropLast() }
          emit(p.fd, line, partial: false)
          data.removeSubrange(...newline)
        }
        while data.count > maxLine {
          emit(p.fd, data[..<maxLine], partial: true)
          data.removeSubrange(..<maxLine)
        }
        pending[p.fd] = data
      }
    }
    if !exited { waitpid(child, &status, 0) }
    return status
  }
}
