public import Logging
public import NIOCore
import NIOPosix
public import SkiffMeshConfig
import SkiffMeshClient
public import SkiffProxy
import Synchronization

/// `skiff-proxy proxy sidecar ...`: the injected `istio-proxy` container. The arguments are
/// the ones the injector writes (Istio's `pilot-agent proxy sidecar` plus `--xds-socket`);
/// the identity comes from the downward-API environment (`POD_NAME`, `POD_NAMESPACE`,
/// `INSTANCE_IP`).
public struct SidecarOptions: Sendable, Equatable {
  public var xdsSocket = "/var/run/skiff-mesh/mesh.sock"
  public var domain: String?
  public var logLevel: Logger.Level = .warning
  /// Event loops (Istio's default `concurrency` for sidecars: 2).
  public var concurrency = 2
  /// `-` (stdout, the default: `skiff logs POD -c istio-proxy` shows one line per request,
  /// as with Istio's `accessLogFile: /dev/stdout`), a path, or nil (`--access-log=off`).
  public var accessLog: String? = "-"
  public var outboundPort = 15001
  public var inboundPort = 15006
  public var adminPort = 15000
  public var readinessPort = 15021
  public var prometheusPort = 15090
  public var identity: ProxyIdentity

  public init(identity: ProxyIdentity) {
    self.identity = identity
  }

  /// Parses the arguments after the program name (`proxy sidecar --domain ... --xds-socket
  /// PATH`) and the identity from `environment`. Errors name the flag and say what is wanted.
  public static func parse(_ arguments: [String], environment: [String: String]) throws(SidecarOptionsError) -> SidecarOptions {
    guard arguments.count >= 2, arguments[0] == "proxy" else {
      throw SidecarOptionsError(message: "expected \"proxy sidecar [flags]\", got \"\(arguments.joined(separator: " "))\"")
    }
    guard arguments[1] == "sidecar" else {
      throw SidecarOptionsError(message: "proxy type \"\(arguments[1])\" is not supported: only \"sidecar\" is (no router or gateway)")
    }
    guard let namespace = environment["POD_NAMESPACE"], !namespace.isEmpty,
      let name = environment["POD_NAME"], !name.isEmpty
    else {
      throw SidecarOptionsError(
        message: "POD_NAME and POD_NAMESPACE must be set (the injector sets them from the downward API)")
    }
    let ip = environment["INSTANCE_IP"].flatMap { $0.isEmpty ? nil : $0 }
    var options = SidecarOptions(identity: ProxyIdentity(namespace: namespace, name: name, ip: ip))
    var index = 2
    while index < arguments.count {
      var flag = arguments[index]
      var inline: String?
      if flag.hasPrefix("-"), let eq = flag.firstIndex(of: "=") {
        inline = String(flag[flag.index(after: eq)...])
        flag = String(flag[..<eq])
      }
      func value() throws(SidecarOptionsError) -> String {
        if let inline { return inline }
        index += 1
        guard index < arguments.count else { throw SidecarOptionsError(message: "flag \(flag) needs a value") }
        return arguments[index]
      }
      switch flag.hasPrefix("--") ? String(flag.dropFirst(2)) : String(flag.dropFirst()) {
      case "xds-socket": options.xdsSocket = try value()
      case "domain": options.domain = try value()
      case "proxyLogLevel", "log-level":
        let text = try value()
        // Istio's levels: trace, debug, info, warning, error, critical, off.
        let levels: [String: Logger.Level] = [
          "trace": .trace, "debug": .debug, "info": .info, "warning": .warning, "warn": .warning, "error": .error,
          "critical": .critical, "off": .critical,
        ]
        guard let level = levels[text] else {
          throw SidecarOptionsError(message: "flag \(flag): unknown level \"\(text)\" (trace, debug, info, warning, error, critical, off)")
        }
        options.logLevel = level
      case "concurrency":
        let text = try value()
        guard let n = Int(text), n > 0 else {
          throw SidecarOptionsError(message: "flag \(flag): \"\(text)\" is not a positive number of worker threads")
        }
        options.concurrency = n
      case "access-log":
        let text = try value()
        options.accessLog = text == "off" || text.isEmpty ? nil : text
      default:
        throw SidecarOptionsError(message: "unknown flag \(flag)")
      }
      index += 1
    }
    return options
  }
}

public struct SidecarOptionsError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public var description: String { message }
}

/// The running sidecar: one `ProxyEngine` behind the outbound (15001) and inbound (15006)
/// listeners, routed by `MeshRouteDecider` over the snapshots `MeshConfigClient` receives;
/// the admin port (15000, loopback), readiness (15021 `/healthz/ready`: 200 once a config is
/// in force) and Prometheus stats (15090).
public final class SidecarProxy: Sendable {
  public let options: SidecarOptions
  public let decider: MeshRouteDecider
  public let engine: ProxyEngine
  let group: MultiThreadedEventLoopGroup
  let client: MeshConfigClient
  let logger: Logger
  private let tasks = Mutex<[Task<Void, Never>]>([])
  private let admin = Mutex<[any Channel]>([])

