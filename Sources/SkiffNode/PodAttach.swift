import NIOCore
import NIOWebSocket
import SkiffAPI
import SkiffRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `pods/attach` (`kubectl attach`, `kubectl run -it`): the WebSocket streams of
/// `v5.channel.k8s.io` bridged to the container shim's attach socket. The client gets the main
/// process's output from now on (earlier output is in the log) and, when the container has
/// `stdin: true`, writes its input; resizes reach the container's terminal. The session ends
/// when the container ends or the client leaves; leaving does not stop the container.
enum PodAttach {
  static func run(
    _ request: PodExec.Request, target: PodWorker.ExecTarget, inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
    session: ExecSession, v5: Bool
  ) async throws -> Status {
    let socket = try connect(directory: target.directory)
    let shared = SharedDescriptor(socket)
    func send(_ frame: [UInt8]) async {
      let fd = shared.value.withLock { $0 }
      guard fd >= 0 else { return }
      _ = await onBlockingThread { PodExec.writeAll(fd, frame) }
    }
    let input = Task {
      await PodExec.readChannels(inbound, session: session) { channel, payload in
        switch channel {
        case 0 where request.stdin:
          await send(AttachFrame.encode(AttachFrame.stdin, payload))
        case 4:
          if let (rows, columns) = PodExec.terminalSize(payload) {
            await send(AttachFrame.encode(AttachFrame.resize, AttachFrame.resizePayload(rows: rows, columns: columns)))
          }
        case 255 where v5 && payload.first == 0:
          await send(AttachFrame.encode(AttachFrame.closeStdin, []))
        default:
          break
        }
      }
      // The client left: stop reading the container's output for it.
      shared.value.withLock { fd in if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) } }
    }
    var buffer: [UInt8] = []
    while true {
      guard let chunk = await onBlockingThread({ PodExec.readChunk(socket) }), !chunk.isEmpty else { break }
      buffer += chunk
      for frame in AttachFrame.take(&buffer) {
        switch frame.type {
        case AttachFrame.stdout where request.stdout:
          await session.send(channel: 1, frame.payload)
        case AttachFrame.stderr where request.stderr:
          await session.send(channel: 2, frame.payload)
        default:
          break
        }
      }
    }
    input.cancel()
    shared.value.withLock { fd in
      close(fd)
      fd = -1
    }
    return Status(code: 200, reason: "", message: "")
  }

  /// Connects to the shim's socket in `directory`, through the directory's descriptor so the
  /// path's length does not matter.
  static func connect(directory: String) throws(Status) -> Int32 {
    let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard dir >= 0 else { throw Status.badRequest("unable to upgrade connection: container not found") }
    defer { close(dir) }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw Status.internalError("socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let path = Array("/proc/self/fd/\(dir)/\(AttachFrame.socketName)".utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (i, b) in path.enumerated() where i < raw.count - 1 { raw[i] = b }
    }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard connected == 0 else {
      let why = String(cString: strerror(errno))
      close(fd)
      // A container started before attaching existed has no socket.
      throw Status.badRequest("unable to upgrade connection: the container cannot be attached to (\(why)); restart it to attach")
    }
    return fd
  }
}
