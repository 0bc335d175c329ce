public import Glibc

/// The CA's files: small PEM texts read whole and written atomically (temporary file,
/// fsync, rename), so a crash never leaves half a key.
public enum PEMFile {
  public static func exists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }

  public static func read(_ path: String) throws(TLSError) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw TLSError(.file, "open \(path): \(errorText())") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw TLSError(.file, "read \(path): \(errorText())") }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public static func write(_ text: String, to path: String, mode: mode_t) throws(TLSError) {
    let temporary = path + ".tmp"
    unlink(temporary)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw TLSError(.file, "create \(temporary): \(errorText())") }
    var failure: String?
    // The umask may have narrowed the mode; a key must be exactly 0600.
    if fchmod(fd, mode) != 0 { failure = "chmod \(temporary): \(errorText())" }
    let bytes = Array(text.utf8)
    var offset = 0
    while failure == nil && offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { failure = "write \(temporary): \(errorText())" } else { offset += n }
    }
    if failure == nil && fsync(fd) != 0 { failure = "fsync \(temporary): \(errorText())" }
    close(fd)
    if failure == nil && rename(temporary, path) != 0 { failure = "rename \(temporary) to \(path): \(errorText())" }
    if let failure {
      unlink(temporary)
      throw TLSError(.file, failure)
    }
  }

  /// `mkdir -p` with mode 0700 for the directories it creates.
  static func makeDirectory(_ path: String) throws(TLSError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
        throw TLSError(.file, "create directory \(prefix): \(errorText())")
      }
    }
  }

  private static func errorText() -> String { String(cString: strerror(errno)) }
}
