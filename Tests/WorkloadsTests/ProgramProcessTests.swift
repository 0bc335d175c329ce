import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GreeterProto
import NIOCore
import NIOPosix
import SkiffTestSupport
import Testing
import Workloads

/// The three programs as real processes, checked on what a user sees: stderr lines and exit codes.
@Suite("workload programs as processes")
struct ProgramProcessTests {
  @Test func clientPrintsGoLogLinesNamingTheServersHost() async throws {
    let host = testLoopback()
    let server = try ProgramRunner.Background("greeter-server", ["--address=\(host):0"])
    let listening = try await server.waitForLine(containing: "server listening at \(host):")
    #expect(isGoLogLine(listening, message: listening.dropFirst(20).description))
    let port = try #require(listeningPort(from: listening))

    let client = try await ProgramRunner.run(
      "greeter-client", ["--insecure=true", "--address=\(host):\(port)", "--repeat=7"])
    #expect(client.status == 0)
    #expect(client.stdout.isEmpty, "Go's log writes to stderr only")
    let hostname = ProcessInfo.processInfo.hostName
    #expect(client.stderrLines.count == 7)
    for line in client.stderrLines {
      #expect(isGoLogLine(line, message: "Hello world from \(hostname)"), "line: \(line)")
    }

    server.signal(SIGTERM)
    #expect(try await server.wait() == 0)
  }

  @Test func serverReportsAPortInUse() async throws {
    let host = testLoopback()
    let first = try ProgramRunner.Background("greeter-server", ["--address=\(host):0"])
    let port = try #require(listeningPort(from: try await first.waitForLine(containing: "server listening at")))
    let second = try await ProgramRunner.run("greeter-server", ["--address=\(host):\(port)"])
    #expect(second.status == 1)
    let line = try #require(second.stderrLines.last)
    #expect(isGoLogLine(line, message: "failed to listen: listen tcp \(host):\(port): bind: address already in use"), "got \(line)")
    first.signal(SIGINT)
    #expect(try await first.wait() == 0)
  }

