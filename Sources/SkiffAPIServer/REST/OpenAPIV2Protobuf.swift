import SkiffAPI

/// Encodes a Swagger 2.0 JSON document as gnostic's `openapi_v2.Document`
/// (github.com/google/gnostic-models, OpenAPIv2.proto), the form kubectl's discovery client
/// unmarshals. Only what the API's documents contain is mapped; vendor extensions (`x-*`)
/// travel as `NamedAny` whose `Any.yaml` holds the value (JSON is YAML), as gnostic keeps them.
enum OpenAPIV2Protobuf {
  static func document(_ document: JSONValue) -> [UInt8] {
    var w = ProtobufWriter()
    w.string(1, document["swagger"]?.stringValue)
    w.message(2) { info in
      info.string(1, document["info"]?["title"]?.stringValue)
      info.string(2, document["info"]?["version"]?.stringValue)
    }
    w.message(8) { paths in
      for (path, item) in document["paths"]?.objectValue ?? [:] {
        paths.message(2) { named in
          named.string(1, path)
          named.message(2) { pathItem(&$0, item) }
        }
      }
    }
    w.message(9) { definitions in
      for (name, value) in document["definitions"]?.objectValue ?? [:] {
        definitions.message(1) { named in
          named.string(1, name)
          named.message(2) { schema(&$0, value) }
        }
      }
    }
    for requirement in document["security"]?.arrayValue ?? [] {
      w.message(12) { security in
        for (name, scopes) in requirement.objectValue ?? [:] {
          security.message(1) { named in
            named.string(1, name)
            named.message(2) { array in for scope in scopes.arrayValue ?? [] { array.string(1, scope.stringValue) } }
          }
        }
      }
    }
    w.message(13) { definitions in
      for (name, scheme) in document["securityDefinitions"]?.objectValue ?? [:] {
        definitions.message(1) { named in
          named.string(1, name)
          named.message(2) { item in
            item.message(2) { apiKey in  // ApiKeySecurity
              apiKey.string(1, scheme["type"]?.stringValue)
              apiKey.string(2, scheme["name"]?.stringValue)
              apiKey.string(3, scheme["in"]?.stringValue)
              apiKey.string(4, scheme["description"]?.stringValue)
            }
          }
        }
      }
    }
    return w.bytes
  }

