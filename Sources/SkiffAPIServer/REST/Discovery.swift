import SkiffAPI

/// The discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/{g}/{v}`) built from the
/// served kinds, so clients learn what exists the way kubectl does.
struct Discovery {
  let kinds: [ResourceInfo]

  var groups: [String] {
    var seen: [String] = []
    for k in kinds where !k.group.isEmpty && !seen.contains(k.group) { seen.append(k.group) }
    return seen
  }

  func versions(of group: String) -> [String] {
    var seen: [String] = []
    for k in kinds where k.group == group {
      for v in k.servedVersions where !seen.contains(v) { seen.append(v) }
    }
    return seen
  }

  /// `/api`: APIVersions.
  var coreVersions: JSONValue {
    ["kind": "APIVersions", "versions": ["v1"],
     "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"]]]
  }

  /// `/apis`: APIGroupList.
  var groupList: JSONValue {
    .object(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.map(group))])
  }

  /// `/apis/{group}`: APIGroup.
  func group(_ name: String) -> JSONValue {
    let versions = versions(of: name)
    let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
    return .object([
      "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
      "preferredVersion": entries.first ?? .null,
    ])
  }

  /// `/api/v1`, `/apis/{g}/{v}`: APIResourceList, or nil when the group/version is not served.
  func resourceList(group: String, version: String) -> JSONValue? {
    let served = kinds.filter { $0.group == group && $0.servedVersions.contains(version) }
    guard !served.isEmpty else { return nil }
    var resources: [JSONValue] = []
    for k in served {
      var entry: JSONObject = [
        "name": .string(k.plural), "singularName": .string(k.singular), "namespaced": .bool(k.namespaced),
        "kind": .string(k.kind),
        "verbs": .array(k.verbs.map { .string($0) }),
      ]
      if !k.shortNames.isEmpty { entry["shortNames"] = .array(k.shortNames.map { .string($0) }) }
      if !k.categories.isEmpty { entry["categories"] = .array(k.categories.map { .string($0) }) }
      resources.append(.object(entry))
      if k.hasStatus {
        resources.append([
          "name": .string("\(k.plural)/status"), "singularName": "", "namespaced": .bool(k.namespaced),
          "kind": .string(k.kind), "verbs": ["get", "patch", "update"],
        ])
      }
      if k.group == "apps" && (k.kind == "Deployment" || k.kind == "ReplicaSet") {
        resources.append([
          "name": .string("\(k.plural)/scale"), "singularName": "", "namespaced": true,
          "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"],
        ])
      }
      if k.group == "" && k.kind == "Pod" {
        resources.append([
          "name": "pods/ephemeralcontainers", "singularName": "", "namespaced": true, "kind": "Pod",
          "verbs": ["get", "patch", "update"],
        ])
        for sub in ["log", "exec", "attach", "portforward"] {
          resources.append([
            "name": .string("pods/\(sub)"), "singularName": "", "namespaced": true,
            "kind": .string(sub == "log" ? "Pod" : "PodExecOptions"),
            "verbs": sub == "log" ? ["get"] : ["create", "get"],
          ])
        }
      }
    }
    return .object([
      "kind": "APIResourceList", "apiVersion": "v1",
      "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
    ])
  }

  /// The subresources of a kind as discovery lists them: (name, response group/version/kind, verbs).
  func subresources(of k: ResourceInfo, version: String) -> [(String, JSONValue, JSONValue)] {
    let own: JSONValue = ["group": .string(k.group), "version": .string(version), "kind": .string(k.kind)]
    var out: [(String, JSONValue, JSONValue)] = []
    if k.hasStatus { out.append(("status", own, ["get", "patch", "update"])) }
    if k.group == "apps" && (k.kind == "Deployment" || k.kind == "ReplicaSet") {
      out.append(("scale", ["group": "autoscaling", "version": "v1", "kind": "Scale"], ["get", "patch", "update"]))
    }
    if k.group == "" && k.kind == "Pod" {
      let options: JSONValue = ["group": "", "version": "v1", "kind": "PodExecOptions"]
      out.append(("attach", ["group": "", "version": "v1", "kind": "PodAttachOptions"], ["create", "get"]))
      out.append(("ephemeralcontainers", own, ["get", "patch", "update"]))
      out.append(("exec", options, ["create", "get"]))
      out.append(("log", own, ["get"]))
      out.append(("portforward", ["group": "", "version": "v1", "kind": "PodPortForwardOptions"], ["create", "get"]))
    }
    return out
  }

  /// Aggregated discovery (`apidiscovery.k8s.io/v2` APIGroupDiscoveryList): every group,
  /// version and resource in one response, for `/api` (`core`) or `/apis`. kubectl 1.32 asks
  /// for it first and reads the rest of discovery from it.
  func aggregated(core: Bool, apiVersion: String) -> JSONValue {
    let names = core ? [""] : groups
    let items: [JSONValue] = names.map { group in
      let versions: [JSONValue] = (group.isEmpty ? ["v1"] : versions(of: group)).map { version in
        let resources: [JSONValue] = kinds.filter { $0.group == group && $0.servedVersions.contains(version) }.map { k in
          var entry: JSONObject = [
            "resource": .string(k.plural),
            "responseKind": ["group": .string(k.group), "version": .string(version), "kind": .string(k.kind)],
            "scope": k.namespaced ? "Namespaced" : "Cluster", "singularResource": .string(k.singular),
            "verbs": .array(k.verbs.map { .string($0) }),
          ]
          if !k.shortNames.isEmpty { entry["shortNames"] = .array(k.shortNames.map { .string($0) }) }
          if !k.categories.isEmpty { entry["categories"] = .array(k.categories.map { .string($0) }) }
          let subs = subresources(of: k, version: version)
          if !subs.isEmpty {
            entry["subresources"] = .array(subs.map { ["subresource": .string($0.0), "responseKind": $0.1, "verbs": $0.2] })
          }
          return .object(entry)
        }
        return ["version": .string(version), "resources": .array(resources), "freshness": "Current"]
      }
      return ["metadata": ["name": .string(group), "creationTimestamp": .null], "versions": .array(versions)]
    }
    return ["kind": "APIGroupDiscoveryList", "apiVersion": .string(apiVersion), "metadata": [:], "items": .array(items)]
  }

  /// The aggregated discovery version an `Accept` header asks for (`v2`, `v2beta1`), if any,
  /// in the client's order of preference.
  static func aggregatedVersion(accept: String) -> String? {
    for part in accept.split(separator: ",") {
      let parameters = part.split(separator: ";").map { $0.lowercased().filter { $0 != " " } }
      guard parameters.contains("g=apidiscovery.k8s.io"), parameters.contains("as=apigroupdiscoverylist") else { continue }
      if parameters.contains("v=v2") { return "v2" }
      if parameters.contains("v=v2beta1") { return "v2beta1" }
    }
    return nil
  }
}