  public init(options: SidecarOptions, accessLog: (any AccessLogSink)? = nil, logger: Logger) {
    self.options = options
    self.logger = logger
    let decider = MeshRouteDecider(inboundPort: options.inboundPort, logger: logger)
    self.decider = decider
    group = MultiThreadedEventLoopGroup(numberOfThreads: options.concurrency)
    var configuration = ProxyConfiguration()
    configuration.useOriginalDestination = true
    engine = ProxyEngine(group: group, decider: decider, configuration: configuration, accessLog: accessLog, logger: logger)
    let applier = SnapshotApplier(decider: decider, engine: engine, logger: logger)
    client = MeshConfigClient(
      socketPath: options.xdsSocket, proxy: options.identity, logger: logger,
      apply: { snapshot throws(MeshConfigError) in try applier.apply(snapshot) })
  }

  /// Opens the listeners and starts the config stream. Throws when a port cannot be bound.
  public func start() async throws {
    let outbound = try await engine.listen(host: "0.0.0.0", port: options.outboundPort)
    // Istio's default PeerAuthentication, PERMISSIVE: mutual TLS from sidecars, plaintext
    // from everyone else.
    let inbound = try await engine.listen(host: "0.0.0.0", port: options.inboundPort, tls: .permissive)
    let decider = decider
    let ready: @Sendable () -> AdminServer.Response = {
      decider.hasConfig
        ? AdminServer.Response(status: 200, body: "")
        : AdminServer.Response(status: 503, body: "config not received from the mesh control plane yet\n")
    }
    let configDump: @Sendable () -> AdminServer.Response = {
      guard let snapshot = decider.snapshot else {
        return AdminServer.Response(status: 503, body: "no config yet\n")
      }
      return AdminServer.Response(
        status: 200, contentType: "application/json",
        body: String(decoding: snapshot.redacted().jsonBytes(pretty: true), as: UTF8.self))
    }
    let adminServer = AdminServer(stats: engine.stats, group: group, routes: ["/config_dump": configDump, "/healthz/ready": ready])
    let readinessServer = AdminServer(stats: engine.stats, group: group, routes: ["/healthz/ready": ready])
    let channels = [
      try await adminServer.listen(host: "127.0.0.1", port: options.adminPort),
      try await readinessServer.listen(host: "0.0.0.0", port: options.readinessPort),
      try await AdminServer(stats: engine.stats, group: group).listen(host: "0.0.0.0", port: options.prometheusPort),
    ]
    admin.withLock { $0 = channels }
    logger.info(
      "listening: outbound \(outbound), inbound \(inbound), admin 127.0.0.1:\(options.adminPort), readiness :\(options.readinessPort)/healthz/ready, stats :\(options.prometheusPort)/stats/prometheus"
    )

    let client = client
    let logger = logger
    let updates = client.updates()
    let log = Task {
      for await snapshot in updates {
        logger.notice(
          "config version \(snapshot.version) in force: \(snapshot.outbound.count) outbound listeners, \(snapshot.inbound.count) inbound, \(snapshot.clusters.count) clusters"
        )
      }
    }
    let stream = Task {
      logger.info("connecting to the mesh control plane at \(client.socketPath) as \(options.identity.id)")
      try? await client.run()
    }
    tasks.withLock { $0 = [log, stream] }
  }

  /// Stops the config stream, drains the listeners (in-flight requests finish, at most the
  /// engine's drain timeout) and stops the event loops.
  public func shutdown() async {
    for task in tasks.withLock({ $0 }) { task.cancel() }
    for channel in admin.withLock({ $0 }) { try? await channel.close() }
    await engine.shutdown()
    try? await group.shutdownGracefully()
  }
}

/// Puts a snapshot the control plane pushed in force: its workload certificate into the
/// engine's mutual TLS, its listeners, routes and clusters into the decider. All or nothing:
/// a certificate OpenSSL refuses, or a snapshot the router refuses, is a NACK and the last
/// good config (and certificate) stays.
final class SnapshotApplier: Sendable {
  let decider: MeshRouteDecider
  let engine: ProxyEngine
  let logger: Logger
  private let installed = Mutex<WorkloadSecret?>(nil)

  init(decider: MeshRouteDecider, engine: ProxyEngine, logger: Logger) {
    self.decider = decider
    self.engine = engine
    self.logger = logger
  }

  func apply(_ snapshot: MeshSnapshot) throws(MeshConfigError) {
    let changed = installed.withLock { $0 != snapshot.secret }
    var credentials: MutualTLSCredentials?
    if changed, let secret = snapshot.secret {
      do {
        credentials = try MutualTLSCredentials(
          spiffeID: secret.spiffeID, certificateChainPEM: secret.certificateChainPEM, privateKeyPEM: secret.privateKeyPEM,
          trustBundlePEM: secret.trustBundlePEM)
      } catch {
        throw MeshConfigError(.invalid, "secret: the workload certificate for \(secret.spiffeID) cannot be used: \(error)")
      }
    }
    try decider.update(to: snapshot)
    guard changed else { return }
    engine.mutualTLS = credentials
    installed.withLock { $0 = snapshot.secret }
    if let secret = snapshot.secret {
      logger.notice(
        "mesh certificate for \(secret.spiffeID) in use (serial \(secret.serialNumber), valid until \(secret.notAfter)): mutual TLS with other sidecars"
      )
    } else {
      logger.warning("the mesh control plane sent no certificate: connections to other sidecars are plaintext")
    }
  }
}
