public import SkiffAPI
public import SkiffMeshConfig
import GoCompat

/// Compiles the cluster's Services, Endpoints, Pods, DestinationRules and VirtualServices
/// into one sidecar's snapshot, following Istio's rules (istio-facts §3–§5): short hosts
/// expand with the namespace of the object that names them, `exportTo` limits who sees a
/// rule, a VirtualService's `http` rules keep their order, a service with no
/// VirtualService gets one default route to its whole cluster, DestinationRule subsets
/// become `outbound|port|subset|host` clusters whose endpoints carry the subset's labels.
///
/// Build one compiler per cluster state (it indexes the inputs) and call `compile(for:)`
/// for each proxy. Output is sorted and versioned by content, so the same state gives the
/// same snapshot and version.
public struct MeshCompiler: Sendable {
  public let inputs: MeshInputs
  /// The cluster's DNS domain.
  public let domain: String
  /// Istio's root namespace: DestinationRules there apply mesh-wide (after the proxy's and
  /// the service's namespaces).
  public let rootNamespace: String

  let servicesByHost: [String: Service]
  let endpointsByKey: [String: Endpoints]
  let podsByKey: [String: Pod]
  let services: [(host: String, service: Service)]
  let virtualServices: [IndexedVirtualService]
  let destinationRules: [IndexedDestinationRule]

  struct IndexedVirtualService: Sendable {
    let object: VirtualService
    let namespace: String
    let hosts: [String]
  }

  struct IndexedDestinationRule: Sendable {
    let object: DestinationRule
    let namespace: String
    let host: String
  }

  public init(inputs: MeshInputs, domain: String = "cluster.local", rootNamespace: String = "istio-system") {
    self.inputs = inputs
    self.domain = domain
    self.rootNamespace = rootNamespace
    var byHost: [String: Service] = [:]
    var list: [(host: String, service: Service)] = []
    for service in inputs.services {
      let namespace = service.metadata.namespace ?? "default"
      let host = "\(service.metadata.name ?? "").\(namespace).svc.\(domain)"
      byHost[host] = service
      list.append((host, service))
    }
    servicesByHost = byHost
    services = list.sorted { $0.host < $1.host }
    endpointsByKey = Dictionary(
      inputs.endpoints.map { ("\($0.metadata.namespace ?? "default")/\($0.metadata.name ?? "")", $0) },
      uniquingKeysWith: { first, _ in first })
    podsByKey = Dictionary(
      inputs.pods.map { ("\($0.metadata.namespace ?? "default")/\($0.metadata.name ?? "")", $0) },
      uniquingKeysWith: { first, _ in first })
    virtualServices = inputs.virtualServices.map { vs in
      let namespace = vs.metadata.namespace ?? "default"
      return IndexedVirtualService(
        object: vs, namespace: namespace,
        hosts: (vs.spec?.hosts ?? []).map { Self.expand($0, namespace: namespace, domain: domain) })
    }.sorted(by: Self.olderFirst)
    destinationRules = inputs.destinationRules.compactMap { dr in
      guard let host = dr.spec?.host, !host.isEmpty else { return nil }
      let namespace = dr.metadata.namespace ?? "default"
      return IndexedDestinationRule(object: dr, namespace: namespace, host: Self.expand(host, namespace: namespace, domain: domain))
    }.sorted(by: Self.olderFirst)
  }

  // MARK: - Proxies

  /// The pods that run a sidecar (an `istio-proxy` container, or the injection status
  /// annotation), sorted.
  public var proxies: [ProxyIdentity] {
    inputs.pods.filter(Self.hasSidecar).map(Self.identity).sorted()
  }

  /// Whether `pod` has an injected sidecar.
  public static func hasSidecar(_ pod: Pod) -> Bool {
    pod.spec.containers.contains { $0.name == "istio-proxy" }
      || (pod.spec.initContainers ?? []).contains { $0.name == "istio-proxy" }
      || pod.metadata.annotations?["sidecar.istio.io/status"] != nil
  }

