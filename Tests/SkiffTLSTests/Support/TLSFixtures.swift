import Foundation
import NIOCore
import SkiffTLS
import SkiffTestSupport
import Synchronization

struct TLSTestError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A temporary directory, removed by `remove()`.
struct TemporaryDirectory {
  let path: String

  init() throws {
    var template = Array("/tmp/skiff-tlstest-XXXXXX".utf8CString)
    guard let path = mkdtemp(&template) else { throw TLSTestError("mkdtemp failed") }
    self.path = String(cString: path)
  }

  /// Writes `text` to `name` inside the directory; its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = path + "/" + name
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The PKI most tests need: a cluster CA with a serving certificate for 127.0.0.1/localhost,
/// an admin client certificate, and a client certificate from a different CA.
struct TestPKI: Sendable {
  let ca: CertificateAuthority
  let server: IssuedCertificate
  let admin: IssuedCertificate
  let stranger: IssuedCertificate

  static let shared: TestPKI = {
    do {
      let ca = try CertificateAuthority.create()
      let server = try ca.issue(
        commonName: "skiff-apiserver", dnsNames: ["localhost", "kubernetes.default.svc"], ipAddresses: ["127.0.0.1"],
        usage: .server)
      let admin = try ca.issue(commonName: "skiff-admin", organizations: ["system:masters"], usage: .client)
      let other = try CertificateAuthority.create(commonName: "other-ca")
      let stranger = try other.issue(commonName: "skiff-admin", organizations: ["system:masters"], usage: .client)
      return TestPKI(ca: ca, server: server, admin: admin, stranger: stranger)
    } catch {
      fatalError("test PKI: \(error)")
    }
  }()

  /// The API server's configuration: client certificates requested, verified when given.
  func serverContext(applicationProtocols: [String] = ["http/1.1"]) throws -> TLSContext {
    try TLSContext(
      configuration: .server(
        certificateChainPEM: server.certificatePEM, privateKeyPEM: server.privateKeyPEM, clientCAPEM: ca.certificatePEM,
        applicationProtocols: applicationProtocols))
  }
}

/// What the server side saw, across connections.
final class ServerLog: Sendable {
  private let state = Mutex<(handshakes: [TLSHandshakeCompleted], errors: [any Error])>(([], []))

  func handshake(_ event: TLSHandshakeCompleted) { state.withLock { $0.handshakes.append(event) } }
  func error(_ error: any Error) { state.withLock { $0.errors.append(error) } }
  var handshakes: [TLSHandshakeCompleted] { state.withLock { $0.handshakes } }
  var errors: [any Error] { state.withLock { $0.errors } }
  var tlsErrors: [TLSError] { errors.compactMap { $0 as? TLSError } }

  /// Waits (up to 5 s) until `condition` holds.
  func waitUntil(_ condition: (ServerLog) -> Bool) async {
    for _ in 0..<500 where !condition(self) {
      try? await Task.sleep(for: .milliseconds(10))
    }
  }
}

/// curl with its output files in a temporary directory.
struct Curl {
  let directory: TemporaryDirectory
  let port: Int

  struct Result {
    var output: Subprocess.Output
    var headers: [String: String]
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
  }

  /// `curl https://127.0.0.1:<port><path>` trusting the test CA, with `extra` arguments.
  func run(_ path: String = "/", certificate: IssuedCertificate? = nil, extra: [String] = []) async throws -> Result {
    let pki = TestPKI.shared
    let caFile = try directory.write("ca.crt", pki.ca.certificatePEM)
    var arguments = [
      "-sS", "-v", "--max-time", "20", "--cacert", caFile, "-D", directory.path + "/headers", "-o",
      directory.path + "/body", "-w", "%{http_version}",
    ]
    if let certificate {
      arguments += [
        "--cert", try directory.write("client.crt", certificate.certificatePEM), "--key",
        try directory.write("client.key", certificate.privateKeyPEM),
      ]
    }
    try? FileManager.default.removeItem(atPath: directory.path + "/headers")
    try? FileManager.default.removeItem(atPath: directory.path + "/body")
    let output = try await Subprocess.run(
      "/usr/bin/curl", arguments + extra + ["https://127.0.0.1:\(port)\(path)"], timeout: .seconds(30))
    var headers: [String: String] = [:]
    let headerText = (try? String(contentsOfFile: directory.path + "/headers", encoding: .utf8)) ?? ""
    for line in headerText.split(separator: "\r\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let body = (try? Data(contentsOf: URL(fileURLWithPath: directory.path + "/body"))).map { [UInt8]($0) } ?? []
    return Result(output: output, headers: headers, body: body)
  }
}
