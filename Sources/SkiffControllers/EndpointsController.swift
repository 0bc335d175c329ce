public import SkiffAPI
public import SkiffStore

/// Service → Endpoints, as kubernetes `pkg/controller/endpoint`: the pods a Service selects,
/// ready ones under `addresses` and the rest under `notReadyAddresses`, with each Service
/// port resolved to the pod's port (a named targetPort looks up the container port by name).
/// The same addresses go into one EndpointSlice per Service, as `pkg/controller/endpointslice`
/// writes them (ready/serving/terminating conditions, owned by the Service).
public struct EndpointsController: Reconciler {
  public let name = "endpoint-controller"
  let registry: ObjectRegistry

  public init(registry: ObjectRegistry) {
    self.registry = registry
  }

  static let services = Service.resourceInfo.groupResource
  static let pods = Pod.resourceInfo.groupResource

  public var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] {
    let registry = self.registry
    return [
      (Self.services, { [$0.key] }),
      // A pod change affects the services in its namespace whose selector matches it.
      (Self.pods, { event in
        let labels = event.object.object.labels
        return registry.store.list(Self.services, namespace: event.key.namespace).items.compactMap { service in
          guard let selector = service.object.value(at: ["spec", "selector"])?.objectValue, !selector.isEmpty else { return nil }
          let matches = selector.allSatisfy { labels[$0.key] == $0.value.stringValue }
          return matches ? service.key : nil
        }
      }),
    ]
  }

  public func allKeys() -> [ObjectKey] { registry.store.list(Self.services).items.map(\.key) }

  public func reconcile(_ key: ObjectKey) async throws {
    guard let service = registry.get(Service.self, namespace: key.namespace, name: key.name),
      service.metadata.deletionTimestamp == nil
    else {
      try registry.delete(Endpoints.self, namespace: key.namespace, name: key.name)
      for slice in slices(of: key) { try registry.delete(EndpointSlice.self, namespace: key.namespace, name: slice.metadata.name ?? "") }
      return
    }
    // A Service without a selector has its Endpoints managed by someone else.
    guard let selector = service.spec.selector, !selector.isEmpty else { return }
    let pods = registry.list(Pod.self, namespace: key.namespace).filter { pod in
      pod.metadata.deletionTimestamp == nil && selector.allSatisfy { pod.metadata.labels?[$0.key] == $0.value }
        && !(pod.status?.podIP ?? "").isEmpty && pod.status?.phase != "Succeeded" && pod.status?.phase != "Failed"
    }
    let subsets = Self.subsets(service: service, pods: pods)
    try reconcileSlice(service: service, key: key, subsets: subsets)
    var endpoints = Endpoints(metadata: ObjectMeta(name: key.name, namespace: key.namespace, labels: service.metadata.labels))
    endpoints.subsets = subsets.isEmpty ? nil : subsets
    if let existing = registry.get(Endpoints.self, namespace: key.namespace, name: key.name) {
      guard existing.subsets != endpoints.subsets || existing.metadata.labels != endpoints.metadata.labels else { return }
      try registry.modify(Endpoints.self, namespace: key.namespace, name: key.name) {
        $0.subsets = endpoints.subsets
        $0.metadata.labels = endpoints.metadata.labels
      }
    } else {
      try registry.create(endpoints)
    }
  }

  func slices(of key: ObjectKey) -> [EndpointSlice] {
    registry.list(EndpointSlice.self, namespace: key.namespace).filter {
      $0.metadata.labels?[EndpointSlice.serviceNameLabel] == key.name
        && $0.metadata.labels?[EndpointSlice.managedByLabel] == EndpointSlice.controllerName
    }
  }

  /// The Service's slice: every endpoint of the Endpoints' subsets, ready or not.
  func reconcileSlice(service: Service, key: ObjectKey, subsets: [EndpointSubset]) throws {
    var endpoints: [SliceEndpoint] = []
    for subset in subsets {
      for (address, ready) in (subset.addresses ?? []).map({ ($0, true) }) + (subset.notReadyAddresses ?? []).map({ ($0, false) }) {
        endpoints.append(SliceEndpoint(
          addresses: [address.ip], conditions: SliceEndpointConditions(ready: ready, serving: ready, terminating: false),
          targetRef: address.targetRef, nodeName: address.nodeName))
      }
    }
    endpoints.sort { $0.addresses[0] < $1.addresses[0] }
    let ports = subsets.first?.ports?.map { SlicePort(name: $0.name ?? "", protocol: $0.protocol, port: $0.port, appProtocol: $0.appProtocol) }
      ?? (service.spec.ports ?? []).map { SlicePort(name: $0.name ?? "", protocol: $0.protocol ?? "TCP", port: nil) }
    let labels = [
      EndpointSlice.serviceNameLabel: key.name, EndpointSlice.managedByLabel: EndpointSlice.controllerName,
    ].merging(service.metadata.labels ?? [:]) { ours, _ in ours }
    if let existing = slices(of: key).first, let name = existing.metadata.name {
      guard existing.endpoints ?? [] != endpoints || existing.ports ?? [] != ports || existing.metadata.labels != labels else { return }
      try registry.modify(EndpointSlice.self, namespace: key.namespace, name: name) {
        $0.endpoints = endpoints
        $0.ports = ports
        $0.metadata.labels = labels
      }
      return
    }
    var meta = ObjectMeta(name: Self.sliceName(service), namespace: key.namespace, labels: labels)
    meta.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Service", name: key.name, uid: service.metadata.uid ?? "")]
    try registry.create(EndpointSlice(metadata: meta, addressType: "IPv4", endpoints: endpoints, ports: ports))
  }

  /// `<service>-<5 characters>` as the controller's generateName gives, stable per Service uid.
  static func sliceName(_ service: Service) -> String {
    let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (service.metadata.uid ?? service.metadata.name ?? "").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    var suffix = ""
    for _ in 0..<5 {
      suffix.append(alphabet[Int(hash % UInt64(alphabet.count))])
      hash /= UInt64(alphabet.count)
    }
    let base = String((service.metadata.name ?? "").prefix(57))
    return base + "-" + suffix
  }

  /// Subsets grouped by the resolved port set, addresses sorted by IP.
  static func subsets(service: Service, pods: [Pod]) -> [EndpointSubset] {
    var groups: [String: (ports: [EndpointPort], ready: [EndpointAddress], notReady: [EndpointAddress])] = [:]
    var order: [String] = []
    let publishNotReady = service.spec.publishNotReadyAddresses ?? false
    for pod in pods {
      var ports: [EndpointPort] = []
      for port in service.spec.ports ?? [] {
        guard let number = resolve(port.targetPort ?? .int(port.port), in: pod) else { continue }
        var endpointPort = EndpointPort(port: number, name: port.name, protocol: port.protocol ?? "TCP")
        endpointPort.appProtocol = port.appProtocol
        ports.append(endpointPort)
      }
      if ports.isEmpty && !(service.spec.ports ?? []).isEmpty { continue }
      let address = EndpointAddress(
        ip: pod.status?.podIP ?? "", nodeName: pod.spec.nodeName,
        targetRef: ObjectReference(kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid))
      let groupKey = ports.map { "\($0.name ?? "")/\($0.port)/\($0.protocol ?? "")" }.joined(separator: ",")
      if groups[groupKey] == nil {
        groups[groupKey] = (ports, [], [])
        order.append(groupKey)
      }
      if ReplicaSetController.isReady(pod) || publishNotReady {
        groups[groupKey]!.ready.append(address)
      } else {
        groups[groupKey]!.notReady.append(address)
      }
    }
    return order.map { groupKey in
      let group = groups[groupKey]!
      let ports = group.ports
      return EndpointSubset(
        addresses: group.ready.isEmpty ? nil : group.ready.sorted { $0.ip < $1.ip },
        notReadyAddresses: group.notReady.isEmpty ? nil : group.notReady.sorted { $0.ip < $1.ip },
        ports: ports.isEmpty ? nil : ports)
    }
  }

  /// A Service targetPort on a pod: a number as is, a name through the containers' ports.
  static func resolve(_ target: IntOrString, in pod: Pod) -> Int32? {
    switch target {
    case .int(let n): return n
    case .string(let name):
      for container in pod.spec.containers {
        if let port = container.ports?.first(where: { $0.name == name }) { return port.containerPort }
      }
      return nil
    }
  }
}
