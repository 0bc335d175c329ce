public import SkiffAPI
public import SkiffStore

/// Service → Endpoints, as kubernetes `pkg/controller/endpoint`: the pods a Service selects,
/// ready ones under `addresses` and the rest under `notReadyAddresses`, with each Service
/// port resolved to the pod's port (a named targetPort looks up the container port by name).
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
      return
    }
    // A Service without a selector has its Endpoints managed by someone else.
    guard let selector = service.spec.selector, !selector.isEmpty else { return }
    let pods = registry.list(Pod.self, namespace: key.namespace).filter { pod in
      pod.metadata.deletionTimestamp == nil && selector.allSatisfy { pod.metadata.labels?[$0.key] == $0.value }
        && !(pod.status?.podIP ?? "").isEmpty && pod.status?.phase != "Succeeded" && pod.status?.phase != "Failed"
    }
    let subsets = Self.subsets(service: service, pods: pods)
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
