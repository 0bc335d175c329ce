// The request-only review kinds `kubectl auth can-i` and `kubectl auth whoami` send:
// authorization.k8s.io/v1 (k8s.io/api/authorization/v1/generated.proto) and
// authentication.k8s.io/v1 SelfSubjectReview. Their status is the server's answer, so only
// what a client sends is described.
extension ProtobufSchema {
  static let authorizationV1: [ProtobufMessage] = [
    ProtobufMessage("authorization.v1.SelfSubjectAccessReview", [
      ProtobufField(1, "metadata", .message("meta.v1.ObjectMeta"), .single, [.omitEmpty]),
      ProtobufField(2, "spec", .message("authorization.v1.SelfSubjectAccessReviewSpec"), .single, []),
    ]),
    ProtobufMessage("authorization.v1.SelfSubjectAccessReviewSpec", [
      ProtobufField(1, "resourceAttributes", .message("authorization.v1.ResourceAttributes"), .single, [.omitEmpty, .pointer]),
      ProtobufField(2, "nonResourceAttributes", .message("authorization.v1.NonResourceAttributes"), .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("authorization.v1.ResourceAttributes", [
      ProtobufField(1, "namespace", .string, .single, [.omitEmpty]),
      ProtobufField(2, "verb", .string, .single, [.omitEmpty]),
      ProtobufField(3, "group", .string, .single, [.omitEmpty]),
      ProtobufField(4, "version", .string, .single, [.omitEmpty]),
      ProtobufField(5, "resource", .string, .single, [.omitEmpty]),
      ProtobufField(6, "subresource", .string, .single, [.omitEmpty]),
      ProtobufField(7, "name", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("authorization.v1.NonResourceAttributes", [
      ProtobufField(1, "path", .string, .single, [.omitEmpty]),
      ProtobufField(2, "verb", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("authorization.v1.SelfSubjectRulesReview", [
      ProtobufField(1, "metadata", .message("meta.v1.ObjectMeta"), .single, [.omitEmpty]),
      ProtobufField(2, "spec", .message("authorization.v1.SelfSubjectRulesReviewSpec"), .single, []),
    ]),
    ProtobufMessage("authorization.v1.SelfSubjectRulesReviewSpec", [
      ProtobufField(1, "namespace", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("authentication.v1.SelfSubjectReview", [
      ProtobufField(1, "metadata", .message("meta.v1.ObjectMeta"), .single, [.omitEmpty]),
    ]),
  ]
}
