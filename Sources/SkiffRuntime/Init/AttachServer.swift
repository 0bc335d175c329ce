import CSkiffSys

#if canImport(Glibc)
import Glibc
#endif

/// How `kubectl attach` reaches a running container's main process: the shim listens on
/// `attach.sock` in the container's directory (what conmon's attach socket is to CRI-O) and
/// speaks frames of `[type: UInt8][length: UInt32, big-endian][payload]`.
///
/// Shim to client: the container's output (`stdout`, `stderr`), as it is also logged. Client
/// to shim: `stdin` bytes, `closeStdin` (end of input), `resize` (rows and columns, two
/// big-endian UInt16). When the container ends the shim closes every connection.
public enum AttachFrame {
  public static let stdin: UInt8 = 0
  public static let stdout: UInt8 = 1
  public static let stderr: UInt8 = 2
  public static let closeStdin: UInt8 = 3
  public static let resize: UInt8 = 4

  /// The socket's file name in the container's directory.
  public static let socketName = "attach.sock"

  public static func encode(_ type: UInt8, _ payload: some Collection<UInt8>) -> [UInt8] {
    let n = UInt32(payload.count)
    return [type, UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + payload
  }

  public static func resizePayload(rows: UInt16, columns: UInt16) -> [UInt8] {
    [UInt8(rows >> 8), UInt8(rows & 0xff), UInt8(columns >> 8), UInt8(columns & 0xff)]
  }

  /// Splits complete frames off the front of `buffer`, leaving a partial one there.
  public static func take(_ buffer: inout [UInt8]) -> [(type: UInt8, payload: [UInt8])] {
    var frames: [(UInt8, [UInt8])] = []
    var start = 0
    while buffer.count - start >= 5 {
      let length = Int(buffer[start + 1]) << 24 | Int(buffer[start + 2]) << 16 | Int(buffer[start + 3]) << 8 | Int(buffer[start + 4])
      guard buffer.count - start - 5 >= length else { break }
      frames.append((buffer[start], Array(buffer[(start + 5)..<(start + 5 + length)])))
      start += 5 + length
    }
    buffer.removeFirst(start)
    return frames
  }
}

/// The shim's side: a listening socket and the attached connections, driven by the shim's
/// poll loop (the shim is single-threaded).
final class AttachServer {
  private let listener: Int32
  private var clients: [Int32: [UInt8]] = [:]
  /// Where input goes: the terminal's master, or the write end of the container's stdin
  /// pipe; -1 once closed (or when the container has no stdin).
  private var stdinFD: Int32
  private let terminal: Int32
  private let stdinOnce: Bool

  /// Listens on `attach.sock` in `directory` (bound through the directory's descriptor, so a
  /// long path does not matter). Nil when the socket cannot be made.
  init?(directory: String, stdin: Int32, terminal: Int32, stdinOnce: Bool) {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard fd >= 0 else { return nil }
    let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { if dir >= 0 { close(dir) } }
    let path = "/proc/self/fd/\(dir)/\(AttachFrame.socketName)"
    unlink(path)
    guard dir >= 0, AttachServer.bind(fd, path), listen(fd, 8) == 0 else {
      close(fd)
      return nil
    }
    listener = fd
    stdinFD = stdin
    self.terminal = terminal
    self.stdinOnce = stdinOnce
  }

  static func bind(_ fd: Int32, _ path: String) -> Bool {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    } == 0
  }

  /// The descriptors to poll for input.
  var pollDescriptors: [Int32] { [listener] + clients.keys.sorted() }

  /// Handles what `fd` has to read: a new connection, frames from a client, or its close.
  func readable(_ fd: Int32) {
    if fd == listener {
      while true {
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        clients[client] = []
      }
    }
    guard clients[fd] != nil else { return }
    var buffer = [UInt8](repeating: 0, count: 16384)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { return }
    guard n > 0 else {
      drop(fd)
      return
    }
    clients[fd]! += buffer[0..<n]
    for frame in AttachFrame.take(&clients[fd]!) { handle(frame.type, frame.payload) }
  }

  private func handle(_ type: UInt8, _ payload: [UInt8]) {
    switch type {
    case AttachFrame.stdin where stdinFD >= 0:
      _ = payload.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
          let n = write(stdinFD, raw.baseAddress! + offset, raw.count - offset)
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { break }
          offset += n
        }
      }
    case AttachFrame.closeStdin where stdinOnce:
      // A client's end of input ends the container's only with stdinOnce (as containerd
      // does); otherwise the next client may still type.
      closeStdin()
    case AttachFrame.resize where terminal >= 0 && payload.count == 4:
      let rows = UInt16(payload[0]) << 8 | UInt16(payload[1])
      let columns = UInt16(payload[2]) << 8 | UInt16(payload[3])
      _ = skiff_set_window_size(terminal, rows, columns)
    default:
      break
    }
  }

  /// End of input for the container: a pipe is closed; a terminal gets its EOF character.
  private func closeStdin() {
    guard stdinFD >= 0 else { return }
    if stdinFD == terminal {
      _ = [UInt8(4)].withUnsafeBytes { write(stdinFD, $0.baseAddress, 1) }
    } else {
      close(stdinFD)
    }
    stdinFD = -1
  }

  private func drop(_ fd: Int32) {
    close(fd)
    clients[fd] = nil
    // stdinOnce: the container's stdin ends with its first attached session.
    if stdinOnce && stdinFD >= 0 && stdinFD != terminal { closeStdin() }
  }

  /// Sends output to every attached client; one that cannot take it is dropped.
  func broadcast(_ type: UInt8, _ bytes: ArraySlice<UInt8>) {
    guard !clients.isEmpty else { return }
    let frame = AttachFrame.encode(type, bytes)
    for fd in clients.keys.sorted() {
      var offset = 0
      while offset < frame.count {
        let n = frame.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        offset += n
      }
      if offset < frame.count { drop(fd) }
    }
  }

  /// The container has ended: every connection and the socket go.
  func shutdown(directory: String) {
    for fd in clients.keys { close(fd) }
    clients = [:]
    close(listener)
    if stdinFD >= 0 && stdinFD != terminal { close(stdinFD) }
    unlink(directory + "/" + AttachFrame.socketName)
  }
}