  static let operationFields = ["get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8]

  static func pathItem(_ w: inout ProtobufWriter, _ item: JSONValue) {
    for (method, field) in operationFields.sorted(by: { $0.value < $1.value }) {
      guard let op = item[method] else { continue }
      w.message(field) { operation(&$0, op) }
    }
    for p in item["parameters"]?.arrayValue ?? [] { w.message(9) { parametersItem(&$0, p) } }
  }

  static func operation(_ w: inout ProtobufWriter, _ op: JSONValue) {
    for tag in op["tags"]?.arrayValue ?? [] { w.string(1, tag.stringValue) }
    w.string(3, op["description"]?.stringValue)
    w.string(5, op["operationId"]?.stringValue)
    for type in op["produces"]?.arrayValue ?? [] { w.string(6, type.stringValue) }
    for type in op["consumes"]?.arrayValue ?? [] { w.string(7, type.stringValue) }
    for p in op["parameters"]?.arrayValue ?? [] { w.message(8) { parametersItem(&$0, p) } }
    w.message(9) { responses in
      for (code, response) in op["responses"]?.objectValue ?? [:] {
        responses.message(1) { named in
          named.string(1, code)
          named.message(2) { value in
            value.message(1) { r in
              r.string(1, response["description"]?.stringValue)
              if let s = response["schema"] { r.message(2) { item in item.message(1) { schema(&$0, s) } } }
            }
          }
        }
      }
    }
    for scheme in op["schemes"]?.arrayValue ?? [] { w.string(10, scheme.stringValue) }
    extensions(&w, 13, op)
  }

  /// `ParametersItem { Parameter { BodyParameter | NonBodyParameter { query | path | header } } }`.
  static func parametersItem(_ w: inout ProtobufWriter, _ p: JSONValue) {
    w.message(1) { parameter in
      if p["in"]?.stringValue == "body" {
        parameter.message(1) { body in
          body.string(1, p["description"]?.stringValue)
          body.string(2, p["name"]?.stringValue)
          body.string(3, "body")
          body.bool(4, p["required"]?.boolValue)
          if let s = p["schema"] { body.message(5) { schema(&$0, s) } }
        }
        return
      }
      parameter.message(2) { nonBody in
        // QueryParameterSubSchema and PathParameterSubSchema differ by one field
        // (allow_empty_value), so type, format and uniqueItems sit one number apart.
        let (field, shift) = switch p["in"]?.stringValue {
        case "path": (4, 0)
        case "header": (1, 0)
        default: (3, 1)
        }
        nonBody.message(field) { sub in
          sub.bool(1, p["required"]?.boolValue)
          sub.string(2, p["in"]?.stringValue)
          sub.string(3, p["description"]?.stringValue)
          sub.string(4, p["name"]?.stringValue)
          sub.string(5 + shift, p["type"]?.stringValue)
          sub.string(6 + shift, p["format"]?.stringValue)
          sub.bool(19 + shift, p["uniqueItems"]?.boolValue)
        }
      }
    }
  }

  static func schema(_ w: inout ProtobufWriter, _ s: JSONValue) {
    w.string(1, s["$ref"]?.stringValue)
    w.string(2, s["format"]?.stringValue)
    w.string(3, s["title"]?.stringValue)
    w.string(4, s["description"]?.stringValue)
    if let value = s["default"] { w.message(5) { $0.string(2, yaml(value)) } }
    for name in s["required"]?.arrayValue ?? [] { w.string(19, name.stringValue) }
    for value in s["enum"]?.arrayValue ?? [] { w.message(20) { $0.string(2, yaml(value)) } }
    switch s["additionalProperties"] {
    case .bool(let allowed)?: w.message(21) { $0.bool(2, allowed) }
    case let additional?: w.message(21) { item in item.message(1) { schema(&$0, additional) } }
    case nil: break
    }
    if let type = s["type"]?.stringValue { w.message(22) { $0.string(1, type) } }
    if let items = s["items"] { w.message(23) { item in item.message(1) { schema(&$0, items) } } }
    for part in s["allOf"]?.arrayValue ?? [] { w.message(24) { schema(&$0, part) } }
    if let properties = s["properties"]?.objectValue {
      w.message(25) { props in
        for (name, value) in properties {
          props.message(1) { named in
            named.string(1, name)
            named.message(2) { schema(&$0, value) }
          }
        }
      }
    }
    extensions(&w, 31, s)
  }

  /// Every `x-*` member of `object` as a `NamedAny` in field `field`.
  static func extensions(_ w: inout ProtobufWriter, _ field: Int, _ object: JSONValue) {
    for (key, value) in object.objectValue ?? [:] where key.hasPrefix("x-") {
      w.message(field) { named in
        named.string(1, key)
        named.message(2) { $0.string(2, yaml(value)) }
      }
    }
  }

  /// A value as the YAML gnostic stores; JSON is a subset of YAML, and kubectl reads it with a
  /// YAML parser.
  static func yaml(_ value: JSONValue) -> String { String(decoding: value.jsonBytes(), as: UTF8.self) + "\n" }
}

/// Protocol buffers' wire format, writing only: varints, length-delimited strings and nested
/// messages (proto3: zero values and empty strings are left out).
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7f) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  mutating func tag(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

  mutating func string(_ field: Int, _ value: String?) {
    guard let value, !value.isEmpty else { return }
    tag(field, wireType: 2)
    let utf8 = Array(value.utf8)
    varint(UInt64(utf8.count))
    bytes += utf8
  }

  mutating func bool(_ field: Int, _ value: Bool?) {
    guard value == true else { return }
    tag(field, wireType: 0)
    varint(1)
  }

  /// A nested message, written by `body` and then length-prefixed.
  mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
    var nested = ProtobufWriter()
    body(&nested)
    tag(field, wireType: 2)
    varint(UInt64(nested.bytes.count))
    bytes += nested.bytes
  }
}
