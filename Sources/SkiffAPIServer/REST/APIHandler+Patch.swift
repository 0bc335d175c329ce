import NIOHTTP1
import SkiffAPI
import SkiffStore

extension APIHandler {
  /// PATCH, with the body's Content-Type choosing the format: JSON patch, JSON merge
  /// patch, or strategic merge patch (built-in kinds only, as Kubernetes serves it).
  func patch(_ context: RequestContext, name: String, subresource: String?) throws -> WriteResult {
    let contentType = context.request.headers["Content-Type"].first?.split(separator: ";").first.map {
      String($0).trimmingCharacters()
    } ?? ""
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

extension String {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
