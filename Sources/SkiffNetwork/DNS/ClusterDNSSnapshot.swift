/// Everything cluster DNS answers from, precomputed into one dictionary keyed
/// by lower-cased name, so a lookup is one hash probe and never takes a lock.
///
/// The daemon builds a new snapshot when Services, Endpoints, Pods or Namespaces
/// change and hands it to ``ClusterDNSRecords/replace(with:)``; building is
/// the expensive part and happens outside any lock.
public struct ClusterDNSSnapshot: Sendable {
  /// The cluster domain, lower-cased (`cluster.local`).
  public let clusterDomain: String
  /// The SOA serial; CoreDNS uses the time of the last change.
  public let serial: UInt32

  let zone: DNSName
  let services: DNSName
  let pods: DNSName
  let names: [DNSName: ClusterDNSNameRecords]
  let namespaces: Set<String>

  /// The reverse zones answered alongside the cluster domain, as the kubeadm
  /// Corefile has them (`kubernetes cluster.local in-addr.arpa ip6.arpa`).
  static let reverseZones = [DNSName("in-addr.arpa")!, DNSName("ip6.arpa")!]

  /// Kubernetes DNS schema version (kubernetes/dns `docs/specification.md` §2.2).
  static let schemaVersion = "1.1.0"

  /// Computes every name the cluster's objects define; with no arguments, an
  /// empty zone (only its SOA, NS and version record).
  ///
  /// - Parameters:
  ///   - services: Services with their endpoints; invalid names are skipped.
  ///   - pods: Pods, for PTR records of pod IPs (`a-b-c-d.<ns>.pod.<zone>`) and
  ///     namespaces.
  ///   - namespaces: Namespaces that exist; `<ns>.svc.<zone>` of an existing
  ///     namespace is NODATA rather than NXDOMAIN, and pod names need it.
  ///     Namespaces of services and pods are added.
  ///   - clusterDomain: The zone (kubelet `--cluster-domain`).
  ///   - serial: The SOA serial.
  public init(
    services: [DNSService] = [], pods: [DNSPod] = [], namespaces: [String] = [],
    clusterDomain: String = "cluster.local", serial: UInt32 = 1
  ) {
    var builder = ClusterDNSSnapshotBuilder(clusterDomain: clusterDomain)
    for namespace in namespaces + services.map(\.namespace) + pods.map(\.namespace) {
      builder.addNamespace(namespace)
    }
    for service in services {
      builder.add(service)
    }
    // Pods last: an endpoint's own name is a better PTR answer than the pod name.
    for pod in pods {
      builder.add(pod)
    }
    builder.addNameServer(from: services)
    builder.balanceWeights()
    self.clusterDomain = builder.zone.description.lowercased().dropLastDot
    self.serial = serial
    self.zone = builder.zone
    self.services = builder.services
    self.pods = builder.pods
    self.names = builder.names
    self.namespaces = builder.namespaces
  }

  /// The zone answering for `name` (lower-cased), or `nil` outside Skiff's zones.
  func authoritativeZone(for name: DNSName) -> DNSName? {
    if name.isSubdomain(of: zone) { return zone }
    return ClusterDNSSnapshot.reverseZones.first { name.isSubdomain(of: $0) }
  }

  /// The records at `name` (lower-cased); `nil` if the name does not exist.
  func records(at name: DNSName) -> ClusterDNSNameRecords? {
    if let records = names[name] { return records }
    return podRecords(at: name)
  }

  /// `pods insecure`: any `a-b-c-d.<ns>.pod.<zone>` of an existing namespace
  /// resolves to the address in its first label.
  private func podRecords(at name: DNSName) -> ClusterDNSNameRecords? {
    guard name.labelCount == pods.labelCount + 2, name.isSubdomain(of: pods) else { return nil }
    let labels = name.labels
    guard let namespace = String(validating: labels[1], as: UTF8.self),
      namespaces.contains(namespace),
      let label = String(validating: labels[0], as: UTF8.self),
      let address = IPAddress(dashed: label)
    else { return nil }
    return ClusterDNSNameRecords(addresses: [address])
  }
}

/// The records one name owns. A name with none of them still exists (an empty
/// non-terminal such as `default.svc.cluster.local`): its answers are NODATA.
struct ClusterDNSNameRecords: Sendable, Hashable {
  var addresses: [IPAddress] = []
  var serviceLocations: [DNSServiceLocation] = []
  var pointers: [DNSName] = []
  var canonicalName: DNSName? = nil
  var texts: [[UInt8]] = []
}

/// Accumulates names while a snapshot is built.
private struct ClusterDNSSnapshotBuilder {
  let zone: DNSName
  let services: DNSName
  let pods: DNSName
  private(set) var names: [DNSName: ClusterDNSNameRecords] = [:]
  private(set) var namespaces: Set<String> = []

  init(clusterDomain: String) {
    zone = (DNSName(clusterDomain) ?? DNSName("cluster.local")!).lowercased()
    services = zone.prepending("svc")!
    pods = zone.prepending("pod")!
    names[zone] = ClusterDNSNameRecords()
    ensureExists(services)
    ensureExists(pods)
    if let version = zone.prepending("dns-version") {
      names[version, default: .init()].texts = [Array(ClusterDNSSnapshot.schemaVersion.utf8)]
      ensureExists(version)
    }
  }

