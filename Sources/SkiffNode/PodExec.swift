import CSkiffSys
import Logging
public import NIOCore
public import NIOHTTP1
public import NIOWebSocket
public import SkiffAPI
public import SkiffAPIServer
import SkiffRuntime
import SkiffStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `pods/exec` over Kubernetes' WebSocket streaming protocol (`v5.channel.k8s.io`, and
/// `v4`), the one kubectl 1.31+ uses: binary messages whose first byte is the channel
/// (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize, 255 close). With `tty=true` the process
/// gets a real terminal; without it, plain streams. The error channel carries a `Status`
/// with the exit code at the end.
public final class PodExec: WebSocketSessionHandler, SubresourceHandler {
  let agent: NodeAgent
  var context: NodeContext { agent.context }

  public init(agent: NodeAgent) {
    self.agent = agent
  }

  static let protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"]

  struct Request {
    var namespace: String
    var pod: String
    var container: String?
    var command: [String]
    var stdin: Bool
    var stdout: Bool
    var stderr: Bool
    var tty: Bool
    /// `pods/attach`: the container's main process, not a new one.
    var attach: Bool
  }

  static func parse(_ uri: String) -> Request? {
    let request = HTTPRequest(method: .GET, uri: uri, headers: [:])
    let parts = request.path.split(separator: "/").map(String.init)
    guard parts.count == 7, parts[0] == "api", parts[1] == "v1", parts[2] == "namespaces", parts[4] == "pods",
      parts[6] == "exec" || parts[6] == "attach"
    else { return nil }
    return Request(
      namespace: parts[3], pod: parts[5], container: request.queryValue("container"), command: request.queryValues("command"),
      stdin: request.queryFlag("stdin"), stdout: request.queryFlag("stdout"), stderr: request.queryFlag("stderr"),
      tty: request.queryFlag("tty"), attach: parts[6] == "attach")
  }

  /// Resolves the target or says why not, worded as the API server does.
  func target(_ request: Request) throws(Status) -> (Pod, String) {
    guard let pod = context.registry.get(Pod.self, namespace: request.namespace, name: request.pod) else {
      throw Status.notFound(GroupResource(group: "", resource: "pods"), request.pod)
    }
    let names = pod.spec.containers.map(\.name) + (pod.spec.initContainers ?? []).map(\.name) + pod.ephemeralContainers.map(\.container.name)
    let container = request.container.flatMap { $0.isEmpty ? nil : $0 } ?? pod.spec.containers.first?.name ?? ""
    guard names.contains(container) else {
      throw Status.badRequest("container \(container) is not valid for pod \(request.pod)")
    }
    if request.command.isEmpty && !request.attach { throw Status.badRequest("you must specify at least 1 command") }
    let statuses = (pod.status?.containerStatuses ?? []) + (pod.status?.initContainerStatuses ?? [])
      + (pod.status?.ephemeralContainerStatuses ?? [])
    guard statuses.first(where: { $0.name == container })?.state?.running != nil else {
      throw Status.badRequest("unable to upgrade connection: container not found (\"\(container)\")")
    }
    return (pod, container)
  }

  public func acceptedSubprotocol(for head: HTTPRequestHead) -> String? {
    guard let request = Self.parse(head.uri), (try? target(request)) != nil else { return nil }
    let offered = head.headers["Sec-WebSocket-Protocol"].flatMap { $0.split(separator: ",").map { String($0).trimmingSpaces } }
    return Self.protocols.first { offered.contains($0) }
  }

  /// Without an upgrade (or when the target is invalid) the request is answered here.
  public func handle(_ request: HTTPRequest, info: ResourceInfo, namespace: String, name: String) async throws -> HTTPResponse {
    let uri = request.path + "?" + request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    guard let parsed = Self.parse(uri) else { throw Status.badRequest("bad exec request") }
    _ = try target(parsed)
    throw Status.badRequest("Upgrade request required: exec speaks WebSockets with subprotocol v5.channel.k8s.io")
  }

