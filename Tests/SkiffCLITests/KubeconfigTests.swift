@testable import SkiffCLI
import SkiffAPI
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `skiff` context written into a user's kubeconfig: added next to what is there,
/// replaced on the next `skiff up`, made current only when nothing was current.
@Suite("kubeconfig")
struct KubeconfigTests {
  let entry = KubeconfigEntry(
    server: "https://127.0.0.1:6443", certificateAuthorityPEM: "CA\n", clientCertificatePEM: "CERT\n", clientKeyPEM: "KEY\n")

  static let existing = """
    apiVersion: v1
    kind: Config
    clusters:
    - name: prod
      cluster:
        server: https://prod.example:6443
    contexts:
    - name: prod
      context: {cluster: prod, user: admin}
    current-context: prod
    users:
    - name: admin
      user: {token: secret}

    """

  func temporaryPath() -> String {
    var template = Array("/tmp/skiff-kubeconfig.XXXXXX".utf8CString)
    let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    return dir + "/nested/config"
  }

  @Test func mergesBesideOtherContextsWithoutSwitching() throws {
    let existing = try YAML.parseStream(Self.existing)[0].value
    let (merged, madeCurrent) = entry.merged(into: existing)
    #expect(!madeCurrent)
    #expect(merged["current-context"] == "prod")
    #expect(merged["clusters"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["prod", "skiff"])
    #expect(merged["users"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["admin", "skiff"])
    let skiff = merged["clusters"]?.arrayValue?.last
    #expect(skiff?.value(at: ["cluster", "server"]) == "https://127.0.0.1:6443")
    #expect(skiff?.value(at: ["cluster", "certificate-authority-data"]) == "Q0EK")  // base64("CA\n")
    let user = merged["users"]?.arrayValue?.last
    #expect(user?.value(at: ["user", "client-key-data"]) == "S0VZCg==")
    #expect(merged["contexts"]?.arrayValue?.last == ["name": "skiff", "context": ["cluster": "skiff", "user": "skiff"]])

    // Again, with a new port: replaced, not duplicated.
    var moved = entry
    moved.server = "https://127.0.0.1:7443"
    let again = moved.merged(into: merged).config
    #expect(again["clusters"]?.arrayValue?.count == 2)
    #expect(again["clusters"]?.arrayValue?.last?.value(at: ["cluster", "server"]) == "https://127.0.0.1:7443")

    let removed = entry.removed(from: again)
    #expect(removed["clusters"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["prod"])
    #expect(removed["current-context"] == "prod")
  }

  @Test func becomesCurrentInAnEmptyConfig() {
    let (config, madeCurrent) = entry.merged(into: nil)
    #expect(madeCurrent)
    #expect(config["current-context"] == "skiff")
    #expect(config["apiVersion"] == "v1")
    #expect(config["kind"] == "Config")
    #expect(entry.removed(from: config)["current-context"] == "")
  }

  @Test func fileRoundTripIsPrivate() throws {
    let path = temporaryPath()
    #expect(try KubeconfigFile.read(path) == nil)
    try KubeconfigFile.write(entry.merged(into: nil).config, to: path)
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    let back = try #require(try KubeconfigFile.read(path))
    #expect(back["current-context"] == "skiff")
    #expect(back["users"]?.arrayValue?.first?.value(at: ["user", "client-certificate-data"]) == "Q0VSVAo=")
  }

  @Test func pathFollowsKUBECONFIG() {
    #expect(KubeconfigFile.defaultPath { $0 == "KUBECONFIG" ? "/a/one:/b/two" : nil } == "/a/one")
    #expect(KubeconfigFile.defaultPath { $0 == "HOME" ? "/home/u" : nil } == "/home/u/.kube/config")
    // `sudo skiff up`: the invoking user's kubeconfig, owned by them; not for root itself,
    // not without sudo, and $KUBECONFIG still wins.
    let sudo: (String) -> String? = { ["HOME": "/root", "SUDO_USER": "ada"][$0] }
    let ada: (String) -> (home: String, uid: UInt32, gid: UInt32)? = { $0 == "ada" ? ("/home/ada", 1000, 1001) : nil }
    #expect(KubeconfigFile.target(environment: sudo, effectiveUID: 0, lookUp: ada)
      == KubeconfigFile.Target(path: "/home/ada/.kube/config", owner: (1000, 1001)))
    #expect(KubeconfigFile.target(environment: sudo, effectiveUID: 1000, lookUp: ada) == KubeconfigFile.Target(path: "/root/.kube/config"))
    #expect(KubeconfigFile.target(environment: { ["HOME": "/root", "SUDO_USER": "root"][$0] }, effectiveUID: 0, lookUp: ada)
      == KubeconfigFile.Target(path: "/root/.kube/config"))
    #expect(KubeconfigFile.target(environment: { ["KUBECONFIG": "/tmp/kc", "SUDO_USER": "ada"][$0] }, effectiveUID: 0, lookUp: ada)
      == KubeconfigFile.Target(path: "/tmp/kc"))
  }

  @Test func unreadableConfigIsNamed() throws {
    let path = temporaryPath()
    try KubeconfigFile.write(["a": "b"], to: path)
    let fd = open(path, O_WRONLY | O_TRUNC)
    _ = "key: [unclosed".withCString { write(fd, $0, strlen($0)) }
    close(fd)
    #expect(throws: CLIError.self) { try KubeconfigFile.read(path) }
  }
}
