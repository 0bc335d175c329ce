import Foundation
import Testing

/// Part B of the walkthrough with the unchanged manifests: in a namespace with sidecar
/// injection, calls over the client's one connection alternate between v1 and v2, follow a
/// 90/10 VirtualService, and follow a live edit to 0/100, with no pod restarted.
@Suite(
  "walkthrough part B (sidecar)",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .serialized)
struct WalkthroughPartB {
  let ns = "grpc-sidecar"

  /// Runs the client in its pod, returns who answered each call, in order.
  func call(_ cluster: SkiffCluster, client: String, count: Int = 100) async throws -> [String] {
    let result = try await cluster.skiff([
      "exec", "-n", ns, client, "-c", "istio-grpc-client", "--", "/bin/greeter-client", "--insecure=true",
      "--address=istio-grpc-server:8080", "--repeat=\(count)",
    ])
    #expect(result.status == 0, "client failed: \(result.stderr)")
    return result.stderr.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
  }

  func podState(_ cluster: SkiffCluster) async throws -> [String: String] {
    SkiffCluster.podState(podList: try await cluster.skiff("get", "pod", "-n", ns, "-o", "json").stdout)
  }

  @Test func callsAlternateThenFollowTheVirtualServiceLive() async throws {
    try await SkiffCluster.run("part-b", run)
  }

  func run(_ cluster: SkiffCluster) async throws {
    _ = try await cluster.skiff("create", "namespace", ns)
    let label = try await cluster.skiff("label", "namespace", ns, "istio-injection=enabled")
    #expect(label.stdout == "namespace/\(ns) labeled\n", "\(label.stderr)")
    _ = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/istio-grpc-server.yaml")
    _ = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/istio-grpc-client.yaml")

    // READY 2/2: the sidecar was injected into every pod.
    let pods = try await cluster.eventually("3 pods 2/2 Running", timeout: .seconds(120)) { () -> [[String]]? in
      let rows = try await cluster.pods(ns)
      return rows.count == 3 && rows.allSatisfy({ $0[1] == "2/2" && $0[2] == "Running" }) ? rows : nil
    }
    let client = try #require(pods.map { $0[0] }.first { $0.contains("client") })
    let v1 = try #require(pods.map { $0[0] }.first { $0.contains("server-v1") })
    let v2 = try #require(pods.map { $0[0] }.first { $0.contains("server-v2") })
    let describe = try await cluster.skiff("describe", "pod", "-n", ns, client)
    #expect(describe.stdout.contains("istio-proxy:"))
    let before = try await podState(cluster)

    // No rules: round robin per request over the one connection.
    let alternating = try await call(cluster, client: client)
    #expect(alternating.count == 100)
    #expect(alternating.filter { $0 == v1 }.count == 50)
    #expect(alternating.filter { $0 == v2 }.count == 50)
    #expect(zip(alternating, alternating.dropFirst()).allSatisfy { $0 != $1 }, "strictly alternating: \(alternating.prefix(6))")
    // Each side's sidecar logs the calls it saw: outbound in the client's, inbound in the servers'.
    let clientLog = try await cluster.skiff("logs", "-n", ns, client, "-c", "istio-proxy")
    #expect(clientLog.lines.filter { $0.contains(" outbound|8080||istio-grpc-server.\(ns).svc.cluster.local ") }.count == 100)
    let v1Log = try await cluster.skiff("logs", "-n", ns, v1, "-c", "istio-proxy")
    let inbound = v1Log.lines.filter { $0.contains("\"POST /helloworld.Greeter/SayHello HTTP/2\" 200 ") && $0.contains(" inbound|8080|| ") }
    #expect(inbound.count == 50, "\(v1Log.lines.suffix(3))")
    // Sidecar to sidecar is mutual TLS (Istio's auto mTLS, PERMISSIVE): v1's sidecar accepted
    // the client sidecar's connection and saw its SPIFFE identity; the client's config shows
    // its certificate and the endpoints it dials with mTLS.
    let identity = "spiffe://cluster.local/ns/\(ns)/sa/default"
    let stats = try await cluster.skiff([
      "exec", "-n", ns, v1, "-c", "istio-proxy", "--", "wget", "-qO-", "http://127.0.0.1:15000/stats/prometheus",
    ])
    #expect(
      stats.stdout.contains(
        "skiff_proxy_inbound_connections_total{connection_security_policy=\"mutual_tls\",source_principal=\"\(identity)\"} "),
      "\(stats.stdout.split(separator: "\n").filter { $0.contains("inbound_connections") })")
    let config = try await cluster.skiff("proxy-config", "-n", ns, client)
    #expect(config.stdout.contains("Cert Chain") && config.stdout.contains(identity), "\(config.stdout)")
    #expect(config.stdout.contains(":8080 (mTLS)"), "\(config.stdout)")

    // DestinationRule + VirtualService 90/10.
    _ = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/dr-istio-grpc-server.yaml")
    _ = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/vs-istio-grpc-server.yaml")
    try await Task.sleep(for: .milliseconds(500))
    let split = try await call(cluster, client: client)
    #expect(split.filter { $0 == v1 }.count == 90)
    #expect(split.filter { $0 == v2 }.count == 10)

    // A live edit to 0/100 (as `skiff edit` with an editor script would write it).
    let edited = try String(contentsOfFile: cluster.examples + "/vs-istio-grpc-server.yaml", encoding: .utf8)
      .replacingOccurrences(of: "weight: 90", with: "weight: 0").replacingOccurrences(of: "weight: 10", with: "weight: 100")
    let apply = try await cluster.skiff(["apply", "-n", ns, "-f", "-"], stdin: edited)
    #expect(apply.stdout.contains("virtualservice.networking.istio.io/vs-istio-grpc-server configured"), "\(apply.stderr)")
    try await Task.sleep(for: .milliseconds(500))
    let allV2 = try await call(cluster, client: client)
    #expect(allV2.count == 100)
    #expect(allV2.allSatisfy { $0 == v2 })

    // No pod restarted, none replaced; every proxy in sync.
    #expect(try await podState(cluster) == before)
    let status = try await cluster.skiff("proxy-status")
    #expect(status.lines.count == 4, "\(status.stdout)")
    #expect(!status.stdout.contains("STALE") && !status.stdout.contains("ERROR"))
  }
}
