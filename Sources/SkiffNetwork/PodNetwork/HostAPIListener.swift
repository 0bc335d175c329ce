import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The API's TCP listener on 127.0.0.1 for stock Kubernetes clients (kubectl). A socket keeps
/// the network namespace it was created in, so `skiff daemon` binds it on the main thread
/// before it enters the node namespace (`bindBeforeEnteringNode`), and the API server later
/// serves on the descriptor (`take`).
public enum HostAPIListener {
  /// The kube-apiserver's own secure port.
  public static let defaultPort = 6443

  public struct Bound: Sendable {
    public var descriptor: Int32
    public var port: Int
  }

  /// A bind failure, worded for the operator.
  public struct BindError: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  private static let prebound = Mutex<Result<Bound, BindError>?>(nil)

  /// Binds and listens on 127.0.0.1:`port` (0: any free port); the result waits for `take`.
  public static func bindBeforeEnteringNode(port: Int) {
    let result = bind(port: port)
    prebound.withLock { $0 = result }
  }

  /// The socket bound by `bindBeforeEnteringNode`, or nil when nothing was bound (the daemon
  /// then binds in its own namespace).
  public static func take() -> Result<Bound, BindError>? {
    prebound.withLock { value in
      defer { value = nil }
      return value
    }
  }

  /// Binds and listens on 127.0.0.1:`port` in the calling thread's network namespace.
  public static func bind(port: Int) -> Result<Bound, BindError> {
    guard (0...65535).contains(port) else {
      return .failure(BindError(description: "--api-port \(port) is not a TCP port (0-65535; 0 picks a free one)"))
    }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return .failure(BindError(description: "socket: \(String(cString: strerror(errno)))")) }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 256) == 0 else {
      let reason = String(cString: strerror(errno))
      let inUse = errno == EADDRINUSE
      close(fd)
      return .failure(BindError(description: inUse
        ? "cannot serve the API on 127.0.0.1:\(port): the port is in use (another Skiff cluster, or a kube-apiserver?). Stop it, or start Skiff with --api-port PORT (0 picks a free port)"
        : "cannot serve the API on 127.0.0.1:\(port): \(reason)"))
    }
    var actual = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &actual) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return .success(Bound(descriptor: fd, port: Int(UInt16(bigEndian: actual.sin_port))))
  }
}
