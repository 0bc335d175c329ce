#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Go's standard logger (`log.Printf` with `LstdFlags`): `2009/11/10 23:00:00 message` in local
/// time, one line, on standard error. The workload programs print every line through this so
/// their output matches the Go programs they replace byte for byte.
public enum GoLog {
  /// The timestamp prefix Go puts in front of a log line: `YYYY/MM/DD HH:MM:SS `.
  /// - Parameter seconds: Unix time; now when nil.
  public static func prefix(at seconds: Int? = nil) -> String {
    var t = time_t(seconds ?? Int(time(nil)))
    var parts = tm()
    localtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday)) "
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) "
  }

  /// `log.Printf(message)`: prefix, message, a newline if missing; to stderr.
  public static func printf(_ message: String) {
    var line = prefix() + message
    if !line.hasSuffix("\n") { line += "\n" }
    writeStderr(line)
  }

  /// `log.Fatalf`: print, then exit with status 1.
  public static func fatalf(_ message: String) -> Never {
    printf(message)
    exit(1)
  }
}

/// Writes the whole string to file descriptor 2, retrying short writes.
public func writeStderr(_ text: String) { writeAll(fd: 2, text) }

/// Writes the whole string to file descriptor 1, retrying short writes.
public func writeStdout(_ text: String) { writeAll(fd: 1, text) }

private func writeAll(fd: Int32, _ text: String) {
  var bytes = Array(text.utf8)
  var offset = 0
  while offset < bytes.count {
    let n = bytes.withUnsafeMutableBytes { buf in
      write(fd, buf.baseAddress! + offset, buf.count - offset)
    }
    if n < 0 {
      if errno == EINTR { continue }
      return
    }
    offset += n
  }
}
