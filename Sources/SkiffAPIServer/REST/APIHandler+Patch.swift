import NIOHTTP1
import SkiffAPI
import SkiffStore

extension APIHandler {
  /// PATCH, with the body's Content-Type choosing the format: JSON patch, JSON merge
  /// patch, or strategic merge patch (built-in kinds only, as Kubernetes serves it).
  func patch(_ context: RequestContext, name: String, subresource: String?) throws -> WriteResult {
    let contentType = context.contentType
    let body = context.request.bodyBytes
    let keys = MergeKeys.for(group: context.info.group, kind: context.info.kind)
    // The media type is checked before the object is looked up, as the patch handler does.
    let accepted = PatchType.accepted(strategicMerge: keys != nil)
    guard let type = PatchType(contentType: contentType), accepted.contains(type) else {
      throw Status(code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: "
          + accepted.map(\.rawValue).joined(separator: ", "))
    }
    return try registry.update(
      context.info, namespace: context.namespace, name: name, subresource: subresource, options: context.writeOptions
    ) { current throws(Status) in
      do {
        return try PatchRequest.apply(contentType: contentType, body: body, to: current, keys: keys)
      } catch let error as PatchError {
        throw error.status
      } catch {
        throw Status.internalError(String(describing: error))
      }
    }
  }
}

extension APIHandler {
  /// `application/apply-patch+yaml` (`kubectl apply --server-side`): creates the object when
  /// it does not exist, else merges the configuration with field ownership
  /// (``ServerSideApply``); a conflict with another manager is a 409 unless `force=true`.
  /// The `fieldManager` parameter is checked by then.
  func serverSideApply(_ context: RequestContext, name: String, subresource: String?) throws -> (WriteResult, created: Bool) {
    let manager = context.request.queryValue("fieldManager") ?? ""
    let documents: [YAMLDocument]
    do {
      documents = try YAML.parseStream(bytes: context.request.bodyBytes)
    } catch {
      throw Status.badRequest("error decoding YAML: \(error)")
    }
    guard documents.count == 1, case .object = documents[0].value else {
      throw Status.badRequest("the apply configuration must be one YAML or JSON object")
    }
    let applied = documents[0].value
    let info = context.info
    guard applied["apiVersion"]?.stringValue == context.apiVersion, applied["kind"]?.stringValue == info.kind else {
      throw Status.badRequest(
        "the apply configuration must have apiVersion \(context.apiVersion) and kind \(info.kind) (it has \(applied["apiVersion"]?.stringValue ?? "none") and \(applied["kind"]?.stringValue ?? "none"))")
    }
    if let given = applied.value(at: ["metadata", "name"])?.stringValue, given != name {
      throw Status.badRequest("the name of the object (\(given)) does not match the name on the URL (\(name))")
    }
    // The live object's entries are the server's: an apply configuration has none.
    if let managed = applied.value(at: ["metadata", "managedFields"]), !managed.isNull {
      throw Status.badRequest("metadata.managedFields must be nil")
    }
    let keys = MergeKeys.for(group: info.group, kind: info.kind) ?? MergeKeys()
    let force = context.request.queryFlag("force")
    let time = Timestamp.now().wholeSeconds.rfc3339
    func outcome(_ live: JSONValue?) throws(Status) -> ServerSideApply.Outcome {
      do {
        return try ServerSideApply.apply(
          applied, to: live, manager: manager, force: force, keys: keys, time: time, hasStatus: info.hasStatus)
      } catch {
        throw error.status
      }
    }
    // Read, merge, write with the read's resourceVersion; retried if another write came between.
    var attempt = 0
    while true {
      attempt += 1
      var options = context.writeOptions
      guard let current = try? registry.get(info, namespace: context.namespace, name: name) else {
        let result = try outcome(nil)
        options.managedFields = result.managedFields
        var body = result.object
        body.setValue(.string(name), at: ["metadata", "name"])
        return (try registry.create(info, namespace: context.namespace, body: body, options: options), true)
      }
      let result = try outcome(current.object)
      options.managedFields = result.managedFields
      var body = result.object
      body.setValue(.string(String(current.resourceVersion)), at: ["metadata", "resourceVersion"])
      let write = Result { () throws(Status) -> WriteResult in
        try registry.update(info, namespace: context.namespace, name: name, body: body, subresource: subresource, options: options)
      }
      switch write {
      case .success(let written): return (written, false)
      case .failure(let status) where status.code == 409 && attempt < 5: continue
      case .failure(let status): throw status
      }
    }
  }
}

extension String {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
