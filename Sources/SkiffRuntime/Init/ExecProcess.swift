import CSkiffSys
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// What `skiff-init exec` runs: a process inside a running container.
public struct ExecSpec: Codable, Sendable, Equatable {
  /// The container's main process (host pid): its namespaces are joined.
  public var targetPid: Int32
  /// Namespaces to join, in order (`ipc`, `uts`, `net`, `pid`, `mnt`).
  public var namespaces: [String]
  public var cgroups: [String]
  public var process: ProcessSpec
  /// With `process.terminal`: a unix socket (this descriptor in the helper) over which the
  /// helper sends the master of a terminal it opens inside the container's own /dev/pts, as
  /// runc's `--console-socket` does. Without it the process gets the helper's stdio.
  public var consoleSocket: Int32?

  public init(
    targetPid: Int32, namespaces: [String] = ["ipc", "uts", "net", "pid", "mnt"], cgroups: [String] = [], process: ProcessSpec,
    consoleSocket: Int32? = nil
  ) {
    self.targetPid = targetPid
    self.namespaces = namespaces
    self.cgroups = cgroups
    self.process = process
    self.consoleSocket = consoleSocket
  }
}

/// `skiff-init exec SPEC`: joins a running container's namespaces and cgroups, then runs a
/// process there with the container's identity and seccomp filter, on the stdio it was
/// given (pipes, or a terminal with `process.terminal`). Reports a start failure on fd 3 and
/// exits with the process's exit code (128+N when killed by signal N).
public enum ExecProcess {
  public static func run(specPath: String, reportFD: Int32 = 3) -> Int32 {
    let spec: ExecSpec
    do {
      spec = try InitFiles.decode(ExecSpec.self, from: specPath)
    } catch {
      ContainerShim.report(reportFD, StartReport(pid: nil, error: error.description))
      return 255
    }
    _ = fcntl(reportFD, F_SETFD, FD_CLOEXEC)
    if let console = spec.consoleSocket {
      _ = fcntl(console, F_SETFD, FD_CLOEXEC)
    } else {
      close(4)
    }
    // Open every namespace first: after joining the mount namespace, /proc/<pid> may differ.
    var fds: [(String, Int32)] = []
    for type in spec.namespaces {
      let fd = open("/proc/\(spec.targetPid)/ns/\(type)", O_RDONLY | O_CLOEXEC)
      if fd < 0 {
        ContainerShim.report(reportFD, StartReport(pid: nil, error: "container process \(spec.targetPid) is gone: open \(type) namespace: \(KernelSetup.errnoText())"))
        return 255
      }
      fds.append((type, fd))
    }
    do {
      try KernelSetup.joinCgroups(spec.cgroups)
    } catch {
      // The cgroup may be gone with the container; joining it is best effort.
    }
    for (type, fd) in fds {
      if skiff_setns(fd, 0) != 0 {
        ContainerShim.report(reportFD, StartReport(pid: nil, error: "join \(type) namespace: \(KernelSetup.errnoText())"))
        return 255
      }
      close(fd)
    }
    // The terminal, opened now that this is the container's mount namespace: its /dev/pts,
    // so `tty` in there names it. The master goes back to the daemon.
    var terminal: Int32 = -1
    if spec.process.terminal, let console = spec.consoleSocket {
      var master: Int32 = -1
      guard skiff_openpty(&master, &terminal) == 0 else {
        ContainerShim.report(reportFD, StartReport(pid: nil, error: "open a terminal in the container: \(KernelSetup.errnoText())"))
        return 255
      }
      _ = fcntl(terminal, F_SETFD, FD_CLOEXEC)
      // 80x24 until the client's size arrives (a resize frame, a moment after the start):
      // a 0x0 terminal makes programs that ask for its size fail.
      _ = skiff_set_window_size(master, 24, 80)
      let sent = skiff_send_fd(console, master)
      close(master)
      close(console)
      guard sent == 0 else {
        ContainerShim.report(reportFD, StartReport(pid: nil, error: "send the terminal to the daemon: \(KernelSetup.errnoText())"))
        return 255
      }
    }
    var syncPipe: [Int32] = [-1, -1]
    _ = skiff_pipe2(&syncPipe, O_CLOEXEC)
    let child = fork()
    if child == 0 {
      close(syncPipe[0])
      skiff_reset_signals()
      setsid()
      if terminal >= 0 {
        for fd: Int32 in 0...2 { dup2(terminal, fd) }
      }
      if spec.process.terminal { _ = skiff_set_controlling_tty(0) }
      let failure: RuntimeError
      do {
        guard chdir(spec.process.cwd) == 0 else {
          throw RuntimeError(stage: "exec", "chdir to cwd (\"\(spec.process.cwd)\") set in config.json failed: no such file or directory")
        }
        let path = try KernelSetup.resolve(spec.process.args.first ?? "", env: spec.process.env)
        try KernelSetup.applyIdentity(spec.process)
        if let seccomp = spec.process.seccomp { try SeccompFilter.load(seccomp) }
        failure = KernelSetup.exec(path, spec.process)
      } catch let error as RuntimeError {
        failure = error
      } catch {
        failure = RuntimeError(stage: "exec", String(describing: error))
      }
      InitFiles.writeAll(syncPipe[1], Array(failure.userMessage.utf8))
      _exit(127)
    }
    close(syncPipe[1])
    if terminal >= 0 { close(terminal) }
    // The terminal (or the daemon) delivers job-control signals to the process itself;
    // the exec helper only waits.
    for sig in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGPIPE] { signal(sig, SIG_IGN) }
    let startError = ContainerShim.readAll(syncPipe[0])
    if !startError.isEmpty {
      var status: Int32 = 0
      waitpid(child, &status, 0)
      ContainerShim.report(reportFD, StartReport(pid: nil, error: String(decoding: startError, as: UTF8.self)))
      return 255
    }
    ContainerShim.report(reportFD, StartReport(pid: child, error: nil))
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    if skiff_wifsignaled(status) != 0 { return 128 + skiff_wtermsig(status) }
    return skiff_wexitstatus(status)
  }
}
