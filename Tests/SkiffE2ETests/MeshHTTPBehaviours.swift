import Foundation
import Testing

/// An HTTP/1.1 service in the mesh (a port named `http`): the sidecar routes each request of
/// a keep-alive connection on its own, as it does gRPC calls in the walkthrough, and a
/// VirtualService applies to HTTP/1.1 requests.
@Suite(
  "mesh HTTP/1.1",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .serialized)
struct MeshHTTPBehaviours {
  let ns = "web-mesh"
  /// Service `web` declares its port `http`; `web-auto` does not name it (sniffed).
  static let manifest = ServiceProxyBehaviours.webAndClient(portName: "http") + """

    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web-auto}
    spec:
      selector: {app: web}
      ports: [{port: 80, targetPort: 8080}]
    """
  static let virtualService = """
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: web}
    spec:
      hosts: [web]
      http:
      - match: [{uri: {prefix: /teapot}}]
        fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
        route: [{destination: {host: web}}]
      - route: [{destination: {host: web}}]
    """

  @Test func keepAliveRequestsAreRoutedOneByOne() async throws {
    try await SkiffCluster.run("mesh-http", run)
  }

  /// Three requests written at once on one connection from the client pod, through its sidecar.
  func pipelined(_ cluster: SkiffCluster, paths: [String], service: String = "web") async throws -> String {
    var requests = ""
    for (i, path) in paths.enumerated() {
      requests += "GET \(path) HTTP/1.1\\r\\nHost: \(service)\\r\\n" + (i == paths.count - 1 ? "Connection: close\\r\\n" : "") + "\\r\\n"
    }
    let result = try await cluster.skiff(
      "exec", "-n", ns, "client", "-c", "main", "--", "sh", "-c", "printf '\(requests)' | nc -w 5 \(service) 80")
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout
  }

  func run(_ cluster: SkiffCluster) async throws {
    _ = try await cluster.skiff("create", "namespace", ns)
    _ = try await cluster.skiff("label", "namespace", ns, "istio-injection=enabled")
    let file = cluster.base + "/web.yaml"
    try Self.manifest.write(toFile: file, atomically: true, encoding: .utf8)
    let applied = try await cluster.skiff("apply", "-n", ns, "-f", file)
    #expect(applied.status == 0, "\(applied.stderr)")
    let pods = try await cluster.eventually("3 pods 2/2 Running", timeout: .seconds(120)) { () -> [[String]]? in
      let rows = try await cluster.pods(ns)
      return rows.count == 3 && rows.allSatisfy({ $0[1] == "2/2" && $0[2] == "Running" }) ? rows : nil
    }
    let webPods = Set(pods.map { $0[0] }.filter { $0.hasPrefix("web-") })
    _ = try await cluster.eventually("web's endpoints") { () -> Bool? in
      let endpoints = try await cluster.skiff("get", "endpoints", "-n", ns, "web", "-o", "json")
      return (JSON(parsing: endpoints.stdout).child("subsets.0.addresses").value as? [Any])?.count == 2 ? true : nil
    }

    // One connection, three requests: kube-proxy would send all three to one pod; the
    // sidecar alternates per request.
    // (Once the client's sidecar has both endpoints: its config follows the Endpoints.)
    let answers = try await cluster.eventually("three answers through the client's sidecar") { () -> [String]? in
      let out = try await pipelined(cluster, paths: ["/", "/", "/"])
      // ("\r\n" is one Character: split at any newline.)
      let answers = out.split(whereSeparator: \.isNewline).map(String.init).filter { webPods.contains($0) }
      return answers.count == 3 ? answers : nil
    }
    #expect(Set(answers) == webPods, "one connection, both pods: \(answers)")
    #expect(zip(answers, answers.dropFirst()).allSatisfy { $0 != $1 }, "alternating: \(answers)")
    let log = try await cluster.skiff("logs", "-n", ns, "client", "-c", "istio-proxy")
    let lines = log.lines.filter { $0.contains("\"GET / HTTP/1.1\" 200 - via_upstream") && $0.contains(" outbound|80||web.\(ns).svc.cluster.local ") }
    #expect(lines.count >= 3, "\(log.lines.suffix(4))")
    // The servers' sidecars terminate HTTP/1.1 inbound too: one log line per request.
    var inbound = 0
    for pod in webPods {
      let serverLog = try await cluster.skiff("logs", "-n", ns, pod, "-c", "istio-proxy")
      inbound += serverLog.lines.filter { $0.contains("\"GET / HTTP/1.1\" 200 - via_upstream") && $0.contains(" inbound|8080|| ") }.count
    }
    #expect(inbound >= 3)

    // A port without a protocol name is sniffed (Istio's auto detection): the same.
    let sniffed = try await cluster.eventually("three answers through web-auto") { () -> [String]? in
      let out = try await pipelined(cluster, paths: ["/", "/", "/"], service: "web-auto")
      let answers = out.split(whereSeparator: \.isNewline).map(String.init).filter { webPods.contains($0) }
      return answers.count == 3 ? answers : nil
    }
    #expect(Set(sniffed) == webPods, "one connection, both pods: \(sniffed)")

    // A VirtualService applies to HTTP/1.1 requests too: a fault abort on one path.
    let vsFile = cluster.base + "/vs.yaml"
    try Self.virtualService.write(toFile: vsFile, atomically: true, encoding: .utf8)
    let vs = try await cluster.skiff("apply", "-n", ns, "-f", vsFile)
    #expect(vs.status == 0, "\(vs.stderr)")
    let teapot = try await cluster.eventually("the fault abort in force") { () -> String? in
      let out = try await pipelined(cluster, paths: ["/teapot", "/"])
      return out.contains("HTTP/1.1 418") ? out : nil
    }
    #expect(teapot.contains("fault filter abort"), "\(teapot)")
    #expect(teapot.contains("HTTP/1.1 200"), "the next request on the connection is served: \(teapot)")
  }
}
