import SkiffAPI

/// The OpenAPI v3 documents (`/openapi/v3`, `/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`)
/// as the kube-apiserver serves them: one document per group/version with its paths and
/// the component schemas they use. kubectl reads them to learn that the server validates
/// fields (`fieldValidation` on PATCH), to compute strategic merge patches and for
/// `kubectl explain`.
struct OpenAPIDocuments: Sendable {
  /// Documents by path (`api/v1`, `apis/apps/v1`), encoded.
  let documents: [String: [UInt8]]
  /// Content hashes by path; the index links `?hash=` URLs, which clients may cache.
  let hashes: [String: String]
  /// `/openapi/v2`, the whole API in one document.
  let v2: OpenAPIV2

  init(kinds: [any APIObject.Type]) {
    let registry = SchemaRegistry(kinds: kinds)
    var byGroupVersion: [String: [ResourceInfo]] = [:]
    var order: [String] = []
    for kind in kinds {
      let info = kind.resourceInfo
      for version in info.servedVersions {
        let path = info.group.isEmpty ? "api/\(version)" : "apis/\(info.group)/\(version)"
        if byGroupVersion[path] == nil { order.append(path) }
        byGroupVersion[path, default: []].append(info)
      }
    }
    var documents: [String: [UInt8]] = [:]
    var hashes: [String: String] = [:]
    var all: [JSONValue] = []
    for path in order {
      let version = String(path.split(separator: "/").last!)
      let document = Self.document(for: byGroupVersion[path]!, version: version, registry: registry)
      let bytes = document.jsonBytes()
      documents[path] = bytes
      hashes[path] = Self.hash(bytes)
      all.append(document)
    }
    self.documents = documents
    self.hashes = hashes
    self.v2 = OpenAPIV2(v3: all)
  }

