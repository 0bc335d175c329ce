import Foundation
import NIOHTTP1
import SkiffAPI
import Testing

/// `kubectl debug`: ephemeral containers are added to a running pod through the
/// pods/ephemeralcontainers subresource, one at a time, and never changed or removed.
@Suite("ephemeral containers")
struct EphemeralContainerTests {
  let pods = "/api/v1/namespaces/default/pods"
  let smp = "application/strategic-merge-patch+json"

  func debugger(_ name: String, target: String? = nil, extra: String = "") -> String {
    let targetJSON = target.map { #","targetContainerName":"\#($0)""# } ?? ""
    return #"{"spec":{"ephemeralContainers":[{"name":"\#(name)","image":"busybox","stdin":true,"tty":true,"resources":{}\#(targetJSON)\#(extra)}]}}"#
  }

  @Test func kubectlDebugAddsOneAtATimeAndNothingElseChanges() async throws {
    try await TestCluster.with { cluster in
      #expect(try await cluster.client.post(pods, Objects.pod("app")).status == 201)
      let first = try await cluster.client.patch("\(pods)/app/ephemeralcontainers", smp, debugger("debugger-a", target: "app"))
      #expect(first.status == 200, "\(first.json)")
      #expect(first.json.at("spec.ephemeralContainers")?.arrayValue?.count == 1)
      // A second debug session merges by name: the first stays (kubectl's two-way patch
      // carries the list's order).
      let order = #""$setElementOrder/ephemeralContainers":[{"name":"debugger-a"},{"name":"debugger-b"}],"#
      let second = try await cluster.client.patch(
        "\(pods)/app/ephemeralcontainers", smp, debugger("debugger-b").replacingOccurrences(of: #"{"spec":{"#, with: #"{"spec":{"# + order))
      #expect(second.json.at("spec.ephemeralContainers")?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["debugger-a", "debugger-b"])
      // The subresource touches nothing else, and an update of the pod keeps the list.
      let sneaky = try await cluster.client.patch(
        "\(pods)/app/ephemeralcontainers", "application/merge-patch+json",
        #"{"metadata":{"labels":{"x":"y"}},"spec":{"ephemeralContainers":[]}}"#)
      #expect(sneaky.status == 422)
      #expect(sneaky.json["message"]?.stringValue?.contains(#"existing ephemeral containers "debugger-a" may not be removed"#) == true)
      let relabeled = try await cluster.client.patch("\(pods)/app", smp, #"{"metadata":{"labels":{"x":"y"}}}"#)
      #expect(relabeled.json.at("spec.ephemeralContainers")?.arrayValue?.count == 2)
      let read = try await cluster.client.get("\(pods)/app/ephemeralcontainers")
      #expect(read.json["kind"] == "Pod")
    }
  }

  @Test func badEphemeralContainersAreRefusedWithTheApiserversCauses() async throws {
    try await TestCluster.with { cluster in
      #expect(try await cluster.client.post(pods, Objects.pod("app")).status == 201)
      let bad = try await cluster.client.patch(
        "\(pods)/app/ephemeralcontainers", smp,
        debugger("app", target: "nope", extra: #","ports":[{"containerPort":80}]"#))
      #expect(bad.status == 422)
      let causes = bad.json.at("details.causes")?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
      #expect(causes.contains("spec.ephemeralContainers[0].name"))  // duplicate of the app container
      #expect(causes.contains("spec.ephemeralContainers[0].ports"))
      #expect(causes.contains("spec.ephemeralContainers[0].targetContainerName"))
      // On create, none may be given.
      let created = try await cluster.client.post(
        pods, Objects.pod("pre", extraSpec: #","ephemeralContainers":[{"name":"d","image":"busybox"}]"#))
      #expect(created.status == 422)
    }
  }
}
