import Synchronization

/// Counters and histograms per upstream cluster, with Envoy's stat names, rendered as
/// Prometheus text (`/stats/prometheus`). Thread-safe; each request updates it once, when it ends.
public final class ProxyStats: Sendable {
  /// Envoy's default histogram bucket bounds, in milliseconds.
  static let bucketBounds: [Double] = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000]

  struct Histogram {
    var counts = [UInt64](repeating: 0, count: ProxyStats.bucketBounds.count)
    var sum = 0.0
    var count: UInt64 = 0
    mutating func record(_ value: Double) {
      if let index = ProxyStats.bucketBounds.firstIndex(where: { value <= $0 }) { counts[index] += 1 }
      sum += value
      count += 1
    }
  }

  /// One cluster's numbers.
  public struct Cluster: Sendable {
    public var requests: UInt64 = 0
    public var requestsByCode: [Int: UInt64] = [:]
    public var retries: UInt64 = 0
    public var timeouts: UInt64 = 0
    public var pendingOverflow: UInt64 = 0
    public var connectionsTotal: UInt64 = 0
    public var connectionsActive: Int = 0
    public var connectFailures: UInt64 = 0
    public var connectionsDestroyedByRemote: UInt64 = 0
    /// Mutual-TLS handshakes with endpoints that completed, and those that failed.
    public var sslHandshakes: UInt64 = 0
    public var sslConnectionErrors: UInt64 = 0
    var time = Histogram()
    /// `istio_requests_total` of requests routed to this cluster.
    var requestKinds = RequestKinds()

    mutating func record(_ kind: RequestKind, milliseconds: Double) {
      requestKinds.add(kind)
      recordRequest(code: kind.code, flags: ResponseFlags(rawValue: kind.flags), milliseconds: milliseconds)
    }

    mutating func recordRequest(code: Int, flags: ResponseFlags, milliseconds: Double) {
      requests += 1
      requestsByCode[code, default: 0] += 1
      time.record(milliseconds)
      if flags.contains(.upstreamRequestTimeout) { timeouts += 1 }
      if flags.contains(.upstreamOverflow) { pendingOverflow += 1 }
    }
  }

  /// One `istio_requests_total` series (its cluster aside).
  struct RequestKind: Equatable {
    var code: Int
    var grpcStatus: Int?
    var flags: UInt32
    var grpc: Bool
  }

  /// Counts per request kind. A cluster sees few kinds, so a scan beats hashing a key per request.
  struct RequestKinds {
    var counts: [(kind: RequestKind, count: UInt64)] = []
    mutating func add(_ kind: RequestKind) {
      if let index = counts.firstIndex(where: { $0.kind == kind }) {
        counts[index].count += 1
      } else {
        counts.append((kind, 1))
      }
    }
  }

  struct State {
    var clusters: [String: Cluster] = [:]
    /// `istio_requests_total` of requests without a cluster (local replies before routing).
    var unroutedRequests = RequestKinds()
    var downstreamConnectionsTotal: UInt64 = 0
    var downstreamConnectionsActive = 0
    var downstreamRequests: UInt64 = 0
    var tcpConnections: [String: (opened: UInt64, closed: UInt64, sent: UInt64, received: UInt64)] = [:]
    var bufferedBytes = 0
    var bufferedBytesPeak = 0
    /// Downstream connections of PERMISSIVE listeners by the client's SPIFFE ID ("" for
    /// plaintext), and failed handshakes.
    var inboundByPrincipal: [String: UInt64] = [:]
    var inboundTLSErrors: UInt64 = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// A copy of one cluster's numbers (tests, `/clusters`).
  public func cluster(_ name: String) -> Cluster? { state.withLock { $0.clusters[name] } }

  /// Requests the listener accepted, over all clusters and local replies.
  public var downstreamRequests: UInt64 { state.withLock { $0.downstreamRequests } }

  /// Body bytes held in the proxy's stream queues now, and the most ever held.
  public var bufferedBytes: (now: Int, peak: Int) { state.withLock { ($0.bufferedBytes, $0.bufferedBytesPeak) } }

  func requestFinished(cluster: String?, code: Int, grpcStatus: Int?, flags: ResponseFlags, grpc: Bool, milliseconds: Double) {
    state.withLock { s in
      s.downstreamRequests += 1
      let kind = RequestKind(code: code, grpcStatus: grpcStatus, flags: flags.rawValue, grpc: grpc)
      guard let cluster else { return s.unroutedRequests.add(kind) }
      // One lookup, modified in place (each `s.clusters[cluster]!` would hash the name again).
      s.clusters[cluster, default: Cluster()].record(kind, milliseconds: milliseconds)
    }
  }

  func retried(cluster: String) { state.withLock { $0.clusters[cluster, default: Cluster()].retries += 1 } }

  func upstreamConnectionOpened(cluster: String) {
    state.withLock {
      $0.clusters[cluster, default: Cluster()].connectionsTotal += 1
      $0.clusters[cluster]!.connectionsActive += 1
    }
  }

  func upstreamConnectionClosed(cluster: String, connectFailed: Bool, byRemote: Bool) {
    state.withLock {
      $0.clusters[cluster, default: Cluster()].connectionsActive -= 1
      if connectFailed { $0.clusters[cluster]!.connectFailures += 1 }
      if byRemote { $0.clusters[cluster]!.connectionsDestroyedByRemote += 1 }
    }
  }

  func downstreamConnection(opened: Bool) {
    state.withLock {
      if opened {
        $0.downstreamConnectionsTotal += 1
        $0.downstreamConnectionsActive += 1
      } else {
        $0.downstreamConnectionsActive -= 1
      }
    }
  }

  func tcpConnection(cluster: String, opened: Bool, sent: Int = 0, received: Int = 0) {
    state.withLock {
      var entry = $0.tcpConnections[cluster] ?? (0, 0, 0, 0)
      if opened { entry.opened += 1 } else { entry.closed += 1 }
      entry.sent += UInt64(sent)
      entry.received += UInt64(received)
      $0.tcpConnections[cluster] = entry
    }
  }

  func upstreamTLS(cluster: String, established: Bool) {
    state.withLock {
      if established {
        $0.clusters[cluster, default: Cluster()].sslHandshakes += 1
      } else {
        $0.clusters[cluster, default: Cluster()].sslConnectionErrors += 1
      }
    }
  }

  /// A connection on a PERMISSIVE listener: mutual TLS from `principal`, or plaintext (nil).
  func inboundConnection(principal: String?) {
    state.withLock { $0.inboundByPrincipal[principal ?? "", default: 0] += 1 }
  }

  func inboundTLSError() { state.withLock { $0.inboundTLSErrors += 1 } }

  /// Connections of PERMISSIVE listeners by the client's SPIFFE ID; plaintext ones under "".
  public var inboundConnections: [String: UInt64] { state.withLock { $0.inboundByPrincipal } }

  func bufferedBytesChanged(by delta: Int) {
    state.withLock {
      $0.bufferedBytes += delta
      $0.bufferedBytesPeak = max($0.bufferedBytesPeak, $0.bufferedBytes)
    }
  }

  /// Prometheus text exposition (version 0.0.4), Envoy's names with the `envoy_` prefix and
  /// Istio's `istio_requests_total`.
  public func prometheusText() -> String {
    let s = state.withLock { $0 }
    var out = ""
    func family(_ name: String, _ type: String) { out += "# TYPE \(name) \(type)\n" }
    func label(_ value: String) -> String {
      value.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }
    let clusters = s.clusters.keys.sorted()
    func perCluster(_ name: String, _ type: String, _ value: (Cluster) -> String) {
      family(name, type)
      for c in clusters { out += "\(name){envoy_cluster_name=\"\(label(c))\"} \(value(s.clusters[c]!))\n" }
    }
    perCluster("envoy_cluster_upstream_rq_total", "counter") { String($0.requests) }
    family("envoy_cluster_upstream_rq", "counter")
    for c in clusters {
      for (code, n) in s.clusters[c]!.requestsByCode.sorted(by: { $0.key < $1.key }) {
        out += "envoy_cluster_upstream_rq{envoy_response_code=\"\(code)\",envoy_cluster_name=\"\(label(c))\"} \(n)\n"
      }
    }
    family("envoy_cluster_upstream_rq_xx", "counter")
    for c in clusters {
      var classes: [Int: UInt64] = [:]
      for (code, n) in s.clusters[c]!.requestsByCode { classes[code / 100, default: 0] += n }
      for (cls, n) in classes.sorted(by: { $0.key < $1.key }) {
        out += "envoy_cluster_upstream_rq_xx{envoy_response_code_class=\"\(cls)\",envoy_cluster_name=\"\(label(c))\"} \(n)\n"
      }
    }
    perCluster("envoy_cluster_upstream_rq_retry", "counter") { String($0.retries) }
    perCluster("envoy_cluster_upstream_rq_timeout", "counter") { String($0.timeouts) }
    perCluster("envoy_cluster_upstream_rq_pending_overflow", "counter") { String($0.pendingOverflow) }
    perCluster("envoy_cluster_upstream_cx_total", "counter") { String($0.connectionsTotal) }
    perCluster("envoy_cluster_upstream_cx_active", "gauge") { String($0.connectionsActive) }
    perCluster("envoy_cluster_upstream_cx_connect_fail", "counter") { String($0.connectFailures) }
    perCluster("envoy_cluster_upstream_cx_destroy_remote", "counter") { String($0.connectionsDestroyedByRemote) }
    perCluster("envoy_cluster_ssl_handshake", "counter") { String($0.sslHandshakes) }
    perCluster("envoy_cluster_ssl_connection_error", "counter") { String($0.sslConnectionErrors) }
    family("envoy_cluster_upstream_rq_time", "histogram")
    for c in clusters {
      let h = s.clusters[c]!.time
      var cumulative: UInt64 = 0
      for (i, bound) in ProxyStats.bucketBounds.enumerated() {
        cumulative += h.counts[i]
        out += "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"\(label(c))\",le=\"\(formatBound(bound))\"} \(cumulative)\n"
      }
      out += "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"\(label(c))\",le=\"+Inf\"} \(h.count)\n"
      out += "envoy_cluster_upstream_rq_time_sum{envoy_cluster_name=\"\(label(c))\"} \(h.sum)\n"
      out += "envoy_cluster_upstream_rq_time_count{envoy_cluster_name=\"\(label(c))\"} \(h.count)\n"
    }
    family("envoy_http_downstream_cx_total", "counter")
    out += "envoy_http_downstream_cx_total \(s.downstreamConnectionsTotal)\n"
    family("envoy_http_downstream_cx_active", "gauge")
    out += "envoy_http_downstream_cx_active \(s.downstreamConnectionsActive)\n"
    family("envoy_http_downstream_rq_total", "counter")
    out += "envoy_http_downstream_rq_total \(s.downstreamRequests)\n"
    family("istio_requests_total", "counter")
    // Requests without a cluster show as "-" (merged with a cluster of that name, if any).
    var series: [(cluster: String, kind: RequestKind, count: UInt64)] = []
    for (name, cluster) in s.clusters {
      for entry in cluster.requestKinds.counts { series.append((name, entry.kind, entry.count)) }
    }
    for entry in s.unroutedRequests.counts {
      if let index = series.firstIndex(where: { $0.cluster == "-" && $0.kind == entry.kind }) {
        series[index].count += entry.count
      } else {
        series.append(("-", entry.kind, entry.count))
      }
    }
    for (cluster, key, n) in series.sorted(by: { ($0.cluster, $0.kind.code, $0.kind.flags) < ($1.cluster, $1.kind.code, $1.kind.flags) }) {
      let grpc = key.grpcStatus.map(String.init) ?? ""
      out += "istio_requests_total{reporter=\"source\",destination_cluster=\"\(label(cluster))\",request_protocol=\"\(key.grpc ? "grpc" : "http")\",response_code=\"\(key.code)\",grpc_response_status=\"\(grpc)\",response_flags=\"\(ResponseFlags(rawValue: key.flags))\"} \(n)\n"
    }
    if !s.tcpConnections.isEmpty {
      family("istio_tcp_connections_opened_total", "counter")
      for (c, e) in s.tcpConnections.sorted(by: { $0.key < $1.key }) { out += "istio_tcp_connections_opened_total{destination_cluster=\"\(label(c))\"} \(e.opened)\n" }
      family("istio_tcp_connections_closed_total", "counter")
      for (c, e) in s.tcpConnections.sorted(by: { $0.key < $1.key }) { out += "istio_tcp_connections_closed_total{destination_cluster=\"\(label(c))\"} \(e.closed)\n" }
      family("istio_tcp_sent_bytes_total", "counter")
      for (c, e) in s.tcpConnections.sorted(by: { $0.key < $1.key }) { out += "istio_tcp_sent_bytes_total{destination_cluster=\"\(label(c))\"} \(e.sent)\n" }
      family("istio_tcp_received_bytes_total", "counter")
      for (c, e) in s.tcpConnections.sorted(by: { $0.key < $1.key }) { out += "istio_tcp_received_bytes_total{destination_cluster=\"\(label(c))\"} \(e.received)\n" }
    }
    if !s.inboundByPrincipal.isEmpty || s.inboundTLSErrors > 0 {
      // Istio's label names: `connection_security_policy` and `source_principal`.
      family("skiff_proxy_inbound_connections_total", "counter")
      for (principal, n) in s.inboundByPrincipal.sorted(by: { $0.key < $1.key }) {
        let policy = principal.isEmpty ? "none" : "mutual_tls"
        out += "skiff_proxy_inbound_connections_total{connection_security_policy=\"\(policy)\",source_principal=\"\(label(principal.isEmpty ? "unknown" : principal))\"} \(n)\n"
      }
      family("envoy_listener_ssl_connection_error", "counter")
      out += "envoy_listener_ssl_connection_error{envoy_listener_address=\"virtualInbound\"} \(s.inboundTLSErrors)\n"
    }
    family("skiff_proxy_buffered_bytes", "gauge")
    out += "skiff_proxy_buffered_bytes \(s.bufferedBytes)\n"
    family("skiff_proxy_buffered_bytes_peak", "gauge")
    out += "skiff_proxy_buffered_bytes_peak \(s.bufferedBytesPeak)\n"
    return out
  }

  private func formatBound(_ bound: Double) -> String {
    bound == bound.rounded() ? String(Int(bound)) : String(bound)
  }
}

extension String {
  func replacingAll(_ target: Character, _ replacement: String) -> String {
    guard contains(target) else { return self }
    var out = ""
    for c in self { if c == target { out += replacement } else { out.append(c) } }
    return out
  }
}
