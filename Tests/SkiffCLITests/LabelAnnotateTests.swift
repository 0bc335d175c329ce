import SkiffAPI
import SkiffTestSupport
import Testing

/// `skiff label` and `skiff annotate`: kubectl's messages, errors, exit codes, and what the
/// objects hold afterwards.
@Suite struct LabelAnnotateTests {
  func labels(_ cluster: TestCluster, _ kind: String, _ name: String) throws -> [String: String] {
    try cluster.object(kind, name).labels
  }

  @Test func labelMessagesAndStoredLabels() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let d = "deployment.apps/istio-grpc-server-v1"

    #expect(try cluster.ok(["label", "deploy", "istio-grpc-server-v1", "tier=backend"]).stdout == "\(d) labeled\n")
    #expect(try labels(cluster, "deploy", "istio-grpc-server-v1")["tier"] == "backend")

    let refused = try cluster.skiff(["label", "deploy", "istio-grpc-server-v1", "tier=frontend"])
    #expect(refused.status == 1)
    #expect(refused.stdout == "")
    #expect(refused.stderr == "error: 'tier' already has a value (backend), and --overwrite is false\n")
    #expect(try labels(cluster, "deploy", "istio-grpc-server-v1")["tier"] == "backend")

    #expect(try cluster.ok(["label", "deploy/istio-grpc-server-v1", "tier=frontend", "--overwrite"]).stdout == "\(d) labeled\n")
    #expect(try cluster.ok(["label", "deploy/istio-grpc-server-v1", "tier=frontend", "--overwrite"]).stdout == "\(d) not labeled\n")
    #expect(try cluster.ok(["label", "deploy", "istio-grpc-server-v1", "tier-", "zone=a"]).stdout == "\(d) modified\n")
    #expect(try cluster.ok(["label", "deploy", "istio-grpc-server-v1", "zone-", "absent-"]).stdout == "label \"absent\" not found.\n\(d) unlabeled\n")
    #expect(
      try labels(cluster, "deploy", "istio-grpc-server-v1") == ["app": "istio-grpc-server", "version": "v1"])
  }

  @Test func labelBySelectorAndAll() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    #expect(
      try cluster.ok(["label", "deploy", "--all", "team=mesh"]).stdout
        == "deployment.apps/istio-grpc-server-v1 labeled\ndeployment.apps/istio-grpc-server-v2 labeled\n")
    #expect(try cluster.ok(["label", "deploy", "-l", "version=v2", "canary=true"]).stdout == "deployment.apps/istio-grpc-server-v2 labeled\n")
    #expect(try labels(cluster, "deploy", "istio-grpc-server-v1")["canary"] == nil)
    #expect(try labels(cluster, "deploy", "istio-grpc-server-v2")["canary"] == "true")
    #expect(try cluster.ok(["label", "svc", "istio-grpc-server", "--list"]).stdout == "app=istio-grpc-server\n")
  }

  @Test func labelArgumentErrors() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let cases: [([String], String)] = [
      (["label", "deploy"], "error: at least one label update is required\n"),
      (["label", "a=b"], "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
      (["label", "deploy", "a=b"], "error: resource(s) were provided, but no name was specified\n"),
      (["label", "deploy", "x", "a=b", "y"], "error: all resources must be specified before label changes: y\n"),
      (["label", "deploy", "x", "a=b", "a-"], "error: can not both modify and remove a label in the same command\n"),
      (["label", "deploy", "nope", "a=b"], "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
      (["label", "widgets", "x", "a=b"], "error: the server doesn't have a resource type \"widgets\"\n"),
    ]
    for (arguments, message) in cases {
      let output = try cluster.skiff(arguments)
      #expect(output.status == 1, "\(arguments)")
      #expect(output.stderr == message, "\(arguments)")
    }
    let bad = try cluster.skiff(["label", "deploy", "istio-grpc-server-v1", "a=b c"])
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: invalid label value: \"a=b c\": a valid label must be an empty string"))
  }

  @Test func annotateMessagesAndOverwrite() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    let vs = "virtualservice.networking.istio.io/vs-istio-grpc-server"
    #expect(try cluster.ok(["annotate", "vs", "vs-istio-grpc-server", "owner=mesh-team"]).stdout == "\(vs) annotated\n")
    let refused = try cluster.skiff(["annotate", "vs", "vs-istio-grpc-server", "owner=other"])
    #expect(refused.status == 1)
    #expect(
      refused.stderr
        == "error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (mesh-team)\n")
    #expect(try cluster.ok(["annotate", "--overwrite", "vs", "vs-istio-grpc-server", "owner=other"]).stdout == "\(vs) annotated\n")
    #expect(try cluster.object("vs", "vs-istio-grpc-server").text("metadata.annotations.owner") == "other")
    #expect(try cluster.ok(["annotate", "vs", "vs-istio-grpc-server", "owner-"]).stdout == "\(vs) annotated\n")
    #expect(try cluster.object("vs", "vs-istio-grpc-server").at("metadata.annotations.owner") == nil)
    let both = try cluster.skiff(["annotate", "vs", "vs-istio-grpc-server", "a=1", "a-"])
    #expect(both.stderr == "error: can not both modify and remove the following annotation(s) in the same command: a\n")
  }
}
