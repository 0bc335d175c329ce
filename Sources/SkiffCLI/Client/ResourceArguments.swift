import SkiffAPI

/// The objects a kubectl-style command line names, resolved as kubectl's resource builder
/// does (cli-runtime `pkg/resource/builder.go`): `TYPE NAME...`, `TYPE/NAME...`,
/// `TYPE[,TYPE]` with `-l`/`--all`, across one namespace or all of them.
struct ResourceArguments {
  /// Kinds with explicit names (empty names: every object of the kind, by selector).
  var requests: [(info: ResourceInfo, names: [String])]
  /// The label selector given with `-l` ("" when listing everything).
  var selector: String?
  var fieldSelector: String?
  /// Objects named by `-f` files: kind, namespace (nil: the command's) and name.
  var fileObjects: [(info: ResourceInfo, namespace: String?, name: String)] = []

  /// One object found on the server.
  struct Target {
    var info: ResourceInfo
    var namespace: String?
    var name: String
    var object: JSONValue

    /// kubectl's name-printer form: `deployment.apps/x`.
    var displayName: String { "\(info.kindDotGroup)/\(name)" }
  }

  static let missingResources = """
    error: You must provide one or more resources by argument or filename.
    Example resource specifications include:
       '-f rsrc.yaml'
       '--filename=rsrc.json'
       '<resource> <name>'
       '<resource>'
    """

