import Foundation
import Testing

/// Part A of the walkthrough, exactly as a user runs it, with the unchanged manifests:
/// without a sidecar, 100 gRPC calls over one connection all land on one pod.
@Suite(
  "walkthrough part A (no sidecar)",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .serialized)
struct WalkthroughPartA {
  @Test func hundredCallsOverOneConnectionLandOnOnePod() async throws {
    var podUIDs: [String] = []
    let cluster = try await SkiffCluster.run("part-a") { cluster in
      try await run(cluster)
      podUIDs = try await cluster.skiff("get", "pod", "-n", "grpc-nosidecar", "-o", "json")
        .stdout.matches(of: #/"uid": "([0-9a-f-]{36})"/#).map { String($0.1) }
    }
    // Nothing left behind: the node namespace, the cluster's mounts, the pods' cgroups.
    #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(cluster.nodeNamespace)"))
    let mounts = SkiffCluster.readFile("/proc/self/mountinfo")
    #expect(mounts.contains(" / / "), "could not read the mount table")
    #expect(!mounts.contains(cluster.base))
    for uid in podUIDs {
      #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/skiff/\(uid)"), "cgroup of pod \(uid) left behind")
    }
  }

  func run(_ cluster: SkiffCluster) async throws {
    let ns = "grpc-nosidecar"
    #expect(try await cluster.skiff("create", "namespace", ns).stdout == "namespace/\(ns) created\n")
    let server = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/istio-grpc-server.yaml")
    #expect(server.stdout == """
      deployment.apps/istio-grpc-server-v1 created
      deployment.apps/istio-grpc-server-v2 created
      service/istio-grpc-server created

      """)
    let client = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/istio-grpc-client.yaml")
    #expect(client.stdout == "deployment.apps/istio-grpc-client created\nservice/istio-grpc-client created\n")

    // Three pods, 1/1 Running, with Deployment-style names.
    let pods = try await cluster.eventually("3 pods 1/1 Running") { () -> [[String]]? in
      let rows = try await cluster.pods(ns)
      return rows.count == 3 && rows.allSatisfy({ $0[1] == "1/1" && $0[2] == "Running" }) ? rows : nil
    }
    let header = try await cluster.skiff("get", "pod", "-n", ns).lines.first ?? ""
    #expect(header.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
    let alphabet = "[bcdfghjklmnpqrstvwxz2456789]"
    for row in pods {
      #expect(row[0].wholeMatch(of: try Regex("istio-grpc-(server-v1|server-v2|client)-\(alphabet){6,10}-\(alphabet){5}")) != nil, "name \(row[0])")
    }
    let serverPods = pods.map { $0[0] }.filter { $0.contains("server") }
    let clientPod = try #require(pods.map { $0[0] }.first { $0.contains("client") })

    // The readiness probe (grpc_health_probe) put both servers into the Service's endpoints.
    let endpoints = try await cluster.skiff("get", "ep", "istio-grpc-server", "-n", ns)
    #expect(endpoints.lines.last?.contains(",") == true, "both servers ready: \(endpoints.stdout)")

    // The client, in its pod: 100 calls over one connection through the ClusterIP Service.
    let calls = try await cluster.skiff([
      "exec", "-n", ns, clientPod, "--", "/bin/greeter-client", "--insecure=true", "--address=istio-grpc-server:8080", "--repeat=100",
    ])
    #expect(calls.status == 0, "client failed: \(calls.stderr)")
    let lines = calls.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 100)
    let answered = Set(lines.compactMap { $0.split(separator: " ").last.map(String.init) })
    #expect(answered.count == 1, "every call answered by one pod: \(answered)")
    let pod = try #require(answered.first)
    #expect(serverPods.contains(pod))
    for line in lines { #expect(isGoLogLine(line, message: "Hello world from \(pod)")) }
  }

  @Test func livenessRestartsAServerWhoseHealthTurnsNotServing() async throws {
    let cluster = try SkiffCluster("liveness")
    try await cluster.up()
    defer { Task { try? await cluster.down() } }
    let ns = "grpc-nosidecar"
    _ = try await cluster.skiff("create", "namespace", ns)
    _ = try await cluster.skiff("apply", "-n", ns, "-f", cluster.examples + "/istio-grpc-server.yaml")
    let pod = try await cluster.eventually("a Running server") { () -> String? in
      try await cluster.pods(ns).first { $0[0].contains("server-v1") && $0[1] == "1/1" }?[0]
    }
    // SIGUSR1 turns the server's health NOT_SERVING; the liveness probe (period 10s,
    // threshold 3) then restarts the container.
    let kill = try await cluster.skiff("exec", "-n", ns, pod, "--", "kill", "-USR1", "1")
    #expect(kill.status == 0, "\(kill.stderr)")
    let restarted = try await cluster.eventually("the liveness restart", timeout: .seconds(90)) { () -> [String]? in
      let row = try await cluster.pods(ns).first { $0[0] == pod }
      return row.map { Int($0[3]) ?? 0 } ?? 0 >= 1 ? row : nil
    }
    #expect(restarted[3] == "1")
    let events = try await cluster.skiff("get", "events", "-n", ns)
    #expect(events.stdout.contains("Liveness probe failed: service unhealthy (responded with \"NOT_SERVING\")"))
    #expect(events.stdout.contains("Container istio-grpc-server failed liveness probe, will be restarted"))
    let ready = try await cluster.eventually("the server ready again") { () -> Bool? in
      try await cluster.pods(ns).first { $0[0] == pod }?[1] == "1/1" ? true : nil
    }
    #expect(ready)
    try await cluster.down()
  }
}