  public func serve(_ head: HTTPRequestHead, _ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async {
    guard let request = Self.parse(head.uri) else { return }
    let v5 = head.headers["Sec-WebSocket-Protocol"].contains { $0.contains("v5.channel.k8s.io") }
    try? await channel.executeThenClose { inbound, outbound in
      let session = ExecSession(outbound: outbound)
      do {
        let (pod, container) = try target(request)
        // The pod's status says the container runs; right after a daemon restart its worker
        // may still be adopting it: wait for that (up to 5 s) rather than fail the exec.
        var found = await agent.execTarget(podUID: pod.metadata.uid ?? "", container: container)
        for _ in 0..<50 where found == nil {
          try await Task.sleep(for: .milliseconds(100))
          found = await agent.execTarget(podUID: pod.metadata.uid ?? "", container: container)
        }
        guard let target = found else {
          throw Status.badRequest("unable to upgrade connection: container not found (\"\(container)\")")
        }
        let status = request.attach
          ? try await PodAttach.run(request, target: target, inbound: inbound, session: session, v5: v5)
          : try await run(request, target: target, inbound: inbound, session: session, v5: v5)
        await session.sendStatus(status)
      } catch let status as Status {
        await session.sendStatus(status)
      } catch {
        await session.sendStatus(Status.internalError(String(describing: error)))
      }
      await session.close()
    }
  }

  func run(
    _ request: Request, target: PodWorker.ExecTarget, inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
    session: ExecSession, v5: Bool
  ) async throws -> Status {
    var process = target.process ?? ProcessSpec(args: request.command)
    process.args = request.command
    process.terminal = request.tty
    if request.tty && !process.env.contains(where: { $0.hasPrefix("TERM=") }) { process.env.append("TERM=xterm") }
    // The process's ends and ours.
    var ours: [Int32] = []
    var theirs: (Int32, Int32, Int32)
    var stdinWriter: Int32 = -1
    var readerFDs: [(Int32, UInt8)] = []
    var terminalFD: Int32 = -1
    // With a terminal, the helper opens it inside the container (its /dev/pts, so the process
    // sees a terminal of its own) and sends the master over this socket pair.
    var console: [Int32] = [-1, -1]
    if request.tty {
      guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &console) == 0 else {
        throw Status.internalError("socketpair: \(String(cString: strerror(errno)))")
      }
      let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
      theirs = (devNull, devNull, devNull)
    } else {
      var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
      _ = skiff_pipe2(&input, O_CLOEXEC)
      _ = skiff_pipe2(&output, O_CLOEXEC)
      _ = skiff_pipe2(&errors, O_CLOEXEC)
      theirs = (input[0], output[1], errors[1])
      if request.stdin { stdinWriter = input[1] } else { close(input[1]) }
      readerFDs = [(output[0], 1), (errors[0], 2)]
      ours = [output[0], errors[0]] + (request.stdin ? [input[1]] : [])
    }
    let started: (helper: Int32, process: Int32)
    do {
      started = try await context.runtime.exec(
        ExecSpec(targetPid: target.pid, cgroups: target.cgroups, process: process), directory: target.directory,
        stdin: theirs.0, stdout: theirs.1, stderr: theirs.2, console: console[1])
    } catch {
      for fd in Set([theirs.0, theirs.1, theirs.2] + ours + console) where fd >= 0 { close(fd) }
      throw Status(code: 500, reason: "InternalError",
        message: "Internal error occurred: error executing command in container: \(error.userMessage)")
    }
    for fd in Set([theirs.0, theirs.1, theirs.2]) { close(fd) }
    if request.tty {
      // Sent before the process was started, so it is there by now.
      let master = skiff_recv_fd(console[0])
      close(console[0])
      close(console[1])
      guard master >= 0 else {
        kill(started.process, SIGKILL)
        throw Status.internalError("error executing command in container: no terminal from the exec helper")
      }
      stdinWriter = request.stdin ? master : -1
      readerFDs = [(master, 1)]
      terminalFD = master
    }
    let stdinFD = SharedDescriptor(stdinWriter)
    let terminal = terminalFD
    let readers = readerFDs

    // Client → process: stdin, resize, close. Ends with the connection, or is cancelled once
    // the process has ended and its output is sent.
    let input = Task {
      await Self.readChannels(inbound, session: session) { channel, payload in
        switch channel {
        case 0 where stdinFD.value.withLock({ $0 }) >= 0:
          let fd = stdinFD.value.withLock { $0 }
          _ = await onBlockingThread { Self.writeAll(fd, payload) }
        case 4 where terminal >= 0:
          if let (rows, columns) = Self.terminalSize(payload) { _ = skiff_set_window_size(terminal, rows, columns) }
        case 255 where v5 && payload.first == 0 && terminal < 0:
          stdinFD.value.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
          }
        default:
          break
        }
      }
    }
    // Process → client until each stream's end of file, and the process's exit. The readers
    // are never cancelled: a cancelled task's writes to the connection are dropped, and a fast
    // command's output would be lost.
    let exit: ChildExit = await withTaskGroup(of: ChildExit?.self) { group in
      for (fd, channel) in readers {
        group.addTask {
          while true {
            let chunk = await onBlockingThread { Self.readChunk(fd) }
            guard let chunk, !chunk.isEmpty else { break }
            await session.send(channel: channel, chunk)
          }
          if fd != terminal { close(fd) }
          return nil
        }
      }
      group.addTask { await ChildProcesses.shared.wait(started.helper) }
      var result: ChildExit?
      // (A terminal's master reads EIO once the process and everything it started have
      // closed the terminal.)
      for await next in group where next != nil { result = next }
      return result ?? .signalled(9)
    }
    input.cancel()
    stdinFD.value.withLock { fd in
      if fd >= 0 && fd != terminal { close(fd) }
    }
    if terminal >= 0 { close(terminal) }
    if exit == .exited(0) {
      return Status(code: 200, reason: "", message: "")
    }
    let code = exit.code
    var status = Status(code: 500, reason: "NonZeroExitCode",
      message: "command terminated with non-zero exit code: error executing command \(request.command), exit code \(code)")
    status.details = StatusDetails(causes: [StatusCause(reason: "ExitCode", message: String(code), field: nil)])
    return status
  }

  /// The client's side of a streaming session: each binary message as (channel, payload),
  /// pings answered, until the connection closes.
  static func readChannels(
    _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, session: ExecSession,
    _ handle: (UInt8, [UInt8]) async -> Void
  ) async {
    do {
      for try await frame in inbound {
        switch frame.opcode {
        case .binary:
          var data = frame.unmaskedData
          guard let channel = data.readInteger(as: UInt8.self) else { continue }
          await handle(channel, Array(data.readableBytesView))
        case .ping:
          await session.pong(frame.unmaskedData)
        case .connectionClose:
          return
        default:
          break
        }
      }
    } catch {}
  }

  /// A resize message (`{"Width":W,"Height":H}`) as rows and columns.
  static func terminalSize(_ payload: [UInt8]) -> (UInt16, UInt16)? {
    guard let json = try? JSONValue(parsing: payload), let width = json["Width"]?.intValue, let height = json["Height"]?.intValue
    else { return nil }
    return (UInt16(clamping: height), UInt16(clamping: width))
  }

  static func readChunk(_ fd: Int32) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: 32768)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return nil }
      return Array(buffer[0..<n])
    }
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += n
    }
    return true
  }
}

