import NIOCore
import NIOHTTP1
import SkiffAPI
import SkiffStore

/// One resource request with its kind, version and parameters decoded.
struct RequestContext {
  let request: HTTPRequest
  let info: ResourceInfo
  /// The version in the URL; objects are answered in it (Istio kinds serve several).
  let version: String
  let namespace: String

  var apiVersion: String { info.group.isEmpty ? version : "\(info.group)/\(version)" }

  /// Whether the client asked for `meta.k8s.io/v1 Table` (kubectl get does).
  var wantsTable: Bool {
    let accept = request.headers["Accept"].joined(separator: ",")
    return accept.contains("as=Table")
  }

  var writeOptions: WriteOptions {
    let validation = request.queryValue("fieldValidation").flatMap(WriteOptions.FieldValidation.init(rawValue:)) ?? .warn
    return WriteOptions(
      fieldValidation: validation, dryRun: request.queryValue("dryRun") == "All",
      fieldManager: WriteOptions.FieldManager(fieldManager, apiVersion: apiVersion))
  }

  /// The manager of this write (kube-apiserver's `managerOrUserAgent`): the `fieldManager`
  /// parameter, else the user agent's first token (`kubectl`, `Go-http-client`).
  var fieldManager: String {
    ManagedFields.managerName(fieldManager: request.queryValue("fieldManager"), userAgent: request.headers["User-Agent"].first)
  }

  /// The checks of `CreateOptions`, `UpdateOptions` and `PatchOptions` on the parameters
  /// (`ValidatePatchOptions`): an apply needs a `fieldManager`, only an apply may `force`,
  /// and a `fieldManager` is at most 128 printable bytes. `kind` names the options.
  func validateWriteParameters(_ kind: String, apply: Bool = false) throws(Status) {
    var errors: [FieldError] = []
    let manager = request.queryValue("fieldManager") ?? ""
    if kind == "PatchOptions" {
      if apply && manager.isEmpty {
        errors.append(.required("fieldManager", "is required for apply patch"))
      } else if !apply && request.queryValue("force") != nil {
        errors.append(.forbidden("force", "may not be specified for non-apply patch"))
      }
    }
    errors += ManagedFields.validateFieldManager(manager, field: "fieldManager")
    if !errors.isEmpty { throw Status.invalid(kind: kind, group: "meta.k8s.io", name: "", errors) }
  }

  /// The request's `Content-Type` without parameters (`; charset=utf-8`) or surrounding spaces.
  var contentType: String {
    request.headers["Content-Type"].first?.split(separator: ";").first.map { String($0).trimmingCharacters() } ?? ""
  }

  func bodyJSON() throws(Status) -> JSONValue {
    let bytes = request.bodyBytes
    guard !bytes.isEmpty else { throw Status.badRequest("the request body is empty: an object is required") }
    let mediaType = request.headers["Content-Type"].first?.split(separator: ";").first
      .map { $0.lowercased().filter { $0 != " " } } ?? "application/json"
    switch mediaType {
    case "application/json", "*/*", "":
      break
    case "application/yaml":
      do {
        let documents = try YAML.parseStream(bytes: bytes)
        guard documents.count == 1 else {
          throw Status.badRequest("the request body must hold one YAML document, not \(documents.count)")
        }
        return documents[0].value
      } catch let error as Status {
        throw error
      } catch {
        throw Status.badRequest("couldn't get version/kind; yaml parse error: \(error)")
      }
    case KubernetesProtobuf.contentType:
      // client-go 1.32's typed clients (kubectl create namespace/deployment/...).
      do {
        return try KubernetesProtobuf.decode(bytes)
      } catch {
        throw Status.badRequest("the body of the request could not be decoded as \(KubernetesProtobuf.contentType): \(error)")
      }
    default:
      throw Status(code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
    }
    do {
      return try JSONValue(parsing: bytes)
    } catch {
      throw Status.badRequest("couldn't get version/kind; json parse error: \(error.message)")
    }
  }

  func selectors() throws(Status) -> (LabelSelectorQuery, FieldSelectorQuery?) {
    do {
      let labels = try request.queryValue("labelSelector").map { text throws(SelectorError) in try LabelSelectorQuery(parsing: text) } ?? .everything
      let fields = try request.queryValue("fieldSelector").map { text throws(SelectorError) in try FieldSelectorQuery(parsing: text) }
      return (labels, fields)
    } catch {
      throw Status.badRequest(error.message)
    }
  }

  func deleteOptions() throws(Status) -> DeleteOptions {
    var options = DeleteOptions()
    if let body = try? JSONValue(parsing: request.bodyBytes), case .object = body {
      options.gracePeriodSeconds = body["gracePeriodSeconds"]?.intValue
      options.propagationPolicy = body["propagationPolicy"]?.stringValue.flatMap(DeleteOptions.Propagation.init(rawValue:))
      options.preconditionUID = body.value(at: ["preconditions", "uid"])?.stringValue
      options.preconditionResourceVersion = body.value(at: ["preconditions", "resourceVersion"])?.stringValue
      if let dryRun = body["dryRun"]?.arrayValue, dryRun.contains("All") { options.dryRun = true }
    }
    if let grace = request.queryValue("gracePeriodSeconds").flatMap(Int64.init) { options.gracePeriodSeconds = grace }
    if let policy = request.queryValue("propagationPolicy").flatMap(DeleteOptions.Propagation.init(rawValue:)) {
      options.propagationPolicy = policy
    }
    if request.queryValue("dryRun") == "All" { options.dryRun = true }
    return options
  }

  /// The object with `apiVersion` as the URL asked for.
  func versioned(_ object: JSONValue) -> JSONValue {
    guard object["apiVersion"]?.stringValue != apiVersion else { return object }
    var copy = object
    copy["apiVersion"] = .string(apiVersion)
    return copy
  }

  /// The stored object's bytes as the URL's version shows them: the committed bytes when
  /// that is the stored version (nearly always), else re-encoded with its `apiVersion`.
  func encoded(_ stored: StoredObject) -> [UInt8] {
    stored.object["apiVersion"]?.stringValue == apiVersion ? stored.json : versioned(stored.object).jsonBytes()
  }

  func respond(_ status: HTTPResponseStatus, object: JSONValue, warnings: [String] = []) -> HTTPResponse {
    let body = object["kind"]?.stringValue == "Table" ? object : versioned(object)
    return respond(status, bytes: body.jsonBytes(), warnings: warnings)
  }

  func respond(_ status: HTTPResponseStatus, stored: StoredObject, warnings: [String] = []) -> HTTPResponse {
    respond(status, bytes: encoded(stored), warnings: warnings)
  }

  func respond(_ status: HTTPResponseStatus, bytes: [UInt8], warnings: [String]) -> HTTPResponse {
    var headers: HTTPHeaders = ["Content-Type": "application/json"]
    for warning in warnings {
      headers.add(name: "Warning", value: "299 - \(warning.quotedWarningText)")
    }
    return HTTPResponse(status: status, headers: headers, body: .bytes(bytes))
  }
}

extension String {
  /// The text as the quoted-string of a `Warning` header, `"` and `\` escaped with a
  /// backslash (apimachinery `net.NewWarningHeader`), so clients read back the exact text.
  var quotedWarningText: String {
    var out = "\""
    for c in self {
      if c == "\"" || c == "\\" { out.append("\\") }
      out.append(c)
    }
    return out + "\""
  }
}
