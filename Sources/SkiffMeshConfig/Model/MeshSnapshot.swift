/// Everything one sidecar needs to route its pod's traffic, as the control plane compiles
/// it: Envoy's listeners, route tables (RDS), clusters (CDS) and their endpoints (EDS) in one
/// value, pushed whole (xDS state of the world) and identified by `version`.
///
/// Every collection is sorted by name, so two snapshots compiled from the same cluster state
/// are equal and encode to the same bytes; `version` is a hash of that content.
public struct MeshSnapshot: Codable, Equatable, Hashable, Sendable {
  /// A content hash (`MeshSnapshot.contentVersion`); equal versions mean equal snapshots.
  public var version: String
  /// The proxy this snapshot was compiled for.
  public var proxy: ProxyIdentity
  /// Listeners for the pod's outgoing connections, one per service `ClusterIP:port`.
  public var outbound: [OutboundListener]
  /// Listeners for connections into the pod, one per port the pod serves.
  public var inbound: [InboundListener]
  /// HTTP route tables, referenced by outbound listeners by name.
  public var routeTables: [RouteTable]
  /// Upstream clusters with their endpoints, referenced by routes and TCP listeners.
  public var clusters: [Cluster]
  /// The workload's certificate and the mesh root for mutual TLS with other sidecars; nil
  /// when the control plane has no mesh CA (connections then stay plaintext).
  public var secret: WorkloadSecret?

  public init(
    version: String = "", proxy: ProxyIdentity, outbound: [OutboundListener] = [], inbound: [InboundListener] = [],
    routeTables: [RouteTable] = [], clusters: [Cluster] = [], secret: WorkloadSecret? = nil
  ) {
    self.version = version
    self.proxy = proxy
    self.outbound = outbound
    self.inbound = inbound
    self.routeTables = routeTables
    self.clusters = clusters
    self.secret = secret
  }

  /// The cluster named `name`, if the snapshot has it.
  public func cluster(named name: String) -> Cluster? {
    clusters.first { $0.name == name }
  }

  /// The route table named `name`, if the snapshot has it.
  public func routeTable(named name: String) -> RouteTable? {
    routeTables.first { $0.name == name }
  }
}

/// Which sidecar a snapshot is for: Istio's proxy ID is `<pod>.<namespace>`.
public struct ProxyIdentity: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
  public var namespace: String
  public var name: String
  /// The pod's IP address, when it has one.
  public var ip: String?

  public init(namespace: String, name: String, ip: String? = nil) {
    self.namespace = namespace
    self.name = name
    self.ip = ip
  }

  /// `<pod>.<namespace>`, as `istioctl proxy-status` names proxies.
  public var id: String { "\(name).\(namespace)" }

  public var description: String { id }

  public static func < (lhs: ProxyIdentity, rhs: ProxyIdentity) -> Bool {
    (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
  }
}
