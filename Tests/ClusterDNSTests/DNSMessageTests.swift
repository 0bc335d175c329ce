import Testing

@testable import SkiffNetwork

@Suite("DNS message codec")
struct DNSMessageTests {
  /// `dig kubernetes.default.svc.cluster.local` as dig 9.18 sends it: RD, AD, EDNS 1232 with a cookie.
  static let digQuery: [UInt8] = [
    0xA1, 0xB2, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    10, 0x6B, 0x75, 0x62, 0x65, 0x72, 0x6E, 0x65, 0x74, 0x65, 0x73,
    7, 0x64, 0x65, 0x66, 0x61, 0x75, 0x6C, 0x74,
    3, 0x73, 0x76, 0x63,
    7, 0x63, 0x6C, 0x75, 0x73, 0x74, 0x65, 0x72,
    5, 0x6C, 0x6F, 0x63, 0x61, 0x6C, 0,
    0x00, 0x01, 0x00, 0x01,
    // OPT: root, type 41, size 1232, ext-rcode 0, version 0, flags 0, rdlen 12, COOKIE (10) len 8
    0, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C,
    0x00, 0x0A, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
  ]

  @Test("parses a query as dig sends it, EDNS options kept")
  func parsesDigQuery() throws {
    let message = try DNSMessage(parsing: Self.digQuery)
    #expect(message.id == 0xA1B2)
    #expect(!message.isResponse)
    #expect(message.recursionDesired)
    #expect(message.authenticData)
    #expect(message.questions == [DNSQuestion(name: DNSName("kubernetes.default.svc.cluster.local")!, type: .a)])
    #expect(message.edns == DNSEDNS(udpPayloadSize: 1232, options: [0x00, 0x0A, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]))
    #expect(message.additionals.isEmpty)
    // And back to the same bytes: the codec passes OPT through unchanged.
    #expect(message.serialized() == Self.digQuery)
  }

  @Test("a response with every record type survives a round trip")
  func roundTrip() throws {
    let zone = DNSName("cluster.local")!
    var message = DNSMessage()
    message.id = 7
    message.isResponse = true
    message.isAuthoritative = true
    message.recursionAvailable = true
    message.responseCode = .badVersion  // 16: needs the OPT record's upper bits
    message.questions = [DNSQuestion(name: DNSName("_grpc._tcp.greeter.ns.svc.cluster.local")!, type: .srv)]
    message.answers = [
      DNSResourceRecord(name: DNSName("a.ns.svc.cluster.local")!, ttl: 5, data: .address(IPAddress("10.96.0.1")!)),
      DNSResourceRecord(name: DNSName("a.ns.svc.cluster.local")!, ttl: 5, data: .address(IPAddress("fd00::1")!)),
      DNSResourceRecord(
        name: DNSName("_grpc._tcp.greeter.ns.svc.cluster.local")!, ttl: 5,
        data: .service(DNSServiceLocation(priority: 0, weight: 50, port: 8080, target: DNSName("greeter-0.greeter.ns.svc.cluster.local")!))),
      DNSResourceRecord(name: DNSName("1.0.96.10.in-addr.arpa")!, ttl: 5, data: .pointer(DNSName("kubernetes.default.svc.cluster.local")!)),
      DNSResourceRecord(name: DNSName("up.ns.svc.cluster.local")!, ttl: 5, data: .canonicalName(DNSName("api.example.com")!)),
      DNSResourceRecord(name: zone, ttl: 5, data: .nameServer(DNSName("ns.dns.cluster.local")!)),
      DNSResourceRecord(name: DNSName("dns-version.cluster.local")!, ttl: 5, data: .text([Array("1.1.0".utf8), []])),
      DNSResourceRecord(name: zone, ttl: 5, data: .unknown(DNSRecordType(rawValue: 99), [1, 2, 3])),
    ]
    message.authorities = [
      DNSResourceRecord(
        name: zone, ttl: 5,
        data: .startOfAuthority(DNSStartOfAuthority(
          primaryServer: DNSName("ns.dns.cluster.local")!, mailbox: DNSName("hostmaster.cluster.local")!,
          serial: 42, refresh: 7200, retry: 1800, expire: 86400, minimumTTL: 5)))
    ]
    message.additionals = [
      DNSResourceRecord(name: DNSName("greeter-0.greeter.ns.svc.cluster.local")!, ttl: 5, data: .address(IPAddress("10.244.0.7")!))
    ]
    message.edns = DNSEDNS(udpPayloadSize: 1232, dnssecOK: true)

    let bytes = message.serialized()
    #expect(try DNSMessage(parsing: bytes) == message)
  }

