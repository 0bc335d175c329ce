/// How a strategic merge patch treats one field: the `patchStrategy` and `patchMergeKey`
/// struct tags of k8s.io/api (`patchStrategy:"merge" patchMergeKey:"name"`).
public struct PatchStrategy: Sendable, Hashable, CustomStringConvertible {
  /// Lists: merge the patch's items into the live ones instead of replacing the list.
  public var merge: Bool
  /// Lists of objects: the member that identifies an item (`name`, `containerPort`);
  /// nil for lists of scalars, which merge as sets (`finalizers`).
  public var mergeKey: String?
  /// Objects (or the items of a merged list): fields absent from the patch's
  /// `$retainKeys` list are cleared (Deployment `spec.strategy`, Pod `spec.volumes`).
  public var retainKeys: Bool
  /// Objects: the patch value replaces the object instead of merging into it.
  public var replace: Bool

  public init(merge: Bool = false, mergeKey: String? = nil, retainKeys: Bool = false, replace: Bool = false) {
    self.merge = merge
    self.mergeKey = mergeKey
    self.retainKeys = retainKeys
    self.replace = replace
  }

  /// `patchStrategy:"merge" patchMergeKey:"<key>"`.
  public static func merge(key: String) -> PatchStrategy { PatchStrategy(merge: true, mergeKey: key) }
  /// `patchStrategy:"merge,retainKeys" patchMergeKey:"<key>"`.
  public static func mergeRetainingKeys(key: String) -> PatchStrategy {
    PatchStrategy(merge: true, mergeKey: key, retainKeys: true)
  }
  /// `patchStrategy:"merge"` on a list of scalars.
  public static let mergeScalars = PatchStrategy(merge: true)
  /// `patchStrategy:"retainKeys"`.
  public static let retainKeys = PatchStrategy(retainKeys: true)
  /// `patchStrategy:"replace"`.
  public static let replace = PatchStrategy(replace: true)

  /// The struct tag text: `merge,retainKeys key=name`.
  public var description: String {
    var strategies: [String] = []
    if merge { strategies.append("merge") }
    if retainKeys { strategies.append("retainKeys") }
    if replace { strategies.append("replace") }
    return strategies.joined(separator: ",") + (mergeKey.map { " key=\($0)" } ?? "")
  }
}

/// The strategic merge information of one kind: which fields merge lists by which key,
/// keep keys or replace, by JSON path from the object's root. Items of a list are
/// transparent in paths: `spec.containers.ports` is the `ports` of every container.
///
/// The built-in kinds' tables (``for(group:kind:)``) are data transcribed from the
/// k8s.io/api struct tags. Kinds with no table are custom resources: the API server does
/// not take strategic merge patches for them and kubectl's apply computes a JSON merge
/// patch instead.
public struct MergeKeys: Sendable, Hashable {
  /// The strategy of the field this node describes (nil: the default, objects merge and
  /// lists are replaced).
  public var strategy: PatchStrategy?
  private var fields: [String: MergeKeys] = [:]

  /// No strategic information: every object merges, every list is replaced.
  public static let empty = MergeKeys()

  public init() {}

  /// A table of dotted paths (`"spec.template.spec.containers": .merge(key: "name")`).
  public init(_ table: [String: PatchStrategy]) {
    for (path, strategy) in table { setStrategy(strategy, at: path.split(separator: ".").map(String.init)[...]) }
  }

  private mutating func setStrategy(_ strategy: PatchStrategy, at path: ArraySlice<String>) {
    guard let first = path.first else {
      self.strategy = strategy
      return
    }
    var child = fields[first] ?? MergeKeys()
    child.setStrategy(strategy, at: path.dropFirst())
    fields[first] = child
  }

  /// The information under the field `name` (an object member, or a list's items).
  public subscript(field name: String) -> MergeKeys { fields[name] ?? .empty }

  /// The strategy at a dotted path (`spec.template.spec.containers`), nil for the default.
  public func strategy(at path: String) -> PatchStrategy? {
    var node = self
    for key in path.split(separator: ".") { node = node[field: String(key)] }
    return node.strategy
  }

