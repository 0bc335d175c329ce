import GRPCCore
import SwiftProtobuf
import GRPCNIOTransportHTTP2Posix
import GreeterProto
import GoCompat

/// What `greeter-client` was asked to do.
public struct GreeterClientOptions: Sendable {
  public var address: HostPort
  public var insecure: Bool
  public var repeatCount: Int
  public var name: String
  public var timeout: Duration

  public init(
    address: HostPort, insecure: Bool = true, repeatCount: Int = 1, name: String = "world",
    timeout: Duration = .seconds(10)
  ) {
    self.address = address
    self.insecure = insecure
    self.repeatCount = repeatCount
    self.name = name
    self.timeout = timeout
  }
}

/// Calls `SayHello` `repeatCount` times, one after another, over **one** channel: one HTTP/2
/// connection carries every call, as with the Go client. That single connection is what makes
/// a plain Kubernetes Service send every call to the same pod.
///
/// `onReply` gets each reply's message; the first failed call ends the run and is thrown.
public func runGreeterCalls(
  _ options: GreeterClientOptions, onReply: (String) -> Void
) async throws {
  let security: HTTP2ClientTransport.Posix.TransportSecurity =
    options.insecure ? .plaintext : .tls
  let transport = try HTTP2ClientTransport.Posix(
    target: options.address.resolvableTarget, transportSecurity: security)
  try await withGRPCClient(transport: transport) { client in
    let greeter = Helloworld_Greeter.Client(wrapping: client)
    var callOptions = CallOptions.defaults
    callOptions.timeout = options.timeout
    for _ in 0..<options.repeatCount {
      let reply = try await greeter.sayHello(.with { $0.name = options.name }, options: callOptions)
      onReply(reply.message)
    }
  }
}

/// The `greeter-client` program.
public enum GreeterClientProgram {
  static func flagSet(program: String) -> GoFlagSet {
    var flags = GoFlagSet(name: program)
    flags.string("address", default: "localhost:8080", usage: "the address to connect to")
    flags.bool("insecure", usage: "connect without TLS (plaintext); false means TLS with the system trust store")
    flags.int("repeat", default: 1, usage: "how many calls to make, one after another on one connection")
    flags.string("name", default: "world", usage: "name to greet")
    flags.duration("timeout", default: .seconds(10), usage: "deadline of each call")
    return flags
  }

  /// Parses Go-style flags. Errors print Go's message and usage; help exits 0, bad flags 2.
  public static func options(program: String, arguments: [String]) -> Result<GreeterClientOptions, ExitCode> {
    let flagSet = flagSet(program: program)
    let flags: GoFlags
    do {
      flags = try flagSet.parse(arguments)
    } catch {
      return .failure(ExitCode(reportFlagError(error, flagSet)))
    }
    let address: HostPort
    do {
      address = try HostPort(parsing: flags.string("address"))
    } catch {
      GoLog.printf("did not connect: \(error.message)")
      return .failure(ExitCode(1))
    }
    return .success(
      GreeterClientOptions(
        address: address, insecure: flags.bool("insecure"), repeatCount: flags.int("repeat"),
        name: flags.string("name"), timeout: flags.duration("timeout")))
  }

  public static func main(program: String, arguments: [String]) async -> Int32 {
    let options: GreeterClientOptions
    switch Self.options(program: program, arguments: arguments) {
    case .success(let parsed): options = parsed
    case .failure(let code): return code.rawValue
    }
    do {
      try await runGreeterCalls(options) { GoLog.printf($0) }
      return 0
    } catch {
      GoLog.printf("could not greet: \(goErrorText(error))")
      return 1
    }
  }
}

/// A process exit status.
public struct ExitCode: Error, Equatable, Sendable {
  public var rawValue: Int32
  public init(_ rawValue: Int32) { self.rawValue = rawValue }
}