  @Test("names are compressed against earlier suffixes, case kept as written")
  func compression() throws {
    var message = DNSMessage()
    message.questions = [DNSQuestion(name: DNSName("Foo.Default.svc.cluster.local")!, type: .a)]
    message.answers = [
      DNSResourceRecord(name: DNSName("Foo.Default.svc.cluster.local")!, ttl: 5, data: .address(IPAddress("10.0.0.1")!))
    ]
    let bytes = message.serialized()
    // Header 12 + question name 31 + type/class 4; the answer's owner is one pointer to offset 12.
    #expect(bytes.count == 12 + 31 + 4 + 2 + 10 + 4)
    #expect(Array(bytes[47..<49]) == [0xC0, 12])
    let parsed = try DNSMessage(parsing: bytes)
    #expect(parsed.answers.first?.name.description == "Foo.Default.svc.cluster.local.")

    // A different spelling is not merged with the question's (byte-exact matching)...
    message.answers[0].name = DNSName("foo.default.svc.cluster.local")!
    let mixed = try DNSMessage(parsing: message.serialized())
    #expect(mixed.answers.first?.name.description == "foo.default.svc.cluster.local.")
    // ...but shares the common suffix `svc.cluster.local`.
    #expect(message.serialized().count == 12 + 31 + 4 + (1 + 3 + 1 + 7 + 2) + 10 + 4)
  }

  @Test("SRV targets are written in full but later names may point into them")
  func srvTargetNotCompressed() throws {
    var message = DNSMessage()
    message.answers = [
      DNSResourceRecord(name: DNSName("svc.local")!, ttl: 5, data: .service(DNSServiceLocation(priority: 0, weight: 1, port: 1, target: DNSName("svc.local")!))),
      DNSResourceRecord(name: DNSName("x.svc.local")!, ttl: 5, data: .address(IPAddress("10.0.0.1")!)),
    ]
    let bytes = message.serialized()
    // The target's 11 bytes appear in full after the SRV fixed fields.
    let targetStart = 12 + 11 + 10 + 6
    #expect(Array(bytes[targetStart..<(targetStart + 11)]) == [3, 0x73, 0x76, 0x63, 5, 0x6C, 0x6F, 0x63, 0x61, 0x6C, 0])
    #expect(try DNSMessage(parsing: bytes) == message)
  }

