import SkiffAPI

/// REST paths of the Kubernetes API.
enum ResourcePaths {
  static func collection(_ info: ResourceInfo, namespace: String?) -> String {
    let root = info.group.isEmpty ? "/api/\(info.version)" : "/apis/\(info.group)/\(info.version)"
    if info.namespaced, let namespace { return "\(root)/namespaces/\(namespace)/\(info.plural)" }
    return "\(root)/\(info.plural)"
  }

  static func object(_ info: ResourceInfo, namespace: String?, name: String) -> String {
    collection(info, namespace: namespace) + "/" + name
  }

  /// The kind named on a command line, or kubectl's error.
  static func resolve(_ name: String) throws(CLIError) -> ResourceInfo {
    guard let type = APIRegistry.resource(named: name) else {
      throw CLIError("error: the server doesn't have a resource type \"\(name)\"")
    }
    return type.resourceInfo
  }

  static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
}
