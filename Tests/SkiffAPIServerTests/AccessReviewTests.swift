import NIOHTTP1
import SkiffAPI
import Testing

/// `kubectl auth can-i` and `kubectl auth whoami`: the request-only review resources, in
/// discovery and answered for every user (Skiff has no RBAC; its users are all admins).
@Suite("access reviews")
struct AccessReviewTests {
  @Test func canIIsAlwaysYesAndSaysWhy() async throws {
    try await TestCluster.with { cluster in
      let review = Objects.json(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"create","resource":"pods","namespace":"demo"}}}"#)
      let answer = try await cluster.client.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review)
      #expect(answer.status == 201)
      #expect(answer.json.at("status.allowed") == true)
      #expect(answer.json.at("status.reason")?.stringValue?.contains("no RBAC") == true)
      #expect(answer.json.at("spec.resourceAttributes.verb") == "create")  // the request comes back

      let empty = Objects.json(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{}}"#)
      let refused = try await cluster.client.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", empty)
      #expect(refused.status == 422)
      #expect(refused.json["message"]?.stringValue?.contains("exactly one of nonResourceAttributes or resourceAttributes must be specified") == true)

      let list = try await cluster.client.get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
      #expect(list.status == 405)
    }
  }

  @Test func rulesAndWhoAmI() async throws {
    try await TestCluster.with { cluster in
      let rules = try await cluster.client.post(
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        Objects.json(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"default"}}"#))
      #expect(rules.status == 201)
      #expect(rules.json.at("status.resourceRules") == [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]])
      let whoami = try await cluster.client.post(
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        Objects.json(#"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"#))
      #expect(whoami.status == 201)
      // Over the root-only unix socket: the cluster's loopback identity.
      #expect(whoami.json.at("status.userInfo.username") == "system:apiserver")
      #expect(whoami.json.at("status.userInfo.groups") == ["system:masters", "system:authenticated"])
    }
  }

  @Test func reviewsAreInDiscoveryAsCreateOnly() async throws {
    try await TestCluster.with { cluster in
      let list = try await cluster.client.get("/apis/authorization.k8s.io/v1")
      #expect(list.status == 200)
      let resources = list.json["resources"]?.arrayValue ?? []
      let access = try #require(resources.first { $0["name"] == "selfsubjectaccessreviews" })
      #expect(access["verbs"] == ["create"])
      #expect(access["namespaced"] == false)
      let groups = try await cluster.client.get("/apis")
      let names = groups.json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
      #expect(names.contains("authorization.k8s.io") && names.contains("authentication.k8s.io"))
      // An unknown path inside a served group is the router's 404, with empty details.
      let missing = try await cluster.client.get("/api/v1/namespaces/default/pods/x/binding")
      #expect(missing.status == 404)
      #expect(missing.json["details"] == [:])
    }
  }
}
