import Foundation
import Synchronization

/// Runs the package's built executables as real processes, the way a user runs them.
enum ProgramRunner {
  /// The directory holding the built products (next to the test bundle).
  static var productsDirectory: URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent()
  }

  static func path(_ product: String) -> String {
    productsDirectory.appendingPathComponent(product).path
  }

  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
  }

  /// Runs `product` with `arguments` to completion.
  static func run(_ product: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path(product))
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    // Never block a cooperative thread waiting: in-process servers in the same test run need them.
    let exited = AsyncStream<Void>.makeStream()
    process.terminationHandler = { _ in exited.continuation.finish() }
    try process.run()
    async let stdoutData = readToEnd(out.fileHandleForReading)
    async let stderrData = readToEnd(err.fileHandleForReading)
    let killer = Task.detached {
      try await Task.sleep(for: timeout)
      process.terminate()
    }
    for await _ in exited.stream {}
    killer.cancel()
    let (o, e) = await (stdoutData, stderrData)
    return Output(
      status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }

  /// Reads a pipe to its end on a Dispatch thread, not a cooperative one.
  static func readToEnd(_ handle: FileHandle) async -> Data {
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
    }
  }

  /// A long-running program (a server), read line by line from its stderr.
  final class Background: @unchecked Sendable {
    // Safe: `lines` is only touched under `lock`; the Process is started once and then only
    // signalled or waited on.
    let process = Process()
    private let lock = NSLock()
    private var lines: [String] = []
    private var buffer = Data()

    init(_ product: String, _ arguments: [String]) throws {
      process.executableURL = URL(fileURLWithPath: ProgramRunner.path(product))
      process.arguments = arguments
      let err = Pipe()
      process.standardError = err
      process.standardOutput = FileHandle.nullDevice
      err.fileHandleForReading.readabilityHandler = { [weak self] handle in
        let data = handle.availableData
        guard let self, !data.isEmpty else { return }
        self.lock.lock()
        defer { self.lock.unlock() }
        self.buffer.append(data)
        while let newline = self.buffer.firstIndex(of: UInt8(ascii: "\n")) {
          self.lines.append(String(decoding: self.buffer[..<newline], as: UTF8.self))
          self.buffer.removeSubrange(...newline)
        }
      }
      try process.run()
    }

    var output: [String] {
      lock.lock()
      defer { lock.unlock() }
      return lines
    }

    /// Waits until a line containing `text` appears; returns it.
    func waitForLine(containing text: String, timeout: Duration = .seconds(20)) async throws -> String {
      let deadline = ContinuousClock.now + timeout
      while ContinuousClock.now < deadline {
        if let line = output.first(where: { $0.contains(text) }) { return line }
        if !process.isRunning { break }
        try await Task.sleep(for: .milliseconds(20))
      }
      throw RunnerError("no line containing \"\(text)\" from \(process.executableURL!.lastPathComponent); got: \(output)")
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; returns its status.
    func wait(timeout: Duration = .seconds(20)) async throws -> Int32 {
      let deadline = ContinuousClock.now + timeout
      while process.isRunning {
        if ContinuousClock.now > deadline {
          process.terminate()
          throw RunnerError("\(process.executableURL!.lastPathComponent) did not exit in time")
        }
        try await Task.sleep(for: .milliseconds(20))
      }
      return process.terminationStatus
    }

    deinit {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
  }

  struct RunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }
}

/// The port from a `server listening at HOST:PORT` line.
func listeningPort(from line: String) -> Int? {
  guard let colon = line.lastIndex(of: ":") else { return nil }
  return Int(line[line.index(after: colon)...])
}

/// Whether `line` is Go's `log.Printf` format: `YYYY/MM/DD HH:MM:SS <message>`.
func isGoLogLine(_ line: String, message: String) -> Bool {
  let pattern = #/^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} (.*)$/#
  guard let match = line.wholeMatch(of: pattern) else { return false }
  return match.1 == message
}

/// A loopback address of this test's own (127.77.x.y): every address in 127/8 reaches this
/// machine, and tests that bind port 0 on distinct addresses never race each other for a port.
func testLoopback() -> String {
  let n = loopbackCounter.add(1, ordering: .relaxed).newValue
  return "127.77.\(n / 250).\(n % 250 + 1)"
}

private let loopbackCounter = Atomic<Int>(Int(getpid() % 100) * 500)
