// The meta.v1 messages reachable from the kinds Skiff decodes from protobuf, transcribed from
// k8s.io/apimachinery pkg/apis/meta/v1/generated.proto and types.go (field numbers from the
// .proto; JSON names, omitempty, pointers and inlined structs from the Go struct tags).
// Fields are listed in Go struct order, which is the order Kubernetes writes them in JSON.
// Every message reachable from `ProtobufSchema.roots` is here (all volume sources too), as of
// kubernetes/api 10b39a39 and kubernetes/apimachinery eed236ce; fields newer than those are
// skipped as unknown.

extension ProtobufSchema {
  static let metaV1: [ProtobufMessage] = [
    ProtobufMessage("meta.v1.Condition", [
      ProtobufField(1, "type", .string, .single, []),
      ProtobufField(2, "status", .string, .single, []),
      ProtobufField(3, "observedGeneration", .int64, .single, [.omitEmpty]),
      ProtobufField(4, "lastTransitionTime", .time, .single, []),
      ProtobufField(5, "reason", .string, .single, []),
      ProtobufField(6, "message", .string, .single, []),
    ]),
    ProtobufMessage("meta.v1.DeleteOptions", [
      ProtobufField(1, "gracePeriodSeconds", .int64, .single, [.omitEmpty, .pointer]),
      ProtobufField(2, "preconditions", .message("meta.v1.Preconditions"), .single, [.omitEmpty, .pointer]),
      ProtobufField(3, "orphanDependents", .bool, .single, [.omitEmpty, .pointer]),
      ProtobufField(4, "propagationPolicy", .string, .single, [.omitEmpty, .pointer]),
      ProtobufField(5, "dryRun", .string, .repeated, [.omitEmpty]),
      ProtobufField(6, "ignoreStoreReadErrorWithClusterBreakingPotential", .bool, .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("meta.v1.LabelSelector", [
      ProtobufField(1, "matchLabels", .string, .map, [.omitEmpty]),
      ProtobufField(2, "matchExpressions", .message("meta.v1.LabelSelectorRequirement"), .repeated, [.omitEmpty]),
    ]),
    ProtobufMessage("meta.v1.LabelSelectorRequirement", [
      ProtobufField(1, "key", .string, .single, []),
      ProtobufField(2, "operator", .string, .single, []),
      ProtobufField(3, "values", .string, .repeated, [.omitEmpty]),
    ]),
    ProtobufMessage("meta.v1.ListMeta", [
      ProtobufField(1, "selfLink", .string, .single, [.omitEmpty]),
      ProtobufField(2, "resourceVersion", .string, .single, [.omitEmpty]),
      ProtobufField(3, "continue", .string, .single, [.omitEmpty]),
      ProtobufField(4, "remainingItemCount", .int64, .single, [.omitEmpty, .pointer]),
      ProtobufField(5, "shardInfo", .message("meta.v1.ShardInfo"), .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("meta.v1.ManagedFieldsEntry", [
      ProtobufField(1, "manager", .string, .single, [.omitEmpty]),
      ProtobufField(2, "operation", .string, .single, [.omitEmpty]),
      ProtobufField(3, "apiVersion", .string, .single, [.omitEmpty]),
      ProtobufField(4, "time", .time, .single, [.omitEmpty, .pointer]),
      ProtobufField(6, "fieldsType", .string, .single, [.omitEmpty]),
      ProtobufField(7, "fieldsV1", .rawJSON, .single, [.omitEmpty, .pointer]),
      ProtobufField(8, "subresource", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("meta.v1.ObjectMeta", [
      ProtobufField(1, "name", .string, .single, [.omitEmpty]),
      ProtobufField(2, "generateName", .string, .single, [.omitEmpty]),
      ProtobufField(3, "namespace", .string, .single, [.omitEmpty]),
      ProtobufField(4, "selfLink", .string, .single, [.omitEmpty]),
      ProtobufField(5, "uid", .string, .single, [.omitEmpty]),
      ProtobufField(6, "resourceVersion", .string, .single, [.omitEmpty]),
      ProtobufField(7, "generation", .int64, .single, [.omitEmpty]),
      ProtobufField(8, "creationTimestamp", .time, .single, [.omitEmpty, .omitZero]),
      ProtobufField(9, "deletionTimestamp", .time, .single, [.omitEmpty, .pointer]),
      ProtobufField(10, "deletionGracePeriodSeconds", .int64, .single, [.omitEmpty, .pointer]),
      ProtobufField(11, "labels", .string, .map, [.omitEmpty]),
      ProtobufField(12, "annotations", .string, .map, [.omitEmpty]),
      ProtobufField(13, "ownerReferences", .message("meta.v1.OwnerReference"), .repeated, [.omitEmpty]),
      ProtobufField(14, "finalizers", .string, .repeated, [.omitEmpty]),
      ProtobufField(17, "managedFields", .message("meta.v1.ManagedFieldsEntry"), .repeated, [.omitEmpty]),
    ]),
    ProtobufMessage("meta.v1.OwnerReference", [
      ProtobufField(5, "apiVersion", .string, .single, []),
      ProtobufField(1, "kind", .string, .single, []),
      ProtobufField(3, "name", .string, .single, []),
      ProtobufField(4, "uid", .string, .single, []),
      ProtobufField(6, "controller", .bool, .single, [.omitEmpty, .pointer]),
      ProtobufField(7, "blockOwnerDeletion", .bool, .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("meta.v1.Preconditions", [
      ProtobufField(1, "uid", .string, .single, [.omitEmpty, .pointer]),
      ProtobufField(2, "resourceVersion", .string, .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("meta.v1.ShardInfo", [
      ProtobufField(1, "selector", .string, .single, []),
    ]),
    ProtobufMessage("meta.v1.Status", [
      ProtobufField(1, "metadata", .message("meta.v1.ListMeta"), .single, [.omitEmpty]),
      ProtobufField(2, "status", .string, .single, [.omitEmpty]),
      ProtobufField(3, "message", .string, .single, [.omitEmpty]),
      ProtobufField(4, "reason", .string, .single, [.omitEmpty]),
      ProtobufField(5, "details", .message("meta.v1.StatusDetails"), .single, [.omitEmpty, .pointer]),
      ProtobufField(6, "code", .int32, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("meta.v1.StatusCause", [
      ProtobufField(1, "reason", .string, .single, [.omitEmpty]),
      ProtobufField(2, "message", .string, .single, [.omitEmpty]),
      ProtobufField(3, "field", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("meta.v1.StatusDetails", [
      ProtobufField(1, "name", .string, .single, [.omitEmpty]),
      ProtobufField(2, "group", .string, .single, [.omitEmpty]),
      ProtobufField(3, "kind", .string, .single, [.omitEmpty]),
      ProtobufField(6, "uid", .string, .single, [.omitEmpty]),
      ProtobufField(4, "causes", .message("meta.v1.StatusCause"), .repeated, [.omitEmpty]),
      ProtobufField(5, "retryAfterSeconds", .int32, .single, [.omitEmpty]),
    ]),
  ]
}
