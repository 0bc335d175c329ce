/// The transport a query arrived on; it decides the response size limit.
enum DNSTransport: Sendable, Hashable {
  case udp
  case tcp
}

/// Packet in, packet out: the pure core the UDP and TCP handlers drive.
struct ClusterDNSResponder: Sendable {
  var resolver: ClusterDNSResolver

  /// What to do with one packet.
  enum Outcome: Sendable, Hashable {
    case reply([UInt8], Summary)
    /// Not answerable: shorter than a header, or itself a response (answering
    /// responses could loop two servers into each other).
    case drop
  }

  /// What the metrics count about one exchange.
  struct Summary: Sendable, Hashable {
    /// `nil` when the query could not be parsed.
    var queryType: DNSRecordType?
    var responseCode: DNSResponseCode
    var truncated: Bool
  }

  /// TCP messages carry a 16-bit length.
  static let tcpLimit = 65535

  func respond(to packet: [UInt8], over transport: DNSTransport, using snapshot: ClusterDNSSnapshot)
    -> Outcome
  {
    guard let header = DNSHeader(parsing: packet), !header.isResponse else { return .drop }
    let query: DNSMessage
    do {
      query = try DNSMessage(parsing: packet)
    } catch {
      var response = DNSMessage()
      response.id = header.id
      response.isResponse = true
      response.opcode = header.opcode
      response.recursionDesired = header.recursionDesired
      response.recursionAvailable = true
      response.responseCode = .formatError
      return .reply(response.serialized(), Summary(responseCode: .formatError, truncated: false))
    }
    let response = resolver.response(to: query, in: snapshot)
    let (bytes, truncated) = response.serialized(limit: limit(for: query, over: transport))
    return .reply(
      bytes,
      Summary(
        queryType: query.questions.first?.type, responseCode: response.responseCode,
        truncated: truncated))
  }

  /// 512 bytes over UDP without EDNS; with EDNS the client's size, capped at what
  /// the server advertises (RFC 6891 §6.2.5); 64 KiB over TCP.
  private func limit(for query: DNSMessage, over transport: DNSTransport) -> Int {
    switch transport {
    case .tcp:
      return ClusterDNSResponder.tcpLimit
    case .udp:
      guard let edns = query.edns else { return DNSMessage.classicUDPLimit }
      let size = min(Int(edns.udpPayloadSize), Int(resolver.udpPayloadSize))
      return max(DNSMessage.classicUDPLimit, size)
    }
  }
}
