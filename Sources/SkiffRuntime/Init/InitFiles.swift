import CSkiffSys
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// Small file helpers for `skiff-init` and the runtime (no Foundation: skiff-init must start
/// fast and stay small).
enum InitFiles {
  static func read(_ path: String) throws(RuntimeError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw RuntimeError(stage: "read \(path)", KernelSetup.errnoText()) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw RuntimeError(stage: "read \(path)", KernelSetup.errnoText())
      }
      if n == 0 { return out }
      out += buffer[0..<n]
    }
  }

  /// Writes `bytes` to `path` atomically (temporary file, then rename).
  static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(RuntimeError) {
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw RuntimeError(stage: "write \(path)", KernelSetup.errnoText()) }
    writeAll(fd, bytes)
    fsync(fd)
    close(fd)
    guard rename(temporary, path) == 0 else { throw RuntimeError(stage: "rename \(path)", KernelSetup.errnoText()) }
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        return
      }
      offset += n
    }
  }

  static func decode<T: Decodable>(_ type: T.Type, from path: String) throws(RuntimeError) -> T {
    let bytes = try read(path)
    do {
      let json = try JSONValue(parsing: bytes)
      return try JSONValueDecoder().decode(T.self, from: json).value
    } catch {
      throw RuntimeError(stage: "parse \(path)", String(describing: error))
    }
  }

  /// Now as the CRI log format writes it: RFC 3339 with nanoseconds, UTC.
  static func criTimestamp() -> String {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    let base = Timestamp(seconds: Int64(ts.tv_sec)).rfc3339.dropLast()
    var nanos = String(ts.tv_nsec)
    nanos = String(repeating: "0", count: 9 - nanos.count) + nanos
    return "\(base).\(nanos)Z"
  }
}
