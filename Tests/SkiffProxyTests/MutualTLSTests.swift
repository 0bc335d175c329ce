import GRPCCore
import NIOCore
import NIOPosix
import SkiffTLS
import Synchronization
import SkiffTestSupport
import Testing
import Workloads

@testable import SkiffProxy

/// Two engines as two sidecars: the client's dials the server's inbound (PERMISSIVE)
/// listener with mutual TLS, as Istio's auto mTLS does between pods with sidecars.
@Suite(.serialized) struct MutualTLSTests {
  let group = MultiThreadedEventLoopGroup.singleton
  static let clientID = "spiffe://cluster.local/ns/grpc-sidecar/sa/client"
  static let serverID = "spiffe://cluster.local/ns/grpc-sidecar/sa/server"

  static func credentials(_ id: String, from authority: CertificateAuthority) throws -> MutualTLSCredentials {
    let issued = try authority.issue(commonName: "workload", uris: [id], usage: .both, validDays: 1)
    return try MutualTLSCredentials(
      spiffeID: id, certificateChainPEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM,
      trustBundlePEM: authority.certificatePEM)
  }

  /// The server sidecar: an engine with a PERMISSIVE listener in front of `decider`'s target.
  func serverSidecar(_ decider: ScriptedDecider, credentials: MutualTLSCredentials) async throws -> (ProxyEngine, SocketAddress) {
    let engine = ProxyEngine(group: group, decider: decider, accessLog: MemoryAccessLog())
    engine.mutualTLS = credentials
    let address = try await engine.listen(host: proxyTestLoopback(), port: 0, tls: .permissive)
    return (engine, address)
  }

  @Test func grpcCallsCrossTwoSidecarsOverMutualTLSAndPlaintextIsStillAccepted() async throws {
    let ca = try CertificateAuthority.create()
    let greeter = GreeterServer(address: HostPort(host: proxyTestLoopback(), port: 0), hostname: "istio-grpc-server-v1")
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await greeter.serve() }
      let app = Endpoint(host: greeter.requestedAddress.host, port: try await greeter.listeningPort)
      let (server, inbound) = try await serverSidecar(
        ScriptedDecider(endpoints: [app]), credentials: try Self.credentials(Self.serverID, from: ca))
      let target = Endpoint(host: inbound.ipAddress!, port: inbound.port!, peerIdentity: Self.serverID)
      let decider = ScriptedDecider(endpoints: [target])
      try await withProxy(decider: decider, group: group) { client, outbound, log in
        client.mutualTLS = try Self.credentials(Self.clientID, from: ca)
        var replies: [String] = []
        try await runGreeterCalls(
          GreeterClientOptions(address: HostPort(host: outbound.ipAddress!, port: outbound.port!), repeatCount: 10)
        ) { replies.append($0) }
        #expect(replies.count == 10)
        #expect(replies.allSatisfy { $0.hasSuffix("istio-grpc-server-v1") }, "\(replies)")
        // One upstream connection, one handshake; the server saw the client's identity.
        #expect(client.stats.cluster(decider.inner.cluster)?.sslHandshakes == 1)
        #expect(server.stats.inboundConnections == [Self.clientID: 1])
        #expect(server.stats.prometheusText().contains(
          "skiff_proxy_inbound_connections_total{connection_security_policy=\"mutual_tls\",source_principal=\"\(Self.clientID)\"} 1"))
        #expect(log.entries.count == 10)
      }
      // PERMISSIVE: a client without a sidecar still gets through, in plaintext.
      var plain: [String] = []
      try await runGreeterCalls(GreeterClientOptions(address: HostPort(host: inbound.ipAddress!, port: inbound.port!))) {
        plain.append($0)
      }
      #expect(plain.count == 1)
      #expect(server.stats.inboundConnections[""] == 1)
      await server.shutdown()
      greeter.stop()
      try await tasks.waitForAll()
    }
  }

  @Test func aSidecarWithAnotherIdentityOrFromAnotherMeshIsRefusedWithUF() async throws {
    let ca = try CertificateAuthority.create()
    let upstream = try await TestUpstream.start(name: "app", group: group)
    defer { Task { await upstream.stop() } }
    let (server, inbound) = try await serverSidecar(
      ScriptedDecider(endpoints: [upstream.endpoint]), credentials: try Self.credentials(Self.serverID, from: ca))
    let impostor = "spiffe://cluster.local/ns/grpc-sidecar/sa/expected"
    let cases: [(expected: String, client: MutualTLSCredentials, reason: String)] = [
      // The server is not who the mesh said is there.
      (impostor, try Self.credentials(Self.clientID, from: ca), "presented \(Self.serverID), expected \(impostor)"),
      // The client trusts another root: the server's certificate does not verify.
      (Self.serverID, try Self.credentials(Self.clientID, from: try CertificateAuthority.create()), "certificate verify failed"),
    ]
    for (expected, credentials, reason) in cases {
      let decider = ScriptedDecider(endpoints: [Endpoint(host: inbound.ipAddress!, port: inbound.port!, peerIdentity: expected)])
      try await withProxy(decider: decider, group: group) { client, outbound, log in
        client.mutualTLS = credentials
        let connection = try await TestClient.connect(to: outbound, on: group.next())
        let id = try await connection.run { $0.send(plainRequest()) }
        #expect(try await eventually { try await connection.run { $0.responses[id]?.ended == true } })
        #expect(try await connection.run { $0.responses[id]?.status } == "503")
        #expect(log.entries.first?.flags.description == "UF")
        let failure = log.entries.first?.upstreamTransportFailureReason ?? ""
        #expect(failure.hasPrefix("TLS_error: ") && failure.contains(reason), "\(failure)")
        #expect(client.stats.cluster(decider.inner.cluster)?.sslConnectionErrors == 1)
        try await connection.run { $0.close() }
      }
    }
    #expect(upstream.requestCount.load(ordering: .relaxed) == 0)
    await server.shutdown()
  }

  @Test func tcpOverMutualTLSKeepsHalfCloseAndPlaintextBytesReadEarlyAreNotLost() async throws {
    let ca = try CertificateAuthority.create()
    let echoServer = try await startEchoServer(group: group)
    let echo = Endpoint(host: "127.0.0.1", port: echoServer.localAddress!.port!)
    let (server, inbound) = try await serverSidecar(
      ScriptedDecider(endpoints: [], connection: .passthrough(cluster: "inbound|6379||", endpoint: echo)),
      credentials: try Self.credentials(Self.serverID, from: ca))
    let target = Endpoint(host: inbound.ipAddress!, port: inbound.port!, peerIdentity: Self.serverID)
    let outboundDecider = ScriptedDecider(endpoints: [], connection: .passthrough(cluster: "outbound|6379||redis", endpoint: target))
    try await withProxy(decider: outboundDecider, group: group) { client, outbound, log in
      client.mutualTLS = try Self.credentials(Self.clientID, from: ca)
      for address in [outbound, inbound] {  // through both sidecars (mTLS), then plaintext straight to the server's
        #expect(try await sendThenHalfClose("PING redis\r\n", to: address, group: group) == "PING redis\r\n")
      }
      #expect(client.stats.cluster("outbound|6379||redis")?.sslHandshakes == 1)
      #expect(server.stats.inboundConnections == [Self.clientID: 1, "": 1])
      #expect(try await eventually { log.entries.count == 1 })
      #expect(log.entries.first?.bytesSent == 12)
    }
    await server.shutdown()
    try await echoServer.close()
  }
}
