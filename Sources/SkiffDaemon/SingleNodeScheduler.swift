import SkiffAPI
import SkiffStore

/// The scheduler of a one-node cluster: a new pod is bound to the node as it is created
/// (Kubernetes binds through `pods/binding`; the outcome, `spec.nodeName`, is the same).
/// A pod with scheduling gates stays unbound; the node agent binds it once its last gate is
/// removed. The node agent records the `Scheduled` event when it takes the pod.
struct SingleNodeScheduler: AdmissionPlugin {
  let nodeName: String

  func admit(
    _ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?, registry: ObjectRegistry
  ) throws(Status) {
    guard operation == .create, var pod = object as? Pod, (pod.spec.nodeName ?? "").isEmpty,
      (pod.spec.schedulingGates ?? []).isEmpty
    else { return }
    pod.spec.nodeName = nodeName
    object = pod
  }
}
