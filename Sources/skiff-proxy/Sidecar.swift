import Logging
import SkiffProxy
import SkiffSidecar

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `skiff-proxy proxy sidecar ...`: runs until SIGTERM/SIGINT, then drains and exits 0.
func runSidecar(_ arguments: [String]) async -> Never {
  var environment: [String: String] = [:]
  for name in ["POD_NAME", "POD_NAMESPACE", "INSTANCE_IP"] {
    if let value = getenv(name) { environment[name] = String(cString: value) }
  }
  let options: SidecarOptions
  do {
    options = try SidecarOptions.parse(arguments, environment: environment)
  } catch {
    FileHandleOutput.standardError(
      "skiff-proxy: \(error)\nusage: skiff-proxy proxy sidecar --xds-socket PATH [--proxyLogLevel LEVEL] [--concurrency N] [--access-log -|PATH] [--domain DOMAIN]\n"
    )
    exit(2)
  }
  let level = options.logLevel
  LoggingSystem.bootstrap { label in SidecarLogHandler(label: label == "skiff-proxy" ? "" : label, level: level) }
  // Lifecycle messages are worth seeing at the default level (warning), as Istio's are.
  var logger = Logger(label: "skiff-proxy")
  logger.logLevel = min(level, .info)
  signal(SIGPIPE, SIG_IGN)
  let signals = DispatchlessSignals([SIGTERM, SIGINT])
  var accessLog: (any AccessLogSink)?
  if let path = options.accessLog {
    if path == "-" || path == "/dev/stdout" {
      accessLog = FileAccessLog(fileDescriptor: 1)
    } else {
      let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
      guard fd >= 0 else {
        FileHandleOutput.standardError("skiff-proxy: --access-log: cannot open \(path): \(String(cString: strerror(errno)))\n")
        exit(2)
      }
      accessLog = FileAccessLog(fileDescriptor: fd)
    }
  }
  let sidecar = SidecarProxy(options: options, accessLog: accessLog, logger: logger)
  do {
    try await sidecar.start()
  } catch {
    logger.critical("cannot start the sidecar: \(error); is another proxy using ports 15000/15001/15006/15021/15090 in this pod?")
    exit(1)
  }
  await signals.wait()
  logger.info("received SIGTERM: draining (new connections refused, requests in flight finish)")
  await sidecar.shutdown()
  logger.info("drained; exiting")
  exit(0)
}
