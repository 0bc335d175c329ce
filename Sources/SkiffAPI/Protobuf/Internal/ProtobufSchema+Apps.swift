// The apps.v1 messages reachable from the kinds Skiff decodes from protobuf, transcribed from
// k8s.io/api apps/v1/generated.proto and types.go (field numbers from the
// .proto; JSON names, omitempty, pointers and inlined structs from the Go struct tags).
// Fields are listed in Go struct order, which is the order Kubernetes writes them in JSON.
// Every message reachable from `ProtobufSchema.roots` is here (all volume sources too), as of
// kubernetes/api 10b39a39 and kubernetes/apimachinery eed236ce; fields newer than those are
// skipped as unknown.

extension ProtobufSchema {
  static let appsV1: [ProtobufMessage] = [
    ProtobufMessage("apps.v1.Deployment", [
      ProtobufField(1, "metadata", .message("meta.v1.ObjectMeta"), .single, [.omitEmpty]),
      ProtobufField(2, "spec", .message("apps.v1.DeploymentSpec"), .single, [.omitEmpty]),
      ProtobufField(3, "status", .message("apps.v1.DeploymentStatus"), .single, [.omitEmpty]),
    ]),
    ProtobufMessage("apps.v1.DeploymentCondition", [
      ProtobufField(1, "type", .string, .single, []),
      ProtobufField(2, "status", .string, .single, []),
      ProtobufField(6, "lastUpdateTime", .time, .single, [.omitEmpty]),
      ProtobufField(7, "lastTransitionTime", .time, .single, [.omitEmpty]),
      ProtobufField(4, "reason", .string, .single, [.omitEmpty]),
      ProtobufField(5, "message", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("apps.v1.DeploymentSpec", [
      ProtobufField(1, "replicas", .int32, .single, [.omitEmpty, .pointer]),
      ProtobufField(2, "selector", .message("meta.v1.LabelSelector"), .single, [.pointer]),
      ProtobufField(3, "template", .message("core.v1.PodTemplateSpec"), .single, []),
      ProtobufField(4, "strategy", .message("apps.v1.DeploymentStrategy"), .single, [.omitEmpty]),
      ProtobufField(5, "minReadySeconds", .int32, .single, [.omitEmpty]),
      ProtobufField(6, "revisionHistoryLimit", .int32, .single, [.omitEmpty, .pointer]),
      ProtobufField(7, "paused", .bool, .single, [.omitEmpty]),
      ProtobufField(9, "progressDeadlineSeconds", .int32, .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("apps.v1.DeploymentStatus", [
      ProtobufField(1, "observedGeneration", .int64, .single, [.omitEmpty]),
      ProtobufField(2, "replicas", .int32, .single, [.omitEmpty]),
      ProtobufField(3, "updatedReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(7, "readyReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(4, "availableReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(5, "unavailableReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(9, "terminatingReplicas", .int32, .single, [.omitEmpty, .pointer]),
      ProtobufField(6, "conditions", .message("apps.v1.DeploymentCondition"), .repeated, [.omitEmpty]),
      ProtobufField(8, "collisionCount", .int32, .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("apps.v1.DeploymentStrategy", [
      ProtobufField(1, "type", .string, .single, [.omitEmpty]),
      ProtobufField(2, "rollingUpdate", .message("apps.v1.RollingUpdateDeployment"), .single, [.omitEmpty, .pointer]),
    ]),
    ProtobufMessage("apps.v1.ReplicaSet", [
      ProtobufField(1, "metadata", .message("meta.v1.ObjectMeta"), .single, [.omitEmpty]),
      ProtobufField(2, "spec", .message("apps.v1.ReplicaSetSpec"), .single, [.omitEmpty]),
      ProtobufField(3, "status", .message("apps.v1.ReplicaSetStatus"), .single, [.omitEmpty]),
    ]),
    ProtobufMessage("apps.v1.ReplicaSetCondition", [
      ProtobufField(1, "type", .string, .single, []),
      ProtobufField(2, "status", .string, .single, []),
      ProtobufField(3, "lastTransitionTime", .time, .single, [.omitEmpty]),
      ProtobufField(4, "reason", .string, .single, [.omitEmpty]),
      ProtobufField(5, "message", .string, .single, [.omitEmpty]),
    ]),
    ProtobufMessage("apps.v1.ReplicaSetSpec", [
      ProtobufField(1, "replicas", .int32, .single, [.omitEmpty, .pointer]),
      ProtobufField(4, "minReadySeconds", .int32, .single, [.omitEmpty]),
      ProtobufField(2, "selector", .message("meta.v1.LabelSelector"), .single, [.pointer]),
      ProtobufField(3, "template", .message("core.v1.PodTemplateSpec"), .single, [.omitEmpty]),
    ]),
    ProtobufMessage("apps.v1.ReplicaSetStatus", [
      ProtobufField(1, "replicas", .int32, .single, []),
      ProtobufField(2, "fullyLabeledReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(4, "readyReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(5, "availableReplicas", .int32, .single, [.omitEmpty]),
      ProtobufField(7, "terminatingReplicas", .int32, .single, [.omitEmpty, .pointer]),
      ProtobufField(3, "observedGeneration", .int64, .single, [.omitEmpty]),
      ProtobufField(6, "conditions", .message("apps.v1.ReplicaSetCondition"), .repeated, [.omitEmpty]),
    ]),
    ProtobufMessage("apps.v1.RollingUpdateDeployment", [
      ProtobufField(1, "maxUnavailable", .intOrString, .single, [.omitEmpty, .pointer]),
      ProtobufField(2, "maxSurge", .intOrString, .single, [.omitEmpty, .pointer]),
    ]),
  ]
}
