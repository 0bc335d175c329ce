import CSkiffSys

#if canImport(Glibc)
import Glibc
#endif

/// The node network namespace (`skiff-node`, made with `ip netns add`), which has no uplink
/// to the host network: all cluster traffic stays inside it.
public enum NodeNamespace {
  public static func path(_ name: String) -> String { "/run/netns/\(name)" }

  /// Creates the namespace if needed and moves the calling process into it. Must run on the
  /// main thread before any other thread exists: setns changes only the calling thread, and
  /// threads created later inherit it. Returns an error message, or nil on success.
  public static func enter(_ name: String) -> String? {
    if access(path(name), F_OK) != 0 {
      var pid: pid_t = 0
      let args = ["/usr/sbin/ip", "netns", "add", name]
      var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
      let rc = posix_spawn(&pid, args[0], nil, nil, &argv, environ)
      guard rc == 0 else { return "ip netns add \(name): \(String(cString: strerror(rc))) (is iproute2 installed? run scripts/install-deps)" }
      var status: Int32 = 0
      waitpid(pid, &status, 0)
      guard skiff_wifexited(status) != 0, skiff_wexitstatus(status) == 0 else { return "ip netns add \(name) failed" }
    }
    let fd = open(path(name), O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "open \(path(name)): \(String(cString: strerror(errno)))" }
    defer { close(fd) }
    guard skiff_setns(fd, 0x4000_0000) == 0 else { return "enter network namespace \(name): \(String(cString: strerror(errno)))" }
    return nil
  }

  /// Deletes the namespace (`skiff down`).
  public static func remove(_ name: String) {
    var pid: pid_t = 0
    let args = ["/usr/sbin/ip", "netns", "del", name]
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    if posix_spawn(&pid, args[0], nil, nil, &argv, environ) == 0 {
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
  }
}