  /// `/openapi/v3`: the discovery of the documents.
  var index: JSONValue {
    var paths: JSONObject = [:]
    for path in hashes.keys.sorted() {
      paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hashes[path]!)")]
    }
    return ["paths": .object(paths)]
  }

  static func document(for infos: [ResourceInfo], version: String, registry: SchemaRegistry) -> JSONValue {
    var paths: JSONObject = [:]
    var roots: [String] = []
    var aliases: [String: JSONValue] = [:]
    for info in infos {
      guard var component = registry.kindComponents[info.group + "/" + info.kind] else { continue }
      // Istio kinds are served in several versions with one schema: each version's
      // document carries the kind under its own group/version.
      if version != info.version, var schema = registry.schemas[component] {
        let alias = SchemaRegistryNames.replacingVersion(component, from: info.version, to: version)
        schema["x-kubernetes-group-version-kind"] = [
          ["group": .string(info.group), "kind": .string(info.kind), "version": .string(version)]
        ]
        aliases[alias] = schema
        roots.append(component)
        component = alias
      } else {
        roots.append(component)
      }
      for (path, item) in Self.paths(for: info, version: version, component: component) { paths[path] = item }
    }
    var schemas = registry.closure(of: roots + ["io.k8s.apimachinery.pkg.apis.meta.v1.Status"])
    schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Status"] = Self.statusSchema
    schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = [
      "type": "object", "description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
    ]
    schemas["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"] = [
      "type": "object", "description": "DeleteOptions may be provided when deleting an API object.",
      "properties": [
        "gracePeriodSeconds": ["type": "integer", "format": "int64"],
        "propagationPolicy": ["type": "string"],
        "dryRun": ["type": "array", "items": ["type": "string"]],
      ],
    ]
    for (name, schema) in aliases { schemas[name] = schema }
    var sorted: JSONObject = [:]
    for name in schemas.keys.sorted() { sorted[name] = schemas[name]! }
    return [
      "openapi": "3.0.0",
      "info": ["title": "Kubernetes", "version": .string("v1.32.0-skiff.\(skiffAPIVersion)")],
      "paths": .object(paths),
      "components": ["schemas": .object(sorted)],
    ]
  }

  /// The operations on one kind's collection, items and status, as the apiserver lists them.
  static func paths(for info: ResourceInfo, version: String, component: String) -> [(String, JSONValue)] {
    let prefix = info.group.isEmpty ? "/api/\(version)" : "/apis/\(info.group)/\(version)"
    let gvk: JSONValue = ["group": .string(info.group), "kind": .string(info.kind), "version": .string(version)]
    let ref: JSONValue = ["$ref": .string("#/components/schemas/\(component)")]
    let scope = info.namespaced ? "Namespaced" : ""
    func operation(_ action: String, _ verb: String, _ parameters: [String], body: [String]? = nil, response: JSONValue) -> JSONValue {
      var op: JSONObject = [
        "description": .string("\(verb) \(info.kind)"),
        "operationId": .string(action + (info.group.isEmpty ? "Core" : "") + scope + info.kind),
        "x-kubernetes-action": .string(action),
        "x-kubernetes-group-version-kind": gvk,
        "parameters": .array(parameters.map(Self.queryParameter)),
        "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": response]]]],
      ]
      if let body {
        var content: JSONObject = [:]
        for type in body { content[type] = ["schema": ref] }
        op["requestBody"] = ["required": true, "content": .object(content)]
      }
      return .object(op)
    }
    let patchTypes = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]
      + (MergeKeys.for(group: info.group, kind: info.kind) != nil ? ["application/strategic-merge-patch+json"] : [])
    let writes = ["dryRun", "fieldManager", "fieldValidation"]
    let list: JSONValue = ["type": "object", "properties": ["items": ["type": "array", "items": ref]]]
    let nameParameter: JSONValue = ["name": "name", "in": "path", "required": true, "schema": ["type": "string"]]
    let namespaceParameter: JSONValue = ["name": "namespace", "in": "path", "required": true, "schema": ["type": "string"]]
    let collectionPath = info.namespaced ? "\(prefix)/namespaces/{namespace}/\(info.plural)" : "\(prefix)/\(info.plural)"
    let common: [JSONValue] = info.namespaced ? [namespaceParameter] : []
    var out: [(String, JSONValue)] = []
    out.append((collectionPath, [
      "parameters": .array(common),
      "get": operation("list", "list or watch objects of kind", ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"], response: list),
      "post": operation("post", "create a", writes, body: ["application/json", "application/yaml"], response: ref),
      "delete": operation("deletecollection", "delete collection of", ["labelSelector", "fieldSelector", "gracePeriodSeconds", "propagationPolicy"], response: ref),
    ]))
    out.append(("\(collectionPath)/{name}", [
      "parameters": .array(common + [nameParameter]),
      "get": operation("get", "read the specified", [], response: ref),
      "put": operation("put", "replace the specified", writes, body: ["application/json", "application/yaml"], response: ref),
      "patch": operation("patch", "partially update the specified", writes + ["force"], body: patchTypes, response: ref),
      "delete": operation("delete", "delete a", ["gracePeriodSeconds", "propagationPolicy", "dryRun"], response: ref),
    ]))
    if info.hasStatus {
      out.append(("\(collectionPath)/{name}/status", [
        "parameters": .array(common + [nameParameter]),
        "get": operation("get", "read status of the specified", [], response: ref),
        "put": operation("put", "replace status of the specified", writes, body: ["application/json"], response: ref),
        "patch": operation("patch", "partially update status of the specified", writes + ["force"], body: patchTypes, response: ref),
      ]))
    }
    if info.namespaced {
      out.append(("\(prefix)/\(info.plural)", [
        "get": operation("list", "list or watch objects of kind", ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"], response: list),
      ]))
    }
    return out
  }

  static func queryParameter(_ name: String) -> JSONValue {
    let type: JSONValue
    switch name {
    case "limit", "gracePeriodSeconds": type = ["type": "integer"]
    case "watch", "force": type = ["type": "boolean"]
    default: type = ["type": "string"]
    }
    return ["name": .string(name), "in": "query", "description": .string(Self.parameterDescriptions[name] ?? name), "schema": type]
  }

  static let parameterDescriptions: [String: String] = [
    "fieldValidation": "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
    "fieldManager": "fieldManager is a name associated with the actor or entity that is making these changes.",
    "dryRun": "When present, indicates that modifications should not be persisted. Valid values are: - All",
    "force": "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people.",
  ]

  static let statusSchema: JSONValue = [
    "type": "object", "description": "Status is a return value for calls that don't return other objects.",
    "properties": [
      "apiVersion": ["type": "string"], "kind": ["type": "string"], "code": ["type": "integer", "format": "int32"],
      "message": ["type": "string"], "reason": ["type": "string"], "status": ["type": "string"],
      "details": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
      "metadata": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
    ],
  ]

  /// A short stable digest of a document (FNV-1a, 64-bit, hex), like the apiserver's etag.
  static func hash(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    let hex = String(h, radix: 16, uppercase: true)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}

enum SchemaRegistryNames {
  /// `io.istio.networking.v1.VirtualService` → `io.istio.networking.v1beta1.VirtualService`.
  static func replacingVersion(_ component: String, from: String, to: String) -> String {
    var parts = component.split(separator: ".").map(String.init)
    if parts.count >= 2, parts[parts.count - 2] == from { parts[parts.count - 2] = to }
    return parts.joined(separator: ".")
  }
}