  /// Every path with a strategy, sorted: the table this was built from.
  public var table: [(path: String, strategy: PatchStrategy)] {
    var rows: [(String, PatchStrategy)] = []
    func walk(_ node: MergeKeys, _ prefix: String) {
      if let s = node.strategy { rows.append((prefix, s)) }
      for (name, child) in node.fields { walk(child, prefix.isEmpty ? name : prefix + "." + name) }
    }
    walk(self, "")
    return rows.sorted { goLess($0.0, $1.0) }
  }

  /// The tables of the built-in kinds, nil for kinds without strategic merge support
  /// (custom resources such as `networking.istio.io` VirtualService).
  public static func `for`(group: String, kind: String) -> MergeKeys? {
    BuiltinMergeKeys.kinds[BuiltinMergeKeys.key(group: group, kind: kind)]
  }

  /// As ``for(group:kind:)`` with the group taken from `apiVersion` (`apps/v1` → `apps`).
  public static func `for`(apiVersion: String, kind: String) -> MergeKeys? {
    self.for(group: splitAPIVersion(apiVersion).group, kind: kind)
  }

  /// As ``for(group:kind:)`` for the `apiVersion` and `kind` of an object.
  public static func `for`(object: JSONValue) -> MergeKeys? {
    guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else { return nil }
    return self.for(apiVersion: apiVersion, kind: kind)
  }

  /// The group/kind pairs that have tables (every built-in kind kubectl knows).
  public static var builtinKinds: [(group: String, kind: String)] {
    BuiltinMergeKeys.kinds.keys.sorted(by: goLess).map { key in
      let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
      return (String(parts[0]), String(parts[1]))
    }
  }
}

/// The built-in kinds' strategic merge tables, from the `patchStrategy`/`patchMergeKey`
/// tags of k8s.io/api (core/v1, apps/v1, batch/v1, ...) and apimachinery's ObjectMeta.
enum BuiltinMergeKeys {
  static func key(group: String, kind: String) -> String { group + "/" + kind }

  typealias Table = [String: PatchStrategy]

  /// metav1.ObjectMeta.
  static let objectMeta: Table = [
    "ownerReferences": .merge(key: "uid"),
    "finalizers": .mergeScalars,
  ]

  /// core/v1 Container and EphemeralContainerCommon.
  static let container: Table = [
    "ports": .merge(key: "containerPort"),
    "env": .merge(key: "name"),
    "volumeMounts": .merge(key: "mountPath"),
    "volumeDevices": .merge(key: "devicePath"),
  ]

  /// core/v1 PodSpec.
  static let podSpec: Table = [
    "volumes": .mergeRetainingKeys(key: "name"),
    "initContainers": .merge(key: "name"),
    "containers": .merge(key: "name"),
    "ephemeralContainers": .merge(key: "name"),
    "imagePullSecrets": .merge(key: "name"),
    "hostAliases": .merge(key: "ip"),
    "topologySpreadConstraints": .merge(key: "topologyKey"),
    "schedulingGates": .merge(key: "name"),
    "resourceClaims": .mergeRetainingKeys(key: "name"),
  ]
  .merging(mounted(container, at: "initContainers")) { a, _ in a }
  .merging(mounted(container, at: "containers")) { a, _ in a }
  .merging(mounted(container, at: "ephemeralContainers")) { a, _ in a }

  /// core/v1 PodStatus.
  static let podStatus: Table = [
    "conditions": .merge(key: "type"),
    "hostIPs": .merge(key: "ip"),
    "podIPs": .merge(key: "ip"),
    "resourceClaimStatuses": .mergeRetainingKeys(key: "name"),
  ]

  /// core/v1 PodTemplateSpec.
  static let podTemplateSpec: Table = mounted(objectMeta, at: "metadata").merging(mounted(podSpec, at: "spec")) { a, _ in a }

  /// `status.conditions` merged by `type`, as most kinds' status has it.
  static let statusConditions: Table = ["status.conditions": .merge(key: "type")]

  static func mounted(_ table: Table, at prefix: String) -> Table {
    Dictionary(uniqueKeysWithValues: table.map { (prefix + "." + $0.key, $0.value) })
  }

  /// A kind's table: ObjectMeta at `metadata` plus its own fields.
  static func kind(_ tables: Table...) -> MergeKeys {
    var all = mounted(objectMeta, at: "metadata")
    for table in tables { all.merge(table) { a, _ in a } }
    return MergeKeys(all)
  }

