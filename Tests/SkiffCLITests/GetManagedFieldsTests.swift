import SkiffAPI
import SkiffTestSupport
import Testing

/// `metadata.managedFields` in `skiff get -o yaml|json`: left out, as kubectl's printers
/// do, unless `--show-managed-fields`.
@Suite struct GetManagedFieldsTests {
  @Test func managedFieldsAreShownOnlyWhenAsked() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.apply("istio-grpc-server.yaml")
    _ = try cluster.ok(["label", "deploy", "istio-grpc-server-v1", "tier=backend"])

    let yaml = try cluster.ok(["get", "deploy", "istio-grpc-server-v1", "-o", "yaml"]).stdout
    #expect(!yaml.contains("managedFields"), "\(yaml)")
    let list = try cluster.ok(["get", "deploy", "-o", "json"]).stdout
    #expect(!list.contains("managedFields"), "\(list)")

    let shown = try cluster.ok(["get", "deploy", "istio-grpc-server-v1", "-o", "yaml", "--show-managed-fields"]).stdout
    #expect(shown.contains("manager: kubectl-client-side-apply\n    operation: Update\n"), "\(shown)")
    #expect(shown.contains("manager: kubectl-label\n    operation: Update\n"), "\(shown)")
    #expect(shown.contains("f:tier: {}"), "\(shown)")
  }
}
