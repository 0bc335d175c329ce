import Foundation
import SkiffAPI
import SkiffTestSupport
import Testing

/// `skiff describe` against kubectl 1.32's describers, on the walkthrough's objects. The
/// expected texts are kubectl's layouts written out: `pad(label, width)` is a cell of the
/// tabwriter's column (its widest cell plus 2 spaces).
@Suite struct DescribeTests {
  /// The walkthrough's server Deployments applied, their pods made ready (as a node agent
  /// would report them) and the v1 Deployment settled.
  func readyWalkthrough() async throws -> TestCluster {
    let cluster = try await TestCluster()
    try cluster.apply("istio-grpc-server.yaml")
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v1") { $0.at("status.replicas")?.intValue == 1 }
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v2") { $0.at("status.replicas")?.intValue == 1 }
    try cluster.markPodsReady("app=istio-grpc-server")
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v1") { d in
      d.at("status.availableReplicas")?.intValue == 1
        && (d.at("status.conditions")?.arrayValue ?? []).contains { $0.text("reason") == "NewReplicaSetAvailable" }
    }
    return cluster
  }

  @Test func deploymentOfTheWalkthrough() async throws {
    let cluster = try await readyWalkthrough()
    defer { cluster.stop() }
    let deployment = try cluster.object("deploy", "istio-grpc-server-v1")
    let rs = try #require(try cluster.list("rs").first { $0.text("metadata.name").hasPrefix("istio-grpc-server-v1-") })
    let rsName = rs.text("metadata.name")
    let event = try #require(
      try cluster.list("events").first {
        $0.text("involvedObject.name") == "istio-grpc-server-v1" && $0.text("reason") == "ScalingReplicaSet"
      })
    let output = try cluster.ok(["describe", "deployment", "istio-grpc-server-v1"])
    let age = try eventAge(in: output.stdout, reason: "ScalingReplicaSet")
    let from = event.text("source.component")

    let annotations = ExpectedText.annotationLines(deployment, width: 24)
    let expected = """
      Name:                   istio-grpc-server-v1
      Namespace:              default
      CreationTimestamp:      \(rfc1123Z(deployment.text("metadata.creationTimestamp")))
      Labels:                 app=istio-grpc-server
                              version=v1
      \(annotations)
      Selector:               app=istio-grpc-server,version=v1
      Replicas:               1 desired | 1 updated | 1 total | 1 available | 0 unavailable
      StrategyType:           RollingUpdate
      MinReadySeconds:        0
      RollingUpdateStrategy:  25% max unavailable, 25% max surge
      Pod Template:
        Labels:  app=istio-grpc-server
                 version=v1
        Containers:
         istio-grpc-server:
          Image:      registry.cn-hangzhou.aliyuncs.com/aliacs-app-catalog/istio-grpc-server
          Port:       8080/TCP
          Host Port:  0/TCP
          Args:
            --address=0.0.0.0:8080
          Liveness:      exec [/bin/grpc_health_probe -addr=:8080] delay=2s timeout=1s period=10s #success=1 #failure=3
          Readiness:     exec [/bin/grpc_health_probe -addr=:8080] delay=2s timeout=1s period=10s #success=1 #failure=3
          Environment:   <none>
          Mounts:        <none>
        Volumes:         <none>
        Node-Selectors:  <none>
        Tolerations:     <none>
      Conditions:
        Type           Status  Reason
        ----           ------  ------
        Available      True    MinimumReplicasAvailable
        Progressing    True    NewReplicaSetAvailable
      OldReplicaSets:  <none>
      NewReplicaSet:   \(rsName) (1/1 replicas created)
      Events:
        Type    Reason             \(pad("Age", max(4, age.count) + 2))\(pad("From", max(4, from.count) + 2))Message
        ----    ------             \(pad("----", max(4, age.count) + 2))\(pad("----", max(4, from.count) + 2))-------
        Normal  ScalingReplicaSet  \(pad(age, max(4, age.count) + 2))\(pad(from, max(4, from.count) + 2))Scaled up replica set \(rsName) from 0 to 1

      """
    #expect(output.stdout == expected)
    #expect(output.stderr == "")
  }

  @Test func serviceOfTheWalkthrough() async throws {
    let cluster = try await readyWalkthrough()
    defer { cluster.stop() }
    _ = try await cluster.waitFor("endpoints", "istio-grpc-server") {
      ($0.at("subsets")?.arrayValue?.first?["addresses"]?.arrayValue?.count ?? 0) == 2
    }
    let service = try cluster.object("svc", "istio-grpc-server")
    let endpoints = try cluster.object("endpoints", "istio-grpc-server")
    let addresses = (endpoints.at("subsets")?.arrayValue?.first?["addresses"]?.arrayValue ?? []).map { "\($0.text("ip")):8080" }
    let ip = service.text("spec.clusterIP")
    let output = try cluster.ok(["describe", "svc", "istio-grpc-server"])
    let expected = """
      Name:                     istio-grpc-server
      Namespace:                default
      Labels:                   app=istio-grpc-server
      Annotations:              <none>
      Selector:                 app=istio-grpc-server
      Type:                     ClusterIP
      IP Family Policy:         SingleStack
      IP Families:              IPv4
      IP:                       \(ip)
      IPs:                      \(ip)
      Port:                     grpc-backend  8080/TCP
      TargetPort:               8080/TCP
      Endpoints:                \(addresses.joined(separator: ","))
      Session Affinity:         None
      Internal Traffic Policy:  Cluster
      Events:                   <none>

      """
    #expect(addresses.count == 2)
    #expect(output.stdout == expected)
  }

  @Test func podByNamePrefixWithContainerStateAndConditions() async throws {
    let cluster = try await readyWalkthrough()
    defer { cluster.stop() }
    let pods = try cluster.list("pods")
    let pod = try #require(pods.first { $0.text("metadata.labels.version") == "v1" })
    let name = pod.text("metadata.name")
    let rs = (pod.at("metadata.ownerReferences")?.arrayValue ?? []).first?.text("name") ?? ""
    let ip = pod.text("status.podIP")
    let started = rfc1123Z(pod.text("status.startTime"))
    let running = rfc1123Z((pod.at("status.containerStatuses")?.arrayValue ?? []).first?.text("state.running.startedAt") ?? "")
    // "istio-grpc-server-v1" names no pod: kubectl describes the pods it prefixes, each
    // followed by a blank line.
    let output = try cluster.ok(["describe", "pod", "istio-grpc-server-v1"])
    let expected = """
      Name:             \(name)
      Namespace:        default
      Service Account:  default
      Node:             <none>
      Start Time:       \(started)
      Labels:           app=istio-grpc-server
                        pod-template-hash=\(pod.text("metadata.labels.pod-template-hash"))
                        version=v1
      Annotations:      <none>
      Status:           Running
      IP:               \(ip)
      IPs:
        IP:           \(ip)
      Controlled By:  ReplicaSet/\(rs)
      Containers:
        istio-grpc-server:
          Container ID:  \("")
          Image:         registry.cn-hangzhou.aliyuncs.com/aliacs-app-catalog/istio-grpc-server
          Image ID:      \("")
          Port:          8080/TCP
          Host Port:     0/TCP
          Args:
            --address=0.0.0.0:8080
          State:          Running
            Started:      \(running)
          Ready:          True
          Restart Count:  0
          Liveness:       exec [/bin/grpc_health_probe -addr=:8080] delay=2s timeout=1s period=10s #success=1 #failure=3
          Readiness:      exec [/bin/grpc_health_probe -addr=:8080] delay=2s timeout=1s period=10s #success=1 #failure=3
          Environment:    <none>
          Mounts:         <none>
      Conditions:
        Type              Status
        Initialized       True \("")
        Ready             True \("")
        ContainersReady   True \("")
        PodScheduled      True \("")
      Volumes:            <none>
      QoS Class:          BestEffort
      Node-Selectors:     <none>
      Tolerations:        <none>
      Events:             <none>


      """
    #expect(output.stdout == expected)
  }

  @Test func virtualServiceWithTheGenericLayout() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    let vs = try cluster.object("vs", "vs-istio-grpc-server")
    let output = try cluster.ok(["describe", "vs", "vs-istio-grpc-server"])
    let expected = """
      Name:         vs-istio-grpc-server
      Namespace:    default
      Labels:       <none>
      Annotations:  <none>
      API Version:  networking.istio.io/v1
      Kind:         VirtualService
      Metadata:
        Creation Timestamp:  \(vs.text("metadata.creationTimestamp"))
        Generation:          1
        Resource Version:    \(vs.text("metadata.resourceVersion"))
        UID:                 \(vs.text("metadata.uid"))
      Spec:
        Hosts:
          istio-grpc-server
        Http:
          Match:
            Port:  8080
          Route:
            Destination:
              Host:    istio-grpc-server
              Subset:  v1
            Weight:    90
            Destination:
              Host:    istio-grpc-server
              Subset:  v2
            Weight:    10
      Events:          <none>

      """
    #expect(output.stdout == expected)
  }

  @Test func severalObjectsAreSeparatedAndMissingOnesFail() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.ok(["create", "namespace", "team-a"])
    try cluster.ok(["create", "namespace", "team-b"])
    let both = try cluster.ok(["describe", "ns", "team-a", "team-b"])
    let one = """
      Name:         %@
      Labels:       kubernetes.io/metadata.name=%@
      Annotations:  <none>
      Status:       Active

      No resource quota.

      No LimitRange resource.

      """
    let a = one.replacingOccurrences(of: "%@", with: "team-a"), b = one.replacingOccurrences(of: "%@", with: "team-b")
    #expect(both.stdout == a + "\n\n" + b)

    let missing = try cluster.skiff(["describe", "deploy", "nope"])
    #expect(missing.status == 1)
    #expect(missing.stdout == "")
    #expect(missing.stderr == "Error from server (NotFound): deployments.apps \"nope\" not found\n")

    let none = try cluster.skiff(["describe", "pods"])
    #expect(none.status == 0)
    #expect(none.stderr == "No resources found in default namespace.\n")

    let noType = try cluster.skiff(["describe"])
    #expect(noType.status == 1)
    #expect(
      noType.stderr
        == "error: You must specify the type of resource to describe. Use \"skiff api-resources\" for a complete list of supported resources.\n"
    )
  }

  /// The age kubectl shows in the Events table, read back from the output (it depends on
  /// when the test runs); everything else must match exactly.
  func eventAge(in output: String, reason: String) throws -> String {
    for line in output.split(separator: "\n") where line.hasPrefix("  Normal  \(reason)") {
      return String(line.split(separator: " ", omittingEmptySubsequences: true)[2])
    }
    throw TestFailure("no \(reason) event in:\n\(output)")
  }
}

/// A tabwriter cell: the text padded to the column's width.
func pad(_ text: String, _ width: Int) -> String {
  text + String(repeating: " ", count: max(0, width - text.count))
}

enum ExpectedText {
  /// The `Annotations:` line(s) kubectl prints for an object, in a column `width` wide
  /// (the last-applied-configuration is never shown).
  static func annotationLines(_ object: JSONValue, width: Int) -> String {
    let annotations = (object.at("metadata.annotations")?.objectValue ?? JSONObject())
      .filter { $0.key != "kubectl.kubernetes.io/last-applied-configuration" }
      .map { "\($0.key): \($0.value.stringValue ?? "")" }.sorted()
    guard !annotations.isEmpty else { return pad("Annotations:", width) + "<none>" }
    return annotations.enumerated().map { i, text in pad(i == 0 ? "Annotations:" : "", width) + text }
      .joined(separator: "\n")
  }
}
