/// The OpenAPI v3 component schemas of the served kinds, generated from the Swift types by
/// `SchemaProbe`, named as Kubernetes names them (`io.k8s.api.core.v1.PodSpec`), with the
/// strategic merge extensions of `MergeKeys` and the kinds' `x-kubernetes-group-version-kind`.
public final class SchemaRegistry {
  /// Finished component schemas by name.
  public private(set) var schemas: [String: JSONValue] = [:]
  private var inline: [String: JSONValue] = [:]
  private var names: [ObjectIdentifier: String] = [:]
  /// The namespace given to types first reached while probing the current kind.
  private var namespace = "io.k8s.api.core.v1"
  /// The component of each kind, by `group/Kind`.
  public private(set) var kindComponents: [String: String] = [:]

  /// The apimachinery types every group shares.
  static let metaTypes: Set<String> = [
    "ObjectMeta", "OwnerReference", "LabelSelector", "LabelSelectorRequirement", "ManagedFieldsEntry", "ListMeta",
    "Condition", "Status", "StatusDetails", "StatusCause",
  ]

  /// Schemas for every kind in `kinds`.
  public init(kinds: [any APIObject.Type]) {
    for kind in kinds {
      let info = kind.resourceInfo
      namespace = Self.namespace(group: info.group, version: info.version)
      let component = namespace + "." + info.kind
      names[ObjectIdentifier(kind)] = component
      _ = SchemaProbe.schema(of: kind, registry: self)
      kindComponents[info.group + "/" + info.kind] = component
      if var schema = schemas[component] {
        if schema["description"] == nil { schema["description"] = .string("\(info.kind) is served by Skiff.") }
        schema["x-kubernetes-group-version-kind"] = [
          ["group": .string(info.group), "kind": .string(info.kind), "version": .string(info.version)]
        ]
        schemas[component] = schema
      }
      if let keys = MergeKeys.for(group: info.group, kind: info.kind) { annotate(component, keys) }
    }
  }

  /// `io.k8s.api.core.v1`, `io.k8s.api.apps.v1`, `io.istio.networking.v1`.
  static func namespace(group: String, version: String) -> String {
    switch group {
    case "": return "io.k8s.api.core.\(version)"
    case let g where g.hasSuffix(".istio.io"):
      return "io.istio." + g.dropLast(".istio.io".count) + ".\(version)"
    default: return "io.k8s.api.\(group.split(separator: ".").first ?? "").\(version)"
    }
  }

  func name(for type: any Decodable.Type) -> String {
    if let known = names[ObjectIdentifier(type)] { return known }
    let short = String(describing: type)
    let name = Self.metaTypes.contains(short) ? "io.k8s.apimachinery.pkg.apis.meta.v1." + short : namespace + "." + short
    names[ObjectIdentifier(type)] = name
    return name
  }

  func has(_ name: String) -> Bool { schemas[name] != nil || inline[name] != nil }

  func begin(_ name: String) {
    // A placeholder, so a type that reaches itself refers to itself instead of recursing.
    schemas[name] = ["type": "object"]
  }

  /// Records a probed type under `name`, with the descriptions of `docs` (the Swift type's
  /// name in `APIDocs`) on the component and on each of its properties.
  func finish(_ name: String, _ recorded: RecordedSchema, docs type: any Decodable.Type) {
    let docs = String(describing: type)
    // Kinds fall back to the common texts for apiVersion, kind, metadata, spec and status.
    let common = type is any APIObject.Type ? KindDescriptions.fields : [:]
    switch recorded {
    case .inline(let schema):
      schemas[name] = nil
      inline[name] = schema
    case .object(let properties, let required):
      let described = properties.map { field, schema in
        (field, Self.described(schema, APIDocs.field(field, of: docs) ?? common[field]))
      }
      var schema: JSONObject = ["type": "object", "properties": .object(JSONObject(described))]
      if let text = APIDocs.type(docs) { schema["description"] = .string(text) }
      if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
      schemas[name] = .object(schema)
    }
  }

  /// `schema` with `description`. A reference gets it as the apiserver writes it, beside an
  /// `allOf` holding the reference (OpenAPI 3.0 ignores siblings of a bare `$ref`).
  static func described(_ schema: JSONValue, _ text: String?) -> JSONValue {
    guard let text, schema["description"] == nil else { return schema }
    if schema["$ref"] != nil { return ["allOf": [schema], "description": .string(text)] }
    var schema = schema
    schema["description"] = .string(text)
    return schema
  }

  func inlineSchema(_ name: String) -> JSONValue? { inline[name] }

  /// Every component `root` refers to, itself included, transitively.
  public func closure(of roots: [String]) -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    var todo = roots
    while let name = todo.popLast() {
      guard out[name] == nil, let schema = schemas[name] else { continue }
      out[name] = schema
      schema.forEachReference { todo.append($0) }
    }
    return out
  }

  /// Puts `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key` on the properties
  /// the kind's strategic merge table names, following references into nested components.
  private func annotate(_ component: String, _ keys: MergeKeys) {
    guard var schema = schemas[component], case .object(var properties)? = schema["properties"] else { return }
    for (field, value) in properties {
      let child = keys[field: field]
      var property = value
      if let strategy = child.strategy {
        var strategies: [String] = []
        if strategy.merge { strategies.append("merge") }
        if strategy.retainKeys { strategies.append("retainKeys") }
        if strategy.replace { strategies.append("replace") }
        property["x-kubernetes-patch-strategy"] = .string(strategies.joined(separator: ","))
        if let key = strategy.mergeKey { property["x-kubernetes-patch-merge-key"] = .string(key) }
        properties[field] = property
      }
      if let nested = property.componentReference ?? property["items"]?.componentReference { annotate(nested, child) }
    }
    schema["properties"] = .object(properties)
    schemas[component] = schema
  }
}

extension JSONValue {
  /// The component a `$ref` schema names, or one described beside an `allOf` of one reference.
  var componentReference: String? {
    if let only = self["allOf"]?.arrayValue, only.count == 1 { return only[0].componentReference }
    guard let ref = self["$ref"]?.stringValue, ref.hasPrefix("#/components/schemas/") else { return nil }
    return String(ref.dropFirst("#/components/schemas/".count))
  }

  func forEachReference(_ body: (String) -> Void) {
    switch self {
    case .object(let members):
      if let name = componentReference { body(name) }
      for (_, value) in members { value.forEachReference(body) }
    case .array(let items):
      for item in items { item.forEachReference(body) }
    default:
      break
    }
  }
}

/// The descriptions of the fields every kind has, for a kind whose doc comments lack them.
enum KindDescriptions {
  /// Worded as in the Kubernetes API reference.
  static let fields: [String: String] = [
    "apiVersion": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
    "kind": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.",
    "metadata": "Standard object's metadata.",
    "spec": "Specification of the desired behavior of the object.",
    "status": "Most recently observed status of the object. This data may not be up to date. Populated by the system. Read-only.",
  ]
}

