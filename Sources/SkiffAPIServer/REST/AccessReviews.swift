import NIOHTTP1
import SkiffAPI

/// Who a request is made as: the client certificate's CN and O values, or the admin token's
/// user. The root-only unix socket is the cluster's own loopback identity.
public struct UserInfo: Sendable, Equatable {
  public var username: String
  public var groups: [String]

  public init(username: String, groups: [String]) {
    self.username = username
    self.groups = groups
  }

  /// The unix socket's user (only root can open it), as the apiserver names its loopback client.
  public static let loopback = UserInfo(username: "system:apiserver", groups: ["system:masters", "system:authenticated"])
}

/// The request-only resources that answer "who am I" and "may I": `kubectl auth whoami`
/// (SelfSubjectReview) and `kubectl auth can-i` (SelfSubjectAccessReview,
/// SelfSubjectRulesReview with `--list`). Skiff has no RBAC: every authenticated user may do
/// everything, as a member of system:masters may on a real cluster, and the answers say so.
enum AccessReviews {
  static let accessReview = ResourceInfo(
    group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews",
    namespaced: false, hasStatus: false, verbs: ["create"])
  static let rulesReview = ResourceInfo(
    group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews",
    namespaced: false, hasStatus: false, verbs: ["create"])
  static let selfReview = ResourceInfo(
    group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", plural: "selfsubjectreviews",
    namespaced: false, hasStatus: false, verbs: ["create"])

  static let resources = [accessReview, rulesReview, selfReview]

  static let reason = "Skiff grants every authenticated user everything (no RBAC): system:masters"

  /// The answer to a request for one of the reviews, or nil when `path` names none of them.
  static func answer(_ request: HTTPRequest, user: UserInfo) throws(Status) -> HTTPResponse? {
    guard let info = resources.first(where: { request.path == "/apis/\($0.group)/\($0.version)/\($0.plural)" }) else {
      return nil
    }
    guard request.method == .POST else {
      throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
    }
    // JSON, YAML or (kubectl's typed client) protobuf, as for any other body.
    let body = try RequestContext(request: request, info: info, version: info.version, namespace: "").bodyJSON()
    guard case .object = body else { throw Status.badRequest("the body of the request must be a \(info.kind) object") }
    var review = body
    review["apiVersion"] = .string(info.apiVersion)
    review["kind"] = .string(info.kind)
    if review["metadata"] == nil { review["metadata"] = ["creationTimestamp": .null] }
    switch info.kind {
    case "SelfSubjectAccessReview":
      guard body["spec"]?["resourceAttributes"] != nil || body["spec"]?["nonResourceAttributes"] != nil else {
        throw Status.invalid(kind: info.kind, group: info.group, name: "", [
          FieldError(.invalid, "spec.resourceAttributes", value: .null, "exactly one of nonResourceAttributes or resourceAttributes must be specified")
        ])
      }
      review["status"] = ["allowed": true, "reason": .string(reason)]
    case "SelfSubjectRulesReview":
      review["status"] = [
        "resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]],
        "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]],
        "incomplete": false,
      ]
    default:
      review["status"] = [
        "userInfo": ["username": .string(user.username), "groups": .array(user.groups.map { .string($0) })]
      ]
    }
    return HTTPResponse(status: .created, contentType: "application/json", bytes: review.jsonBytes())
  }
}
