public import GRPCCore
import GRPCNIOTransportHTTP2Posix
public import GreeterProto
import GoCompat
import NIOCore
import Synchronization
import SwiftProtobuf
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `helloworld.Greeter`: answers `Hello <name> from <hostname>`. In a pod the hostname is the
/// pod's name, which is how the walkthrough shows which pod served each call.
public struct GreeterService: Helloworld_Greeter.SimpleServiceProtocol {
  let hostname: String
  let connections: ConnectionLedger

  public init(hostname: String, connections: ConnectionLedger) {
    self.hostname = hostname
    self.connections = connections
  }

  public func sayHello(
    request: Helloworld_HelloRequest, context: ServerContext
  ) async throws -> Helloworld_HelloReply {
    connections.record(peer: context.remotePeer)
    return .with { $0.message = "Hello \(request.name) from \(hostname)" }
  }
}

/// The distinct client connections (remote address and port) that made calls, and how many
/// calls each made: the server-side evidence that a client used one connection for all calls.
public final class ConnectionLedger: Sendable {
  private let calls = Mutex<[String: Int]>([:])

  public init() {}

  func record(peer: String) {
    calls.withLock { $0[peer, default: 0] += 1 }
  }

  /// Calls per remote peer (`ipv4:127.0.0.1:50412` → 100).
  public var callsByPeer: [String: Int] { calls.withLock { $0 } }
}

/// A running greeter server: `helloworld.Greeter` and `grpc.health.v1.Health` on one port.
public final class GreeterServer: Sendable {
  public let health = HealthStatusStore()
  public let connections = ConnectionLedger()
  public let requestedAddress: HostPort
  private let server: GRPCServer<HTTP2ServerTransport.Posix>

  /// - Parameters:
  ///   - address: where to listen; port 0 picks a free port (read it from `listeningPort`).
  ///   - hostname: the name replies carry; the machine's hostname by default.
  public init(address: HostPort, hostname: String = currentHostname()) {
    requestedAddress = address
    let bindHost = address.host.isEmpty ? "0.0.0.0" : address.host
    let socketAddress: GRPCNIOTransportCore.SocketAddress =
      address.isIPv6Literal
      ? .ipv6(host: bindHost, port: address.port) : .ipv4(host: bindHost, port: address.port)
    health.set(.serving, for: "")
    health.set(.serving, for: Helloworld_Greeter.descriptor.fullyQualifiedService)
    server = GRPCServer(
      transport: .http2NIOPosix(address: socketAddress, transportSecurity: .plaintext),
      services: [
        GreeterService(hostname: hostname, connections: connections),
        HealthService(store: health),
      ]
    )
  }

  /// Serves until `stop()`; in-flight calls finish first. Throws `ListenError` when the
  /// address cannot be bound.
  public func serve() async throws {
    do {
      try await server.serve()
    } catch {
      throw ListenError(address: requestedAddress, underlying: error)
    }
  }

  /// The port the server listens on, once it listens (the real port when 0 was asked).
  public var listeningPort: Int {
    get async throws {
      let address = try await server.listeningAddress
      if let v4 = address?.ipv4 { return v4.port }
      if let v6 = address?.ipv6 { return v6.port }
      throw ListenError(address: requestedAddress, underlying: RPCError(code: .unavailable, message: "not listening"))
    }
  }

  /// Stops accepting connections and lets in-flight calls finish; `serve()` then returns.
  public func stop() {
    health.finishWatchers()
    server.beginGracefulShutdown()
  }
}

/// The server could not listen; the description reads like Go's
/// `failed to listen: listen tcp 0.0.0.0:8080: bind: address already in use`.
public struct ListenError: Error, CustomStringConvertible {
  public var address: HostPort
  public var underlying: any Error

  public var description: String {
    "failed to listen: listen tcp \(address): \(reason)"
  }

  var reason: String {
    var error: (any Error)? = underlying
    while let current = error {
      if let io = current as? IOError {
        let text = String(cString: strerror(io.errnoCode)).lowercased()
        return "bind: \(text)"
      }
      if let runtime = current as? RuntimeError {
        error = runtime.cause
      } else if let rpc = current as? RPCError {
        error = rpc.cause
      } else {
        return String(describing: current)
      }
    }
    return String(describing: underlying)
  }
}

/// The machine's hostname (in a pod: the pod's name).
public func currentHostname() -> String {
  var buffer = [CChar](repeating: 0, count: 256)
  guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
  return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The `greeter-server` program: flags, logging and signals around `GreeterServer`.
public enum GreeterServerProgram {
  static func flagSet(program: String) -> GoFlagSet {
    var flags = GoFlagSet(name: program)
    flags.string("address", default: "0.0.0.0:8080", usage: "the address to listen on (host:port)")
    return flags
  }

  /// Runs the program with `arguments` (argv without the program name); returns the exit code.
  public static func main(program: String, arguments: [String]) async -> Int32 {
    let flags: GoFlags
    let flagSet = flagSet(program: program)
    do {
      flags = try flagSet.parse(arguments)
    } catch {
      return reportFlagError(error, flagSet)
    }
    let address: HostPort
    do {
      address = try HostPort(parsing: flags.string("address"))
    } catch {
      GoLog.printf("failed to listen: listen tcp: \(error.message)")
      return 1
    }

    let server = GreeterServer(address: address)
    let signals = watchSignals([SIGTERM, SIGINT, SIGUSR1, SIGUSR2]) { number in
      switch number {
      case SIGUSR1:
        GoLog.printf("health: NOT_SERVING (SIGUSR1)")
        server.health.setAll(.notServing)
      case SIGUSR2:
        GoLog.printf("health: SERVING (SIGUSR2)")
        server.health.setAll(.serving)
      default:
        GoLog.printf("received \(goSignalName(number)), stopping: no new connections, finishing in-flight calls")
        server.stop()
      }
    }
    defer { signals.forEach { $0.cancel() } }

    do {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        let port: Int
        do {
          port = try await server.listeningPort
        } catch {
          // The serve task knows why there is no listener (address in use, ...): report that.
          try await group.next()
          throw error
        }
        let shown = address.host.isEmpty ? "[::]:\(port)" : HostPort(host: address.host, port: port).description
        GoLog.printf("server listening at \(shown)")
        try await group.waitForAll()
      }
    } catch {
      GoLog.printf(String(describing: error))
      return 1
    }
    GoLog.printf("server stopped")
    return 0
  }
}
