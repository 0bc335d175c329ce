import Foundation
import Testing

/// The walkthrough typed into a stock kubectl (this machine image ships kubectl 1.32), with
/// the context `skiff up` wrote: parts A and B with the same outcomes as the `skiff` tests,
/// `kubectl exec -it` into a real terminal, `kubectl edit` of the VirtualService, and the
/// errors kubectl prints from the server's Status objects.
@Suite(
  "walkthrough with a stock kubectl",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .enabled(if: SkiffCluster.kubectlBinary != nil, "needs kubectl on PATH (or $KUBECTL): it drives the cluster here"),
  .serialized)
struct WalkthroughKubectl {
  /// Who answered each of `count` calls made from the client pod, in order.
  func call(_ cluster: SkiffCluster, _ ns: String, _ client: String, count: Int = 100) async throws -> [String] {
    let result = try await cluster.kubectl([
      "exec", "-n", ns, client, "-c", "istio-grpc-client", "--", "/bin/greeter-client", "--insecure=true",
      "--address=istio-grpc-server:8080", "--repeat=\(count)",
    ])
    #expect(result.status == 0, "client failed: \(result.stderr)")
    return result.stderr.split(separator: "\n").filter { $0.contains("Hello world from") }
      .compactMap { $0.split(separator: " ").last.map(String.init) }
  }

  /// `kubectl get pod -n NS` rows, after checking the header is the real one.
  func pods(_ cluster: SkiffCluster, _ ns: String) async throws -> [[String]] {
    let result = try await cluster.kubectl("get", "pod", "-n", ns)
    guard let header = result.lines.first else { return [] }
    #expect(header.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
    return result.lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
  }

  func waitForPods(_ cluster: SkiffCluster, _ ns: String, ready: String) async throws -> [String] {
    let rows = try await cluster.eventually("3 pods \(ready) Running in \(ns)", timeout: .seconds(120)) { () -> [[String]]? in
      let rows = try await pods(cluster, ns)
      return rows.count == 3 && rows.allSatisfy({ $0[1] == ready && $0[2] == "Running" }) ? rows : nil
    }
    return rows.map { $0[0] }
  }

  /// uid and restart counts per pod, from `kubectl get pod -o json`.
  func podState(_ cluster: SkiffCluster, _ ns: String) async throws -> [String: String] {
    SkiffCluster.podState(podList: try await cluster.kubectl("get", "pod", "-n", ns, "-o", "json").stdout)
  }

  @Test func partsAAndB() async throws {
    try await SkiffCluster.run("kubectl", run)
  }

