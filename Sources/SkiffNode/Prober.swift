import CSkiffSys
public import SkiffAPI
public import SkiffRuntime
import Workloads

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one probe run.
public struct ProbeResult: Sendable, Equatable {
  public var success: Bool
  /// What the probe said (an exec probe's output, an HTTP status, a connect error), for the
  /// `Unhealthy` event.
  public var output: String
}

/// Runs the four kinds of probe as the kubelet does: exec inside the container (exit 0 is
/// success), httpGet (2xx/3xx), tcpSocket (connects), grpc (grpc.health.v1 SERVING). Each is
/// cut off at `timeoutSeconds`.
public struct Prober: Sendable {
  let runtime: ContainerRuntime

  public init(runtime: ContainerRuntime) {
    self.runtime = runtime
  }

  public func run(_ probe: Probe, container: Container, pid: Int32, podIP: String, cgroups: [String], directory: String, process: ProcessSpec?) async -> ProbeResult {
    let timeout = Duration.seconds(Int64(max(1, probe.timeoutSeconds ?? 1)))
    if let exec = probe.exec {
      return await runExec(exec.command ?? [], pid: pid, cgroups: cgroups, directory: directory, process: process, timeout: timeout)
    }
    if let http = probe.httpGet {
      guard let port = Self.port(http.port, container) else { return ProbeResult(success: false, output: "invalid port \(http.port)") }
      let host = http.host.flatMap { $0.isEmpty ? nil : $0 } ?? podIP
      return await onBlockingThread {
        Self.httpGet(host: host, port: port, path: http.path ?? "/", headers: (http.httpHeaders ?? []).map { ($0.name, $0.value) }, timeout: timeout)
      }
    }
    if let tcp = probe.tcpSocket {
      guard let port = Self.port(tcp.port, container) else { return ProbeResult(success: false, output: "invalid port \(tcp.port)") }
      let host = tcp.host.flatMap { $0.isEmpty ? nil : $0 } ?? podIP
      return await onBlockingThread {
        let fd = Self.connect(host: host, port: port, timeout: timeout)
        if fd >= 0 {
          close(fd)
          return ProbeResult(success: true, output: "")
        }
        return ProbeResult(success: false, output: "dial tcp \(host):\(port): connect: connection refused")
      }
    }
    if let grpc = probe.grpc {
      var lines: [String] = []
      let seconds = GoDurationText.seconds(Int(probe.timeoutSeconds ?? 1))
      let code = await HealthProbeProgram.main(
        arguments: ["-addr=\(podIP):\(grpc.port)", "-service=\(grpc.service ?? "")", "-connect-timeout=\(seconds)", "-rpc-timeout=\(seconds)"]
      ) { lines.append($0) }
      return ProbeResult(success: code == 0, output: lines.joined(separator: "\n"))
    }
    return ProbeResult(success: false, output: "probe has no handler")
  }

  static func port(_ value: IntOrString, _ container: Container) -> Int? {
    switch value {
    case .int(let n): return Int(n)
    case .string(let name):
      if let n = Int(name) { return n }
      return container.ports?.first { $0.name == name }.map { Int($0.containerPort) }
    }
  }

  func runExec(_ command: [String], pid: Int32, cgroups: [String], directory: String, process: ProcessSpec?, timeout: Duration) async -> ProbeResult {
    var spec = process ?? ProcessSpec(args: command)
    spec.args = command
    spec.terminal = false
    var output: [Int32] = [-1, -1]
    _ = skiff_pipe2(&output, O_CLOEXEC)
    let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
    defer { close(devNull) }
    let started: (helper: Int32, process: Int32)
    do {
      started = try await runtime.exec(
        ExecSpec(targetPid: pid, cgroups: cgroups, process: spec), directory: directory, stdin: devNull,
        stdout: output[1], stderr: output[1])
    } catch {
      close(output[0])
      close(output[1])
      return ProbeResult(success: false, output: error.userMessage)
    }
    close(output[1])
    let readFD = output[0]
    let collected = Task { await onBlockingThread { ContainerShim.readAllBytes(readFD) } }
    enum Outcome: Sendable { case exited(ChildExit), timedOut, cancelled }
    let outcome: Outcome = await withTaskGroup(of: Outcome.self) { group in
      group.addTask { .exited(await ChildProcesses.shared.wait(started.helper)) }
      group.addTask {
        do {
          try await Task.sleep(for: timeout)
        } catch {
          return .cancelled
        }
        // Timed out: the probe's process is killed, as the kubelet does. (Here, not after the
        // group: the group cannot end before the helper has.)
        kill(started.process, SIGKILL)
        kill(started.helper, SIGKILL)
        return .timedOut
      }
      let first = await group.next() ?? .cancelled
      group.cancelAll()
      return first
    }
    let exit: ChildExit? = if case .exited(let code) = outcome { code } else { nil }
    let bytes = await collected.value
    close(readFD)
    let text = String(decoding: bytes, as: UTF8.self).trimmingTrailingNewlines
    guard let exit else {
      // The kubelet's words (kuberuntime: `command %q timed out` of the joined command).
      return ProbeResult(success: false, output: "command \(goQuoted(command.joined(separator: " "))) timed out")
    }
    return ProbeResult(success: exit == .exited(0), output: text)
  }

  static func connect(host: String, port: Int, timeout: Duration) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
      close(fd)
      return -1
    }
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if rc != 0 && errno != EINPROGRESS {
      close(fd)
      return -1
    }
    var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    let ms = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
    guard poll(&pfd, 1, ms) == 1 else {
      close(fd)
      return -1
    }
    var error: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
    if error != 0 {
      close(fd)
      return -1
    }
    let flags = fcntl(fd, F_GETFL)
    _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
    return fd
  }

  static func httpGet(host: String, port: Int, path: String, headers: [(String, String)], timeout: Duration) -> ProbeResult {
    let fd = connect(host: host, port: port, timeout: timeout)
    guard fd >= 0 else {
      return ProbeResult(success: false, output: "Get \"http://\(host):\(port)\(path)\": dial tcp \(host):\(port): connect: connection refused")
    }
    defer { close(fd) }
    var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: kube-probe/1.32\r\nAccept: */*\r\nConnection: close\r\n"
    for (name, value) in headers { request += "\(name): \(value)\r\n" }
    request += "\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    guard n > 0 else {
      return ProbeResult(success: false, output: "Get \"http://\(host):\(port)\(path)\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
    }
    let text = String(decoding: buffer[0..<n], as: UTF8.self)
    let parts = text.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, let code = Int(parts[1]) else { return ProbeResult(success: false, output: "malformed HTTP response") }
    if (200..<400).contains(code) { return ProbeResult(success: true, output: "") }
    return ProbeResult(success: false, output: "HTTP probe failed with statuscode: \(code)")
  }
}

enum GoDurationText {
  static func seconds(_ n: Int) -> String { "\(n)s" }
}

extension String {
  var trimmingTrailingNewlines: String {
    var s = Substring(self)
    while let last = s.last, last == "\n" || last == "\r" || last == " " { s = s.dropLast() }
    return String(s)
  }
}
