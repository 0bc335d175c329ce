import SkiffAPI
import SkiffStore

/// `limit` and `continue` on a LIST, as the apiserver's etcd3 store pages: items in key order
/// (`namespace/name`, or `name` within one namespace), at most `limit` of them, and when more
/// remain a `continue` token (base64url of `{"v":"meta.k8s.io/v1","rv":REV,"start":KEY}`) and,
/// for an unfiltered list, `remainingItemCount`. kubectl asks for pages of 500 (`--chunk-size`);
/// client-go's pager and the Python client follow the token.
///
/// Every page reports the first page's resourceVersion, so a watch started from it replays
/// whatever changed since. Skiff's store keeps no old revisions: a later page holds the objects
/// as they are now (etcd would serve them as they were), which a watch from that revision
/// reconciles.
struct ListPage {
  var items: [StoredObject]
  var revision: Int64
  var continueToken: String?
  var remainingItemCount: Int?

  /// The page of `items` (everything the list matched, at `revision`) the request asks for.
  init(_ items: [StoredObject], revision: Int64, request: HTTPRequest, namespaced: Bool, filtered: Bool) throws(Status) {
    let limit = try Self.limit(request)
    var start: String?
    var listRevision = revision
    if let token = request.queryValue("continue"), !token.isEmpty {
      if let rv = request.queryValue("resourceVersion"), !rv.isEmpty, rv != "0" {
        throw Status.badRequest("specifying resource version is not allowed when using continue")
      }
      let decoded: (revision: Int64, start: String)
      do {
        decoded = try Self.decode(token)
      } catch {
        throw Status.badRequest("invalid continue token: \(error.message)")
      }
      start = decoded.start
      if decoded.revision > 0 { listRevision = decoded.revision }
    }
    guard limit > 0 || start != nil else {
      self.items = items
      self.revision = revision
      return
    }
    func key(_ item: StoredObject) -> String { namespaced ? item.key.name : Self.key(item) }
    var ordered = items.map { (key($0), $0) }.sorted { $0.0 < $1.0 }
    if let start { ordered.removeAll { $0.0 < start } }
    self.revision = listRevision
    guard limit > 0, ordered.count > limit else {
      self.items = ordered.map(\.1)
      return
    }
    let page = ordered.prefix(limit)
    self.items = page.map(\.1)
    self.continueToken = Self.encode(revision: listRevision, start: page.last!.0 + "\u{0}")
    if !filtered { remainingItemCount = ordered.count - limit }
  }

  /// The `ListMeta` of this page.
  var metadata: JSONValue {
    var meta: JSONObject = ["resourceVersion": .string(String(revision))]
    if let continueToken { meta["continue"] = .string(continueToken) }
    if let remainingItemCount { meta["remainingItemCount"] = .int(Int64(remainingItemCount)) }
    return .object(meta)
  }

  /// The key etcd orders a cluster-wide list by: `namespace/name` (or `name`).
  static func key(_ item: StoredObject) -> String {
    item.key.namespace.isEmpty ? item.key.name : item.key.namespace + "/" + item.key.name
  }

  static func limit(_ request: HTTPRequest) throws(Status) -> Int {
    guard let text = request.queryValue("limit"), !text.isEmpty else { return 0 }
    guard let value = Int64(text) else {
      throw Status.badRequest("strconv.ParseInt: parsing \(goQuoted(text)): invalid syntax")
    }
    return value > 0 ? Int(clamping: value) : 0
  }

  struct InvalidToken: Error {
    let message: String
  }

  static func encode(revision: Int64, start: String) -> String {
    let token: JSONValue = ["v": "meta.k8s.io/v1", "rv": .int(revision), "start": .string(start)]
    return Base64.encode(token.jsonBytes(), .rawURL)
  }

  /// The apiserver's `DecodeContinue`, with its messages.
  static func decode(_ token: String) throws(InvalidToken) -> (revision: Int64, start: String) {
    let bytes: [UInt8]
    do {
      bytes = try Base64.decode(token, .rawURL)
    } catch {
      throw InvalidToken(message: "continue key is not valid: \(error)")
    }
    guard let json = try? JSONValue(parsing: bytes), case .object(let members) = json else {
      throw InvalidToken(message: "continue key is not valid: the token is not a JSON object")
    }
    guard members["v"]?.stringValue == "meta.k8s.io/v1" else {
      throw InvalidToken(message: "continue key is not valid: server does not recognize this encoded version")
    }
    let revision = members["rv"]?.intValue ?? 0
    if revision == 0 {
      throw InvalidToken(message: "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    }
    guard let start = members["start"]?.stringValue, !start.isEmpty else {
      throw InvalidToken(message: "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)")
    }
    // Go cleans the key so it cannot climb out of the resource's prefix.
    if start.split(separator: "/").contains("..") {
      throw InvalidToken(message: "continue key is not valid: encoded start key is not a key of this list")
    }
    return (revision, start)
  }
}
