public import SkiffAPI

/// What the node tells the mesh about pods with a sidecar: when the pod's network exists
/// (so its proxy can get config), and when the pod is gone.
public protocol SidecarHooks: Sendable {
  /// The pod's sandbox and network are ready; the sidecar is about to start.
  func sandboxReady(_ pod: Pod, podIP: String) async throws
  /// The pod left the node.
  func sandboxRemoved(namespace: String, name: String, uid: String) async
}

extension Pod {
  /// Whether admission injected a sidecar (Istio's `sidecar.istio.io/status`).
  public var hasSidecar: Bool { metadata.annotations?["sidecar.istio.io/status"] != nil }
}
