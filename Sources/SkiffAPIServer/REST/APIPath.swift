import SkiffAPI

/// A request path of the Kubernetes REST API, taken apart:
/// `/api/v1/namespaces/{ns}/pods/{name}/log`, `/apis/apps/v1/deployments`, ...
struct APIPath: Equatable {
  var group: String
  var version: String
  /// The resource segment (`pods`), or nil for a group/version discovery path.
  var resource: String?
  var namespace: String?
  var name: String?
  var subresource: String?

  /// Parses a resource path; nil when the path is not under `/api` or `/apis`.
  init?(_ path: String) {
    var segments = path.split(separator: "/").map(String.init)[...]
    guard let root = segments.popFirst() else { return nil }
    switch root {
    case "api":
      guard let v = segments.popFirst() else { return nil }
      group = ""
      version = v
    case "apis":
      guard let g = segments.popFirst(), let v = segments.popFirst() else { return nil }
      group = g
      version = v
    default:
      return nil
    }
    resource = nil
    namespace = nil
    name = nil
    subresource = nil
    guard let first = segments.popFirst() else { return }
    if first == "namespaces", segments.count >= 2 {
      // /namespaces/{ns}/{resource}[/{name}[/{sub}]] — unless it is the namespace's own
      // subresource (/namespaces/{name}/status|finalize).
      let ns = segments.popFirst()!
      let next = segments.popFirst()!
      if group == "", segments.isEmpty, next == "status" || next == "finalize" {
        resource = "namespaces"
        name = ns
        subresource = next
        return
      }
      namespace = ns
      resource = next
    } else {
      resource = first
    }
    name = segments.popFirst()
    subresource = segments.popFirst()
    if !segments.isEmpty { return nil }
  }
}
