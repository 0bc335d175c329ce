#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on `host` that refuses connections for the rest of the test process: a socket
/// bound to it that never listens holds it, so no other test's server can be given it.
/// (A port bound and released is free for the next `bind(:0)` anywhere on the machine, and a
/// "dead" endpoint then answers.) The socket is kept open until the process exits.
public func refusedPort(host: String = "127.0.0.1") throws(SubprocessError) -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
  guard fd >= 0 else { throw SubprocessError("socket: \(String(cString: strerror(errno)))") }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
    close(fd)
    throw SubprocessError("not an IPv4 address: \(host)")
  }
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
      bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
    }
  }
  guard bound else {
    let reason = String(cString: strerror(errno))
    close(fd)
    throw SubprocessError("bind \(host):0: \(reason)")
  }
  return Int(UInt16(bigEndian: address.sin_port))
}
