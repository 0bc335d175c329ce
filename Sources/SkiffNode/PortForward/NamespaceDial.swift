import CSkiffSys
import SkiffRuntime

#if canImport(Glibc)
import Glibc
#endif

/// Connects to `localhost:<port>` inside another network namespace (a pod's), as containerd's
/// CRI `PortForward` does for the kubelet: IPv4 `127.0.0.1` first, then IPv6 `::1`.
///
/// setns(CLONE_NEWNET) moves only the calling thread, and a socket stays in the namespace it
/// was created in. So a thread of its own (never a NIO event loop or a pooled thread, which
/// would carry the pod's namespace into their next job if anything went wrong) opens its
/// current namespace, enters the pod's, creates the sockets, and always goes back before it
/// connects them. The connected socket goes to NIO (`ClientBootstrap.withConnectedSocket`).
enum NamespaceDial {
  static let cloneNewNet: Int32 = 0x4000_0000

  /// Why the dial failed.
  enum Failure: Error, Equatable, CustomStringConvertible {
    /// The namespace could not be entered (or left): the message says why.
    case namespace(String)
    /// Both families failed; each is Go's `dial` error text (`dial tcp4 127.0.0.1:9999:
    /// connect: connection refused`).
    case connect(ipv4: String, ipv6: String)

    var description: String {
      switch self {
      case .namespace(let message): message
      case .connect(let ipv4, let ipv6): "IPv4: \(ipv4) IPv6 \(ipv6)"
      }
    }
  }

  /// A connected, non-blocking, close-on-exec TCP socket to `localhost:port` in the network
  /// namespace pinned at `namespacePath`; the caller owns it. Blocks for at most `timeout`
  /// per family, on a new thread.
  static func connect(namespacePath: String, port: Int, timeout: Duration = .seconds(10)) async throws(Failure) -> Int32 {
    let result: Result<Int32, Failure> = await withCheckedContinuation { continuation in
      let started = DetachedThread.start {
        continuation.resume(returning: connectHere(namespacePath: namespacePath, port: port, timeout: timeout))
      }
      if !started {
        continuation.resume(returning: .failure(.namespace("cannot start a thread to enter the network namespace")))
      }
    }
    return try result.get()
  }

  /// The work of `connect`, on the calling thread (which it leaves in the namespace it found).
  static func connectHere(namespacePath: String, port: Int, timeout: Duration) -> Result<Int32, Failure> {
    let sockets: [Made]
    switch socketsInside(namespacePath) {
    case .success(let made): sockets = made
    case .failure(let failure): return .failure(failure)
    }
    var errors: [String] = []
    for (index, made) in sockets.enumerated() {
      let ipv6 = index == 1
      let target = ipv6 ? "dial tcp6 [::1]:\(port)" : "dial tcp4 127.0.0.1:\(port)"
      guard made.fd >= 0 else {
        errors.append("\(target): socket: \(errnoText(made.error))")
        continue
      }
      if let error = connectLoopback(made.fd, ipv6: ipv6, port: port, timeout: timeout) {
        close(made.fd)
        errors.append("\(target): \(error)")
        continue
      }
      for other in sockets[(index + 1)...] where other.fd >= 0 { close(other.fd) }
      return .success(made.fd)
    }
    return .failure(.connect(ipv4: errors[0], ipv6: errors[1]))
  }

  /// A socket made inside the namespace: its descriptor, or -1 and the errno.
  struct Made {
    var fd: Int32
    var error: Int32
  }

  /// An IPv4 and an IPv6 TCP socket (each, or why not) made inside the namespace at `path`.
  /// The calling thread is back in its own namespace when this returns, or the failure says
  /// it could not get back.
  static func socketsInside(_ path: String) -> Result<[Made], Failure> {
    let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
    guard home >= 0 else {
      return .failure(.namespace("cannot open this thread's network namespace (/proc/thread-self/ns/net): \(errnoText(errno))"))
    }
    defer { close(home) }
    let target = open(path, O_RDONLY | O_CLOEXEC)
    guard target >= 0 else {
      let error = errno
      return .failure(.namespace(error == ENOENT
        ? "network namespace \(path) is gone (the pod's sandbox was removed)"
        : "cannot open network namespace \(path): \(errnoText(error))"))
    }
    defer { close(target) }
    guard skiff_setns(target, cloneNewNet) == 0 else {
      let error = errno
      let hint = error == EPERM ? " (entering a pod's network namespace needs root: CAP_SYS_ADMIN)" : ""
      return .failure(.namespace("cannot enter network namespace \(path): \(errnoText(error))\(hint)"))
    }
    let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
    let made = [AF_INET, AF_INET6].map { family -> Made in
      let fd = socket(family, flags, 0)
      return Made(fd: fd, error: fd >= 0 ? 0 : errno)
    }
    // Always back home, before anything else: sockets keep the namespace they were made in.
    guard skiff_setns(home, cloneNewNet) == 0 else {
      let error = errno
      for socket in made where socket.fd >= 0 { close(socket.fd) }
      return .failure(.namespace("cannot return from network namespace \(path): \(errnoText(error))"))
    }
    return .success(made)
  }

  /// Connects the non-blocking socket `fd` to the loopback address; nil on success, else Go's
  /// words for the failure (`connect: connection refused`, `i/o timeout`).
  static func connectLoopback(_ fd: Int32, ipv6: Bool, port: Int, timeout: Duration) -> String? {
    var rc: Int32
    if ipv6 {
      var address = sockaddr_in6()
      address.sin6_family = sa_family_t(AF_INET6)
      address.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
      address.sin6_addr = in6addr_loopback
      rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
      }
    } else {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
      address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
      rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
    }
    if rc == 0 { return nil }
    guard errno == EINPROGRESS || errno == EINTR else { return "connect: \(errnoText(errno))" }
    let deadline = ContinuousClock.now + timeout
    while true {
      let left = ContinuousClock.now.duration(to: deadline)
      guard left > .zero else { return "i/o timeout" }
      var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
      let ready = poll(&poller, 1, milliseconds)
      if ready < 0 {
        if errno == EINTR { continue }
        return "connect: \(errnoText(errno))"
      }
      if ready == 0 { continue }
      var error: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return "connect: \(errnoText(errno))" }
      return error == 0 ? nil : "connect: \(errnoText(error))"
    }
  }

  /// `connection refused`: an errno as Go's syscall package words it.
  static func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code)).lowercased()
  }
}
