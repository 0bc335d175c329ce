import Foundation
import NIOCore
import NIOHTTP1
import SkiffAPI
import SkiffAPIServer
import SkiffStore
import SkiffTLS
import SkiffTestSupport
import Testing

/// The API on its loopback HTTPS port, as kubectl reaches it: TLS from the cluster CA, and
/// every request authenticated by a client certificate of that CA or the admin token;
/// anything else gets the kube-apiserver's 401.
@Suite("secure serving")
struct SecureServingTests {
  struct Secure {
    let port: Int
    let directory: String
    let ca: CertificateAuthority

    func file(_ name: String, _ text: String) throws -> String {
      let path = directory + "/" + name
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }

    /// curl's status line and body for `path` with `extra` arguments.
    func curl(_ path: String, _ extra: [String] = []) async throws -> (code: String, body: JSONValue, output: Subprocess.Output) {
      let output = try await Subprocess.run(
        "/usr/bin/curl",
        ["-sS", "--max-time", "20", "--cacert", try file("ca.crt", ca.certificatePEM), "-o", directory + "/body",
         "-w", "%{http_code}"] + extra + ["https://127.0.0.1:\(port)\(path)"])
      let body = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/body"))).map { [UInt8]($0) } ?? []
      return (output.stdout, (try? JSONValue(parsing: body)) ?? .null, output)
    }
  }

  static let token = "0123456789abcdef0123456789abcdef"

  func withSecureServer(_ body: (Secure) async throws -> Void) async throws {
    try await TestCluster.with { cluster in
      let ca = try CertificateAuthority.create()
      let serving = try ca.issue(commonName: "kube-apiserver", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], usage: .server)
      let tls = try TLSContext(configuration: .server(
        certificateChainPEM: serving.certificatePEM, privateKeyPEM: serving.privateKeyPEM, clientCAPEM: ca.certificatePEM))
      let server = try await HTTPServer(
        address: .tcp(host: "127.0.0.1", port: 0), handler: APIHandler(registry: cluster.registry, logger: TestCluster.logger),
        security: HTTPSecurity(tls: tls, bearerTokens: [Self.token]), logger: TestCluster.logger)
      let running = Task { try? await server.run() }
      defer {
        server.close()
        running.cancel()
      }
      try await body(Secure(port: try #require(server.boundAddress?.port), directory: cluster.directory, ca: ca))
    }
  }

  @Test func withoutCredentialsIsUnauthorized() async throws {
    try await withSecureServer { secure in
      let anonymous = try await secure.curl("/api/v1/namespaces")
      #expect(anonymous.code == "401", "\(anonymous.output)")
      #expect(anonymous.body == [
        "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": "Unauthorized",
        "reason": "Unauthorized", "code": 401,
      ])
      let wrongToken = try await secure.curl("/api/v1/namespaces", ["-H", "Authorization: Bearer nope"])
      #expect(wrongToken.code == "401")
      // A WebSocket upgrade without credentials is not upgraded either.
      let upgrade = try await secure.curl("/api/v1/namespaces/default/pods/p/exec?command=sh", [
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
        "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H", "Sec-WebSocket-Protocol: v5.channel.k8s.io",
      ])
      #expect(upgrade.code == "401")
    }
  }

  @Test func clientCertificateOrTokenIsServed() async throws {
    try await withSecureServer { secure in
      let admin = try secure.ca.issue(commonName: "skiff-admin", organizations: ["system:masters"], usage: .client)
      let withCert = try await secure.curl("/api/v1/namespaces", [
        "--cert", try secure.file("admin.crt", admin.certificatePEM), "--key", try secure.file("admin.key", admin.privateKeyPEM),
      ])
      #expect(withCert.code == "200", "\(withCert.output)")
      #expect(withCert.body["kind"] == "NamespaceList")
      let withToken = try await secure.curl("/version", ["-H", "Authorization: Bearer \(Self.token)"])
      #expect(withToken.code == "200")
      #expect(withToken.body["major"] == "1")
    }
  }

  @Test func certificateOfAnotherAuthorityFailsTheHandshake() async throws {
    try await withSecureServer { secure in
      let stranger = try CertificateAuthority.create(commonName: "other-ca")
        .issue(commonName: "skiff-admin", organizations: ["system:masters"], usage: .client)
      let result = try await secure.curl("/api/v1/namespaces", [
        "--cert", try secure.file("x.crt", stranger.certificatePEM), "--key", try secure.file("x.key", stranger.privateKeyPEM),
      ])
      #expect(result.output.status != 0)
      #expect(result.code == "000")
    }
  }
}

/// Requests that ask to switch protocols and are not switched are still answered (NIO's
/// upgrade handler used to swallow them, and kubectl's SPDY fallback then hung).
@Suite("refused upgrades")
struct RefusedUpgradeTests {
  @Test func refusedWebSocketAndUnknownProtocolsAreAnsweredAsHTTP() async throws {
    try await TestCluster.with { cluster in
      let websocket = try await cluster.client.get("/version", headers: [
        ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
      ])
      #expect(websocket.status == 200)
      #expect(websocket.json["major"] == "1")
      let spdy = try await cluster.client.get("/api/v1/namespaces/default/pods/missing/exec?command=sh", headers: [
        ("Connection", "Upgrade"), ("Upgrade", "SPDY/3.1"), ("X-Stream-Protocol-Version", "v4.channel.k8s.io"),
      ])
      #expect(spdy.status == 404)
      #expect(spdy.json["reason"] == "NotFound")
    }
  }
}