  @Test(
    "malformed packets are rejected with the reason, never a crash",
    arguments: [
      ("shorter than a header", [UInt8](repeating: 0, count: 11), DNSParseError.shortHeader),
      ("question count beyond the packet", [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], .truncated),
      ("label runs past the end", header(questions: 1) + [5, 0x61, 0x62], .truncated),
      ("pointer to itself", header(questions: 1) + [0xC0, 12, 0, 1, 0, 1], .badPointer),
      ("pointer forward", header(questions: 1) + [0xC0, 14, 0, 1, 0, 1, 0], .badPointer),
      // The question's label hides a pointer at 13 to the answer's name at 21, which points to 13: a loop.
      ("loop through bytes inside a label", header(questions: 1, answers: 1) + [3, 0xC0, 21, 0x61, 0, 0, 1, 0, 1] + [0xC0, 13, 0, 1, 0, 1, 0, 0, 0, 5, 0, 0], .badPointer),
      ("extended label type 0x40", header(questions: 1) + [0x41, 0, 0, 1, 0, 1], .unsupportedLabelType),
      ("name over 255 bytes", header(questions: 1) + longName(labels: 5, length: 63) + [0, 1, 0, 1], .nameTooLong),
      ("A record with 5 bytes", header(answers: 1) + [0, 0, 1, 0, 1, 0, 0, 0, 5, 0, 5, 1, 2, 3, 4, 5], .badRecordData(.a)),
      ("OPT in the answer section", header(answers: 1) + [0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0], .misplacedOPT),
      ("two OPT records", header(additionals: 2) + [0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0], .duplicateOPT),
      ("OPT option longer than RDATA", header(additionals: 1) + [0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 4, 0, 10, 0, 8], .badRecordData(.opt)),
      ("RDATA name longer than RDLENGTH", header(answers: 1) + [0, 0, 5, 0, 1, 0, 0, 0, 5, 0, 1, 1, 0x61, 0], .badRecordData(.cname)),
    ])
  func malformed(_ what: String, _ packet: [UInt8], _ error: DNSParseError) {
    #expect(throws: error, "\(what)") { try DNSMessage(parsing: packet) }
  }

  @Test("a label of 63 bytes and a name of 255 bytes are the limits, not errors")
  func limits() throws {
    // 3 labels of 63 + one of 61: 4*64 - 2 + root = 255 bytes.
    let labels = [String](repeating: String(repeating: "a", count: 63), count: 3) + [String(repeating: "b", count: 61)]
    let name = try #require(DNSName(labels.joined(separator: ".")))
    #expect(name.wire.count + 1 == 255)
    var message = DNSMessage()
    message.questions = [DNSQuestion(name: name, type: .a)]
    #expect(try DNSMessage(parsing: message.serialized()).questions.first?.name == name)
    #expect(DNSName(String(repeating: "a", count: 64) + ".local") == nil)
    #expect(DNSName(labels.joined(separator: ".") + "b") == nil)
    #expect(DNSName("a..b") == nil)
  }

  @Test("random bytes and random corruptions of real packets never crash the parser or the responder")
  func fuzz() throws {
    var generator = SplitMix64(seed: 0x5EED)
    let responder = ClusterDNSResponder(resolver: ClusterDNSResolver())
    let snapshot = ClusterFixtures.snapshot
    let valid = makeQuery("istio-grpc-server.grpc-nosidecar.svc.cluster.local", .srv, ednsSize: 4096).serialized()
    let validResponse = ClusterDNSResolver().response(
      to: makeQuery("_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local", .srv), in: snapshot
    ).serialized()
    var parsed = 0
    for round in 0..<20_000 {
      var packet: [UInt8]
      switch round % 3 {
      case 0:
        packet = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
      case 1:
        packet = valid
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
          packet[Int.random(in: 0..<packet.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        }
      default:
        packet = Array(validResponse.prefix(Int.random(in: 0...validResponse.count, using: &generator)))
        if !packet.isEmpty { packet[Int.random(in: 0..<packet.count, using: &generator)] ^= 0xC0 }
      }
      if (try? DNSMessage(parsing: packet)) != nil { parsed += 1 }
      // Whatever comes in, the answer (if any) is itself a parseable message.
      if case .reply(let bytes, _) = responder.respond(to: packet, over: .udp, using: snapshot) {
        #expect(bytes.count <= 1232)
        #expect((try? DNSMessage(parsing: bytes)) != nil)
      }
    }
    #expect(parsed > 0, "the corruptions should leave some packets valid")
  }

}

// MARK: - Packet builders

private func header(questions: UInt8 = 0, answers: UInt8 = 0, additionals: UInt8 = 0) -> [UInt8] {
  [0, 1, 0, 0, 0, questions, 0, answers, 0, 0, 0, additionals]
}

private func longName(labels: Int, length: Int) -> [UInt8] {
  (0..<labels).flatMap { _ in [UInt8(length)] + [UInt8](repeating: 0x61, count: length) }
}

/// A small seeded generator, so a fuzz failure reproduces.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
