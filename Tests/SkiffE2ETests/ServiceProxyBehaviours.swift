import Foundation
import Testing

/// kube-proxy's behaviours on a real cluster, seen from inside pods with busybox's nc (its
/// wget crashes in Debian's busybox-static 1.35, on the host too):
/// connections spread over a Service's endpoints, `sessionAffinity: ClientIP` keeps a client
/// on one endpoint, and a pod reaches itself through its own Service (hairpin).
@Suite(
  "service proxy",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .serialized)
struct ServiceProxyBehaviours {
  /// Two busybox httpd pods answering with their hostname, behind Service `web` (port 80,
  /// named `portName` when given), and a `client` pod to run commands in.
  static func webAndClient(portName: String? = nil) -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - name: httpd
            image: busybox
            command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
            ports: [{containerPort: 8080}]
            readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{\(portName.map { "name: \($0), " } ?? "")port: 80, targetPort: 8080}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: client}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: main, image: busybox, command: ["sleep", "3650d"]}]
    """
  }

  static let manifest = webAndClient() + """

    ---
    apiVersion: v1
    kind: Service
    metadata: {name: sticky}
    spec:
      selector: {app: web}
      sessionAffinity: ClientIP
      ports: [{port: 80, targetPort: 8080}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: solo, labels: {app: solo}}
    spec:
      containers:
      - name: httpd
        image: busybox
        command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: solo-svc}
    spec:
      selector: {app: solo}
      ports: [{port: 80, targetPort: 8080}]
    """

  @Test func spreadAffinityAndHairpin() async throws {
    try await SkiffCluster.run("svc", run)
  }

  func run(_ cluster: SkiffCluster) async throws {
    let file = cluster.base + "/web.yaml"
    try Self.manifest.write(toFile: file, atomically: true, encoding: .utf8)
    let applied = try await cluster.skiff("apply", "-f", file)
    #expect(applied.status == 0, "\(applied.stderr)")
    let pods = try await cluster.eventually("4 pods ready") { () -> [[String]]? in
      let rows = try await cluster.pods("default")
      return rows.count == 4 && rows.allSatisfy({ $0.count > 2 && $0[1] == "1/1" && $0[2] == "Running" }) ? rows : nil
    }
    let webPods = Set(pods.map { $0[0] }.filter { $0.hasPrefix("web-") })
    #expect(webPods.count == 2)
    _ = try await cluster.eventually("web's endpoints") { () -> Bool? in
      let endpoints = try await cluster.skiff("get", "endpoints", "web", "-o", "json")
      return (JSON(parsing: endpoints.stdout).child("subsets.0.addresses").value as? [Any])?.count == 2 ? true : nil
    }

    // Each wget is a new connection: without affinity both pods answer.
    let spread = try await fetch(cluster, from: "client", service: "web", times: 30)
    #expect(Set(spread) == webPods, "answers: \(spread)")

    // With ClientIP affinity one client stays on one pod.
    let sticky = try await fetch(cluster, from: "client", service: "sticky", times: 20)
    #expect(Set(sticky).count == 1 && webPods.contains(sticky.first ?? ""), "answers: \(sticky)")

    // Hairpin: solo reaches itself through its own Service's cluster IP.
    let hairpin = try await fetch(cluster, from: "solo", service: "solo-svc", times: 3)
    #expect(hairpin == ["solo", "solo", "solo"])
  }

  /// The bodies of `times` GETs of `http://SERVICE/` from inside pod `from`, one connection each.
  func fetch(_ cluster: SkiffCluster, from pod: String, service: String, times: Int) async throws -> [String] {
    let get = #"printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 "# + service + " 80 | tail -n 1 || echo FAILED"
    let result = try await cluster.skiff("exec", pod, "--", "sh", "-c", "for i in $(seq \(times)); do \(get); done")
    #expect(result.status == 0, "\(result.stderr)")
    return result.lines
  }
}
