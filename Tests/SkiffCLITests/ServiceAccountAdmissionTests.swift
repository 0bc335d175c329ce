import SkiffAPI
import SkiffTestSupport
import Testing

/// The ServiceAccount admission plugin, as a user meets it through `skiff apply`: pods run as
/// "default" unless they name an account, and an account that does not exist refuses the pod
/// with the apiserver's message.
@Suite struct ServiceAccountAdmissionTests {
  static func pod(_ name: String, serviceAccount: String? = nil, alias: String? = nil) -> String {
    var spec = "spec:\n"
    if let serviceAccount { spec += "  serviceAccountName: \(serviceAccount)\n" }
    if let alias { spec += "  serviceAccount: \(alias)\n" }
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name)}\n\(spec)  containers: [{name: main, image: busybox}]\n"
  }

  @Test func podsRunAsDefaultOrTheAccountTheyNameAndAMissingAccountIsRefused() async throws {
    let cluster = try await TestCluster()
    defer { cluster.stop() }
    try cluster.ok(["apply", "-f", "-"], stdin: Self.pod("plain"))
    let plain = try cluster.object("pod", "plain")
    #expect(plain.at("spec.serviceAccountName") == "default")
    #expect(plain.at("spec.serviceAccount") == "default")  // v1's alias mirrors the name

    let missing = try cluster.skiff(["apply", "-f", "-"], stdin: Self.pod("typo", serviceAccount: "buidler"))
    #expect(missing.status == 1)
    #expect(missing.stderr.contains(
      #"pods "typo" is forbidden: error looking up service account default/buidler: serviceaccount "buidler" not found"#),
      "\(missing.stderr)")
    #expect(missing.stderr.hasPrefix("Error from server (Forbidden): "), "\(missing.stderr)")

    let account = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder}\n"
    try cluster.ok(["apply", "-f", "-"], stdin: account)
    try cluster.ok(["apply", "-f", "-"], stdin: Self.pod("built", serviceAccount: "builder"))
    #expect(try cluster.object("pod", "built").at("spec.serviceAccount") == "builder")
    // The deprecated alias alone still names the account.
    try cluster.ok(["apply", "-f", "-"], stdin: Self.pod("aliased", alias: "builder"))
    #expect(try cluster.object("pod", "aliased").at("spec.serviceAccountName") == "builder")
  }
}
