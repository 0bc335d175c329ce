/// Answers one parsed query from a snapshot: pure, no I/O, no locks.
///
/// Behaves like CoreDNS's `kubernetes` plugin with `pods insecure` and no
/// `forward`: names outside the cluster domain and the reverse zones are
/// NXDOMAIN, since Skiff's network has no uplink to ask.
struct ClusterDNSResolver: Sendable {
  /// TTL of every record, and the SOA's negative-caching TTL.
  var ttl: UInt32 = 5
  /// The UDP payload size advertised in responses to EDNS queries.
  var udpPayloadSize: UInt16 = 1232

  /// CNAMEs followed inside the zone before the resolver gives up and lets the client continue.
  static let maxAliasHops = 8

  func response(to query: DNSMessage, in snapshot: ClusterDNSSnapshot) -> DNSMessage {
    var response = DNSMessage()
    response.id = query.id
    response.isResponse = true
    response.opcode = query.opcode
    response.recursionDesired = query.recursionDesired
    // The server is the pods' only resolver; saying RA keeps `dig` and stub resolvers quiet.
    response.recursionAvailable = true
    response.checkingDisabled = query.checkingDisabled
    response.questions = query.questions
    if let edns = query.edns {
      response.edns = DNSEDNS(udpPayloadSize: udpPayloadSize, dnssecOK: edns.dnssecOK)
      guard edns.version == 0 else {
        response.responseCode = .badVersion
        response.questions = []
        return response
      }
    }
    guard query.opcode == .query else {
      response.responseCode = .notImplemented
      return response
    }
    guard query.questions.count == 1, let question = query.questions.first else {
      // Not echoed: thousands of questions would not fit any response.
      response.questions = []
      response.responseCode = .formatError
      return response
    }
    guard question.recordClass == .internet || question.recordClass == .any,
      question.type != .axfr, question.type != .ixfr
    else {
      response.responseCode = .refused
      return response
    }
    answer(question, in: snapshot, into: &response)
    return response
  }

  private func answer(_ question: DNSQuestion, in snapshot: ClusterDNSSnapshot, into response: inout DNSMessage) {
    var owner = question.name
    var key = owner.lowercased()
    guard var zone = snapshot.authoritativeZone(for: key) else {
      response.responseCode = .nameError
      return
    }
    response.isAuthoritative = true
    for _ in 0...ClusterDNSResolver.maxAliasHops {
      guard let records = snapshot.records(at: key) else {
        response.responseCode = .nameError
        response.authorities = [startOfAuthority(for: zone, in: snapshot)]
        return
      }
      if let alias = records.canonicalName, question.type != .cname, question.type != .any {
        response.answers.append(record(owner, .canonicalName(alias)))
        // A target outside the zones is left for the client to chase.
        guard let next = snapshot.authoritativeZone(for: alias) else { return }
        owner = alias
        key = alias
        zone = next
        continue
      }
      let answers = self.answers(question.type, at: owner, key: key, zone: zone, records, snapshot)
      if answers.isEmpty {
        response.authorities = [startOfAuthority(for: zone, in: snapshot)]
        return
      }
      response.answers += answers
      response.additionals = additionals(for: answers, in: snapshot)
      return
    }
  }

  private func answers(
    _ type: DNSRecordType, at owner: DNSName, key: DNSName, zone: DNSName,
    _ records: ClusterDNSNameRecords, _ snapshot: ClusterDNSSnapshot
  ) -> [DNSResourceRecord] {
    var data: [DNSRecordData] = []
    let isApex = key == zone
    if type == .a || type == .any {
      data += records.addresses.filter(\.isIPv4).map { .address($0) }
    }
    if type == .aaaa || type == .any {
      data += records.addresses.filter { !$0.isIPv4 }.map { .address($0) }
    }
    if type == .srv || type == .any {
      data += records.serviceLocations.map { .service($0) }
    }
    if type == .ptr || type == .any {
      data += records.pointers.map { .pointer($0) }
    }
    if type == .cname || type == .any, let alias = records.canonicalName {
      data.append(.canonicalName(alias))
    }
    if type == .txt || type == .any {
      data += records.texts.map { .text([$0]) }
    }
    if isApex && (type == .soa || type == .any) {
      data.append(startOfAuthority(for: zone, in: snapshot).data)
    }
    if isApex && (type == .ns || type == .any) {
      data.append(.nameServer(nameServer(for: zone)))
    }
    return data.map { record(owner, $0) }
  }

  /// The addresses of SRV targets and of the NS name, so a client needs no second query.
  private func additionals(for answers: [DNSResourceRecord], in snapshot: ClusterDNSSnapshot)
    -> [DNSResourceRecord]
  {
    var targets: [DNSName] = []
    for answer in answers {
      switch answer.data {
      case .service(let location) where !targets.contains(location.target):
        targets.append(location.target)
      case .nameServer(let name) where !targets.contains(name):
        targets.append(name)
      default:
        break
      }
    }
    return targets.flatMap { target in
      (snapshot.records(at: target)?.addresses ?? []).map { record(target, .address($0)) }
    }
  }

  /// CoreDNS's SOA for its zones: `ns.dns.<zone>`, `hostmaster.<zone>`, 7200
  /// 1800 86400, minimum = TTL.
  private func startOfAuthority(for zone: DNSName, in snapshot: ClusterDNSSnapshot)
    -> DNSResourceRecord
  {
    let soa = DNSStartOfAuthority(
      primaryServer: nameServer(for: zone), mailbox: zone.prepending("hostmaster") ?? zone,
      serial: snapshot.serial, refresh: 7200, retry: 1800, expire: 86400, minimumTTL: ttl)
    return record(zone, .startOfAuthority(soa))
  }

  private func nameServer(for zone: DNSName) -> DNSName {
    zone.prepending("dns")?.prepending("ns") ?? zone
  }

  private func record(_ name: DNSName, _ data: DNSRecordData) -> DNSResourceRecord {
    DNSResourceRecord(name: name, ttl: ttl, data: data)
  }
}
