import CSkiffSys
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
public enum ChildExit: Sendable, Equatable {
  case exited(Int32)
  case signalled(Int32)

  /// The status a shell reports: the exit code, or 128+N for signal N.
  public var code: Int32 {
    switch self {
    case .exited(let c): return c
    case .signalled(let s): return 128 + s
    }
  }
}

/// Every child the daemon starts goes through here: spawned with posix_spawn (never fork in
/// a multi-threaded process) and reaped by one SIGCHLD handler, which also reaps orphans
/// re-parented to the daemon as a child subreaper. Nothing else may call waitpid.
public final class ChildProcesses: Sendable {
  public static let shared = ChildProcesses()

  private struct State {
    var waiters: [pid_t: [CheckedContinuation<ChildExit, Never>]] = [:]
    var finished: [pid_t: ChildExit] = [:]
    var tracked: Set<pid_t> = []
    /// Reap every child, not only ours: set when this process is a subreaper (the daemon),
    /// whose re-parented orphans nobody else will reap.
    var reapAll = false
  }

  private let state = Mutex(State())
  private let queue = DispatchQueue(label: "skiff.reaper")
  // Kept alive for the life of the process.
  private nonisolated(unsafe) var source: (any DispatchSourceSignal)?
  private nonisolated(unsafe) var timer: (any DispatchSourceTimer)?

  init() {
    signal(SIGCHLD, SIG_DFL)
    let source = DispatchSource.makeSignalSource(signal: SIGCHLD, queue: queue)
    source.setEventHandler { [weak self] in self?.reap() }
    source.resume()
    self.source = source
    // libdispatch installs its SIGCHLD handler asynchronously after resume(): a child that
    // exits before that (the daemon's first `ip`, at once) sends a signal nobody sees, and its
    // waiter would wait forever. A once-a-second sweep reaps what a lost signal left.
    let timer = DispatchSource.makeTimerSource(queue: queue)
    timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1))
    timer.setEventHandler { [weak self] in self?.reap() }
    timer.resume()
    self.timer = timer
  }

  /// Makes this process a child subreaper: orphaned descendants (container shims whose
  /// parent died) are re-parented here instead of to init.
  public func becomeSubreaper() {
    _ = skiff_set_subreaper()
    state.withLock { $0.reapAll = true }
  }

  /// File descriptor wiring for a spawned child: `dup2(from, to)` for each pair; every other
  /// descriptor is closed in the child (they are opened close-on-exec).
  public struct FileActions {
    public var dups: [(from: Int32, to: Int32)] = []
    public var opens: [(fd: Int32, path: String, flags: Int32)] = []
    public init() {}
  }

  /// Spawns `path` with `arguments` (argv[0] included) and `environment`.
  public func spawn(
    _ path: String, _ arguments: [String], environment: [String] = defaultEnvironment, files: FileActions = FileActions()
  ) throws(RuntimeError) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (fd, openPath, flags) in files.opens {
      posix_spawn_file_actions_addopen(&actions, fd, openPath, flags, 0o644)
    }
    for (from, to) in files.dups {
      if from == to {
        // dup2(fd, fd) does not clear close-on-exec; move it through a free slot.
        posix_spawn_file_actions_adddup2(&actions, from, 100)
        posix_spawn_file_actions_adddup2(&actions, 100, to)
        posix_spawn_file_actions_addclose(&actions, 100)
      } else {
        posix_spawn_file_actions_adddup2(&actions, from, to)
      }
    }
    var attributes = posix_spawnattr_t()
    skiff_spawnattr_init_clean(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    // Hold the lock across spawn so the reaper cannot see the child exit before it is tracked.
    let rc = state.withLock { state -> Int32 in
      let rc = posix_spawn(&pid, path, &actions, &attributes, &argv, &envp)
      if rc == 0 { state.tracked.insert(pid) }
      return rc
    }
    guard rc == 0 else {
      throw RuntimeError(stage: "spawn \(path)", String(cString: strerror(rc)))
    }
    return pid
  }

  /// Waits for a spawned child to end.
  public func wait(_ pid: Int32) async -> ChildExit {
    await withCheckedContinuation { continuation in
      let done = state.withLock { state -> ChildExit? in
        if let exit = state.finished.removeValue(forKey: pid) { return exit }
        state.waiters[pid, default: []].append(continuation)
        return nil
      }
      if let done {
        continuation.resume(returning: done)
      } else {
        // It may have ended before anyone listened for SIGCHLD.
        queue.async { [weak self] in self?.reap() }
      }
    }
  }

  /// Whether `pid` has been reaped (it exited) — for spawned children only.
  public func hasExited(_ pid: Int32) -> Bool {
    state.withLock { $0.finished[pid] != nil || (!$0.tracked.contains(pid) && $0.waiters[pid] == nil) }
  }

  private func reap() {
    // Only our own children, unless this process is the subreaper: a test process may also
    // run children through Foundation, whose exit statuses are not ours to take.
    let (candidates, reapAll) = state.withLock { (Array($0.tracked), $0.reapAll) }
    var exits: [(pid_t, ChildExit)] = []
    for pid in candidates {
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid { exits.append((pid, Self.exit(status))) }
    }
    while reapAll {
      var status: Int32 = 0
      let pid = waitpid(-1, &status, WNOHANG)
      if pid <= 0 { break }
      exits.append((pid, Self.exit(status)))
    }
    for (pid, exit) in exits {
      let waiters = state.withLock { state -> [CheckedContinuation<ChildExit, Never>] in
        let tracked = state.tracked.remove(pid) != nil
        let waiting = state.waiters.removeValue(forKey: pid) ?? []
        if waiting.isEmpty && tracked { state.finished[pid] = exit }
        return waiting
      }
      for waiter in waiters { waiter.resume(returning: exit) }
    }
  }

  static func exit(_ status: Int32) -> ChildExit {
    skiff_wifsignaled(status) != 0 ? .signalled(skiff_wtermsig(status)) : .exited(skiff_wexitstatus(status))
  }

  /// The environment children get unless told otherwise.
  public static let defaultEnvironment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"]
}

