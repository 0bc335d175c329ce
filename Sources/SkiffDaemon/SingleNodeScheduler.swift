import SkiffAPI
import SkiffStore

/// The scheduler of a one-node cluster: a new pod is bound to the node as it is created
/// (Kubernetes binds through `pods/binding`; the outcome, `spec.nodeName`, is the same).
/// The node agent records the `Scheduled` event when it takes the pod.
struct SingleNodeScheduler: AdmissionPlugin {
  let nodeName: String

  func admit(
    _ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?, registry: ObjectRegistry
  ) throws(Status) {
    guard operation == .create, var pod = object as? Pod, (pod.spec.nodeName ?? "").isEmpty else { return }
    pod.spec.nodeName = nodeName
    object = pod
  }
}
