import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GreeterProto
import SwiftProtobuf
import SkiffTestSupport
import Testing
import Workloads

@Suite("greeter server and client in one process")
struct GreeterInProcessTests {
  /// Starts a server on a free loopback port, runs `body`, and stops the server.
  func withServer(hostname: String = "pod-a", _ body: (GreeterServer, HostPort) async throws -> Void) async throws {
    let host = testLoopback()
    let server = GreeterServer(address: HostPort(host: host, port: 0), hostname: hostname)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      let port = try await server.listeningPort
      try await body(server, HostPort(host: host, port: port))
      server.stop()
      try await group.waitForAll()
    }
  }

  @Test func repliesNameTheServerAndAllCallsShareOneConnection() async throws {
    try await withServer(hostname: "istio-grpc-server-v1-546d9876c4-j2p9r") { server, address in
      var replies: [String] = []
      try await runGreeterCalls(
        GreeterClientOptions(address: address, repeatCount: 25)
      ) { replies.append($0) }
      #expect(replies.count == 25)
      #expect(Set(replies) == ["Hello world from istio-grpc-server-v1-546d9876c4-j2p9r"])
      let ledger = server.connections.callsByPeer
      #expect(ledger.count == 1, "calls arrived over \(ledger.count) connections: \(ledger)")
      #expect(ledger.values.first == 25)
    }
  }

  @Test func nameFlagIsGreeted() async throws {
    try await withServer { _, address in
      var replies: [String] = []
      try await runGreeterCalls(
        GreeterClientOptions(address: address, name: "skiff")
      ) { replies.append($0) }
      #expect(replies == ["Hello skiff from pod-a"])
    }
  }

  @Test func healthReportsServingThenNotServing() async throws {
    try await withServer { server, address in
      var lines: [String] = []
      let ok = await HealthProbeProgram.main(arguments: ["-addr=\(address)", "-connect-timeout=10s", "-rpc-timeout=10s"]) { lines.append($0) }
      #expect(ok == 0)
      #expect(lines == ["status: SERVING"])

      lines = []
      let named = await HealthProbeProgram.main(arguments: ["-addr=\(address)", "-connect-timeout=10s", "-rpc-timeout=10s", "-service=helloworld.Greeter"]) { lines.append($0) }
      #expect(named == 0)

      server.health.setAll(.notServing)
      lines = []
      let down = await HealthProbeProgram.main(arguments: ["-addr=\(address)", "-connect-timeout=10s", "-rpc-timeout=10s"]) { lines.append($0) }
      #expect(down == 4)
      #expect(lines == ["service unhealthy (responded with \"NOT_SERVING\")"])

      lines = []
      let unknown = await HealthProbeProgram.main(arguments: ["-addr=\(address)", "-connect-timeout=10s", "-rpc-timeout=10s", "-service=nope"]) { lines.append($0) }
      #expect(unknown == 3)
      #expect(lines == ["error: health rpc failed: rpc error: code = NotFound desc = unknown service"])
    }
  }

  @Test func watchStreamsChanges() async throws {
    try await withServer { server, address in
      let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: address.host, port: address.port), transportSecurity: .plaintext)
      try await withGRPCClient(transport: transport) { client in
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        try await health.watch(.with { $0.service = "" }) { response in
          var seen: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
          for try await message in response.messages {
            seen.append(message.status)
            if seen.count == 1 { server.health.set(.notServing, for: "") }
            if seen.count == 2 { break }
          }
          #expect(seen == [.serving, .notServing])
        }
      }
    }
  }

  @Test func gracefulStopEndsInFlightCallsCleanlyAndRefusesNewOnes() async throws {
    let host = testLoopback()
    let server = GreeterServer(address: HostPort(host: host, port: 0))
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      let port = try await server.listeningPort
      let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: host, port: port), transportSecurity: .plaintext)
      try await withGRPCClient(transport: transport) { client in
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        // A Watch is in flight when the server is told to stop: it ends with status OK.
        let received = try await health.watch(.with { $0.service = "" }) { response in
          var count = 0
          for try await _ in response.messages {
            count += 1
            server.stop()
          }
          return count
        }
        #expect(received == 1)
        // New calls after the stop are refused.
        await #expect(throws: RPCError.self) {
          try await health.check(.with { $0.service = "" })
        }
      }
      try await group.waitForAll()
    }
  }
}
