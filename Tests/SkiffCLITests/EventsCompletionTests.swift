import Foundation
import SkiffAPI
import SkiffTestSupport
import Testing

/// `skiff events`, `skiff get events` ordering, and shell completion.
@Suite struct EventsCompletionTests {
  @Test func eventsAreSortedByLastSeenWithKubectlsColumns() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v2") { $0.at("status.replicas")?.intValue == 1 }
    // A later event about v1, so the newest is not the first by name.
    try await Task.sleep(for: .milliseconds(1100))
    try cluster.ok(["scale", "deploy/istio-grpc-server-v1", "--replicas=2"])
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v1") { $0.at("status.replicas")?.intValue == 2 }

    let events = try cluster.list("events")
    let output = try cluster.ok(["events"])
    let lines = output.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("LAST SEEN   TYPE     REASON") == true)
    #expect(lines.count == events.count + 1)
    // Rows come ordered by lastTimestamp; OBJECT is Kind/name.
    let sorted = events.enumerated().sorted { a, b in
      let (x, y) = (a.element.text("lastTimestamp"), b.element.text("lastTimestamp"))
      return x == y ? a.offset < b.offset : x < y
    }.map(\.element)
    for (line, event) in zip(lines.dropFirst(), sorted) {
      #expect(line.contains("   \(event.text("involvedObject.kind"))/\(event.text("involvedObject.name"))   "), "\(line)")
      #expect(line.hasSuffix(event.text("message")), "\(line)")
    }

    let forV2 = try cluster.ok(["events", "--for", "deployment/istio-grpc-server-v2"]).stdout.split(separator: "\n")
    #expect(forV2.count == 2)
    #expect(forV2.last?.contains("   Deployment/istio-grpc-server-v2   ") == true)

    let warnings = try cluster.ok(["events", "--types=Warning"])
    #expect(warnings.stdout == "")
    #expect(warnings.stderr == "No events found in default namespace.\n")
  }

  @Test func getEventsKeepsTheServersOrderUnlessSorted() async throws {
    // kubectl get events does not sort (kubectl pkg/cmd/get: only --sort-by sorts); the API
    // lists by name. --sort-by=.lastTimestamp orders by time.
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v2") { $0.at("status.replicas")?.intValue == 1 }
    try await Task.sleep(for: .milliseconds(1100))
    try cluster.ok(["scale", "deploy/istio-grpc-server-v1", "--replicas=2"])
    _ = try await cluster.waitFor("deploy", "istio-grpc-server-v1") { $0.at("status.replicas")?.intValue == 2 }
    let events = try cluster.list("events")
    func objects(_ output: String) -> [String] {
      output.split(separator: "\n").dropFirst().map { line in
        String(line.split(separator: " ", omittingEmptySubsequences: true).first { $0.contains("/") } ?? "")
      }
    }
    let byName = events.sorted { $0.text("metadata.name") < $1.text("metadata.name") }
    let plain = try cluster.ok(["get", "events"]).stdout
    #expect(objects(plain) == byName.map { "\($0.text("involvedObject.kind").lowercased())/\($0.text("involvedObject.name"))" })
    let byTime = byName.enumerated().sorted { a, b in
      let (x, y) = (a.element.text("lastTimestamp"), b.element.text("lastTimestamp"))
      return x == y ? a.offset < b.offset : x < y
    }.map(\.element)
    let sorted = try cluster.ok(["get", "events", "--sort-by=.lastTimestamp"]).stdout
    #expect(objects(sorted) == byTime.map { "\($0.text("involvedObject.kind").lowercased())/\($0.text("involvedObject.name"))" })
    #expect(objects(sorted) != objects(plain))
  }

  @Test func completionScriptsAndResourceCompletions() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let bash = try cluster.ok(["completion", "bash"])
    #expect(bash.stdout.contains("_skiff()"))
    #expect(bash.stdout.contains("---completion describe -- positional@0"))
    let zsh = try cluster.ok(["completion", "zsh"])
    #expect(zsh.stdout.hasPrefix("#compdef skiff"))
    let unknown = try cluster.skiff(["completion", "tcsh"])
    #expect(unknown.status == 1)
    #expect(unknown.stderr == "error: Unsupported shell type \"tcsh\".\nSee 'skiff completion -h' for help and examples\n")

    // What the scripts ask the binary: kinds for the first argument, then object names.
    let kinds = try cluster.ok(["---completion", "get", "--", "positional@0", "2", "1", "skiff", "get", "d"])
    #expect(kinds.stdout.split(separator: "\n") == ["deployments", "destinationrules"])
    let names = try cluster.ok(["---completion", "describe", "--", "positional@0", "3", "0", "skiff", "describe", "deploy", ""])
    #expect(names.stdout.split(separator: "\n") == ["istio-grpc-server-v1", "istio-grpc-server-v2"])
    let slash = try cluster.ok(["---completion", "rollout", "status", "--", "positional@0", "3", "11", "skiff", "rollout", "status", "deployment/"])
    #expect(slash.stdout.split(separator: "\n") == ["deployment/istio-grpc-server-v1", "deployment/istio-grpc-server-v2"])

    // And a real bash session completes through the generated script.
    let script = cluster.root + "/completion.bash"
    try bash.stdout.write(toFile: script, atomically: true, encoding: .utf8)
    let session = try cluster.script(
      "complete.sh",
      """
      export PATH=\(TestCluster.productsDirectory):$PATH
      source \(script)
      COMP_WORDS=(skiff scale deploy ""); COMP_CWORD=3; COMP_LINE="skiff scale deploy "; COMP_POINT=${#COMP_LINE}
      _skiff
      printf '%s\\n' "${COMPREPLY[@]}"
      """)
    let completed = try await Subprocess.run("/bin/bash", [session], environment: cluster.environment())
    #expect(completed.stdout == "istio-grpc-server-v1\nistio-grpc-server-v2\n")
  }
}
