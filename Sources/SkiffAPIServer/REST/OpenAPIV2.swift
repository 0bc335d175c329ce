import SkiffAPI

/// `/openapi/v2`: the whole API in one Swagger 2.0 document, as the kube-apiserver still
/// serves it next to v3. kubectl asks for it for `kubectl explain --output=plaintext-openapiv2`
/// and when a server has no v3, in protobuf (gnostic's `openapi_v2.Document`); other clients
/// (older kubectl, helm, kubeconform) read the JSON. It is derived from the v3 documents, so the
/// two never disagree.
struct OpenAPIV2: Sendable {
  /// The JSON document, encoded.
  let json: [UInt8]
  /// The same document as gnostic's protobuf message.
  let protobuf: [UInt8]
  /// A digest of the JSON, served as the ETag.
  let etag: String

  /// The media type of the protobuf answer. kubectl asks for `...spec.v2@v1.0+protobuf`, but
  /// `@` is not allowed in a media type (Go's mime parser refuses it), so the apiserver answers
  /// with the dotted spelling.
  static let protobufType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

  init(v3 documents: [JSONValue]) {
    let document = Self.document(from: documents)
    json = document.jsonBytes()
    protobuf = OpenAPIV2Protobuf.document(document)
    etag = OpenAPIDocuments.hash(json)
  }

  /// Whether an `Accept` header asks for the protobuf form (either spelling of the type).
  static func wantsProtobuf(accept: String) -> Bool {
    accept.contains("application/com.github.proto-openapi.spec.v2")
  }

  /// One Swagger 2.0 document holding every path and schema of the v3 `documents`.
  static func document(from documents: [JSONValue]) -> JSONValue {
    var paths: [(String, JSONValue)] = []
    var definitions: [String: JSONValue] = [:]
    for document in documents {
      for (path, item) in document["paths"]?.objectValue ?? [:] { paths.append((path, pathItem(item))) }
      for (name, schema) in document["components"]?["schemas"]?.objectValue ?? [:] { definitions[name] = Self.schema(schema) }
    }
    var sorted: JSONObject = [:]
    for name in definitions.keys.sorted() { sorted[name] = definitions[name]! }
    return [
      "swagger": "2.0",
      "info": ["title": "Kubernetes", "version": .string("v1.32.0-skiff.\(skiffAPIVersion)")],
      "paths": .object(JSONObject(paths.sorted { $0.0 < $1.0 })),
      "definitions": .object(sorted),
      "securityDefinitions": [
        "BearerToken": ["description": "Bearer Token authentication", "type": "apiKey", "name": "authorization", "in": "header"]
      ],
      "security": [["BearerToken": []]],
    ]
  }

  /// A v3 schema in v2 terms: references under `#/definitions/`, and a described reference
  /// (`allOf` of one `$ref` beside a description) as the `$ref` with the description beside it,
  /// which Swagger 2.0 allows and the apiserver writes.
  static func schema(_ schema: JSONValue) -> JSONValue {
    switch schema {
    case .object(let members):
      var out = JSONObject()
      if let only = members["allOf"]?.arrayValue, only.count == 1, let ref = only[0]["$ref"] {
        out["$ref"] = reference(ref)
        for (key, value) in members where key != "allOf" { out[key] = Self.schema(value) }
        return .object(out)
      }
      for (key, value) in members { out[key] = key == "$ref" ? reference(value) : Self.schema(value) }
      return .object(out)
    case .array(let items):
      return .array(items.map(Self.schema))
    default:
      return schema
    }
  }

  static func reference(_ ref: JSONValue) -> JSONValue {
    guard let text = ref.stringValue, text.hasPrefix("#/components/schemas/") else { return ref }
    return .string("#/definitions/" + text.dropFirst("#/components/schemas/".count))
  }

  static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

  static func pathItem(_ item: JSONValue) -> JSONValue {
    var out = JSONObject()
    for (key, value) in item.objectValue ?? [:] {
      if key == "parameters" {
        out[key] = .array((value.arrayValue ?? []).map(parameter))
      } else if methods.contains(key) {
        out[key] = operation(value)
      }
    }
    return .object(out)
  }

  /// A v3 path or query parameter: its schema's type moves up beside its name.
  static func parameter(_ parameter: JSONValue) -> JSONValue {
    var out = JSONObject()
    for key in ["description", "name", "in", "required"] { if let value = parameter[key] { out[key] = value } }
    for key in ["type", "format"] { if let value = parameter["schema"]?[key] { out[key] = value } }
    out["uniqueItems"] = true
    return .object(out)
  }

  /// A v3 operation: the request body becomes the `body` parameter, its media types `consumes`.
  static func operation(_ operation: JSONValue) -> JSONValue {
    var out = JSONObject()
    if let description = operation["description"] { out["description"] = description }
    var parameters = (operation["parameters"]?.arrayValue ?? []).map(parameter)
    if let content = operation["requestBody"]?["content"]?.objectValue {
      out["consumes"] = .array(content.keys.map { .string($0) })
      if let first = content.keys.first, let body = content[first]?["schema"] {
        parameters.insert(["name": "body", "in": "body", "required": true, "schema": schema(body)], at: 0)
      }
    } else {
      out["consumes"] = ["*/*"]
    }
    out["produces"] = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
    out["schemes"] = ["https"]
    if let id = operation["operationId"] { out["operationId"] = id }
    if !parameters.isEmpty { out["parameters"] = .array(parameters) }
    var responses: JSONObject = ["401": ["description": "Unauthorized"]]
    if let ok = operation["responses"]?["200"]?["content"]?["application/json"]?["schema"] {
      responses["200"] = ["description": "OK", "schema": schema(ok)]
    }
    out["responses"] = .object(responses)
    for (key, value) in operation.objectValue ?? [:] where key.hasPrefix("x-") { out[key] = value }
    return .object(out)
  }
}
