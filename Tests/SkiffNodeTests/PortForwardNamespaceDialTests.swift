import Foundation
@testable import SkiffNode
import Testing

/// `NamespaceDial`, the port-forward dial into a pod's network namespace, against a network
/// namespace of the test's own (`ip netns add skiff-pf-test-<pid>`) with busybox httpd
/// listening only on its 127.0.0.1.
private let busybox = ["/bin/busybox", "/usr/bin/busybox"].first { FileManager.default.isExecutableFile(atPath: $0) }
private let tools = FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") && busybox != nil

@Suite(
  "port-forward: dialling localhost inside a network namespace",
  .enabled(if: getuid() == 0, "needs root: creates and enters a network namespace"),
  .enabled(if: tools, "needs /usr/sbin/ip and busybox (scripts/install-deps)"),
  .serialized)
struct PortForwardNamespaceDialTests {

  /// Starts `arguments` (stdio to /dev/null); its pid.
  static func spawn(_ arguments: [String]) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in [0, 1, 2] {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
    return pid
  }

  /// Runs `arguments` to the end; its exit status.
  @discardableResult
  static func run(_ arguments: [String]) throws -> Int32 {
    let pid = try spawn(arguments)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status >> 8) & 0xff
  }

  /// A network namespace with only `lo` (up), deleted when `body` returns.
  static func withNamespace(_ body: (String) async throws -> Void) async throws {
    let name = "skiff-pf-test-\(getpid())"
    try run(["/usr/sbin/ip", "netns", "del", name])
    #expect(try run(["/usr/sbin/ip", "netns", "add", name]) == 0)
    defer { _ = try? run(["/usr/sbin/ip", "netns", "del", name]) }
    #expect(try run(["/usr/sbin/ip", "-n", name, "link", "set", "lo", "up"]) == 0)
    try await body(name)
  }

  /// The inode of the calling thread's network namespace.
  static func threadNamespace() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self/ns/net")) ?? "?"
  }

  /// Reads from `fd` (non-blocking) until the peer closes or `timeout` passes.
  static func readAll(_ fd: Int32, timeout: Duration = .seconds(10)) -> String {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, 200) >= 0 else { break }
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n > 0 {
        out += buffer[0..<n]
      } else if n == 0 || errno != EAGAIN {
        break
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  @Test func reachesAnAppListeningOnlyOnTheNamespacesLoopback() async throws {
    try await Self.withNamespace { name in
      let www = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-pf-test-\(getpid())").path
      try FileManager.default.createDirectory(atPath: www, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(atPath: www) }
      let token = "hello from inside \(name)"
      try token.write(toFile: www + "/index.html", atomically: true, encoding: .utf8)
      let port = 20000 + Int(getpid() % 20000)
      let httpd = try Self.spawn(["/usr/sbin/ip", "netns", "exec", name, busybox!, "httpd", "-f", "-p", "127.0.0.1:\(port)", "-h", www])
      defer {
        kill(httpd, SIGKILL)
        var status: Int32 = 0
        while waitpid(httpd, &status, 0) < 0 && errno == EINTR {}
      }

      // httpd starts listening shortly: dial until it answers.
      var fd: Int32 = -1
      let deadline = ContinuousClock.now + .seconds(10)
      while fd < 0 {
        do throws(NamespaceDial.Failure) {
          fd = try await NamespaceDial.connect(namespacePath: "/run/netns/\(name)", port: port)
        } catch {
          guard ContinuousClock.now < deadline, case .connect = error else {
            Issue.record("dial failed: \(error)")
            return
          }
          try await Task.sleep(for: .milliseconds(50))
        }
      }
      defer { close(fd) }
      let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
      #expect(write(fd, request, request.count) == request.count)
      let response = Self.readAll(fd)
      #expect(response.hasPrefix("HTTP/1.") && response.contains(token), "\(response)")

      // The same port in the test's own namespace is not that app.
      let here = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      defer { close(here) }
      if NamespaceDial.connectLoopback(here, ipv6: false, port: port, timeout: .seconds(2)) == nil {
        _ = write(here, request, request.count)
        #expect(!Self.readAll(here, timeout: .seconds(2)).contains(token))
      }
    }
  }

  @Test func aPortNothingListensOnIsRefusedInBothFamilies() async throws {
    try await Self.withNamespace { name in
      let port = 20000 + Int(getpid() % 20000) + 1
      do throws(NamespaceDial.Failure) {
        let fd = try await NamespaceDial.connect(namespacePath: "/run/netns/\(name)", port: port)
        close(fd)
        Issue.record("connected to a port nothing listens on")
      } catch {
        guard case .connect(let ipv4, let ipv6) = error else {
          Issue.record("\(error)")
          return
        }
        #expect(ipv4 == "dial tcp4 127.0.0.1:\(port): connect: connection refused")
        #expect(ipv6 == "dial tcp6 [::1]:\(port): connect: connection refused")
      }
    }
  }

  /// The thread that dials goes back to its own namespace, whatever happens.
  @Test func theDiallingThreadReturnsToItsNamespace() async throws {
    try await Self.withNamespace { name in
      let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<(String, String, Bool), Never>) in
        let thread = Thread {
          let before = Self.threadNamespace()
          let refused = NamespaceDial.connectHere(namespacePath: "/run/netns/\(name)", port: 1, timeout: .seconds(2))
          let afterRefused = Self.threadNamespace()
          let gone = NamespaceDial.connectHere(namespacePath: "/run/netns/\(name)-missing", port: 1, timeout: .seconds(2))
          let afterGone = Self.threadNamespace()
          var failedBoth = false
          if case .failure(.connect) = refused, case .failure(.namespace) = gone { failedBoth = true }
          continuation.resume(returning: (before, afterRefused == afterGone ? afterGone : "changed", failedBoth))
        }
        thread.start()
      }
      #expect(outcome.0 == outcome.1)
      #expect(outcome.2)
    }
  }

  @Test func aNamespaceThatIsGoneSaysSo() async {
    do {
      _ = try await NamespaceDial.connect(namespacePath: "/run/netns/skiff-pf-test-\(getpid())-missing", port: 80)
      Issue.record("dialled into a namespace that does not exist")
    } catch {
      #expect("\(error)".contains("is gone"), "\(error)")
    }
  }
}

@Suite("port-forward: the error stream's text")
struct PortForwardErrorTextTests {
  @Test func theErrorStreamSaysWhatTheKubeletSays() {
    let refused = PodPortForward.failure(
      port: 9999, sandbox: "0a1b",
      NamespaceDial.Failure.connect(
        ipv4: "dial tcp4 127.0.0.1:9999: connect: connection refused",
        ipv6: "dial tcp6 [::1]:9999: connect: connection refused"))
    #expect(
      refused
        == "error forwarding port 9999 to pod 0a1b, uid : failed to connect to localhost:9999 inside namespace \"0a1b\", IPv4: dial tcp4 127.0.0.1:9999: connect: connection refused IPv6 dial tcp6 [::1]:9999: connect: connection refused ")
    #expect(
      PodPortForward.failure(port: 80, sandbox: "0a1b", NamespaceDial.Failure.namespace("network namespace for sandbox \"0a1b\" is closed"))
        == "error forwarding port 80 to pod 0a1b, uid : network namespace for sandbox \"0a1b\" is closed")
  }
}
