/// The Kubernetes protobuf messages Skiff can decode, as data: per message, each field's
/// number, JSON name, value kind, shape and the Go struct tag facts that decide how the
/// API server would write it in JSON. The tables are in `ProtobufSchema+Meta/Core/Apps.swift`.
enum ProtobufSchema {
  /// Top-level kinds: `apiVersion` ("*" for meta kinds registered in every group) and `kind`
  /// to a message name.
  static let roots: [String: String] = [
    "v1/Namespace": "core.v1.Namespace",
    "v1/Pod": "core.v1.Pod",
    "v1/Service": "core.v1.Service",
    "v1/ConfigMap": "core.v1.ConfigMap",
    "v1/Secret": "core.v1.Secret",
    "v1/ServiceAccount": "core.v1.ServiceAccount",
    "v1/Endpoints": "core.v1.Endpoints",
    "v1/Event": "core.v1.Event",
    "v1/Node": "core.v1.Node",
    "apps/v1/Deployment": "apps.v1.Deployment",
    "apps/v1/ReplicaSet": "apps.v1.ReplicaSet",
    "authorization.k8s.io/v1/SelfSubjectAccessReview": "authorization.v1.SelfSubjectAccessReview",
    "authorization.k8s.io/v1/SelfSubjectRulesReview": "authorization.v1.SelfSubjectRulesReview",
    "authentication.k8s.io/v1/SelfSubjectReview": "authentication.v1.SelfSubjectReview",
    "*/DeleteOptions": "meta.v1.DeleteOptions",
    "*/Status": "meta.v1.Status",
  ]

  /// The message for a top-level object, nil when Skiff has no schema for it.
  static func root(apiVersion: String, kind: String) -> ProtobufMessage? {
    guard let name = roots["\(apiVersion)/\(kind)"] ?? roots["*/\(kind)"] else { return nil }
    return messages[name]
  }

  /// Every message by name (`core.v1.Container`).
  static let messages: [String: ProtobufMessage] = {
    var all: [String: ProtobufMessage] = [:]
    for message in metaV1 + coreV1 + appsV1 + authorizationV1 { all[message.name] = message }
    return all
  }()
}

/// One protobuf message: its fields in Go struct order (the order of its JSON members).
struct ProtobufMessage: Sendable {
  let name: String
  let fields: [ProtobufField]
  /// Field number to position in `fields`.
  let positions: [Int: Int]

  init(_ name: String, _ fields: [ProtobufField]) {
    self.name = name
    self.fields = fields
    var positions: [Int: Int] = [:]
    for (i, field) in fields.enumerated() { positions[field.number] = i }
    self.positions = positions
  }
}

struct ProtobufField: Sendable {
  /// What one value of the field is on the wire and in JSON.
  enum Value: Sendable, Equatable {
    case string
    case int32
    case int64
    case bool
    case double
    /// Go `[]byte`: base64 in JSON.
    case bytes
    /// Another message, by name.
    case message(String)
    /// `intstr.IntOrString` {type(1), intVal(2), strVal(3)}: a JSON number or string.
    case intOrString
    /// `resource.Quantity` {string(1)}: the quantity's text.
    case quantity
    /// `metav1.Time` {seconds(1), nanos(2)}: RFC 3339 with whole seconds, null when zero.
    case time
    /// `metav1.MicroTime`: RFC 3339 with microseconds, null when zero.
    case microTime
    /// Bytes holding JSON, embedded as is (`metav1.FieldsV1` {Raw(1)}).
    case rawJSON
  }

  enum Shape: Sendable {
    case single
    case repeated
    /// `map<string, Value>`: entries {key(1), value(2)}.
    case map
  }

  /// Facts from the Go struct tag and field type.
  struct Options: OptionSet, Sendable {
    let rawValue: UInt8
    /// `json:",omitempty"`: left out when zero, empty or nil (never for structs).
    static let omitEmpty = Options(rawValue: 1)
    /// `json:",omitzero"`: left out when the zero value (here only for `metav1.Time`).
    static let omitZero = Options(rawValue: 2)
    /// A Go pointer (`*int32`, `*Time`): absent is nil, present is kept even when zero.
    static let pointer = Options(rawValue: 4)
    /// An embedded struct (`ProbeHandler` in `Probe`): its members are the parent's.
    static let inline = Options(rawValue: 8)
  }

  let number: Int
  let name: String
  let value: Value
  let shape: Shape
  let options: Options

  init(_ number: Int, _ name: String, _ value: Value, _ shape: Shape, _ options: Options) {
    self.number = number
    self.name = name
    self.value = value
    self.shape = shape
    self.options = options
  }
}