  static let workload = kind(mounted(podTemplateSpec, at: "spec.template"), statusConditions)

  static let kinds: [String: MergeKeys] = {
    var kinds: [String: MergeKeys] = [:]
    func add(_ group: String, _ names: [String], _ keys: MergeKeys = kind()) {
      for name in names { kinds[key(group: group, kind: name)] = keys }
    }
    // core/v1
    add("", ["Pod"], kind(mounted(podSpec, at: "spec"), mounted(podStatus, at: "status")))
    add("", ["PodTemplate"], kind(mounted(podTemplateSpec, at: "template")))
    add("", ["ReplicationController"], workload)
    add("", ["Service"], kind(["spec.ports": .merge(key: "port")], statusConditions))
    add("", ["ServiceAccount"], kind(["secrets": .merge(key: "name")]))
    add("", ["Node"], kind(["spec.podCIDRs": .mergeScalars, "status.addresses": .merge(key: "type")], statusConditions))
    add("", ["Namespace", "PersistentVolumeClaim"], kind(statusConditions))
    add("", ["ComponentStatus"], kind(["conditions": .merge(key: "type")]))
    add("", ["ConfigMap", "Secret", "Endpoints", "Event", "LimitRange", "ResourceQuota", "PersistentVolume", "Binding"])
    // apps/v1
    add("apps", ["Deployment"], kind(mounted(podTemplateSpec, at: "spec.template"), ["spec.strategy": .retainKeys], statusConditions))
    add("apps", ["ReplicaSet", "StatefulSet", "DaemonSet"], workload)
    // discovery.k8s.io/v1
    add("discovery.k8s.io", ["EndpointSlice"])
    add("apps", ["ControllerRevision"])
    // batch/v1
    add("batch", ["Job"], workload)
    add("batch", ["CronJob"], kind(mounted(objectMeta, at: "spec.jobTemplate.metadata"),
                                   mounted(podTemplateSpec, at: "spec.jobTemplate.spec.template")))
    // autoscaling, policy
    add("autoscaling", ["HorizontalPodAutoscaler"], kind(statusConditions))
    add("policy", ["PodDisruptionBudget"], kind(["spec.selector": .replace], statusConditions))
    // networking.k8s.io
    add("networking.k8s.io", ["ServiceCIDR"], kind(statusConditions))
    add("networking.k8s.io", ["Ingress", "IngressClass", "NetworkPolicy", "IPAddress"])
    // rbac, storage, coordination, discovery, events, scheduling, node, certificates
    add("rbac.authorization.k8s.io", ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"])
    add("storage.k8s.io", ["CSINode"], kind(["spec.drivers": .merge(key: "name")]))
    add("storage.k8s.io", ["StorageClass", "CSIDriver", "VolumeAttachment", "CSIStorageCapacity", "VolumeAttributesClass"])
    add("coordination.k8s.io", ["Lease"])
    add("discovery.k8s.io", ["EndpointSlice"])
    add("events.k8s.io", ["Event"])
    add("scheduling.k8s.io", ["PriorityClass"])
    add("node.k8s.io", ["RuntimeClass"])
    add("certificates.k8s.io", ["CertificateSigningRequest"])
    // admissionregistration.k8s.io/v1
    let webhooks = kind(["webhooks": .merge(key: "name"), "webhooks.matchConditions": .merge(key: "name")])
    add("admissionregistration.k8s.io", ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"], webhooks)
    add("admissionregistration.k8s.io", ["ValidatingAdmissionPolicy"],
        kind(["spec.matchConditions": .merge(key: "name"), "spec.variables": .merge(key: "name")]))
    add("admissionregistration.k8s.io", ["ValidatingAdmissionPolicyBinding"])
    // flowcontrol.apiserver.k8s.io/v1
    add("flowcontrol.apiserver.k8s.io", ["FlowSchema", "PriorityLevelConfiguration"], kind(statusConditions))
    // CustomResourceDefinitions are served by the built-in apiextensions server, which
    // takes strategic merge patches for them (not for the custom resources they define).
    add("apiextensions.k8s.io", ["CustomResourceDefinition"])
    return kinds
  }()
}
