import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GreeterProto
import GoCompat
import NIOCore
import NIOPosix
import SwiftProtobuf
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The `grpc_health_probe` program: a faithful equivalent of grpc-ecosystem/grpc-health-probe.
///
/// Exit codes as the original: 0 SERVING, 1 invalid arguments, 2 connection failure,
/// 3 RPC failure (including Unimplemented), 4 not SERVING. Every line goes to standard error
/// without a timestamp (the original calls `log.SetFlags(0)`).
public enum HealthProbeProgram {
  public static let exitServing: Int32 = 0
  public static let exitInvalidArguments: Int32 = 1
  public static let exitConnectionFailure: Int32 = 2
  public static let exitRPCFailure: Int32 = 3
  public static let exitUnhealthy: Int32 = 4
  public static let exitSPIFFEFailure: Int32 = 20

  static func flagSet() -> GoFlagSet {
    var flags = GoFlagSet(name: nil)
    flags.string("addr", usage: "(required) tcp host:port to connect")
    flags.string("service", usage: "service name to check (default: \"\")")
    flags.string("user-agent", default: "grpc_health_probe", usage: "user-agent header value of health check requests")
    flags.duration("connect-timeout", default: .seconds(1), usage: "timeout for establishing connection")
    flags.duration("rpc-timeout", default: .seconds(1), usage: "timeout for health check rpc")
    flags.stringList("rpc-header", usage: "additional RPC headers in 'name: value' format. May specify more than one via multiple flags.")
    flags.bool("tls", usage: "use TLS (default: false, INSECURE plaintext transport)")
    flags.bool("tls-no-verify", usage: "(with -tls) don't verify the certificate (INSECURE) presented by the server (default: false)")
    flags.string("tls-ca-cert", usage: "(with -tls, optional) file containing trusted certificates for verifying server")
    flags.string("tls-client-cert", usage: "(with -tls, optional) client certificate for authenticating to the server (requires -tls-client-key)")
    flags.string("tls-client-key", usage: "(with -tls) client private key for authenticating to the server (requires -tls-client-cert)")
    flags.string("tls-server-name", usage: "(with -tls) override the hostname used to verify the server certificate")
    flags.bool("alts", usage: "use ALTS (default: false, INSECURE plaintext transport)")
    flags.bool("spiffe", usage: "use SPIFFE to obtain mTLS credentials")
    flags.bool("gzip", usage: "use GZIPCompressor for requests and GZIPDecompressor for response (default: false)")
    flags.bool("v", usage: "verbose logs")
    flags.bool("version", usage: "print the probe version and exit")
    return flags
  }

  /// The probe's parsed and checked options.
  struct Options {
    var address: String
    var service: String
    var userAgent: String
    var connectTimeout: Duration
    var rpcTimeout: Duration
    var headers: [(String, String)]
    var tls: Bool
    var tlsNoVerify: Bool
    var tlsCACert: String
    var tlsClientCert: String
    var tlsClientKey: String
    var tlsServerName: String
    var gzip: Bool
    var verbose: Bool
  }

  /// Runs the probe, printing to standard error. Returns the exit code.
  public static func main(arguments: [String]) async -> Int32 {
    await main(arguments: arguments) { writeStderr($0 + "\n") }
  }