  /// The SPIFFE ID of the pod's service account, which its sidecar's certificate carries.
  public static func spiffeID(of pod: Pod, domain: String = "cluster.local") -> String {
    let account = pod.spec.serviceAccountName.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    return WorkloadSecret.spiffeID(trustDomain: domain, namespace: pod.metadata.namespace ?? "default", serviceAccount: account)
  }

  /// The SPIFFE ID of `proxy`'s pod, if the inputs have the pod.
  public func spiffeID(of proxy: ProxyIdentity) -> String? {
    podsByKey["\(proxy.namespace)/\(proxy.name)"].map { Self.spiffeID(of: $0, domain: domain) }
  }

  /// Endpoints as a cluster with TLS `mode` dials them: auto mTLS keeps the identity of
  /// endpoints with a sidecar; `ISTIO_MUTUAL` expects one of pod endpoints without it too
  /// (their handshake fails, as in Istio); `DISABLE` dials all in plaintext.
  static func securing(_ endpoints: [Endpoint], _ mode: UpstreamTLSMode) -> [Endpoint] {
    switch mode {
    case .auto: return endpoints
    case .disable: return endpoints.map { var e = $0; e.peerIdentity = nil; return e }
    case .istioMutual:
      return endpoints.map { endpoint in
        var e = endpoint
        if e.peerIdentity == nil, let pod = e.pod, let slash = pod.firstIndex(of: "/") {
          // The pod has no sidecar: its default service account stands in (the handshake fails).
          e.peerIdentity = WorkloadSecret.spiffeID(namespace: String(pod[..<slash]), serviceAccount: "default")
        }
        return e
      }
    }
  }

  static func identity(_ pod: Pod) -> ProxyIdentity {
    ProxyIdentity(namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? "", ip: pod.status?.podIP)
  }

  // MARK: - Compiling

  /// The snapshot for `proxy` (its pod is looked up in the inputs; a proxy whose pod is
  /// unknown gets the outbound side only), versioned by content.
  public func compile(for proxy: ProxyIdentity) -> MeshSnapshot {
    let pod = podsByKey["\(proxy.namespace)/\(proxy.name)"]
    var identity = proxy
    if let ip = pod?.status?.podIP, !ip.isEmpty { identity.ip = ip }
    let view = ProxyView(namespace: proxy.namespace, labels: pod?.metadata.labels ?? [:])
    var outbound: [OutboundListener] = []
    var tables: [RouteTable] = []
    var clusters: [Cluster] = []
    for (host, service) in services where isVisible(service, to: view) {
      let namespace = service.metadata.namespace ?? "default"
      let addresses = Self.clusterIPs(of: service)
      let rule = destinationRule(for: host, serviceNamespace: namespace, view: view)
      let virtualService = virtualService(for: host, serviceNamespace: namespace, view: view)
      for port in service.spec.ports ?? [] {
        let number = Int(port.port)
        guard let proto = ServiceProtocol.select(name: port.name, appProtocol: port.appProtocol, transport: port.protocol, port: number)
        else { continue }
        let endpoints = endpoints(of: service, port: port)
        let (policy, subsetPolicies) = TrafficPolicyResolution.policies(of: rule?.object, port: number)
        clusters.append(
          Cluster(
            service: host, port: number, protocol: proto, endpoints: Self.securing(endpoints, policy.tls),
            loadBalancer: policy.loadBalancer,
            outlierDetection: policy.outlierDetection, connectionPool: policy.connectionPool))
        for subset in rule?.object.spec?.subsets ?? [] {
          guard let name = subset.name, !name.isEmpty else { continue }
          let labels = subset.labels ?? [:]
          let selected = endpoints.filter { endpoint in labels.allSatisfy { endpoint.labels[$0.key] == $0.value } }
          let subsetPolicy = subsetPolicies[name] ?? policy
          clusters.append(
            Cluster(
              service: host, port: number, subset: name, protocol: proto, endpoints: Self.securing(selected, subsetPolicy.tls),
              loadBalancer: subsetPolicy.loadBalancer, outlierDetection: subsetPolicy.outlierDetection,
              connectionPool: subsetPolicy.connectionPool))
        }
        for address in addresses {
          let table = proto.hasRouteTable ? "\(host):\(number)" : nil
          let cluster =
            proto.hasTCPCluster
            ? virtualService.flatMap { tcpCluster(of: $0, port: number, view: view) }
              ?? ClusterName.outbound(port: number, subset: nil, service: host) : nil
          outbound.append(
            OutboundListener(address: address, port: number, protocol: proto, service: host, routeTable: table, tcpCluster: cluster))
        }
        if proto.hasRouteTable && !addresses.isEmpty {
          let routes =
            virtualService.map { httpRoutes(of: $0, service: service, port: number, view: view) }
            ?? [Self.defaultRoute(host: host, port: number)]
          tables.append(RouteTable(name: "\(host):\(number)", routes: routes))
        }
      }
    }
    let snapshot = MeshSnapshot(
      proxy: identity,
      outbound: outbound.sorted { ($0.address, $0.port) < ($1.address, $1.port) },
      inbound: pod.map(inboundListeners(of:)) ?? [],
      routeTables: tables.sorted { $0.name < $1.name },
      clusters: clusters.sorted { $0.name < $1.name })
    return snapshot.versioned()
  }