  mutating func addNamespace(_ namespace: String) {
    let namespace = namespace.lowercased()
    guard !namespaces.contains(namespace) else { return }
    guard let serviceNamespace = services.prepending(namespace),
      let podNamespace = pods.prepending(namespace)
    else { return }
    namespaces.insert(namespace)
    ensureExists(serviceNamespace)
    ensureExists(podNamespace)
  }

  mutating func add(_ service: DNSService) {
    guard let namespace = services.prepending(service.namespace.lowercased()),
      let base = namespace.prepending(service.name.lowercased())
    else { return }
    ensureExists(base)
    switch service.kind {
    case .clusterIP(let clusterIPs):
      for address in clusterIPs {
        addAddress(address, at: base)
        addPointer(from: address, to: base)
      }
      for port in service.ports {
        addServiceLocation(port: port, target: base, addresses: clusterIPs, service: base)
      }
    case .headless:
      for endpoint in service.endpoints where endpoint.isReady {
        addAddress(endpoint.address, at: base)
        // A pod name can be longer than a label; such an endpoint gets no name of its own.
        guard let own = base.prepending(endpoint.dnsLabel.lowercased()) else { continue }
        addAddress(endpoint.address, at: own)
        addPointer(from: endpoint.address, to: own)
        for port in endpoint.ports {
          addServiceLocation(port: port, target: own, addresses: [endpoint.address], service: base)
        }
      }
    case .externalName(let target):
      if let address = IPAddress(target) {
        addAddress(address, at: base)
      } else if let target = DNSName(target) {
        names[base, default: .init()].canonicalName = target.lowercased()
      }
    }
  }

  mutating func add(_ pod: DNSPod) {
    guard let namespace = pods.prepending(pod.namespace.lowercased()) else { return }
    for address in pod.addresses {
      guard names[address.reverseName]?.pointers.isEmpty ?? true,
        let name = namespace.prepending(address.dashed)
      else { continue }
      addPointer(from: address, to: name)
    }
  }

  /// `ns.dns.<zone>`, the target of the zone's NS record, resolves to the
  /// cluster IPs of `kube-system/kube-dns` when that service exists (as in CoreDNS).
  mutating func addNameServer(from services: [DNSService]) {
    guard let nameServer = zone.prepending("dns")?.prepending("ns") else { return }
    ensureExists(nameServer)
    for service in services
    where service.namespace == "kube-system" && service.name == "kube-dns" {
      if case .clusterIP(let addresses) = service.kind {
        for address in addresses { addAddress(address, at: nameServer) }
      }
    }
  }

  /// SRV records: `_<port>._<proto>.<svc>` for named ports, and the service name
  /// itself for every port (what CoreDNS answers for SRV on `<svc>.<ns>.svc`).
  private mutating func addServiceLocation(
    port: DNSPort, target: DNSName, addresses: [IPAddress], service: DNSName
  ) {
    let location = DNSServiceLocation(priority: 0, weight: 0, port: port.port, target: target)
    addLocation(location, at: service)
    guard let portName = port.name, !portName.isEmpty,
      let named = service.prepending("_" + port.transport.rawValue)?
        .prepending("_" + portName.lowercased())
    else { return }
    addLocation(location, at: named)
    for address in addresses {
      addAddress(address, at: named)
    }
  }

  private mutating func addLocation(_ location: DNSServiceLocation, at name: DNSName) {
    ensureExists(name)
    if !names[name, default: .init()].serviceLocations.contains(location) {
      names[name, default: .init()].serviceLocations.append(location)
    }
  }

  /// Weight ⌊100/N⌋, at least 1, for the N records of each SRV RRset (CoreDNS
  /// `plugin/backend_lookup.go`: all records share priority 0).
  mutating func balanceWeights() {
    for (name, records) in names where !records.serviceLocations.isEmpty {
      let weight = UInt16(max(1, 100 / records.serviceLocations.count))
      names[name]!.serviceLocations = records.serviceLocations.map {
        var location = $0
        location.weight = weight
        return location
      }
    }
  }

  private mutating func addAddress(_ address: IPAddress, at name: DNSName) {
    ensureExists(name)
    if !names[name, default: .init()].addresses.contains(address) {
      names[name, default: .init()].addresses.append(address)
    }
  }

  private mutating func addPointer(from address: IPAddress, to name: DNSName) {
    let reverse = address.reverseName
    ensureExists(reverse)
    if !names[reverse, default: .init()].pointers.contains(name) {
      names[reverse, default: .init()].pointers.append(name)
    }
  }

  /// Adds `name` and its ancestors up to the zone apex, so that ancestors answer
  /// NODATA instead of NXDOMAIN (RFC 8020: NXDOMAIN means nothing below exists).
  private mutating func ensureExists(_ name: DNSName) {
    let apex =
      name.isSubdomain(of: zone)
      ? zone : ClusterDNSSnapshot.reverseZones.first { name.isSubdomain(of: $0) } ?? name
    var current = name
    while names[current] == nil {
      names[current] = ClusterDNSNameRecords()
      if current == apex || current.isRoot { break }
      current = current.droppingFirstLabels(1)
    }
  }
}

extension String {
  fileprivate var dropLastDot: String {
    hasSuffix(".") ? String(dropLast()) : self
  }
}
