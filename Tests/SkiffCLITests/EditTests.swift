import Foundation
import SkiffAPI
import SkiffTestSupport
import Testing

/// `skiff edit` with EDITOR set to scripts, as a user's editor would change the file.
@Suite struct EditTests {
  static let header = """
    # Please edit the object below. Lines beginning with a '#' will be ignored,
    # and an empty file will abort the edit. If an error occurs while saving this file will be
    # reopened with the relevant failures.
    #

    """

  func weights(_ cluster: TestCluster) throws -> [Int64] {
    let vs = try cluster.object("vs", "vs-istio-grpc-server")
    let routes = vs.at("spec")?["http"]?.arrayValue?.first?["route"]?.arrayValue ?? []
    return routes.compactMap { $0["weight"]?.intValue }
  }

  @Test func virtualServiceWeightsFrom90And10To0And100() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    #expect(try weights(cluster) == [90, 10])
    let editor = try cluster.script(
      "weights.sh",
      """
      cp "$1" \(cluster.root)/seen.yaml
      sed -i -e 's/weight: 90/weight: 0/' -e 's/weight: 10/weight: 100/' "$1"
      """)
    let output = try cluster.skiff(["edit", "vs", "vs-istio-grpc-server"], environment: ["EDITOR": editor])
    #expect(output.status == 0)
    #expect(output.stdout == "virtualservice.networking.istio.io/vs-istio-grpc-server edited\n")
    #expect(try weights(cluster) == [0, 100])
    // The editor saw kubectl's header, then the object as YAML.
    let seen = try String(contentsOfFile: cluster.root + "/seen.yaml", encoding: .utf8)
    #expect(seen.hasPrefix(Self.header + "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"))
    // The temporary file is gone after a successful edit.
    let left = try FileManager.default.contentsOfDirectory(atPath: cluster.root).filter { $0.hasPrefix("skiff-edit-") }
    #expect(left.isEmpty)
  }

  @Test func kubeEditorWinsOverEditorAndQuotesGoThroughTheShell() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let output = try cluster.skiff(
      ["edit", "deployment/istio-grpc-server-v1"],
      environment: ["KUBE_EDITOR": "sed -i 's/^  replicas: 1$/  replicas: 2/'", "EDITOR": "false", "SHELL": "/bin/sh"])
    #expect(output.status == 0, "\(output)")
    #expect(output.stdout == "deployment.apps/istio-grpc-server-v1 edited\n")
    #expect(try cluster.object("deploy", "istio-grpc-server-v1").at("spec.replicas")?.intValue == 2)
  }

  @Test func noChangeAndEmptyFileCancel() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    let before = try cluster.object("vs", "vs-istio-grpc-server").text("metadata.resourceVersion")

    let unchanged = try cluster.skiff(["edit", "vs", "vs-istio-grpc-server"], environment: ["EDITOR": "true"])
    #expect(unchanged.status == 0)
    #expect(unchanged.stdout == "")
    #expect(unchanged.stderr == "Edit cancelled, no changes made.\n")

    // Comments only count as nothing: the header is all that is left.
    let emptied = try cluster.skiff(["edit", "vs", "vs-istio-grpc-server"], environment: ["EDITOR": "sed -i /^[^#]/d"])
    #expect(emptied.status == 0)
    #expect(emptied.stderr == "Edit cancelled, saved file was empty.\n")

    #expect(try cluster.object("vs", "vs-istio-grpc-server").text("metadata.resourceVersion") == before)
  }

  /// An editor that breaks the YAML on its first run and does `fix` on the second.
  func twoPassEditor(_ cluster: TestCluster, fix: String) throws -> String {
    try cluster.script(
      "two-pass.sh",
      """
      n=$(ls \(cluster.root)/pass-* 2>/dev/null | wc -l)
      cp "$1" \(cluster.root)/pass-$n.yaml
      if [ "$n" = 0 ]; then sed -i 's/^spec:$/spec: [/' "$1"; else \(fix); fi
      """)
  }

  @Test func invalidYAMLIsReopenedWithTheErrorThenFixed() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    let editor = try twoPassEditor(
      cluster, fix: "sed -i -e 's/^spec: \\[$/spec:/' -e 's/weight: 90/weight: 0/' -e 's/weight: 10/weight: 100/' \"$1\"")
    let output = try cluster.skiff(["edit", "vs/vs-istio-grpc-server"], environment: ["EDITOR": editor])
    #expect(output.status == 0, "\(output)")
    #expect(output.stdout == "virtualservice.networking.istio.io/vs-istio-grpc-server edited\n")
    #expect(try weights(cluster) == [0, 100])

    // The second time, the file starts with the header and the syntax error as comments,
    // then the user's broken text without the comments.
    let second = try String(contentsOfFile: cluster.root + "/pass-1.yaml", encoding: .utf8)
    let lines = second.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(second.hasPrefix(Self.header + "# The edited file had a syntax error: error converting YAML to JSON: yaml: line "))
    #expect(lines[5] == "#")
    #expect(lines[6] == "apiVersion: networking.istio.io/v1")
    #expect(lines.contains("spec: ["))
  }

  @Test func savingUnchangedAfterAnErrorGivesUpAndKeepsACopy() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    let editor = try twoPassEditor(cluster, fix: "true")
    let output = try cluster.skiff(["edit", "vs", "vs-istio-grpc-server"], environment: ["EDITOR": editor])
    #expect(output.status == 1)
    #expect(output.stdout == "")
    let lines = output.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    let prefix = "A copy of your changes has been stored to \""
    let path = try #require(lines.first.flatMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count).dropLast()) : nil })
    #expect(path.hasPrefix(cluster.root + "/skiff-edit-") && path.hasSuffix(".yaml"))
    #expect(lines.last == "error: Edit cancelled, no valid changes were saved.")
    // The kept copy holds the edits (still broken) and the error.
    let kept = try String(contentsOfFile: path, encoding: .utf8)
    #expect(kept.contains("spec: [") && kept.contains("# The edited file had a syntax error"))
    #expect(try weights(cluster) == [90, 10])
  }

  @Test func invalidObjectIsReopenedWithTheServersCauses() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    let editor = try cluster.script(
      "replicas.sh",
      """
      n=$(ls \(cluster.root)/pass-* 2>/dev/null | wc -l)
      cp "$1" \(cluster.root)/pass-$n.yaml
      if [ "$n" = 0 ]; then sed -i 's/^  replicas: 1$/  replicas: -1/' "$1"; else sed -i 's/^  replicas: -1$/  replicas: 3/' "$1"; fi
      """)
    let output = try cluster.skiff(["edit", "deploy", "istio-grpc-server-v1"], environment: ["EDITOR": editor])
    #expect(output.status == 0, "\(output)")
    #expect(output.stderr == "error: deployments.apps \"istio-grpc-server-v1\" is invalid\n")
    #expect(output.stdout == "deployment.apps/istio-grpc-server-v1 edited\n")
    let second = try String(contentsOfFile: cluster.root + "/pass-1.yaml", encoding: .utf8)
    #expect(
      second.hasPrefix(
        Self.header + """
          # deployments.apps "istio-grpc-server-v1" was not valid:
          # * spec.replicas: Invalid value: -1: must be greater than or equal to 0
          #
          apiVersion: apps/v1

          """))
    #expect(try cluster.object("deploy", "istio-grpc-server-v1").at("spec.replicas")?.intValue == 3)
  }

  @Test func editorFailuresAndMissingObjects() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("vs-istio-grpc-server.yaml")
    let failing = try cluster.skiff(["edit", "vs", "vs-istio-grpc-server"], environment: ["EDITOR": "false"])
    #expect(failing.status == 1)
    #expect(failing.stderr == "error: there was a problem with the editor \"false\"\n")
    let missing = try cluster.skiff(["edit", "vs", "vs-istio-grpc-server"], environment: ["EDITOR": "no-such-editor-here"])
    #expect(missing.stderr == "error: unable to launch the editor \"no-such-editor-here\"\n")
    let notFound = try cluster.skiff(["edit", "deploy", "nope"], environment: ["EDITOR": "true"])
    #expect(notFound.status == 1)
    #expect(notFound.stderr == "Error from server (NotFound): deployments.apps \"nope\" not found\n")
  }
}
