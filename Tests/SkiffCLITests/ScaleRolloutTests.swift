import Foundation
import SkiffAPI
import SkiffTestSupport
import Testing

/// `skiff scale` and `skiff rollout status|restart|history|undo` on the walkthrough's
/// Deployments, with kubectl's messages.
@Suite struct ScaleRolloutTests {
  @Test func scaleWithAndWithoutPrecondition() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    #expect(try cluster.ok(["scale", "--replicas=3", "deployment/istio-grpc-server-v1"]).stdout == "deployment.apps/istio-grpc-server-v1 scaled\n")
    #expect(try cluster.object("deploy", "istio-grpc-server-v1").at("spec.replicas")?.intValue == 3)
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v1") { $0.at("status.replicas")?.intValue == 3 }

    let refused = try cluster.skiff(["scale", "deploy", "istio-grpc-server-v1", "--current-replicas=2", "--replicas=1"])
    #expect(refused.status == 1)
    #expect(refused.stderr == "error: Expected replicas to be 2, was 3\n")
    #expect(try cluster.object("deploy", "istio-grpc-server-v1").at("spec.replicas")?.intValue == 3)

    #expect(
      try cluster.ok(["scale", "deploy", "istio-grpc-server-v1", "--current-replicas=3", "--replicas=1"]).stdout
        == "deployment.apps/istio-grpc-server-v1 scaled\n")
    #expect(try cluster.object("deploy", "istio-grpc-server-v1").at("spec.replicas")?.intValue == 1)

    let noCount = try cluster.skiff(["scale", "deploy", "istio-grpc-server-v1"])
    #expect(noCount.status == 1)
    #expect(noCount.stderr == "error: required flag(s) \"replicas\" not set\n")
    let negative = try cluster.skiff(["scale", "deploy", "istio-grpc-server-v1", "--replicas=-1"])
    #expect(negative.stderr == "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n")
    let missing = try cluster.skiff(["scale", "deploy", "nope", "--replicas=2"])
    #expect(missing.status == 1)
    #expect(missing.stderr == "error: no objects passed to scale deployments.apps \"nope\" not found\n")
  }

  @Test func rolloutStatusWaitsTimesOutAndSucceeds() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v1") { $0.at("status.updatedReplicas")?.intValue == 1 }

    let timedOut = try cluster.skiff(["rollout", "status", "deployment/istio-grpc-server-v1", "--timeout=1s"])
    #expect(timedOut.status == 1)
    #expect(timedOut.stdout == "Waiting for deployment \"istio-grpc-server-v1\" rollout to finish: 0 of 1 updated replicas are available...\n")
    #expect(timedOut.stderr == "error: timed out waiting for the condition\n")

    let once = try cluster.ok(["rollout", "status", "deploy", "istio-grpc-server-v1", "--watch=false"])
    #expect(once.stdout == "Waiting for deployment \"istio-grpc-server-v1\" rollout to finish: 0 of 1 updated replicas are available...\n")

    // Watching: the pods become ready while the command waits.
    let watching = try cluster.start(["rollout", "status", "deploy/istio-grpc-server-v1", "--timeout=30s"])
    for _ in 0..<200 where !watching.stdoutSoFar.contains("Waiting") { try await Task.sleep(for: .milliseconds(50)) }
    try cluster.markPodsReady("app=istio-grpc-server,version=v1")
    let watched = watching.wait()
    #expect(watched.status == 0, "\(watched)")
    let lines = watched.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "Waiting for deployment \"istio-grpc-server-v1\" rollout to finish: 0 of 1 updated replicas are available...")
    #expect(lines.last == "deployment \"istio-grpc-server-v1\" successfully rolled out")
    #expect(lines.dropLast().allSatisfy { $0.hasPrefix("Waiting for deployment \"istio-grpc-server-v1\" rollout to finish: ") })

    let missing = try cluster.skiff(["rollout", "status", "deploy/nope"])
    #expect(missing.status == 1)
    #expect(missing.stderr == "Error from server (NotFound): deployments.apps \"nope\" not found\n")
  }

  @Test func restartHistoryAndUndo() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let name = "istio-grpc-server-v1"
    let d = "deployment.apps/\(name)"
    _ = try await cluster.waitFor("deploy", name) { $0.at("status.updatedReplicas")?.intValue == 1 }
    #expect(try cluster.ok(["rollout", "history", "deploy", name]).stdout == "\(d) \nREVISION  CHANGE-CAUSE\n1         <none>\n\n")

    #expect(try cluster.ok(["rollout", "restart", "deploy/\(name)"]).stdout == "\(d) restarted\n")
    let template = try cluster.object("deploy", name).at("spec.template.metadata.annotations")?.objectValue ?? JSONObject()
    let stamp = try #require(template["kubectl.kubernetes.io/restartedAt"]?.stringValue)
    #expect(Timestamp(rfc3339: stamp) != nil)
    _ = try await cluster.waitFor("deploy", name) { d in
      let owned = (try? cluster.list("rs"))?.filter { $0.text("metadata.name").hasPrefix(name + "-") } ?? []
      return owned.count == 2 && d.at("status.updatedReplicas")?.intValue == 1
    }
    #expect(
      try cluster.ok(["rollout", "history", "deploy", name]).stdout
        == "\(d) \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")

    let revision2 = try cluster.ok(["rollout", "history", "deploy", name, "--revision=2"]).stdout
    #expect(revision2.hasPrefix("\(d) with revision #2\nPod Template:\n  Labels:\tapp=istio-grpc-server\n\tpod-template-hash="))
    #expect(revision2.contains("  Annotations:\tkubectl.kubernetes.io/restartedAt: \(stamp)\n"))
    let noSuch = try cluster.skiff(["rollout", "history", "deploy", name, "--revision=9"])
    #expect(noSuch.stderr == "error: unable to find the specified revision\n")

    // Undo goes back to revision 1's template, which becomes revision 3.
    #expect(try cluster.ok(["rollout", "undo", "deploy/\(name)"]).stdout == "\(d) rolled back\n")
    let undone = try cluster.object("deploy", name)
    #expect(undone.at("spec.template.metadata.annotations") == nil)
    #expect(undone.at("spec.template.metadata.labels")?.objectValue?["pod-template-hash"] == nil)
    _ = try await cluster.waitFor("deploy", name) { _ in
      (try? cluster.ok(["rollout", "history", "deploy", name]).stdout) == "\(d) \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    }
    #expect(
      try cluster.ok(["rollout", "undo", "deploy/\(name)", "--to-revision=3"]).stdout
        == "\(d) skipped rollback (current template already matches revision 3)\n")
    let missing = try cluster.skiff(["rollout", "undo", "deploy/\(name)", "--to-revision=7"])
    #expect(missing.status == 1)
    #expect(missing.stderr == "error: unable to find specified revision 7 in history\n")
  }

  @Test func restartOfAServiceIsNotSupported() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let output = try cluster.skiff(["rollout", "restart", "svc/istio-grpc-server"])
    #expect(output.status == 1)
    #expect(output.stderr == "error: services \"istio-grpc-server\" restarting is not supported\n")
  }
}
