import Foundation
import SkiffTLS
import SkiffTestSupport
import Testing

/// The API server's TLS, seen by stock clients: curl (OpenSSL) and kubectl (Go crypto/tls)
/// against a loopback `TLSHandler` + HTTP/1.1 echo.
@Suite("HTTPS server")
struct HTTPSServerTests {
  let pki = TestPKI.shared

  @Test func clientCertificateIdentityReachesTheHTTPLayer() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let result = try await Curl(directory: directory, port: server.port).run("/whoami", certificate: pki.admin)
      #expect(result.output.status == 0, "\(result.output)")
      #expect(result.output.stdout == "1.1")
      #expect(result.headers["x-peer-cn"] == "skiff-admin")
      #expect(result.headers["x-peer-o"] == "system:masters")
      #expect(result.headers["x-alpn"] == "http/1.1")
      #expect(result.bodyText == "cn=skiff-admin o=system:masters alpn=http/1.1\n")
      await server.log.waitUntil { !$0.handshakes.isEmpty }
      let handshake = try #require(server.log.handshakes.first)
      #expect(handshake.peer == TLSPeerIdentity(commonName: "skiff-admin", organizations: ["system:masters"]))
      #expect(handshake.protocolVersion == "TLSv1.3")
      #expect(server.log.errors.isEmpty)
    }
  }

  @Test func noClientCertificateStillCompletesTheHandshake() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let result = try await Curl(directory: directory, port: server.port).run("/whoami")
      #expect(result.output.status == 0, "\(result.output)")
      #expect(result.headers["x-peer-cn"] == "none")
      #expect(result.bodyText == "cn=none o=none alpn=http/1.1\n")
      await server.log.waitUntil { !$0.handshakes.isEmpty }
      #expect(server.log.handshakes.first?.peer == nil)
      #expect(server.log.handshakes.first?.applicationProtocol == "http/1.1")
    }
  }

  @Test func certificateFromAnotherCAFailsTheHandshake() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let result = try await Curl(directory: directory, port: server.port).run("/whoami", certificate: pki.stranger)
      #expect(result.output.status != 0, "\(result.output)")
      #expect(result.headers["x-peer-cn"] == nil)
      await server.log.waitUntil { !$0.tlsErrors.isEmpty }
      let error = try #require(server.log.tlsErrors.first)
      #expect(error.code == .handshakeFailed)
      #expect(error.message.contains("TLS handshake with 127.0.0.1:"), "\(error)")
      #expect(error.message.contains("certificate verify failed"), "\(error)")
      #expect(error.message.contains("unable to get local issuer certificate"), "\(error)")
      #expect(server.log.handshakes.isEmpty)
    }
  }

  @Test func offeredH2AndHTTP11SelectsHTTP11() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let result = try await Curl(directory: directory, port: server.port).run(
        "/", certificate: pki.admin, extra: ["--http2"])
      #expect(result.output.status == 0, "\(result.output)")
      #expect(result.output.stderr.contains("ALPN: offers h2,http/1.1"), "\(result.output)")
      #expect(result.output.stderr.contains("ALPN: server accepted http/1.1"), "\(result.output)")
      #expect(result.output.stdout == "1.1")
      #expect(result.headers["x-alpn"] == "http/1.1")
    }
  }

  @Test func tls12IsServedToo() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let result = try await Curl(directory: directory, port: server.port).run(
        "/", certificate: pki.admin, extra: ["--tls-max", "1.2"])
      #expect(result.output.status == 0, "\(result.output)")
      #expect(result.headers["x-tls-version"] == "TLSv1.2")
      #expect(result.headers["x-peer-cn"] == "skiff-admin")
    }
  }

  @Test func oneMebibyteBodyEchoesIntact() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var payload = [UInt8](repeating: 0, count: 1 << 20)
    var random = SystemRandomNumberGenerator()
    for i in payload.indices { payload[i] = random.next() }
    let file = directory.path + "/payload"
    try Data(payload).write(to: URL(fileURLWithPath: file))
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let result = try await Curl(directory: directory, port: server.port).run(
        "/echo", certificate: pki.admin, extra: ["--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream"])
      #expect(result.output.status == 0, "\(result.output)")
      #expect(result.body.count == payload.count)
      #expect(result.body == payload)
    }
  }

  /// Go's crypto/tls is stricter than OpenSSL about certificates (SANs, key usage, key
  /// format): kubectl with a kubeconfig holding the CA and the admin certificate.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl"), "needs /usr/bin/kubectl"))
  func kubectlTrustsTheServerAndPresentsItsClientCertificate() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let ca = try directory.write("ca.crt", pki.ca.certificatePEM)
    let cert = try directory.write("admin.crt", pki.admin.certificatePEM)
    let key = try directory.write("admin.key", pki.admin.privateKeyPEM)
    try await TLSTestServer.with(context: pki.serverContext()) { server in
      let kubeconfig = try directory.write(
        "kubeconfig",
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: skiff
          cluster:
            server: https://127.0.0.1:\(server.port)
            certificate-authority: \(ca)
        users:
        - name: admin
          user:
            client-certificate: \(cert)
            client-key: \(key)
        contexts:
        - name: skiff
          context: {cluster: skiff, user: admin}
        current-context: skiff

        """)
      let result = try await Subprocess.run(
        "/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/whoami"],
        environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"], timeout: .seconds(30))
      #expect(result.status == 0, "\(result)")
      #expect(result.stdout == "cn=skiff-admin o=system:masters alpn=http/1.1\n", "\(result)")
      #expect(server.log.tlsErrors.isEmpty, "\(server.log.errors)")
    }
  }
}
