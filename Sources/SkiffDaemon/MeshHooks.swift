import SkiffAPI
import SkiffMesh
import SkiffMeshConfig
import SkiffNode

#if canImport(Glibc)
import Glibc
#endif

/// Connects the node to the mesh control plane: a pod with a sidecar gets its own config
/// socket (`<dir>/<pod uid>/mesh.sock`, owned by the proxy's uid 1337, mode 0600), the
/// directory the injector mounted into the sidecar; the socket identifies the pod, so a
/// proxy can only ever get its own config.
struct MeshHooks: SidecarHooks {
  let mesh: MeshController
  let socketDirectory: String

  func sandboxReady(_ pod: Pod, podIP: String) async throws {
    let directory = "\(socketDirectory)/\(pod.metadata.uid ?? "")"
    var current = ""
    for component in directory.split(separator: "/") {
      current += "/" + component
      mkdir(current, 0o755)
    }
    let proxy = ProxyIdentity(namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "", ip: podIP)
    try await mesh.registerProxy(proxy, socketPath: directory + "/mesh.sock", owner: (1337, 1337))
  }

  func sandboxRemoved(namespace: String, name: String, uid: String) async {
    mesh.unregisterProxy(ProxyIdentity(namespace: namespace, name: name))
    unlink("\(socketDirectory)/\(uid)/mesh.sock")
    rmdir("\(socketDirectory)/\(uid)")
  }
}
