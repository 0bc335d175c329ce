#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking HTTP/1.1 connection over a unix socket: the CLI's way to the daemon. Blocking
/// I/O keeps the CLI small and quick to start; streams (watch, logs -f) are read chunk by
/// chunk as they arrive.
final class UnixHTTPConnection {
  let fd: Int32
  private var buffer: [UInt8] = []
  /// When reads give up (CLOCK_MONOTONIC nanoseconds), for watches with a timeout.
  var deadline: UInt64?

  /// Connects to the socket at `path`; the error says whether the daemon is down.
  init(path: String) throws(ClientError) {
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw .connection("socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      close(fd)
      throw .connection("socket path too long: \(path)")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
      raw[bytes.count] = 0
    }
    let rc = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    if rc != 0 {
      let code = errno
      close(fd)
      if code == ENOENT || code == ECONNREFUSED {
        throw .daemonNotRunning(path)
      }
      if code == EACCES || code == EPERM {
        throw .connection("permission denied on \(path): the API socket is root-only (run as root)")
      }
      throw .connection("connect \(path): \(String(cString: strerror(code)))")
    }
  }

  deinit { close(fd) }

  func send(_ bytes: [UInt8]) throws(ClientError) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .connection("write to daemon: \(String(cString: strerror(errno)))")
      }
      offset += n
    }
  }

  /// Reads more bytes into the buffer; false at end of stream.
  private func fill() throws(ClientError) -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      if let deadline {
        let now = Self.monotonicNanoseconds()
        guard now < deadline else { throw .timedOut }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(min((deadline - now) / 1_000_000 + 1, UInt64(Int32.max))))
        if ready < 0 && errno == EINTR { continue }
        if ready == 0 { continue }
      }
      let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .connection("read from daemon: \(String(cString: strerror(errno)))")
      }
      if n == 0 { return false }
      buffer.append(contentsOf: chunk[0..<n])
      return true
    }
  }

  func readLine() throws(ClientError) -> String? {
    while true {
      if let i = buffer.firstIndex(of: 0x0a) {
        var line = Array(buffer[..<i])
        buffer.removeSubrange(...i)
        if line.last == 0x0d { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
      }
      guard try fill() else { return nil }
    }
  }

  func readExactly(_ count: Int) throws(ClientError) -> [UInt8] {
    while buffer.count < count {
      guard try fill() else { throw .connection("daemon closed the connection mid-response") }
    }
    let out = Array(buffer[..<count])
    buffer.removeSubrange(..<count)
    return out
  }

  func readToEnd() throws(ClientError) -> [UInt8] {
    while try fill() {}
    defer { buffer.removeAll() }
    return buffer
  }

  static func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
  }

  /// Bytes already read past the HTTP head (a WebSocket's first frames).
  func takeBuffered() -> [UInt8] {
    defer { buffer.removeAll() }
    return buffer
  }
}

/// Why the CLI could not talk to the daemon, or what it said.
public enum ClientError: Error, CustomStringConvertible {
  case daemonNotRunning(String)
  case connection(String)
  case protocolError(String)
  /// A watch's `--timeout` passed (the text kubectl prints for `wait.ErrWaitTimeout`).
  case timedOut

  public var description: String {
    switch self {
    case .daemonNotRunning(let path):
      return "The connection to the server \(path) was refused - is the cluster running? Start it with: skiff up"
    case .connection(let message): return message
    case .protocolError(let message): return "unexpected answer from the daemon: \(message)"
    case .timedOut: return "error: timed out waiting for the condition"
    }
  }
}