  /// Parses `args` as `ResourceTypeOrNameArgs(allowEmptySelector, args...)` with
  /// `LabelSelectorParam(selector)`.
  ///
  /// - Parameter allowEmptySelector: a bare `TYPE` means every object of it (describe,
  ///   `--all`); otherwise a name or a selector is required.
  init(_ args: [String], selector: String? = nil, fieldSelector: String? = nil, allowEmptySelector: Bool) throws(CLIError) {
    self.selector = selector.flatMap { $0.isEmpty ? nil : $0 }
    self.fieldSelector = fieldSelector.flatMap { $0.isEmpty ? nil : $0 }
    requests = []
    guard !args.isEmpty else { throw CLIError(Self.missingResources) }
    if args.contains(where: { $0.contains("/") }) {
      guard args.allSatisfy({ $0.contains("/") }) else {
        throw CLIError(
          "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiff get resource/<resource_name>' instead of 'skiff get resource resource/<resource_name>'")
      }
      for arg in args {
        let parts = arg.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
          throw CLIError("error: arguments in resource/name form may not have more than one slash")
        }
        guard !parts[1].isEmpty else {
          throw CLIError("error: arguments in resource/name form must have a single resource and name")
        }
        let info = try ResourcePaths.resolve(String(parts[0]))
        if let i = requests.firstIndex(where: { $0.info == info }) {
          requests[i].names.append(String(parts[1]))
        } else {
          requests.append((info, [String(parts[1])]))
        }
      }
      if self.selector != nil { throw CLIError("error: name cannot be provided when a selector is specified") }
      return
    }
    let kinds = try args[0].split(separator: ",").map { name throws(CLIError) in try ResourcePaths.resolve(String(name)) }
    let names = Array(args.dropFirst())
    if !names.isEmpty {
      if self.selector != nil || self.fieldSelector != nil {
        throw CLIError("error: name cannot be provided when a selector is specified")
      }
      if kinds.count > 1 { throw CLIError("error: you must specify only one resource") }
      requests = [(kinds[0], names)]
      return
    }
    if self.selector == nil && self.fieldSelector == nil && !allowEmptySelector {
      throw CLIError("error: resource(s) were provided, but no name was specified")
    }
    if self.selector == nil && self.fieldSelector == nil { self.selector = "" }
    requests = kinds.map { ($0, []) }
  }

  /// The objects the manifests in `files` name (`-f`), looked up on the server.
  init(files: [String]) throws(CLIError) {
    requests = []
    for manifest in try ManifestLoader.load(files) {
      let apiVersion = manifest.value["apiVersion"]?.stringValue ?? ""
      let kind = manifest.value["kind"]?.stringValue ?? ""
      guard let type = APIRegistry.kind(apiVersion: apiVersion, kind: kind) else {
        throw CLIError(
          "error: resource mapping not found for name: \"\(manifest.value.metadataString("name") ?? "")\" namespace: \"\(manifest.value.metadataString("namespace") ?? "")\" from \"\(manifest.source)\": no matches for kind \"\(kind)\" in version \"\(apiVersion)\"\nensure CRDs are installed first")
      }
      fileObjects.append((type.resourceInfo, manifest.value.metadataString("namespace"), manifest.value.metadataString("name") ?? ""))
    }
    if fileObjects.isEmpty { throw CLIError("error: no objects passed to process") }
  }

  /// Whether the arguments name exactly one object (`IntoSingleItemImplied`).
  var singleItem: Bool {
    fileObjects.isEmpty ? requests.count == 1 && requests[0].names.count == 1 : fileObjects.count == 1
  }

  /// Fetches the named objects (or lists by selector). Objects not found become errors in
  /// kubectl's words, after the objects that were found (`ContinueOnError`).
  func fetch(_ client: APIClient, namespace: String, allNamespaces: Bool = false) throws -> (targets: [Target], errors: [String]) {
    var targets: [Target] = []
    var errors: [String] = []
    for (info, objectNamespace, name) in fileObjects {
      let ns = info.namespaced ? (objectNamespace ?? namespace) : nil
      let response = try client.request("GET", ResourcePaths.object(info, namespace: ns, name: name))
      if response.status == 200, let object = response.json {
        targets.append(Target(info: info, namespace: ns, name: name, object: object))
      } else {
        errors.append(CLIError.fromServer(response).message)
      }
    }
    for (info, names) in requests {
      if names.isEmpty {
        var query: [(String, String)] = []
        if let selector, !selector.isEmpty { query.append(("labelSelector", selector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let ns: String? = info.namespaced ? (allNamespaces ? nil : namespace) : nil
        let response = try client.request("GET", ResourcePaths.collection(info, namespace: ns), query: query)
        guard response.status == 200, let list = response.json else { throw CLIError.fromServer(response) }
        for var item in list.array("items") {
          if item["apiVersion"] == nil { item["apiVersion"] = .string(info.apiVersion) }
          if item["kind"] == nil { item["kind"] = .string(info.kind) }
          targets.append(
            Target(info: info, namespace: item.metadataString("namespace"), name: item.metadataString("name") ?? "", object: item))
        }
      } else {
        let ns = info.namespaced ? namespace : nil
        for name in names {
          let response = try client.request("GET", ResourcePaths.object(info, namespace: ns, name: name))
          if response.status == 200, let object = response.json {
            targets.append(Target(info: info, namespace: ns, name: name, object: object))
          } else {
            errors.append(CLIError.fromServer(response).message)
          }
        }
      }
    }
    return (targets, errors)
  }

  /// kubectl's message when nothing matched (to stderr).
  static func noResourcesMessage(namespace: String, allNamespaces: Bool) -> String {
    allNamespaces ? "No resources found\n" : "No resources found in \(namespace) namespace.\n"
  }
}

extension APIClient {
  /// GETs one object; a non-200 answer is thrown as kubectl prints it.
  func object(_ info: ResourceInfo, namespace: String?, name: String) throws -> JSONValue {
    let response = try request("GET", ResourcePaths.object(info, namespace: info.namespaced ? namespace : nil, name: name))
    guard response.status == 200, let object = response.json else { throw CLIError.fromServer(response) }
    return object
  }

  /// Lists objects of a kind (`namespace` nil: all namespaces), with optional selectors.
  func list(_ info: ResourceInfo, namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil) throws
    -> [JSONValue]
  {
    var query: [(String, String)] = []
    if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
    if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
    let response = try request("GET", ResourcePaths.collection(info, namespace: info.namespaced ? namespace : nil), query: query)
    guard response.status == 200, let list = response.json else { throw CLIError.fromServer(response) }
    return list.array("items")
  }
}