/// Serialises writes to one exec WebSocket.
actor ExecSession {
  let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
  var closed = false

  init(outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
    self.outbound = outbound
  }

  func send(channel: UInt8, _ bytes: [UInt8]) async {
    guard !closed else { return }
    var buffer = ByteBuffer()
    buffer.writeInteger(channel)
    buffer.writeBytes(bytes)
    try? await outbound.write(WebSocketFrame(fin: true, opcode: .binary, data: buffer))
  }

  func pong(_ data: ByteBuffer) async {
    guard !closed else { return }
    try? await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: data))
  }

  /// The error channel: one Status, as client-go expects (Success has no code).
  func sendStatus(_ status: Status) async {
    var json: JSONObject = ["metadata": [:]]
    if status.code == 200 {
      json["status"] = "Success"
    } else {
      json["status"] = "Failure"
      json["message"] = .string(status.message ?? "")
      json["reason"] = .string(status.reason ?? "")
      if let causes = status.details?.causes {
        json["details"] = ["causes": .array(causes.map { ["reason": .string($0.reason ?? ""), "message": .string($0.message ?? "")] })]
      }
      json["code"] = .int(Int64(status.code ?? 500))
    }
    await send(channel: 3, JSONValue.object(json).jsonBytes())
  }

  func close() async {
    guard !closed else { return }
    var data = ByteBuffer()
    data.write(webSocketErrorCode: .normalClosure)
    try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
    closed = true
    outbound.finish()
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}

/// A file descriptor that several tasks use and one of them may close.
final class SharedDescriptor: Sendable {
  let value: Mutex<Int32>
  init(_ fd: Int32) { value = Mutex(fd) }
}
