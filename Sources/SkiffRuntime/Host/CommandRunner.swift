import CSkiffSys

#if canImport(Glibc)
import Glibc
#endif

/// The output of a host command.
public struct CommandResult: Sendable, Equatable {
  public var exit: ChildExit
  public var stdout: String
  public var stderr: String
}

/// Runs host commands (`ip`, `iptables-restore`). A protocol, so the network and node code
/// can be tested with a recording fake instead of the kernel.
public protocol CommandRunning: Sendable {
  func run(_ arguments: [String], input: String?) async throws -> CommandResult
}

extension CommandRunning {
  /// Runs a command and fails with its stderr when it exits non-zero.
  @discardableResult
  public func check(_ arguments: [String], input: String? = nil) async throws -> String {
    let result = try await run(arguments, input: input)
    guard result.exit == .exited(0) else {
      let text = result.stderr.isEmpty ? result.stdout : result.stderr
      throw RuntimeError(stage: arguments.joined(separator: " "), "exit \(result.exit.code): \(text.trimmedLines)")
    }
    return result.stdout
  }
}

/// Runs commands for real, through `ChildProcesses`.
public struct HostCommands: CommandRunning {
  public init() {}

  public func run(_ arguments: [String], input: String?) async throws -> CommandResult {
    guard let program = arguments.first else { throw RuntimeError(stage: "run", "empty command") }
    let path = program.hasPrefix("/") ? program : Self.locate(program)
    var inPipe: [Int32] = [-1, -1]
    var outPipe: [Int32] = [-1, -1]
    var errPipe: [Int32] = [-1, -1]
    _ = skiff_pipe2(&inPipe, O_CLOEXEC)
    _ = skiff_pipe2(&outPipe, O_CLOEXEC)
    _ = skiff_pipe2(&errPipe, O_CLOEXEC)
    var files = ChildProcesses.FileActions()
    files.dups = [(inPipe[0], 0), (outPipe[1], 1), (errPipe[1], 2)]
    let pid: pid_t
    do {
      pid = try ChildProcesses.shared.spawn(path, arguments, files: files)
    } catch {
      for fd in inPipe + outPipe + errPipe { close(fd) }
      throw error
    }
    close(inPipe[0])
    close(outPipe[1])
    close(errPipe[1])
    let writeFD = inPipe[1], outFD = outPipe[0], errFD = errPipe[0]
    let inputBytes = Array((input ?? "").utf8)
    async let written: Void = onBlockingThread {
      var offset = 0
      while offset < inputBytes.count {
        let n = inputBytes.withUnsafeBytes { write(writeFD, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { break }
        offset += n
      }
      close(writeFD)
    }
    async let out = onBlockingThread { Self.readAll(outFD) }
    async let err = onBlockingThread { Self.readAll(errFD) }
    _ = await written
    let (o, e) = await (out, err)
    close(outFD)
    close(errFD)
    let exit = await ChildProcesses.shared.wait(pid)
    return CommandResult(exit: exit, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  static func readAll(_ fd: Int32) -> [UInt8] { ContainerShim.readAll(fd) }

  static func locate(_ program: String) -> String {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"] {
      let candidate = "\(dir)/\(program)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return program
  }
}

extension String {
  /// The text with its lines joined by "; " and trailing whitespace dropped, for messages.
  var trimmedLines: String {
    split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }.joined(separator: "; ")
  }
}
