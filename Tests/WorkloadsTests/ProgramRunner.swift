import Foundation
import SkiffTestSupport
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

  typealias Output = Subprocess.Output

  /// Runs `product` with `arguments` to completion.
  static func run(_ product: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Output {
    try await Subprocess.run(path(product), arguments, timeout: timeout)
  }

  /// A long-running program (a server), read line by line from its stderr.
  final class Background: Sendable {
    let process: Subprocess
    let name: String
    private let lines = Mutex<[String]>([])

    init(_ product: String, _ arguments: [String]) throws {
      name = product
      let err = try Subprocess.Pipe()
      defer { err.closeWrite() }
      process = try Subprocess(ProgramRunner.path(product), arguments, stderr: .descriptor(err.write))
      err.forEachLine { [weak self] line in self?.lines.withLock { $0.append(line) } }
    }

    var output: [String] { lines.withLock { $0 } }

    /// Waits until a line containing `text` appears; returns it.
    func waitForLine(containing text: String, timeout: Duration = .seconds(20)) async throws -> String {
      let deadline = ContinuousClock.now + timeout
      while ContinuousClock.now < deadline {
        if let line = output.first(where: { $0.contains(text) }) { return line }
        if !process.isRunning { break }
        try await Task.sleep(for: .milliseconds(20))
      }
      throw RunnerError("no line containing \"\(text)\" from \(name); got: \(output)")
    }

    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for the process to exit; returns its status.
    func wait(timeout: Duration = .seconds(20)) async throws -> Int32 {
      try await process.wait(timeout: timeout)
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