  /// Runs the probe, printing to standard error. Returns the exit code.
  public static func main(arguments: [String], log: (String) -> Void) async -> Int32 {
    let flagSet = flagSet()
    let flags: GoFlags
    do {
      flags = try flagSet.parse(arguments)
    } catch {
      if case .invalid(let message) = error { log(message) }
      log(String(flagSet.usage().dropLast()))
      return exitInvalidArguments
    }
    if flags.bool("version") {
      writeStdout("grpc_health_probe (skiff) \(skiffVersion)\n")
      return exitServing
    }
    var headers: [(String, String)] = []
    for header in flags.stringList("rpc-header") {
      guard let colon = header.firstIndex(of: ":") else {
        log("invalid value \(goQuote(header)) for flag -rpc-header: invalid RPC header, expected 'key: value', got \(goQuote(header))")
        log(String(flagSet.usage().dropLast()))
        return exitInvalidArguments
      }
      let value = header[header.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
      headers.append((String(header[..<colon]), String(value)))
    }
    let options = Options(
      address: flags.string("addr"), service: flags.string("service"),
      userAgent: flags.string("user-agent"), connectTimeout: flags.duration("connect-timeout"),
      rpcTimeout: flags.duration("rpc-timeout"), headers: headers, tls: flags.bool("tls"),
      tlsNoVerify: flags.bool("tls-no-verify"), tlsCACert: flags.string("tls-ca-cert"),
      tlsClientCert: flags.string("tls-client-cert"), tlsClientKey: flags.string("tls-client-key"),
      tlsServerName: flags.string("tls-server-name"), gzip: flags.bool("gzip"),
      verbose: flags.bool("v"))

    var argumentErrors = validate(options)
    if flags.bool("alts") && flags.bool("spiffe") {
      argumentErrors.append("-alts and -spiffe are mutually incompatible")
    }
    if options.tls && flags.bool("alts") { argumentErrors.append("cannot specify -tls with -alts") }
    if !argumentErrors.isEmpty {
      for message in argumentErrors { log("error: \(message)") }
      return exitInvalidArguments
    }
    if options.tls && flags.bool("spiffe") {
      log("-tls and -spiffe are mutually incompatible")
      return exitInvalidArguments
    }
    if flags.bool("alts") {
      log("error: -alts needs Google Cloud's ALTS handshaker, which this probe does not include")
      return exitInvalidArguments
    }
    if flags.bool("spiffe") {
      log("failed to initialize SPIFFE credentials: no SPIFFE workload API in this probe")
      return exitSPIFFEFailure
    }
    if options.verbose { logOptions(options, log: log) }
    return await probe(options, log: log)
  }

  /// The argument checks of the original, in its order, worded as it words them.
  static func validate(_ o: Options) -> [String] {
    var errors: [String] = []
    if o.address.isEmpty { errors.append("-addr not specified") }
    if o.connectTimeout <= .zero {
      errors.append("-connect-timeout must be greater than zero (specified: \(GoDuration.format(o.connectTimeout)))")
    }
    if o.rpcTimeout <= .zero {
      errors.append("-rpc-timeout must be greater than zero (specified: \(GoDuration.format(o.rpcTimeout)))")
    }
    if !o.tls && o.tlsNoVerify { errors.append("specified -tls-no-verify without specifying -tls") }
    if !o.tls && !o.tlsCACert.isEmpty { errors.append("specified -tls-ca-cert without specifying -tls") }
    if !o.tls && !o.tlsClientCert.isEmpty { errors.append("specified -tls-client-cert without specifying -tls") }
    if !o.tls && !o.tlsServerName.isEmpty { errors.append("specified -tls-server-name without specifying -tls") }
    if !o.tlsClientCert.isEmpty && o.tlsClientKey.isEmpty {
      errors.append("specified -tls-client-cert without specifying -tls-client-key")
    }
    if o.tlsClientCert.isEmpty && !o.tlsClientKey.isEmpty {
      errors.append("specified -tls-client-key without specifying -tls-client-cert")
    }
    if o.tlsNoVerify && !o.tlsCACert.isEmpty {
      errors.append("cannot specify -tls-ca-cert with -tls-no-verify (CA cert would not be used)")
    }
    if o.tlsNoVerify && !o.tlsServerName.isEmpty {
      errors.append("cannot specify -tls-server-name with -tls-no-verify (server name would not be used)")
    }
    return errors
  }

  static func logOptions(_ o: Options, log: (String) -> Void) {
    log("parsed options:")
    log("> addr=\(o.address) conn_timeout=\(GoDuration.format(o.connectTimeout)) rpc_timeout=\(GoDuration.format(o.rpcTimeout))")
    if !o.headers.isEmpty {
      log("> headers: " + o.headers.map { "\($0.0): \($0.1)" }.joined(separator: ", "))
    }
    log("> tls=\(o.tls)")
    if o.tls {
      log("  > no-verify=\(o.tlsNoVerify) ")
      log("  > ca-cert=\(o.tlsCACert)")
      log("  > client-cert=\(o.tlsClientCert)")
      log("  > client-key=\(o.tlsClientKey)")
      log("  > server-name=\(o.tlsServerName)")
    }
  }

  static func transportSecurity(_ o: Options) -> HTTP2ClientTransport.Posix.TransportSecurity {
    guard o.tls else { return .plaintext }
    return .tls(
      .defaults { config in
        if o.tlsNoVerify { config.serverCertificateVerification = .noVerification }
        if !o.tlsCACert.isEmpty {
          config.trustRoots = .certificates([.file(path: o.tlsCACert, format: .pem)])
        }
        if !o.tlsClientCert.isEmpty {
          config.certificateChain = [.file(path: o.tlsClientCert, format: .pem)]
          config.privateKey = .file(path: o.tlsClientKey, format: .pem)
        }
      })
  }

  private enum Event: Sendable {
    case connected
    case connectTimedOut
    case rpcTimedOut
    case rpcFinished(Result<Grpc_Health_V1_HealthCheckResponse, any Error>)
  }

  /// Connects and calls `Check`, keeping the original's two deadlines apart: the connection
  /// must be up within `-connect-timeout` (exit 2), then the call must finish within
  /// `-rpc-timeout` (exit 3). A refused port is retried until the connect deadline, as
  /// grpc-go's blocking dial does.
  static func probe(_ o: Options, log: (String) -> Void) async -> Int32 {
    let hostPort: HostPort
    do {
      hostPort = try HostPort(parsing: o.address)
    } catch {
      log("error: failed to connect service at \(goQuote(o.address)): \(error.message)")
      return exitConnectionFailure
    }
    let (connectedStream, connectedSignal) = AsyncStream<Void>.makeStream()
    var config = HTTP2ClientTransport.Posix.Config.defaults
    config.backoff = .init(initial: .milliseconds(50), max: .milliseconds(200), multiplier: 1.6, jitter: 0.2)
    if !o.tlsServerName.isEmpty { config.http2.authority = o.tlsServerName }
    if o.gzip { config.compression.enabledAlgorithms = .all }
    config.channelDebuggingCallbacks.onCreateHTTP2Stream = { channel in
      connectedSignal.yield()
      return channel.eventLoop.makeSucceededVoidFuture()
    }
    let transport: HTTP2ClientTransport.Posix
    do {
      transport = try HTTP2ClientTransport.Posix(
        target: hostPort.resolvableTarget, transportSecurity: transportSecurity(o), config: config,
        eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1))
    } catch {
      log("failed to initialize tls credentials. error=\(goErrorText(error))")
      return exitInvalidArguments
    }
    var metadata = Metadata()
    metadata.addString(o.userAgent, forKey: "user-agent")
    for (name, value) in o.headers { metadata.addString(value, forKey: name.lowercased()) }
    let callMetadata = metadata
    var callOptions = CallOptions.defaults
    callOptions.waitForReady = true
    callOptions.timeout = o.connectTimeout + o.rpcTimeout
    if o.gzip { callOptions.compression = .gzip }
    let rpcOptions = callOptions
    let request = Grpc_Health_V1_HealthCheckRequest.with { $0.service = o.service }
    let clock = ContinuousClock()
    let start = clock.now
    if o.verbose { log("establishing connection") }

    do {
      return try await withGRPCClient(transport: transport) { client in
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        return await withTaskGroup(of: Event.self) { group -> Int32 in
          group.addTask {
            for await _ in connectedStream { return .connected }
            return .connectTimedOut
          }
          group.addTask {
            try? await Task.sleep(for: o.connectTimeout)
            return .connectTimedOut
          }
          group.addTask {
            do {
              let reply = try await health.check(request: ClientRequest(message: request, metadata: callMetadata), options: rpcOptions) {
                try $0.message
              }
              return .rpcFinished(.success(reply))
            } catch {
              return .rpcFinished(.failure(error))
            }
          }
          var connectedAt: ContinuousClock.Instant?
          defer {
            connectedSignal.finish()
            group.cancelAll()
          }
          while let event = await group.next() {
            switch event {
            case .connected:
              guard connectedAt == nil else { continue }
              connectedAt = clock.now
              if o.verbose { log("connection established (took \(GoDuration.format(clock.now - start)))") }
              group.addTask {
                try? await Task.sleep(for: o.rpcTimeout)
                return .rpcTimedOut
              }
            case .connectTimedOut:
              if connectedAt == nil {
                log("timeout: failed to connect service \(goQuote(o.address)) within \(GoDuration.format(o.connectTimeout))")
                return exitConnectionFailure
              }
            case .rpcTimedOut:
              log("timeout: health rpc did not complete within \(GoDuration.format(o.rpcTimeout))")
              return exitRPCFailure
            case .rpcFinished(let result):
              if o.verbose, let connectedAt {
                log("time elapsed: connect=\(GoDuration.format(connectedAt - start)) rpc=\(GoDuration.format(clock.now - connectedAt))")
              }
              return report(result, connected: connectedAt != nil, options: o, log: log)
            }
          }
          return exitRPCFailure
        }
      }
    } catch {
      log("error: failed to connect service at \(goQuote(o.address)): \(goErrorText(error))")
      return exitConnectionFailure
    }
  }

