// skiff-proxy: the sidecar's data plane. Standalone mode (for benchmarks and manual tests):
//   skiff-proxy --listen 127.0.0.1:15001 --upstream 127.0.0.1:8080[,127.0.0.1:8081]
//               [--admin 127.0.0.1:15000] [--concurrency 2] [--access-log -|PATH]
// Each request (HTTP/2 stream) goes to the next upstream in turn.
// Sidecar mode (the injected istio-proxy container; config pushed by the control plane):
//   skiff-proxy proxy sidecar --xds-socket PATH [--proxyLogLevel LEVEL] [--concurrency N]
import Logging
import NIOCore
import NIOPosix
import SkiffProxy

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Options {
  var listen = Endpoint(host: "127.0.0.1", port: 15001)
  var upstreams: [Endpoint] = []
  var admin: Endpoint?
  var concurrency = 2
  var accessLog: String?
  var cluster = "upstream"
}

func usage() -> String {
  """
  usage: skiff-proxy --listen HOST:PORT --upstream HOST:PORT[,HOST:PORT...] [--admin HOST:PORT]
                     [--concurrency N] [--access-log -|PATH] [--cluster NAME]
  """
}

func fail(_ message: String) -> Never {
  FileHandleOutput.standardError("skiff-proxy: \(message)\n\(usage())\n")
  exit(2)
}

enum FileHandleOutput {
  static func standardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  }
}

func parse(_ arguments: [String]) -> Options {
  var options = Options()
  var index = 0
  func value(_ flag: String) -> String {
    index += 1
    guard index < arguments.count else { fail("\(flag) needs a value") }
    return arguments[index]
  }
  func endpoint(_ flag: String, _ text: Substring) -> Endpoint {
    guard let endpoint = Endpoint(parsing: text) else {
      fail("\(flag): \"\(text)\" is not HOST:PORT (try 127.0.0.1:8080)")
    }
    return endpoint
  }
  while index < arguments.count {
    var argument = arguments[index]
    var inline: String?
    if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
      inline = String(argument[argument.index(after: eq)...])
      argument = String(argument[..<eq])
    }
    let next = { (flag: String) -> String in inline ?? value(flag) }
    switch argument {
    case "--listen": options.listen = endpoint(argument, Substring(next(argument)))
    case "--upstream":
      options.upstreams += next(argument).split(separator: ",").map { endpoint("--upstream", $0) }
    case "--admin": options.admin = endpoint(argument, Substring(next(argument)))
    case "--concurrency":
      guard let n = Int(next(argument)), n > 0 else { fail("--concurrency takes a positive number of event loops") }
      options.concurrency = n
    case "--access-log": options.accessLog = next(argument)
    case "--cluster": options.cluster = next(argument)
    case "-h", "--help":
      print(usage())
      exit(0)
    default: fail("unknown flag \(argument)")
    }
    index += 1
  }
  if options.upstreams.isEmpty {
    FileHandleOutput.standardError("skiff-proxy: no --upstream given: every request gets 503 no healthy upstream\n")
  }
  return options
}

if CommandLine.arguments.dropFirst().first == "proxy" {
  await runSidecar(Array(CommandLine.arguments.dropFirst()))
}
let options = parse(Array(CommandLine.arguments.dropFirst()))
signal(SIGPIPE, SIG_IGN)
// SIGTERM/SIGINT are caught from the start (a pipe tells the waiting thread).
let signals = DispatchlessSignals([SIGTERM, SIGINT])
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.concurrency)
var accessLog: (any AccessLogSink)?
if let path = options.accessLog {
  if path == "-" || path == "/dev/stdout" {
    accessLog = FileAccessLog(fileDescriptor: 1)
  } else {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    guard fd >= 0 else { fail("--access-log: cannot open \(path)") }
    accessLog = FileAccessLog(fileDescriptor: fd)
  }
}
let engine = ProxyEngine(
  group: group, decider: RoundRobinDecider(cluster: options.cluster, endpoints: options.upstreams),
  accessLog: accessLog)
do {
  let address = try await engine.listen(host: options.listen.host, port: options.listen.port)
  FileHandleOutput.standardError("skiff-proxy: listening on \(address), upstreams \(options.upstreams.map(\.description).joined(separator: ","))\n")
  if let admin = options.admin {
    let channel = try await AdminServer(stats: engine.stats, group: group).listen(host: admin.host, port: admin.port)
    FileHandleOutput.standardError("skiff-proxy: admin on \(channel.localAddress.map { "\($0)" } ?? "?")\n")
  }
} catch {
  fail("cannot listen: \(error)")
}

// SIGTERM/SIGINT: drain (GOAWAY, in-flight requests finish), then exit.
await signals.wait()
FileHandleOutput.standardError("skiff-proxy: draining\n")
await engine.shutdown()
try? await group.shutdownGracefully()
exit(0)
