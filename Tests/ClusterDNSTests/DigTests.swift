import Foundation
import SkiffTestSupport
import Testing

@testable import SkiffNetwork

/// The server as an independent client sees it: BIND's `dig`, always with
/// `@127.0.0.1 -p <port>` so nothing leaves loopback.
enum Dig {
  static let path = ["/usr/bin/dig", "/bin/dig", "/usr/local/bin/dig"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  static var skipReason: Comment? {
    path == nil ? "dig is not installed (apt-get install -y dnsutils)" : nil
  }

  struct Output {
    var text: String
    /// `status: NXDOMAIN` from the header comment.
    var status: String? {
      text.firstMatch(of: /status: ([A-Z]+)/).map { String($0.1) }
    }
    /// `flags: qr aa rd ra;` as a set.
    var flags: Set<String> {
      guard let match = text.firstMatch(of: /flags: ([a-z ]+);/) else { return [] }
      return Set(match.1.split(separator: " ").map(String.init))
    }
    /// Record lines of one section, whitespace collapsed: `name. 5 IN A 10.96.0.1`.
    func section(_ name: String) -> [String] {
      var lines: [String] = []
      var inside = false
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix(";; \(name) SECTION:") {
          inside = true
        } else if inside {
          if line.isEmpty || line.hasPrefix(";") { break }
          lines.append(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        }
      }
      return lines
    }
  }

  /// Runs dig against the server with one try and a short timeout.
  static func run(port: Int, _ arguments: [String]) async throws -> Output {
    let result = try await Subprocess.run(
      try #require(path), ["@127.0.0.1", "-p", "\(port)", "+tries=1", "+time=3"] + arguments, mergeOutput: true)
    return Output(text: result.stdout)
  }
}

@Suite("cluster DNS as dig sees it", .enabled(if: Dig.path != nil, Dig.skipReason ?? ""))
struct DigTests {
  @Test("A for a ClusterIP service, over UDP and over TCP")
  func serviceA() async throws {
    try await withClusterDNSServer { server, _ in
      for transport in ["+notcp", "+tcp"] {
        let dig = try await Dig.run(port: server.port, [transport, "istio-grpc-server.grpc-nosidecar.svc.cluster.local", "A"])
        #expect(dig.status == "NOERROR", "\(dig.text)")
        #expect(dig.flags.isSuperset(of: ["qr", "aa", "rd", "ra"]))
        // dig warns that `.local` is mDNS's (as with any cluster); nothing else.
        #expect(!dig.text.contains("malformed") && !dig.text.contains("parser"), "\(dig.text)")
        #expect(dig.text.contains("Got answer"), "dig should not report a malformed reply: \(dig.text)")
        #expect(dig.section("ANSWER") == ["istio-grpc-server.grpc-nosidecar.svc.cluster.local. 5 IN A 10.96.12.34"])
      }
    }
  }

  @Test("NXDOMAIN outside the cluster, with no authority claimed")
  func outside() async throws {
    try await withClusterDNSServer { server, _ in
      let dig = try await Dig.run(port: server.port, ["example.com", "A"])
      #expect(dig.status == "NXDOMAIN", "\(dig.text)")
      #expect(dig.section("ANSWER").isEmpty)
      #expect(!dig.flags.contains("aa"))
    }
  }

  @Test("NODATA for AAAA of a service: NOERROR, no answer, the zone's SOA")
  func nodata() async throws {
    try await withClusterDNSServer { server, _ in
      let dig = try await Dig.run(port: server.port, ["kubernetes.default.svc.cluster.local", "AAAA"])
      #expect(dig.status == "NOERROR", "\(dig.text)")
      #expect(dig.section("ANSWER").isEmpty)
      #expect(dig.section("AUTHORITY") == [
        "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5"
      ])
    }
  }

  @Test("SRV of a headless service with the endpoints' addresses in the additional section")
  func srv() async throws {
    try await withClusterDNSServer { server, _ in
      let dig = try await Dig.run(port: server.port, ["_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local", "SRV"])
      #expect(dig.status == "NOERROR", "\(dig.text)")
      #expect(dig.section("ANSWER") == [
        "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 33 8080 greeter-0.greeter.grpc-nosidecar.svc.cluster.local.",
        "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 33 8080 greeter-pod-b.greeter.grpc-nosidecar.svc.cluster.local.",
        "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 33 8080 10-244-0-9.greeter.grpc-nosidecar.svc.cluster.local.",
      ])
      #expect(dig.section("ADDITIONAL") == [
        "greeter-0.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.7",
        "greeter-pod-b.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.8",
        "10-244-0-9.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.9",
      ])
    }
  }

  @Test("dig -x finds a cluster IP's service")
  func reverse() async throws {
    try await withClusterDNSServer { server, _ in
      let dig = try await Dig.run(port: server.port, ["-x", "10.96.0.1"])
      #expect(dig.section("ANSWER") == ["1.0.96.10.in-addr.arpa. 5 IN PTR kubernetes.default.svc.cluster.local."])
    }
  }

  @Test("the answer keeps the question's case")
  func caseKept() async throws {
    try await withClusterDNSServer { server, _ in
      let dig = try await Dig.run(port: server.port, ["KUBERNETES.Default.svc.cluster.local", "A"])
      #expect(dig.section("ANSWER") == ["KUBERNETES.Default.svc.cluster.local. 5 IN A 10.96.0.1"])
    }
  }

  @Test("without EDNS, 40 addresses set TC over UDP and dig retries over TCP")
  func truncation() async throws {
    let snapshot = ClusterDNSSnapshot(services: [ClusterFixtures.bigHeadless(count: 40)])
    try await withClusterDNSServer(snapshot) { server, _ in
      // +ignore: show the truncated UDP answer instead of retrying.
      let udp = try await Dig.run(port: server.port, ["+noedns", "+ignore", "big.default.svc.cluster.local", "A"])
      #expect(udp.flags.contains("tc"), "\(udp.text)")
      #expect(udp.section("ANSWER").isEmpty)
      // dig's default: on TC, the same query again over TCP.
      let retried = try await Dig.run(port: server.port, ["+noedns", "big.default.svc.cluster.local", "A"])
      #expect(retried.text.contains("Truncated, retrying in TCP mode"), "\(retried.text)")
      #expect(!retried.flags.contains("tc"))
      #expect(retried.section("ANSWER").count == 40)
      #expect(server.metrics.truncatedResponses == 2)
    }
  }
}