  static func report(
    _ result: Result<Grpc_Health_V1_HealthCheckResponse, any Error>, connected: Bool,
    options o: Options, log: (String) -> Void
  ) -> Int32 {
    switch result {
    case .success(let reply):
      guard reply.status == .serving else {
        log("service unhealthy (responded with \(goQuote(reply.status.protoName)))")
        return exitUnhealthy
      }
      log("status: \(reply.status.protoName)")
      return exitServing
    case .failure(let error):
      let rpc = (error as? RPCError) ?? RPCError(code: .unknown, message: String(describing: error))
      if !connected {
        log("error: failed to connect service at \(goQuote(o.address)): \(rpc.goDescription)")
        return exitConnectionFailure
      }
      switch rpc.code {
      case .unimplemented:
        log("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): \(rpc.message)")
      case .deadlineExceeded:
        log("timeout: health rpc did not complete within \(GoDuration.format(o.rpcTimeout))")
      default:
        log("error: health rpc failed: \(rpc.goDescription)")
      }
      return exitRPCFailure
    }
  }
}

extension Grpc_Health_V1_HealthCheckResponse.ServingStatus {
  /// The enum value's name in health.proto, as Go's `String()` prints it.
  var protoName: String {
    switch self {
    case .unknown: return "UNKNOWN"
    case .serving: return "SERVING"
    case .notServing: return "NOT_SERVING"
    case .serviceUnknown: return "SERVICE_UNKNOWN"
    case .UNRECOGNIZED(let n): return "\(n)"
    }
  }
}

/// Skiff's version, shown by `-version` and `skiff version`.
public let skiffVersion = "0.1.0"