  /// Snapshots for every proxy.
  public func compileAll() -> [ProxyIdentity: MeshSnapshot] {
    Dictionary(uniqueKeysWithValues: proxies.map { ($0, compile(for: $0)) })
  }

  /// The route Istio gives a service no VirtualService claims: everything to its cluster,
  /// with the default retry policy.
  static func defaultRoute(host: String, port: Int) -> Route {
    Route(
      name: "default",
      action: .weightedClusters([WeightedCluster(cluster: ClusterName.outbound(port: port, subset: nil, service: host), weight: 100)]),
      retry: .istioDefault)
  }

  static func clusterIPs(of service: Service) -> [String] {
    guard service.spec.type != "ExternalName" else { return [] }
    let ips = service.spec.clusterIPs ?? service.spec.clusterIP.map { [$0] } ?? []
    return ips.filter { !$0.isEmpty && $0 != "None" }
  }

  // MARK: - Endpoints

  /// The ready addresses behind a service port, with their pods' labels, sorted.
  func endpoints(of service: Service, port: ServicePort) -> [Endpoint] {
    let namespace = service.metadata.namespace ?? "default"
    guard let object = endpointsByKey["\(namespace)/\(service.metadata.name ?? "")"] else { return [] }
    var out = Set<Endpoint>()
    let single = (service.spec.ports ?? []).count == 1
    for subset in object.subsets ?? [] {
      let ports = subset.ports ?? []
      guard
        let match = ports.first(where: { ($0.name ?? "") == (port.name ?? "") })
          ?? (single && ports.count == 1 ? ports.first : nil)
      else { continue }
      for address in subset.addresses ?? [] where !address.ip.isEmpty {
        var labels: [String: String] = [:]
        var podName: String?
        var peerIdentity: String?
        if let ref = address.targetRef, ref.kind == nil || ref.kind == "Pod", let name = ref.name {
          let podNamespace = ref.namespace ?? namespace
          podName = "\(podNamespace)/\(name)"
          if let pod = podsByKey[podNamespace + "/" + name] {
            labels = pod.metadata.labels ?? [:]
            if Self.hasSidecar(pod) { peerIdentity = Self.spiffeID(of: pod, domain: domain) }
          }
        }
        out.insert(Endpoint(address: address.ip, port: Int(match.port), pod: podName, labels: labels, peerIdentity: peerIdentity))
      }
    }
    return out.sorted()
  }

  // MARK: - Inbound

