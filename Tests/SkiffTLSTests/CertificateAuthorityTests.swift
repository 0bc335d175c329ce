import Foundation
import SkiffTLS
import SkiffTestSupport
import Testing

/// The cluster CA: files on disk, and certificates that OpenSSL's own tools accept.
@Suite("certificate authority")
struct CertificateAuthorityTests {
  @Test func createsOnceThenReloadsTheSameCA() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let caDirectory = directory.path + "/pki/ca"
    let first = try CertificateAuthority.loadOrCreate(directory: caDirectory)
    let second = try CertificateAuthority.loadOrCreate(directory: caDirectory)
    #expect(first == second)
    #expect(first.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    #expect(first.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))

    let keyMode = try FileManager.default.attributesOfItem(atPath: caDirectory + "/ca.key")[.posixPermissions] as? Int
    #expect(keyMode == 0o600)
    let dirMode = try FileManager.default.attributesOfItem(atPath: caDirectory)[.posixPermissions] as? Int
    #expect(dirMode == 0o700)
    #expect(try String(contentsOfFile: caDirectory + "/ca.crt", encoding: .utf8) == first.certificatePEM)
  }

  @Test func caCertificateIsASelfSignedRoot() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let ca = try CertificateAuthority.loadOrCreate(directory: directory.path)
    let text = try await Subprocess.run(
      "/usr/bin/openssl", ["x509", "-noout", "-text", "-in", directory.path + "/ca.crt"], mergeOutput: true)
    #expect(text.status == 0, "\(text)")
    #expect(text.stdout.contains("Subject: CN = skiff-ca"))
    #expect(text.stdout.contains("Issuer: CN = skiff-ca"))
    #expect(text.stdout.contains("X509v3 Basic Constraints: critical\n                CA:TRUE"))
    #expect(text.stdout.contains("Certificate Sign, CRL Sign"))
    #expect(text.stdout.contains("X509v3 Subject Key Identifier"))
    #expect(text.stdout.contains("prime256v1"))
    let verify = try await Subprocess.run(
      "/usr/bin/openssl", ["verify", "-CAfile", directory.path + "/ca.crt", directory.path + "/ca.crt"],
      mergeOutput: true)
    #expect(verify.status == 0, "\(verify)")
    _ = ca
  }

  @Test func missingHalfOfTheCAIsReported() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try CertificateAuthority.loadOrCreate(directory: directory.path)
    try FileManager.default.removeItem(atPath: directory.path + "/ca.key")
    let error = #expect(throws: TLSError.self) { try CertificateAuthority.loadOrCreate(directory: directory.path) }
    #expect(error?.code == .file)
    #expect(error?.message.contains("ca.key does not") == true)
  }

  @Test func mismatchedKeyIsReported() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try CertificateAuthority.loadOrCreate(directory: directory.path)
    try directory.write("ca.key", try CertificateAuthority.create().privateKeyPEM)
    let error = #expect(throws: TLSError.self) { try CertificateAuthority.loadOrCreate(directory: directory.path) }
    #expect(error?.message.contains("does not belong to the CA certificate") == true, "\(String(describing: error))")
  }

  @Test func garbagePEMNamesTheFileAndOpenSSLReason() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("ca.crt", "not a certificate\n")
    try directory.write("ca.key", "not a key\n")
    let error = #expect(throws: TLSError.self) { try CertificateAuthority.loadOrCreate(directory: directory.path) }
    let message = error?.message ?? ""
    #expect(message.contains("load the CA from \(directory.path)"), "\(message)")
    #expect(message.contains("read the CA certificate"), "\(message)")
    #expect(message.contains("no start line"), "\(message)")
  }

  @Test func issuedServerCertificateVerifiesAndCarriesItsSANs() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let ca = try CertificateAuthority.loadOrCreate(directory: directory.path)
    let issued = try ca.issue(
      commonName: "skiff-apiserver", organizations: ["skiff"], dnsNames: ["localhost", "kubernetes.default.svc"],
      ipAddresses: ["127.0.0.1", "::1"], uris: ["spiffe://cluster.local/ns/kube-system/sa/apiserver"],
      usage: .server, validDays: 30)
    let certFile = try directory.write("server.crt", issued.certificatePEM)
    let keyFile = try directory.write("server.key", issued.privateKeyPEM)

    let verify = try await Subprocess.run(
      "/usr/bin/openssl", ["verify", "-CAfile", directory.path + "/ca.crt", "-purpose", "sslserver", certFile],
      mergeOutput: true)
    #expect(verify.status == 0, "\(verify)")
    #expect(verify.stdout.contains("\(certFile): OK"))

    let text = try await Subprocess.run("/usr/bin/openssl", ["x509", "-noout", "-text", "-in", certFile], mergeOutput: true)
    #expect(text.stdout.contains("Subject: O = skiff, CN = skiff-apiserver"), "\(text)")
    #expect(text.stdout.contains("Issuer: CN = skiff-ca"))
    #expect(text.stdout.contains(
      "DNS:localhost, DNS:kubernetes.default.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://cluster.local/ns/kube-system/sa/apiserver"),
      "\(text)")
    #expect(text.stdout.contains("TLS Web Server Authentication"))
    #expect(!text.stdout.contains("TLS Web Client Authentication"))
    #expect(text.stdout.contains("X509v3 Authority Key Identifier"))
    #expect(text.stdout.contains("CA:FALSE"))

    // The key is the certificate's.
    let certKey = try await Subprocess.run("/usr/bin/openssl", ["x509", "-noout", "-pubkey", "-in", certFile])
    let keyKey = try await Subprocess.run("/usr/bin/openssl", ["pkey", "-pubout", "-in", keyFile])
    #expect(certKey.stdout == keyKey.stdout && !certKey.stdout.isEmpty)
  }

  @Test func issuedClientCertificateCarriesUserAndGroups() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let ca = try CertificateAuthority.loadOrCreate(directory: directory.path)
    let admin = try ca.issue(
      commonName: "skiff-admin", organizations: ["system:masters", "skiff:admins"], usage: .client)
    let certFile = try directory.write("admin.crt", admin.certificatePEM)
    let verify = try await Subprocess.run(
      "/usr/bin/openssl", ["verify", "-CAfile", directory.path + "/ca.crt", "-purpose", "sslclient", certFile],
      mergeOutput: true)
    #expect(verify.status == 0, "\(verify)")
    let text = try await Subprocess.run("/usr/bin/openssl", ["x509", "-noout", "-subject", "-ext", "extendedKeyUsage", "-in", certFile])
    #expect(text.stdout.contains("subject=O = system:masters, O = skiff:admins, CN = skiff-admin"), "\(text)")
    #expect(text.stdout.contains("TLS Web Client Authentication"))

    // A second certificate gets a different random serial.
    let again = try ca.issue(commonName: "skiff-admin", usage: .client)
    let serials = try await [admin, again].asyncMap { issued in
      let file = try directory.write("serial.crt", issued.certificatePEM)
      return try await Subprocess.run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", file]).stdout
    }
    #expect(serials[0] != serials[1])
    #expect(serials[0].count >= "serial=".count + 32)
  }

  @Test func certificateFromAnotherCAFailsVerification() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try CertificateAuthority.loadOrCreate(directory: directory.path)
    let stranger = try CertificateAuthority.create(commonName: "other-ca").issue(commonName: "x", usage: .client)
    let certFile = try directory.write("stranger.crt", stranger.certificatePEM)
    let verify = try await Subprocess.run(
      "/usr/bin/openssl", ["verify", "-CAfile", directory.path + "/ca.crt", certFile], mergeOutput: true)
    #expect(verify.status != 0)
  }

  @Test func invalidIPAddressIsReported() throws {
    let ca = try CertificateAuthority.create()
    let error = #expect(throws: TLSError.self) {
      try ca.issue(commonName: "x", ipAddresses: ["300.1.2.3"], usage: .server)
    }
    #expect(error?.message == "issue a certificate for CN=x: \"300.1.2.3\" is not an IPv4 or IPv6 address")
  }
}

extension Array {
  func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
    var out: [T] = []
    for element in self { out.append(try await transform(element)) }
    return out
  }
}
