import SkiffAPI
import SkiffStore

/// The ServiceAccount admission plugin: a new pod without `serviceAccountName` runs as its
/// namespace's "default" account, and a pod naming an account that does not exist is refused
/// (`pods "x" is forbidden: error looking up service account ns/name: serviceaccount "name"
/// not found`). The "default" account is not required to exist yet: the namespace controller
/// creates it moments after the namespace, and refusing pods in that window would only make
/// `kubectl apply -f` of a namespace and its workloads fail now and then. Skiff mounts no API
/// token, so the plugin adds no volume.
struct ServiceAccountAdmission: AdmissionPlugin {
  func admit(
    _ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?, registry: ObjectRegistry
  ) throws(Status) {
    guard operation == .create, var pod = object as? Pod else { return }
    let name = (pod.spec.serviceAccountName ?? "").isEmpty ? "default" : pod.spec.serviceAccountName!
    pod.spec.serviceAccountName = name
    pod.spec.serviceAccount = name
    object = pod
    let namespace = pod.metadata.namespace ?? ""
    guard name != "default", registry.get(ServiceAccount.self, namespace: namespace, name: name) == nil else { return }
    let pods = Pod.resourceInfo.groupResource
    let podName = pod.metadata.name ?? ""
    throw Status(
      code: 403, reason: "Forbidden",
      message: "\(pods) \"\(podName)\" is forbidden: error looking up service account \(namespace)/\(name): serviceaccount \"\(name)\" not found",
      details: StatusDetails(name: podName, group: "", kind: pods.resource))
  }
}
