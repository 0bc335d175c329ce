/// Counters of a running ``ClusterDNSServer``, read with ``ClusterDNSServer/metrics``.
public struct ClusterDNSMetrics: Sendable, Hashable {
  /// Queries answered, by QTYPE as `dig` names it (`A`, `AAAA`, `SRV`, `PTR`, ...;
  /// `TYPE<n>` for others, `unparsed` for FORMERR'd packets).
  public internal(set) var queriesByType: [String: UInt64] = [:]
  /// Responses sent, by RCODE (`NOERROR`, `NXDOMAIN`, `FORMERR`, ...).
  public internal(set) var responsesByCode: [String: UInt64] = [:]
  /// Queries that arrived over UDP.
  public internal(set) var udpQueries: UInt64 = 0
  /// Queries that arrived over TCP.
  public internal(set) var tcpQueries: UInt64 = 0
  /// UDP responses sent with TC set (the client should retry over TCP).
  public internal(set) var truncatedResponses: UInt64 = 0
  /// Packets not answered: shorter than a header, or themselves responses.
  public internal(set) var droppedPackets: UInt64 = 0
  /// TCP connections accepted.
  public internal(set) var tcpConnections: UInt64 = 0

  /// All counters at zero.
  public init() {}

  mutating func record(_ outcome: ClusterDNSResponder.Outcome, over transport: DNSTransport) {
    guard case .reply(_, let summary) = outcome else {
      droppedPackets += 1
      return
    }
    switch transport {
    case .udp: udpQueries += 1
    case .tcp: tcpQueries += 1
    }
    queriesByType[summary.queryType?.description ?? "unparsed", default: 0] += 1
    responsesByCode[summary.responseCode.description, default: 0] += 1
    if summary.truncated { truncatedResponses += 1 }
  }
}