  @Test func serverRejectsABadAddress() async throws {
    let result = try await ProgramRunner.run("greeter-server", ["--address=nonsense"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("failed to listen: listen tcp: address nonsense: missing port in address"))
  }

  @Test func clientRejectsUnknownFlagsLikeGo() async throws {
    let result = try await ProgramRunner.run("greeter-client", ["--port=1"])
    #expect(result.status == 2)
    #expect(result.stderrLines.first == "flag provided but not defined: -port")
    #expect(result.stderr.contains("Usage of "))
    #expect(result.stderr.contains("  -address string\n    \tthe address to connect to (default \"localhost:8080\")"))
    let help = try await ProgramRunner.run("greeter-client", ["-h"])
    #expect(help.status == 0)
  }

  @Test func clientFailureIsCouldNotGreet() async throws {
    let result = try await withRefusedPort { host, port in
      try await ProgramRunner.run("greeter-client", ["--insecure", "--address=\(host):\(port)", "--timeout=20s"])
    }
    #expect(result.status == 1)
    let line = try #require(result.stderrLines.last)
    #expect(line.contains(" could not greet: rpc error: code = Unavailable desc = "), "got \(line)")
  }

  @Test func probeExitCodes() async throws {
    let host = testLoopback()
    let server = try ProgramRunner.Background("greeter-server", ["--address=\(host):0"])
    let port = try #require(listeningPort(from: try await server.waitForLine(containing: "server listening at")))

    let ok = try await ProgramRunner.run("grpc_health_probe", ["-addr=\(host):\(port)", "-connect-timeout=10s", "-rpc-timeout=10s"])
    #expect(ok.status == 0)
    #expect(ok.stderr == "status: SERVING\n")

    server.signal(SIGUSR1)
    _ = try await server.waitForLine(containing: "NOT_SERVING")
    let down = try await ProgramRunner.run("grpc_health_probe", ["-addr=\(host):\(port)", "-connect-timeout=10s", "-rpc-timeout=10s"])
    #expect(down.status == 4)
    #expect(down.stderr == "service unhealthy (responded with \"NOT_SERVING\")\n")

    server.signal(SIGUSR2)
    _ = try await server.waitForLine(containing: "health: SERVING")
    let back = try await ProgramRunner.run("grpc_health_probe", ["-addr", "\(host):\(port)", "-v", "-connect-timeout=10s", "-rpc-timeout=10s"])
    #expect(back.status == 0)
    #expect(back.stderrLines.first == "parsed options:")
    #expect(back.stderrLines.contains { $0.hasPrefix("connection established (took ") })
    #expect(back.stderrLines.last == "status: SERVING")

    server.signal(SIGTERM)
    #expect(try await server.wait() == 0)
  }

  @Test func probeOnAClosedPortTimesOutConnecting() async throws {
    try await withRefusedPort { host, port in
      let start = ContinuousClock.now
      let result = try await ProgramRunner.run("grpc_health_probe", ["-addr=\(host):\(port)", "-connect-timeout=400ms"])
      let elapsed = ContinuousClock.now - start
      #expect(result.status == 2)
      #expect(result.stderr == "timeout: failed to connect service \"\(host):\(port)\" within 400ms\n")
      #expect(elapsed >= .milliseconds(400), "the connect deadline is waited out, as grpc-go's blocking dial does")
    }
  }

  @Test func probeAgainstAServerWithoutHealthIsAnRPCFailure() async throws {
    try await withServer(services: [GreeterService(hostname: "x", connections: ConnectionLedger())]) { address in
      let result = try await ProgramRunner.run("grpc_health_probe", ["-addr=\(address)", "-connect-timeout=10s", "-rpc-timeout=10s"])
      #expect(result.status == 3)
      #expect(result.stderr.hasPrefix("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): "))
    }
  }

  @Test func probeHonoursTheRPCTimeout() async throws {
    try await withServer(services: [SlowHealth()]) { address in
      let result = try await ProgramRunner.run("grpc_health_probe", ["-addr=\(address)", "-rpc-timeout=300ms"])
      #expect(result.status == 3)
      #expect(result.stderr == "timeout: health rpc did not complete within 300ms\n")
    }
  }

  @Test(
    "probe argument errors exit 1",
    arguments: [
      ([String](), "error: -addr not specified\n"),
      (["-addr=:1", "-connect-timeout=0s"], "error: -connect-timeout must be greater than zero (specified: 0s)\n"),
      (["-addr=:1", "-tls-no-verify"], "error: specified -tls-no-verify without specifying -tls\n"),
      (["-addr=:1", "-tls", "-tls-client-cert=c.pem"], "error: specified -tls-client-cert without specifying -tls-client-key\n"),
      (["-addr=:1", "-tls", "-tls-no-verify", "-tls-ca-cert=ca.pem"], "error: cannot specify -tls-ca-cert with -tls-no-verify (CA cert would not be used)\n"),
    ])
  func probeArgumentErrors(_ args: [String], _ expected: String) async throws {
    let result = try await ProgramRunner.run("grpc_health_probe", args)
    #expect(result.status == 1)
    #expect(result.stderr == expected)
  }

  @Test func probeUnknownFlagPrintsUsageAndExits1() async throws {
    let result = try await ProgramRunner.run("grpc_health_probe", ["-bogus"])
    #expect(result.status == 1)
    #expect(result.stderrLines.first == "flag provided but not defined: -bogus")
    #expect(result.stderrLines.dropFirst().first == "Usage:")
    #expect(result.stderr.contains("  -addr string\n    \t(required) tcp host:port to connect\n"))
  }

  @Test func probeDialsLocalhostForAnEmptyHost() async throws {
    let server = try ProgramRunner.Background("greeter-server", ["--address=127.0.0.1:0"])
    let port = try #require(listeningPort(from: try await server.waitForLine(containing: "server listening at")))
    let result = try await ProgramRunner.run("grpc_health_probe", ["-addr=:\(port)", "-connect-timeout=10s", "-rpc-timeout=10s"])
    #expect(result.status == 0)
    server.signal(SIGTERM)
    _ = try await server.wait()
  }
}

/// A health service whose Check never answers in time.
struct SlowHealth: Grpc_Health_V1_Health.SimpleServiceProtocol {
  func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthCheckResponse {
    try await Task.sleep(for: .seconds(5))
    return .init()
  }

  func watch(
    request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {}
}

/// Runs a gRPC server with just `services` on a free port of a test loopback address.
func withServer(services: [any RegistrableRPCService], _ body: (String) async throws -> Void) async throws {
  let host = testLoopback()
  let server = GRPCServer(
    transport: .http2NIOPosix(address: .ipv4(host: host, port: 0), transportSecurity: .plaintext),
    services: services)
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.serve() }
    let port = try #require(try await server.listeningAddress?.ipv4?.port)
    try await body("\(host):\(port)")
    server.beginGracefulShutdown()
    group.cancelAll()
  }
}

/// A test loopback address and a port on it that refuses connections (see `refusedPort`).
func withRefusedPort<T>(_ body: (String, Int) async throws -> T) async throws -> T {
  let host = testLoopback()
  return try await body(host, try refusedPort(host: host))
}
