import CSkiffSys
import SkiffRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests: spawned with posix_spawn and reaped by waitpid on its own pid.
///
/// Blocking waits and reads run on `BlockingThreads`, not Dispatch's global queue (which on
/// Linux adds a thread only about once a second when all of its threads block).
///
/// Tests must not use Foundation's `Process`: in Swift 6.3.1 its `run()` reads
/// `/proc/self/fd` with an over-long copy and crashes the whole test process now and then when
/// several tests start programs at once (swift-corelibs-foundation#5472). Nothing here touches
/// process-wide signal handling, so it coexists with the runtime's SIGCHLD reaper (which only
/// reaps the children it spawned itself).
public final class Subprocess: Sendable {
  /// Where a standard stream of the child goes.
  public enum Stream: Sendable {
    /// /dev/null.
    case null
    /// A file: read for stdin; for output created (mode 0644) and appended to.
    case file(String)
    /// One of this process's descriptors, duplicated onto the child's.
    case descriptor(Int32)
  }

  public let pid: Int32
  public let path: String
  private let exitStatus = Mutex<Int32?>(nil)

  /// Starts `path` with `arguments` (argv[0] is added); `environment` nil inherits this
  /// process's. Every descriptor but 0, 1 and 2 is closed in the child.
  public init(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil,
    stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null
  ) throws(SubprocessError) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (fd, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
      switch stream {
      case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
      case .file(let file):
        posix_spawn_file_actions_addopen(&actions, fd, file, fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND, 0o644)
      case .descriptor(let source): posix_spawn_file_actions_adddup2(&actions, source, fd)
      }
    }
    _ = skiff_spawn_actions_close_from(&actions, 3)
    var attributes = posix_spawnattr_t()
    skiff_spawnattr_init_clean(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }

    let inherited = environment == nil
    var env = environment ?? [:]
    if inherited {
      var entry = environ
      while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if let equals = text.firstIndex(of: "=") {
          env[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        entry += 1
      }
    }
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw SubprocessError("cannot start \(path): \(String(cString: strerror(rc)))") }
    self.pid = pid
    self.path = path
  }

  /// Whether the child has not exited yet (reaps it if it has).
  public var isRunning: Bool { reap(blocking: false) == nil }

  /// Sends `signal` to the child, unless it has already been reaped.
  public func signal(_ signal: Int32) {
    if exitStatus.withLock({ $0 }) == nil { kill(pid, signal) }
  }

  /// Blocks this thread until the child exits; its exit code, or 128+N for signal N.
  public func waitBlocking() -> Int32 {
    while true {
      if let status = reap(blocking: true) { return status }
    }
  }

  /// Waits for the child to exit, blocking a thread of its own, never a cooperative one.
  public func wait() async -> Int32 {
    await onBlockingThread { self.waitBlocking() }
  }

  /// Waits at most `timeout`, then kills the child (SIGKILL) and reports that.
  public func wait(timeout: Duration) async throws(SubprocessError) -> Int32 {
    let deadline = ContinuousClock.now + timeout
    while isRunning {
      guard ContinuousClock.now < deadline else {
        signal(SIGKILL)
        _ = await wait()
        throw SubprocessError("\(path) did not exit within \(timeout); killed it")
      }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return await wait()
  }

  private func reap(blocking: Bool) -> Int32? {
    if let status = exitStatus.withLock({ $0 }) { return status }
    var raw: Int32 = 0
    let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
    if result == pid {
      // WIFSIGNALED / WTERMSIG / WEXITSTATUS, spelled out (the C macros are not imported).
      let signal = raw & 0x7f
      let code = signal != 0 && signal != 0x7f ? 128 + signal : (raw >> 8) & 0xff
      exitStatus.withLock { $0 = code }
      return code
    }
    if result == -1 && errno == ECHILD {
      // Another thread reaped it and is about to record the status.
      while true {
        if let status = exitStatus.withLock({ $0 }) { return status }
        usleep(1000)
      }
    }
    return nil
  }

  deinit {
    if exitStatus.withLock({ $0 }) == nil {
      kill(pid, SIGKILL)
      _ = waitBlocking()
    }
  }

  // MARK: - Conveniences

  /// What a finished program printed.
  public struct Output: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

    public init(status: Int32, stdout: String, stderr: String) {
      self.status = status
      self.stdout = stdout
      self.stderr = stderr
    }
  }

  /// Runs a program to its end with stdout and stderr captured (the same pipe for both when
  /// `mergeOutput`), killing it after `timeout`. Nothing blocks a cooperative thread.
  public static func run(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Stream = .null,
    mergeOutput: Bool = false, timeout: Duration = .seconds(60)
  ) async throws(SubprocessError) -> Output {
    let out = try Pipe()
    let err = mergeOutput ? out : try Pipe()
    let child: Subprocess
    do {
      child = try Subprocess(
        path, arguments, environment: environment, stdin: stdin,
        stdout: .descriptor(out.write), stderr: .descriptor(err.write))
    } catch {
      out.closeBoth()
      if !mergeOutput { err.closeBoth() }
      throw error
    }
    out.closeWrite()
    if !mergeOutput { err.closeWrite() }
    async let stdoutBytes = out.readToEnd()
    async let stderrBytes = mergeOutput ? [] : err.readToEnd()
    let status: Int32
    do {
      status = try await child.wait(timeout: timeout)
    } catch {
      _ = await (stdoutBytes, stderrBytes)
      throw error
    }
    let (o, e) = await (stdoutBytes, stderrBytes)
    return Output(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  /// A close-on-exec pipe.
  public final class Pipe: Sendable {
    public let read: Int32
    public let write: Int32
    private let writeOpen = Atomic<Bool>(true)

    public init() throws(SubprocessError) {
      var fds: [Int32] = [0, 0]
      guard skiff_pipe2(&fds, O_CLOEXEC) == 0 else { throw SubprocessError("pipe: \(String(cString: strerror(errno)))") }
      read = fds[0]
      write = fds[1]
    }

    public func closeWrite() {
      if writeOpen.exchange(false, ordering: .acquiringAndReleasing) { close(write) }
    }

    func closeBoth() {
      closeWrite()
      close(read)
    }

    /// Reads until end of file on a blocking thread, then closes the read end.
    public func readToEnd() async -> [UInt8] {
      await onBlockingThread {
        let bytes = ContainerShim.readAllBytes(self.read)
        close(self.read)
        return bytes
      }
    }

    /// Calls `line` for each line read (without its newline) on a blocking thread until end
    /// of file, then closes the read end.
    public func forEachLine(_ line: @escaping @Sendable (String) -> Void) {
      BlockingThreads.shared.submit {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
          let n = buffer.withUnsafeMutableBytes { Glibc.read(self.read, $0.baseAddress, $0.count) }
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { break }
          pending.append(contentsOf: buffer[..<n])
          while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            line(String(decoding: pending[..<newline], as: UTF8.self))
            pending.removeSubrange(...newline)
          }
        }
        if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
        close(self.read)
      }
    }
  }
}

public struct SubprocessError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
