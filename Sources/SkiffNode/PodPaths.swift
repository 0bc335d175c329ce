import SkiffAPI

/// Where a pod's files live on the node.
public struct PodPaths: Sendable {
  /// `/var/lib/skiff`.
  public let dataDirectory: String

  public init(dataDirectory: String) {
    self.dataDirectory = dataDirectory
  }

  public var podsDirectory: String { dataDirectory + "/pods" }

  public func pod(_ uid: String) -> String { "\(podsDirectory)/\(uid)" }
  public func etc(_ uid: String) -> String { pod(uid) + "/etc" }
  public func volume(_ uid: String, _ name: String) -> String { pod(uid) + "/volumes/\(name)" }
  public func container(_ uid: String, _ name: String, restart: Int) -> String { pod(uid) + "/containers/\(name)-\(restart)" }

  /// The kubelet's log layout: `<data>/logs/<ns>_<pod>_<uid>/<container>/<restart>.log`.
  public func logDirectory(namespace: String, pod: String, uid: String, container: String) -> String {
    "\(dataDirectory)/logs/\(namespace)_\(pod)_\(uid)/\(container)"
  }

  public func log(namespace: String, pod: String, uid: String, container: String, restart: Int) -> String {
    logDirectory(namespace: namespace, pod: pod, uid: uid, container: container) + "/\(restart).log"
  }

  public func podLogs(namespace: String, pod: String, uid: String) -> String {
    "\(dataDirectory)/logs/\(namespace)_\(pod)_\(uid)"
  }
}