  func run(_ cluster: SkiffCluster) async throws {
    // The context skiff up wrote, over HTTPS with the admin certificate.
    #expect(try await cluster.kubectl("config", "current-context").stdout == "skiff\n")
    let version = try await cluster.kubectl("version")
    #expect(version.stdout.contains("Server Version: v1.32.0-skiff"), "\(version.stderr)")
    let nodes = try await cluster.kubectl("get", "nodes")
    #expect(nodes.lines.count == 2 && nodes.lines[1].hasPrefix("skiff "), "\(nodes.stdout)\(nodes.stderr)")

    // Part A.
    let a = "grpc-nosidecar"
    // kubectl's typed create sends protobuf.
    for ns in [a, "grpc-sidecar"] {
      let created = try await cluster.kubectl("create", "namespace", ns)
      #expect(created.stdout == "namespace/\(ns) created\n", "\(created.stderr)")
    }
    let exists = try await cluster.kubectl("create", "namespace", a)
    #expect(exists.stderr == "Error from server (AlreadyExists): namespaces \"\(a)\" already exists\n")
    let server = try await cluster.kubectl("apply", "-n", a, "-f", cluster.examples + "/istio-grpc-server.yaml")
    #expect(server.stdout == """
      deployment.apps/istio-grpc-server-v1 created
      deployment.apps/istio-grpc-server-v2 created
      service/istio-grpc-server created

      """, "\(server.stderr)")
    #expect(server.stderr.isEmpty, "kubectl warned: \(server.stderr)")
    _ = try await cluster.kubectl("apply", "-n", a, "-f", cluster.examples + "/istio-grpc-client.yaml")
    let again = try await cluster.kubectl("apply", "-n", a, "-f", cluster.examples + "/istio-grpc-client.yaml")
    #expect(again.stdout == "deployment.apps/istio-grpc-client unchanged\nservice/istio-grpc-client unchanged\n", "\(again.stderr)")
    let podsA = try await waitForPods(cluster, a, ready: "1/1")
    let clientA = try #require(podsA.first { $0.hasPrefix("istio-grpc-client-") })
    let imbalance = try await call(cluster, a, clientA)
    #expect(imbalance.count == 100)
    #expect(Set(imbalance).count == 1, "all calls on one pod: \(Set(imbalance))")

    // `kubectl exec -it ... sh`: a real terminal inside the container (script(1) gives
    // kubectl one), exit codes passed back.
    let shell = try await cluster.command(
      "/usr/bin/script", ["-q", "-e", "-c", "\(SkiffCluster.kubectlBinary!) exec -it -n \(a) \(clientA) -- sh", "/dev/null"],
      stdin: "tty; echo $((6*7)); exit 5\n", timeout: .seconds(60))
    #expect(shell.status == 5, "\(shell.stdout)\(shell.stderr)")
    #expect(shell.stdout.contains("/dev/pts/0"), "\(shell.stdout)")
    #expect(shell.stdout.contains("42"), "\(shell.stdout)")
    let piped = try await cluster.kubectl(["exec", "-i", "-n", a, clientA, "--", "sh"], stdin: "echo piped; exit 3\n")
    #expect(piped.stdout == "piped\n")
    #expect(piped.status == 3)
    #expect(piped.stderr.contains("command terminated with exit code 3"), "\(piped.stderr)")

    // Part B.
    let b = "grpc-sidecar"
    let label = try await cluster.kubectl("label", "namespace", b, "istio-injection=enabled")
    #expect(label.stdout == "namespace/\(b) labeled\n", "\(label.stderr)")
    _ = try await cluster.kubectl("apply", "-n", b, "-f", cluster.examples + "/istio-grpc-server.yaml")
    _ = try await cluster.kubectl("apply", "-n", b, "-f", cluster.examples + "/istio-grpc-client.yaml")
    let podsB = try await waitForPods(cluster, b, ready: "2/2")
    let client = try #require(podsB.first { $0.hasPrefix("istio-grpc-client-") })
    let v1 = try #require(podsB.first { $0.hasPrefix("istio-grpc-server-v1-") })
    let v2 = try #require(podsB.first { $0.hasPrefix("istio-grpc-server-v2-") })
    let describe = try await cluster.kubectl("describe", "pod", "-n", b, client)
    #expect(describe.stdout.contains("istio-proxy:"), "\(describe.stderr)")
    let before = try await podState(cluster, b)

    let alternating = try await call(cluster, b, client)
    #expect(alternating.count == 100)
    #expect(alternating.filter { $0 == v1 }.count == 50)
    #expect(zip(alternating, alternating.dropFirst()).allSatisfy { $0 != $1 }, "alternating: \(alternating.prefix(6))")

    let rules = try await cluster.kubectl(
      "apply", "-n", b, "-f", cluster.examples + "/dr-istio-grpc-server.yaml", "-f", cluster.examples + "/vs-istio-grpc-server.yaml")
    #expect(rules.stdout == """
      destinationrule.networking.istio.io/dr-istio-grpc-server created
      virtualservice.networking.istio.io/vs-istio-grpc-server created

      """, "\(rules.stderr)")
    try await Task.sleep(for: .milliseconds(500))
    let split = try await call(cluster, b, client)
    #expect(split.filter { $0 == v1 }.count == 90)
    #expect(split.filter { $0 == v2 }.count == 10)

    // `kubectl edit` in place, with an editor that rewrites the weights.
    let editor = cluster.base + "/edit-weights.sh"
    try "#!/bin/sh\nsed -i 's/weight: 90/weight: 0/; s/weight: 10/weight: 100/' \"$1\"\n"
      .write(toFile: editor, atomically: true, encoding: .utf8)
    chmod(editor, 0o755)
    let edit = try await cluster.kubectl(["edit", "vs", "vs-istio-grpc-server", "-n", b], environment: ["KUBE_EDITOR": editor])
    #expect(edit.stdout == "virtualservice.networking.istio.io/vs-istio-grpc-server edited\n", "\(edit.stderr)")
    try await Task.sleep(for: .milliseconds(500))
    let allV2 = try await call(cluster, b, client)
    #expect(allV2.count == 100)
    #expect(allV2.allSatisfy { $0 == v2 })
    #expect(try await podState(cluster, b) == before)

    // The everyday verbs on part A's deployments.
    let logs = try await cluster.kubectl("logs", "-n", a, "deploy/istio-grpc-server-v1")
    #expect(logs.stdout.contains("server listening at 0.0.0.0:8080"), "\(logs.stdout)\(logs.stderr)")
    let scaled = try await cluster.kubectl("scale", "deploy", "istio-grpc-server-v2", "-n", a, "--replicas=2")
    #expect(scaled.stdout == "deployment.apps/istio-grpc-server-v2 scaled\n", "\(scaled.stderr)")
    let restarted = try await cluster.kubectl("rollout", "restart", "deploy/istio-grpc-server-v2", "-n", a)
    #expect(restarted.stdout == "deployment.apps/istio-grpc-server-v2 restarted\n", "\(restarted.stderr)")
    let rolled = try await cluster.kubectl("rollout", "status", "deploy/istio-grpc-server-v2", "-n", a, "--timeout=120s")
    #expect(rolled.stdout.hasSuffix("deployment \"istio-grpc-server-v2\" successfully rolled out\n"), "\(rolled.stdout)\(rolled.stderr)")
    // Field managers as kube-apiserver records them: client-side apply's Update entry, shown
    // only with --show-managed-fields.
    let managed = try await cluster.kubectl(
      "get", "deploy", "istio-grpc-server-v1", "-n", a, "-o", "yaml", "--show-managed-fields")
    #expect(managed.stdout.contains("manager: kubectl-client-side-apply\n    operation: Update\n"), "\(managed.stdout)\(managed.stderr)")
    let hidden = try await cluster.kubectl("get", "deploy", "istio-grpc-server-v1", "-n", a, "-o", "yaml")
    #expect(!hidden.stdout.contains("managedFields"), "\(hidden.stdout)")
    let serverSide = try await cluster.kubectl("apply", "--server-side", "-n", a, "-f", cluster.examples + "/istio-grpc-server.yaml")
    #expect(serverSide.stdout.contains("deployment.apps/istio-grpc-server-v1 serverside-applied"), "\(serverSide.stderr)")
    // v1 went from client-side to server-side apply (kubectl moved the fields to its applier
    // entry); v2's replicas were set by `kubectl scale` since, so applying the file's count
    // is a conflict, as on a real cluster.
    #expect(!serverSide.stderr.contains("istio-grpc-server-v1"), "\(serverSide.stderr)")
    #expect(serverSide.stderr.contains(
      #"Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas"#),
      "\(serverSide.stderr)")
    let migrated = try await cluster.kubectl(
      "get", "deploy", "istio-grpc-server-v1", "-n", a, "-o", "yaml", "--show-managed-fields")
    #expect(migrated.stdout.contains("manager: kubectl\n    operation: Apply\n"), "\(migrated.stdout)")
    #expect(!migrated.stdout.contains("kubectl-client-side-apply"), "\(migrated.stdout)")
    let explain = try await cluster.kubectl("explain", "virtualservice.spec.http")
    #expect(explain.stdout.contains("FIELDS:") && explain.stdout.contains("route"), "\(explain.stdout)\(explain.stderr)")
    // Every field is described (from the doc comments of Skiff's types), in v3 and in v2.
    for path in ["pod.spec", "deployment.spec.template.spec.containers", "virtualservice.spec.http.route.destination"] {
      let fields = try await cluster.kubectl("explain", path)
      #expect(fields.status == 0 && fields.stdout.contains("FIELDS:"), "\(fields.stderr)")
      #expect(!fields.stdout.contains("<no description>"), "\(path): \(fields.stdout)")
    }
    let swaggerExplain = try await cluster.kubectl("explain", "deployment.spec.replicas", "--output=plaintext-openapiv2")
    #expect(swaggerExplain.status == 0 && swaggerExplain.stdout.contains("FIELD:    replicas <integer>"), "\(swaggerExplain.stdout)\(swaggerExplain.stderr)")
    #expect(!swaggerExplain.stdout.contains("<empty>"), "\(swaggerExplain.stdout)")
    // kubectl auth: everyone is an administrator on Skiff, and kubectl says so.
    let canI = try await cluster.kubectl("auth", "can-i", "create", "pods", "-n", a)
    #expect(canI.stdout == "yes\n", "\(canI.stdout)\(canI.stderr)")
    let whoami = try await cluster.kubectl("auth", "whoami")
    #expect(whoami.stdout.contains("skiff-admin") && whoami.stdout.contains("system:masters"), "\(whoami.stdout)\(whoami.stderr)")
    let slices = try await cluster.kubectl("describe", "service", "istio-grpc-server", "-n", a)
    #expect(!slices.stdout.contains("Endpoints:                <none>"), "\(slices.stdout)")
    let deleted = try await cluster.kubectl("delete", "deploy", "istio-grpc-server-v2", "-n", a)
    #expect(deleted.stdout == "deployment.apps \"istio-grpc-server-v2\" deleted\n", "\(deleted.stderr)")
    _ = try await cluster.eventually("v2's pods gone", timeout: .seconds(60)) { () -> Bool? in
      let rows = try await pods(cluster, a)
      return rows.contains { $0[0].hasPrefix("istio-grpc-server-v2-") } ? nil : true
    }

    // kubectl run -i --rm: the pod's shell reads kubectl's stdin through pods/attach, its
    // output comes back, its exit code is kubectl's, and the pod is deleted afterwards.
    let oneOff = try await cluster.kubectl(
      ["run", "one-off", "-n", b, "--image=busybox", "--restart=Never", "--rm", "-i", "--", "sh"],
      stdin: "echo hello from $(hostname)\nexit 3\n")
    #expect(oneOff.stdout.contains("hello from one-off"), "\(oneOff.stdout)\(oneOff.stderr)")
    #expect(oneOff.status == 3, "\(oneOff.stderr)")
    #expect(oneOff.stdout.contains("pod \"one-off\" deleted"), "\(oneOff.stdout)")
    // kubectl attach to a running container with stdin: input reaches it, its stdin stays open
    // for the next session (no stdinOnce), and the log has what it wrote.
    let reader = "apiVersion: v1\nkind: Pod\nmetadata: {name: reader}\nspec:\n  containers:\n  - name: main\n    image: busybox\n    stdin: true\n    command: [sh, -c, 'while read l; do echo got $l; done; echo eof']\n"
    #expect(try await cluster.kubectl(["apply", "-n", b, "-f", "-"], stdin: reader).status == 0)
    _ = try await cluster.eventually("reader to run") { () -> Bool? in
      try await cluster.kubectl("get", "pod", "reader", "-n", b, "-o", "jsonpath={.status.phase}").stdout == "Running" ? true : nil
    }
    for word in ["one", "two"] {
      _ = try await cluster.kubectl(["attach", "-i", "reader", "-n", b], stdin: word + "\n", timeout: .seconds(4))
    }
    let attached = try await cluster.kubectl("logs", "reader", "-n", b)
    #expect(attached.stdout == "got one\ngot two\n", "\(attached.stdout)\(attached.stderr)")
    // kubectl debug --target: an ephemeral container in the pod, seeing the target's processes.
    let debug = try await cluster.kubectl(
      ["debug", "reader", "-n", b, "-i", "--image=busybox", "--target=main", "--", "sh", "-c", "sleep 1; ps"], timeout: .seconds(60))
    #expect(debug.stdout.contains("while read l"), "\(debug.stdout)\(debug.stderr)")

    // Errors as kubectl prints them from the server's Status.
    let missing = try await cluster.kubectl("get", "pod", "nope", "-n", b)
    #expect(missing.status == 1)
    #expect(missing.stderr == "Error from server (NotFound): pods \"nope\" not found\n")
    let invalid = try await cluster.kubectl(
      ["apply", "-n", b, "-f", "-"],
      stdin: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  selector:\n    matchLabels: {app: bad}\n  template:\n    metadata:\n      labels: {app: bad}\n    spec:\n      containers:\n      - name: c\n        image: x\n        bogus: 1\n")
    #expect(invalid.status == 1)
    #expect(invalid.stderr.contains(#"unknown field "spec.template.spec.containers[0].bogus""#), "\(invalid.stderr)")

    // Without valid credentials (no client certificate, a wrong token): the server's 401,
    // as kubectl words it.
    let anonymous = cluster.base + "/anonymous.kubeconfig"
    let config = try String(contentsOfFile: cluster.kubeconfig, encoding: .utf8)
      .split(separator: "\n").filter { !$0.contains("client-certificate-data") && !$0.contains("client-key-data") }
      .joined(separator: "\n")
    try config.write(toFile: anonymous, atomically: true, encoding: .utf8)
    let refused = try await cluster.kubectl(["get", "pods", "-A", "--token=not-a-token"], environment: ["KUBECONFIG": anonymous])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("error: You must be logged in to the server (Unauthorized)"), "\(refused.stderr)")
  }
}
