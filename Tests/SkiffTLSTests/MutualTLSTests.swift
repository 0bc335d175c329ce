import Foundation
import NIOCore
import SkiffTLS
import Testing

/// Both ends ours: a client-mode `TLSHandler` against a server-mode one over loopback, as
/// sidecars will talk to each other (mutual certificates, SPIFFE URI SANs, ALPN "h2").
@Suite("mutual TLS")
struct MutualTLSTests {
  static let reviews = "spiffe://cluster.local/ns/default/sa/reviews"
  static let productpage = "spiffe://cluster.local/ns/default/sa/productpage"

  let pki = TestPKI.shared

  func meshServerContext() throws -> TLSContext {
    let workload = try pki.ca.issue(
      commonName: "reviews", dnsNames: ["localhost"], uris: [Self.reviews], usage: .both)
    return try TLSContext(
      configuration: .server(
        certificateChainPEM: workload.certificatePEM, privateKeyPEM: workload.privateKeyPEM,
        clientCAPEM: pki.ca.certificatePEM, clientCertificateMode: .required, applicationProtocols: ["h2", "http/1.1"]))
  }

  func meshClientContext(withCertificate: Bool = true, serverName: String? = "localhost") throws -> TLSContext {
    let workload = try pki.ca.issue(commonName: "productpage", uris: [Self.productpage], usage: .both)
    return try TLSContext(
      configuration: .client(
        trustRootsPEM: pki.ca.certificatePEM, certificateChainPEM: withCertificate ? workload.certificatePEM : nil,
        privateKeyPEM: withCertificate ? workload.privateKeyPEM : nil, serverName: serverName,
        applicationProtocols: ["h2"]))
  }

  @Test func mutualCertificatesAndH2() async throws {
    var payload = ByteBuffer()
    for i in 0..<(300 * 1024) { payload.writeInteger(UInt8(truncatingIfNeeded: i &* 31)) }
    let expected = payload
    try await TLSTestServer.with(context: meshServerContext(), application: .rawEcho) { server in
      let client = try await TLSTestClient(context: meshClientContext(), port: server.port) {
        $0.readableBytes >= expected.readableBytes
      }
      // Written before the handshake has finished: held, then sent as several records; the
      // promise completes once the ciphertext is on the socket.
      try await client.channel.writeAndFlush(payload)
      let handshake = try await client.handshake.get()
      #expect(handshake.applicationProtocol == "h2")
      #expect(handshake.peer?.uris == [Self.reviews])
      #expect(handshake.peer?.commonName == "reviews")
      #expect(handshake.peer?.dnsNames == ["localhost"])
      let echoed = try await client.received.get()
      #expect(echoed == expected)

      await server.log.waitUntil { !$0.handshakes.isEmpty }
      let serverSide = try #require(server.log.handshakes.first)
      #expect(serverSide.applicationProtocol == "h2")
      #expect(serverSide.peer?.uris == [Self.productpage])
      #expect(serverSide.peer?.commonName == "productpage")

      // close_notify: the server answers and closes, with nothing to report.
      await client.close()
      try await Task.sleep(for: .milliseconds(100))
      #expect(server.log.errors.isEmpty, "\(server.log.errors)")
    }
  }

  @Test func requiredClientCertificateIsEnforced() async throws {
    try await TLSTestServer.with(context: meshServerContext(), application: .rawEcho) { server in
      let client = try await TLSTestClient(context: meshClientContext(withCertificate: false), port: server.port) {
        $0.readableBytes > 0
      }
      defer { Task { await client.close() } }
      // Held until the handshake, which fails: this write fails with it.
      client.channel.writeAndFlush(ByteBuffer(string: "hello"), promise: nil)
      await #expect(throws: (any Error).self) { try await client.received.get() }
      await server.log.waitUntil { !$0.tlsErrors.isEmpty }
      let error = try #require(server.log.tlsErrors.first)
      #expect(error.code == .handshakeFailed)
      #expect(error.message.contains("peer did not return a certificate"), "\(error)")
    }
  }

  @Test func clientChecksTheServerName() async throws {
    try await TLSTestServer.with(context: meshServerContext(), application: .rawEcho) { server in
      let client = try await TLSTestClient(
        context: meshClientContext(serverName: "localhost"), port: server.port, serverName: "reviews.example"
      ) { $0.readableBytes > 0 }
      defer { Task { await client.close() } }
      let error = await #expect(throws: TLSError.self) { try await client.handshake.get() }
      #expect(error?.code == .handshakeFailed)
      #expect(error?.message.contains("certificate verify failed") == true, "\(String(describing: error))")
      #expect(error?.message.contains("hostname mismatch") == true, "\(String(describing: error))")
    }
  }

  @Test func pipelinedHTTPRequestsAreAnsweredInOrder() async throws {
    let clientContext = try TLSContext(
      configuration: .client(
        trustRootsPEM: pki.ca.certificatePEM, certificateChainPEM: pki.admin.certificatePEM,
        privateKeyPEM: pki.admin.privateKeyPEM, serverName: "127.0.0.1", applicationProtocols: ["h2", "http/1.1"]))
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let client = try await TLSTestClient(context: clientContext, port: server.port) {
        String(buffer: $0).components(separatedBy: "cn=skiff-admin o=system:masters alpn=http/1.1\n").count == 4
      }
      defer { Task { await client.close() } }
      let request = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
      try await client.channel.writeAndFlush(ByteBuffer(string: request + request + request))
      let text = String(buffer: try await client.received.get())
      #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4, "\(text)")
      #expect(try await client.handshake.get().applicationProtocol == "http/1.1")
    }
  }
}