  /// The ports the pod serves: each port of a service in its namespace that selects it
  /// (resolved to the container port), then declared container ports not already covered,
  /// as TCP.
  func inboundListeners(of pod: Pod) -> [InboundListener] {
    let namespace = pod.metadata.namespace ?? "default"
    let labels = pod.metadata.labels ?? [:]
    var byPort: [Int: InboundListener] = [:]
    for (_, service) in services where (service.metadata.namespace ?? "default") == namespace {
      guard let selector = service.spec.selector, !selector.isEmpty,
        selector.allSatisfy({ labels[$0.key] == $0.value })
      else { continue }
      for port in service.spec.ports ?? [] {
        guard let proto = ServiceProtocol.select(name: port.name, appProtocol: port.appProtocol, transport: port.protocol, port: Int(port.port)),
          let target = Self.resolve(port.targetPort ?? .int(port.port), in: pod)
        else { continue }
        let number = Int(target)
        if byPort[number] == nil { byPort[number] = InboundListener(port: number, protocol: proto) }
      }
    }
    for container in pod.spec.containers where container.name != "istio-proxy" {
      for port in container.ports ?? [] where (port.protocol ?? "TCP").uppercased() == "TCP" {
        let number = Int(port.containerPort)
        if byPort[number] == nil {
          let proto = ServiceProtocol.select(name: port.name, appProtocol: nil, port: number) ?? .tcp
          byPort[number] = InboundListener(port: number, protocol: proto)
        }
      }
    }
    return byPort.values.sorted { $0.port < $1.port }
  }

  static func resolve(_ target: IntOrString, in pod: Pod) -> Int32? {
    switch target {
    case .int(let number): return number
    case .string(let name):
      for container in pod.spec.containers {
        if let port = container.ports?.first(where: { $0.name == name }) { return port.containerPort }
      }
      return nil
    }
  }

  // MARK: - Hosts and visibility

  /// Istio's short-name rule: a host without dots is `<host>.<namespace>.svc.<domain>`;
  /// anything else (FQDNs, wildcards) is taken as written.
  public static func expand(_ host: String, namespace: String, domain: String = "cluster.local") -> String {
    host.contains(".") || host.hasPrefix("*") ? host.lowercased() : "\(host.lowercased()).\(namespace).svc.\(domain)"
  }

  /// Whether a host pattern (exact or `*.suffix`) covers `host`.
  static func hostMatches(_ pattern: String, _ host: String) -> Bool {
    if pattern == host { return true }
    if pattern.hasPrefix("*") { return host.hasSuffix(pattern.dropFirst()) }
    return false
  }

  /// `exportTo`: unset or `*` = every namespace, `.` = the object's own, `~` = none,
  /// otherwise the namespaces listed.
  static func exported(_ exportTo: [String]?, from namespace: String, to viewer: String) -> Bool {
    guard let exportTo, !exportTo.isEmpty else { return true }
    return exportTo.contains { entry in
      entry == "*" || (entry == "." && namespace == viewer) || entry == viewer
    }
  }

  func isVisible(_ service: Service, to view: ProxyView) -> Bool {
    let exportTo = service.metadata.annotations?["networking.istio.io/exportTo"].map {
      $0.split(separator: ",").map { $0.trimming(" ") }
    }
    return Self.exported(exportTo, from: service.metadata.namespace ?? "default", to: view.namespace)
  }

  static func olderFirst<T>(_ a: T, _ b: T) -> Bool where T: HasObjectMeta {
    let (ta, tb) = (a.meta.creationTimestamp?.seconds ?? 0, b.meta.creationTimestamp?.seconds ?? 0)
    if ta != tb { return ta < tb }
    return (a.meta.namespace ?? "", a.meta.name ?? "") < (b.meta.namespace ?? "", b.meta.name ?? "")
  }
}

/// What of the proxy matters to selection: its namespace and its pod's labels.
struct ProxyView {
  let namespace: String
  let labels: [String: String]
}

protocol HasObjectMeta {
  var meta: ObjectMeta { get }
}

extension MeshCompiler.IndexedVirtualService: HasObjectMeta {
  var meta: ObjectMeta { object.metadata }
}

extension MeshCompiler.IndexedDestinationRule: HasObjectMeta {
  var meta: ObjectMeta { object.metadata }
}

extension StringProtocol {
  func trimming(_ set: Character) -> String {
    String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
  }
}
