import NIOHTTP1
import SkiffAPI
import SkiffStore

extension APIHandler {
  /// Kinds with a `scale` subresource (`kubectl scale`, autoscalers).
  static func hasScale(_ info: ResourceInfo) -> Bool {
    info.group == "apps" && (info.kind == "Deployment" || info.kind == "ReplicaSet")
  }

  /// `deployments/{name}/scale`: the object seen as an `autoscaling/v1 Scale`. GET reads it,
  /// PUT and PATCH (any patch type; Scale has no merge keys) change `spec.replicas` and
  /// nothing else, as the apiserver's scale REST does.
  func scale(_ context: RequestContext, name: String) throws -> HTTPResponse {
    let current = try registry.get(context.info, namespace: context.namespace, name: name)
    switch context.request.method {
    case .GET:
      return json(.ok, Self.scaleObject(current.object))
    case .PUT, .PATCH:
      let currentScale = Self.scaleObject(current.object)
      let desired = context.request.method == .PUT ? try context.bodyJSON() : try Self.patchedScale(context, currentScale)
      guard let replicas = desired.value(at: ["spec", "replicas"])?.intValue, replicas >= 0 else {
        throw Status.invalid(kind: "Scale", group: "autoscaling", name: name, [
          .invalid("spec.replicas", desired.value(at: ["spec", "replicas"]) ?? .null, "must be greater than or equal to 0")
        ])
      }
      if let version = desired.value(at: ["metadata", "resourceVersion"])?.stringValue, !version.isEmpty,
        version != String(current.resourceVersion)
      {
        throw Status.conflict(context.info.groupResource, name,
          "the object has been modified; please apply your changes to the latest version and try again")
      }
      var options = context.writeOptions
      options.fieldManager?.subresource = "scale"
      let result = try registry.update(
        context.info, namespace: context.namespace, name: name, options: options
      ) { object throws(Status) in
        var object = object
        object.setValue(.int(replicas), at: ["spec", "replicas"])
        return object
      }
      return json(.ok, Self.scaleObject(result.object.object))
    default:
      throw Status.methodNotAllowed("the server does not allow this method on the requested resource")
    }
  }

  static func patchedScale(_ context: RequestContext, _ scale: JSONValue) throws -> JSONValue {
    do {
      return try PatchRequest.apply(contentType: context.contentType, body: context.request.bodyBytes, to: scale, keys: MergeKeys())
    } catch {
      throw error.status
    }
  }

  static func scaleObject(_ object: JSONValue) -> JSONValue {
    var metadata: JSONObject = [:]
    for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
      if let value = object.value(at: ["metadata", key]) { metadata[key] = value }
    }
    return [
      "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(metadata),
      "spec": ["replicas": object.value(at: ["spec", "replicas"]) ?? .int(1)],
      "status": [
        "replicas": object.value(at: ["status", "replicas"]) ?? .int(0),
        "selector": .string(TablePrinters.selectorText(object.value(at: ["spec", "selector"]))),
      ],
    ]
  }
}
