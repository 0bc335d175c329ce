import NIOHTTP1
import SkiffAPI
import SkiffStore

extension APIHandler {
  /// PATCH with the body's Content-Type choosing the format: JSON merge patch,
  /// JSON patch, or strategic merge patch.
  func patch(_ context: RequestContext, name: String, subresource: String?) throws -> WriteResult {
    let contentType = context.request.headers["Content-Type"].first?.split(separator: ";").first.map {
      String($0).trimmingCharacters()
    } ?? ""
    let patch = try context.bodyJSON()
    let info = context.info
    return try registry.update(
      info, namespace: context.namespace, name: name, subresource: subresource, options: context.writeOptions
    ) { current throws(Status) in
      try PatchFormats.apply(patch, contentType: contentType, to: current, info: info)
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

/// The patch formats the API accepts, by Content-Type.
enum PatchFormats {
  static func apply(_ patch: JSONValue, contentType: String, to current: JSONValue, info: ResourceInfo) throws(Status)
    -> JSONValue
  {
    switch contentType {
    case "application/merge-patch+json":
      return mergePatch(patch, onto: current)
    default:
      throw Status(code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json")
    }
  }

  /// RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces.
  static func mergePatch(_ patch: JSONValue, onto target: JSONValue) -> JSONValue {
    guard case .object(let patchObject) = patch else { return patch }
    var result = target.objectValue ?? JSONObject()
    for (key, value) in patchObject {
      if value.isNull {
        result[key] = nil
      } else {
        result[key] = mergePatch(value, onto: result[key] ?? .null)
      }
    }
    return .object(result)
  }
}