/// Runs blocking work (a read on a pipe, a poll on a pidfd) on a thread of its own, never on
/// the cooperative pool.
public func onBlockingThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    BlockingThreads.shared.submit { continuation.resume(returning: work()) }
  }
}

/// Threads for blocking calls. Not Dispatch's global queues: on Linux, libdispatch gives a
/// global queue whose threads are all blocked a new thread only about once a second, so with
/// one exit watcher per running container every next container start (its start report is
/// read here) waited up to a second. This pool starts a thread whenever none is idle; a thread
/// idle for 30 s ends.
public final class BlockingThreads: Sendable {
  public static let shared = BlockingThreads()

  private struct State {
    var jobs: [@Sendable () -> Void] = []
    /// Threads waiting for a job and not yet promised one.
    var idle = 0
  }

  private let state = Mutex(State())
  /// One signal per queued job.
  private let wakeups = DispatchSemaphore(value: 0)

  /// Runs `job` on an idle pool thread, or on a new one.
  public func submit(_ job: @escaping @Sendable () -> Void) {
    let queued = state.withLock { state -> Bool in
      guard state.idle > 0 else { return false }
      state.idle -= 1
      state.jobs.append(job)
      return true
    }
    if queued {
      wakeups.signal()
    } else if !DetachedThread.start({ self.work(first: job) }) {
      DispatchQueue.global().async(execute: job)
    }
  }

  private func work(first: @escaping @Sendable () -> Void) {
    var job: (@Sendable () -> Void)? = first
    while let current = job {
      current()
      job = nil
      state.withLock { $0.idle += 1 }
      while job == nil {
        if wakeups.wait(timeout: .now() + 30) == .success {
          job = state.withLock { $0.jobs.removeFirst() }
          continue
        }
        // Timed out: leave, unless every idle thread was just promised a job (then a signal
        // for this one is on its way).
        let leave = state.withLock { state -> Bool in
          guard state.idle > 0 else { return false }
          state.idle -= 1
          return true
        }
        if leave { return }
      }
    }
  }
}
