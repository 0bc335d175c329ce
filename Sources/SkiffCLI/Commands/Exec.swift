import ArgumentParser
import CSkiffSys
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// `skiff exec [-it] POD [-c CONTAINER] [--] COMMAND [args...]`: runs a command in a
/// container over the API's `pods/exec` WebSocket (`v5.channel.k8s.io`, as kubectl 1.31+).
/// With `-t` the local terminal goes raw and follows the remote one (window size, Ctrl-C);
/// the remote command's exit code becomes ours.
struct Exec: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Execute a command in a container.",
    discussion: """
        skiff exec -it -n grpc-nosidecar istio-grpc-client-55975f5f6-qqq2n -- sh
        skiff exec -n grpc-nosidecar POD -- /bin/greeter-client --insecure=true --address=istio-grpc-server:8080 --repeat=100
      """)

  @OptionGroup var cluster: ClusterOptions

  // kubectl accepts flags before and after the pod name and an old form without `--`;
  // everything is parsed by hand from the raw words.
  @Argument(parsing: .allUnrecognized, help: "[-it] [-n NAMESPACE] POD [-c CONTAINER] [--] COMMAND [args...]")
  var words: [String] = []

  struct Parsed {
    var namespace: String?
    var container: String?
    var stdin = false
    var tty = false
    var quiet = false
    var pod = ""
    var command: [String] = []
  }

  static func parse(_ words: [String]) throws(CLIError) -> Parsed {
    var p = Parsed()
    var i = 0
    var sawDashes = false
    while i < words.count {
      let word = words[i]
      if sawDashes || (!p.pod.isEmpty && !word.hasPrefix("-")) {
        p.command = Array(words[i...])
        break
      }
      if word == "--" {
        sawDashes = true
        i += 1
        continue
      }
      func value() throws(CLIError) -> String {
        if let eq = word.firstIndex(of: "=") { return String(word[word.index(after: eq)...]) }
        guard i + 1 < words.count else { throw CLIError("error: flag needs an argument: \(word)") }
        i += 1
        return words[i]
      }
      switch word {
      case "-n", "--namespace": p.namespace = try value()
      case "-c", "--container": p.container = try value()
      case "-i", "--stdin": p.stdin = true
      case "-t", "--tty": p.tty = true
      case "-it", "-ti": p.stdin = true; p.tty = true
      case "-q", "--quiet": p.quiet = true
      default:
        if word.hasPrefix("--namespace=") || word.hasPrefix("-n=") { p.namespace = try value() }
        else if word.hasPrefix("--container=") || word.hasPrefix("-c=") { p.container = try value() }
        else if word.hasPrefix("--stdin=") { p.stdin = word.hasSuffix("=true") }
        else if word.hasPrefix("--tty=") { p.tty = word.hasSuffix("=true") }
        else if word.hasPrefix("-") && p.pod.isEmpty { throw CLIError("error: unknown flag: \(word)") }
        else if p.pod.isEmpty { p.pod = word }
      }
      i += 1
    }
    if p.pod.isEmpty { throw CLIError("error: expected 'exec (POD | TYPE/NAME) COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD or TYPE/NAME is a required argument for the exec command") }
    if p.command.isEmpty { throw CLIError("error: you must specify at least one command for the container") }
    if p.pod.hasPrefix("pod/") || p.pod.hasPrefix("pods/") { p.pod = String(p.pod.split(separator: "/", maxSplits: 1)[1]) }
    return p
  }

  func run() throws {
    let p = try Self.parse(words)
    let namespace = p.namespace ?? "default"
    let client = cluster.client
    // kubectl checks the container client-side and names the default it picked.
    let podResponse = try client.request("GET", "/api/v1/namespaces/\(namespace)/pods/\(p.pod)")
    guard podResponse.status == 200, let pod = podResponse.json else { throw CLIError.fromServer(podResponse) }
    let containers = (pod.value(at: ["spec", "containers"])?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    let initContainers = (pod.value(at: ["spec", "initContainers"])?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    var container = p.container
    if container == nil {
      let annotated = pod.value(at: ["metadata", "annotations", "kubectl.kubernetes.io/default-container"])?.stringValue
      container = annotated ?? containers.first
      if containers.count > 1 && annotated == nil && !p.quiet {
        let all = containers + initContainers.map { "\($0) (init)" }
        Console.err("Defaulted container \"\(container ?? "")\" out of: \(all.joined(separator: ", "))\n")
      }
    } else if let name = container, !(containers + initContainers).contains(name) {
      throw CLIError("error: container \(name) is not valid for pod \(p.pod) out of: \((containers + initContainers).joined(separator: ", "))")
    }
    var query: [(String, String)] = p.command.map { ("command", $0) }
    query.append(("container", container ?? ""))
    if p.stdin { query.append(("stdin", "true")) }
    query.append(("stdout", "true"))
    if !p.tty { query.append(("stderr", "true")) }
    if p.tty { query.append(("tty", "true")) }
    let (connection, response) = try client.upgrade("/api/v1/namespaces/\(namespace)/pods/\(p.pod)/exec", query: query, subprotocol: "v5.channel.k8s.io")
    guard response.status == 101 else { throw CLIError.fromServer(response) }
    let localTTY = p.tty && isatty(0) != 0
    if p.tty && !localTTY && !p.quiet {
      Console.err("Unable to use a TTY - input is not a terminal or the right kind of file\n")
    }
    var stream = ExecStream(
      socket: WebSocketConnection(connection: connection, buffered: connection.takeBuffered()), stdin: p.stdin,
      tty: localTTY)
    let code = try stream.run()
    if code != 0 {
      throw CLIError("command terminated with exit code \(code)", exitCode: code)
    }
  }
}

/// Pumps bytes between the terminal (or pipes) and the exec WebSocket until the error
/// channel reports how the command ended.
struct ExecStream {
  var socket: WebSocketConnection
  let stdin: Bool
  let tty: Bool

  mutating func run() throws -> Int32 {
    var saved = termios()
    if tty {
      tcgetattr(0, &saved)
      var raw = saved
      cfmakeraw(&raw)
      tcsetattr(0, TCSANOW, &raw)
    }
    defer { if tty { tcsetattr(0, TCSANOW, &saved) } }
    var lastSize: (UInt16, UInt16) = (0, 0)
    func sendSize(_ socket: WebSocketConnection) throws {
      var rows: UInt16 = 0, cols: UInt16 = 0
      guard skiff_get_window_size(1, &rows, &cols) == 0 || skiff_get_window_size(0, &rows, &cols) == 0 else { return }
      guard (rows, cols) != lastSize else { return }
      lastSize = (rows, cols)
      try socket.send(.binary, [4] + Array("{\"Width\":\(cols),\"Height\":\(rows)}".utf8))
    }
    if tty { try sendSize(socket) }
    var stdinOpen = stdin
    var status: JSONValue?
    while status == nil {
      while let frame = socket.nextFrame() {
        switch frame.opcode {
        case 2:
          guard let channel = frame.payload.first else { continue }
          let data = Array(frame.payload.dropFirst())
          switch channel {
          case 1: writeAll(1, data)
          case 2: writeAll(2, data)
          case 3: status = (try? JSONValue(parsing: data)) ?? .null
          default: break
          }
        case 8:
          if status == nil { status = .null }
        case 9:
          try socket.send(.pong, frame.payload)
        default:
          break
        }
        if status != nil { break }
      }
      if status != nil { break }
      var fds = [pollfd(fd: socket.connection.fd, events: Int16(POLLIN), revents: 0)]
      if stdinOpen { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
      let ready = poll(&fds, nfds_t(fds.count), 250)
      if tty { try sendSize(socket) }
      if ready <= 0 { continue }
      if fds[0].revents != 0 {
        if !socket.receive() {
          if status == nil { status = .null }
          break
        }
      }
      if stdinOpen, fds.count > 1, fds[1].revents != 0 {
        var chunk = [UInt8](repeating: 0, count: 32768)
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n > 0 {
          try socket.send(.binary, [0] + chunk[0..<n])
        } else {
          // End of our input: tell the remote side (v5 close channel for stdin).
          stdinOpen = false
          try socket.send(.binary, [255, 0])
        }
      }
    }
    return try Self.exitCode(status ?? .null)
  }

  /// The exit code from the error channel's Status, or an error for other failures.
  static func exitCode(_ status: JSONValue) throws -> Int32 {
    guard case .object = status else {
      throw CLIError("error: the connection to the server closed before the command's status arrived")
    }
    if status["status"]?.stringValue == "Success" { return 0 }
    if status["reason"]?.stringValue == "NonZeroExitCode",
      let cause = status.value(at: ["details", "causes"])?.arrayValue?.first(where: { $0["reason"]?.stringValue == "ExitCode" }),
      let code = cause["message"]?.stringValue.flatMap(Int32.init)
    {
      return code
    }
    throw CLIError("error: \(status["message"]?.stringValue ?? "exec failed")")
  }

  func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n <= 0 {
        if errno == EINTR { continue }
        return
      }
      offset += n
    }
  }
}
