import NIOCore
import NIOEmbedded
import Testing

@testable import SkiffNetwork

/// Packet in, packet out, without sockets: sizes, truncation, FORMERR, drops.
@Suite("cluster DNS responder")
struct ClusterDNSResponderTests {
  let responder = ClusterDNSResponder(resolver: ClusterDNSResolver())
  /// 40 endpoints: about 700 bytes of A records, over the classic 512.
  let snapshot = ClusterDNSSnapshot(services: [ClusterFixtures.bigHeadless(count: 40)])
  let bigName = "big.default.svc.cluster.local"

  func reply(_ packet: [UInt8], over transport: DNSTransport = .udp) throws -> (DNSMessage, Int) {
    guard case .reply(let bytes, _) = responder.respond(to: packet, over: transport, using: snapshot) else {
      Issue.record("no reply")
      throw TimedOut(what: "reply")
    }
    return (try DNSMessage(parsing: bytes), bytes.count)
  }

  @Test("a UDP answer over 512 bytes without EDNS is cut to the question with TC set")
  func truncatedWithoutEDNS() throws {
    let (response, size) = try reply(makeQuery(bigName, .a).serialized())
    #expect(size <= 512)
    #expect(response.isTruncated)
    #expect(response.answers.isEmpty)
    #expect(response.responseCode == .noError)
    #expect(response.questions.first?.name == DNSName(bigName))
  }

  @Test("the same query over TCP carries all 40 addresses")
  func fullOverTCP() throws {
    let (response, size) = try reply(makeQuery(bigName, .a).serialized(), over: .tcp)
    #expect(size > 512)
    #expect(!response.isTruncated)
    #expect(response.answers.count == 40)
  }

  @Test("an EDNS client's size is honoured up to the server's 1232")
  func ednsSizes() throws {
    let (fits, _) = try reply(makeQuery(bigName, .a, ednsSize: 1232).serialized())
    #expect(!fits.isTruncated)
    #expect(fits.answers.count == 40)
    // Under 512 counts as 512 (RFC 6891).
    let (small, smallSize) = try reply(makeQuery(bigName, .a, ednsSize: 100).serialized())
    #expect(small.isTruncated && smallSize <= 512)
    // 4096 asked, but 1232 is the server's cap: 100 addresses (~1.6 KB) are truncated.
    let huge = ClusterDNSSnapshot(services: [ClusterFixtures.bigHeadless(count: 100)])
    guard case .reply(let bytes, let summary) = responder.respond(
      to: makeQuery(bigName, .a, ednsSize: 4096).serialized(), over: .udp, using: huge)
    else { return #expect(Bool(false)) }
    #expect(bytes.count <= 1232)
    #expect(summary.truncated)
  }

  @Test("SRV additional records are dropped first, without TC, when only they overflow")
  func additionalsDroppedFirst() throws {
    let service = DNSService(
      namespace: "default", name: "web", kind: .headless,
      endpoints: (1...7).map { DNSEndpoint(address: IPAddress("10.244.2.\($0)")!, podName: "web-pod-\($0)", ports: [DNSPort(name: "http", port: 80)]) })
    let snapshot = ClusterDNSSnapshot(services: [service])
    let query = makeQuery("_http._tcp.web.default.svc.cluster.local", .srv).serialized()
    guard case .reply(let udp, _) = responder.respond(to: query, over: .udp, using: snapshot),
      case .reply(let tcp, _) = responder.respond(to: query, over: .tcp, using: snapshot)
    else { return #expect(Bool(false)) }
    let full = try DNSMessage(parsing: tcp)
    #expect(full.answers.count == 7 && full.additionals.count == 7)
    #expect(tcp.count > 512)
    let cut = try DNSMessage(parsing: udp)
    #expect(cut.answers.count == 7)
    #expect(cut.additionals.isEmpty)
    #expect(!cut.isTruncated)
  }

  @Test("a packet with a readable header but a broken body gets FORMERR with its ID")
  func formatError() throws {
    var packet = makeQuery("kubernetes.default.svc.cluster.local", .a, id: 0xBEEF).serialized()
    packet.removeLast(3)
    guard case .reply(let bytes, let summary) = responder.respond(to: packet, over: .udp, using: snapshot) else {
      return #expect(Bool(false), "expected FORMERR")
    }
    let response = try DNSMessage(parsing: bytes)
    #expect(response.id == 0xBEEF)
    #expect(response.isResponse && response.recursionDesired)
    #expect(response.responseCode == .formatError)
    #expect(summary.queryType == nil)
  }

  @Test("thousands of questions over TCP: FORMERR that still fits a TCP frame")
  func manyQuestions() throws {
    // Each question after the first is a 2-byte pointer to the first name: 6 bytes.
    var packet = makeQuery("kubernetes.default.svc.cluster.local", .a).serialized()
    let count = 10_000
    packet[4] = UInt8(count >> 8)
    packet[5] = UInt8(count & 0xFF)
    for _ in 1..<count { packet += [0xC0, 12, 0, 1, 0, 1] }
    #expect(packet.count < 65536)
    let (response, size) = try reply(packet, over: .tcp)
    #expect(size <= 65535)
    #expect(response.responseCode == .formatError)
    #expect(response.questions.isEmpty)
  }

  @Test("packets shorter than a header, and responses, are dropped")
  func drops() {
    #expect(responder.respond(to: [1, 2, 3], over: .udp, using: snapshot) == .drop)
    #expect(responder.respond(to: [], over: .tcp, using: snapshot) == .drop)
    var response = makeQuery("kubernetes.default.svc.cluster.local", .a)
    response.isResponse = true
    #expect(responder.respond(to: response.serialized(), over: .udp, using: snapshot) == .drop)
  }

  @Test("metrics count queries by type, responses by code, truncation and drops")
  func metrics() {
    var metrics = ClusterDNSMetrics()
    for (packet, transport) in [
      (makeQuery(bigName, .a).serialized(), DNSTransport.udp),
      (makeQuery(bigName, .a).serialized(), .tcp),
      (makeQuery(bigName, .aaaa).serialized(), .udp),
      (makeQuery("nope.default.svc.cluster.local", .a).serialized(), .udp),
      ([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], .udp),
      ([0], .udp),
    ] {
      metrics.record(responder.respond(to: packet, over: transport, using: snapshot), over: transport)
    }
    #expect(metrics.queriesByType == ["A": 3, "AAAA": 1, "unparsed": 1])
    #expect(metrics.responsesByCode == ["NOERROR": 3, "NXDOMAIN": 1, "FORMERR": 1])
    #expect(metrics.udpQueries == 4 && metrics.tcpQueries == 1)
    #expect(metrics.truncatedResponses == 1)
    #expect(metrics.droppedPackets == 1)
  }
}

/// The NIO handlers over `EmbeddedChannel`: framing and connection handling only.
@Suite("cluster DNS handlers")
struct ClusterDNSHandlerTests {
  let exchange = ClusterDNSExchange(
    records: ClusterDNSRecords(ClusterFixtures.snapshot),
    responder: ClusterDNSResponder(resolver: ClusterDNSResolver()))

  func streamChannel() throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandlers(
      ByteToMessageHandler(DNSStreamFrameDecoder()), ClusterDNSStreamHandler(exchange: exchange))
    // Embedded channels are active only once "connected" (no I/O happens).
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 53)).wait()
    #expect(channel.isActive)
    return channel
  }

  func frame(_ message: DNSMessage) -> [UInt8] {
    let bytes = message.serialized()
    return [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
  }

  func readReply(_ channel: EmbeddedChannel) throws -> DNSMessage? {
    guard var buffer = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
    let length = buffer.readInteger(as: UInt16.self)
    #expect(length.map(Int.init) == buffer.readableBytes)
    return try DNSMessage(parsing: Array(buffer.readableBytesView))
  }

  @Test("TCP: two pipelined queries split at odd places get two answers, in order")
  func pipelined() throws {
    let channel = try streamChannel()
    let bytes = frame(makeQuery("kubernetes.default.svc.cluster.local", .a, id: 1))
      + frame(makeQuery("nope.default.svc.cluster.local", .a, id: 2))
    // Deliver in 1-, 2- and 7-byte pieces: the length prefix itself is split.
    var index = 0
    for size in [1, 2, 7].cycled(count: bytes.count) where index < bytes.count {
      let end = min(index + size, bytes.count)
      try channel.writeInbound(ByteBuffer(bytes: bytes[index..<end]))
      index = end
    }
    let first = try #require(try readReply(channel))
    let second = try #require(try readReply(channel))
    #expect(first.id == 1 && first.answers.count == 1)
    #expect(second.id == 2 && second.responseCode == .nameError)
    #expect(try readReply(channel) == nil)
    #expect(channel.isActive)
  }

  @Test("TCP: a frame that is not a DNS message closes the connection")
  func garbageCloses() throws {
    let channel = try streamChannel()
    try channel.writeInbound(ByteBuffer(bytes: [0, 3, 1, 2, 3]))
    #expect(!channel.isActive)
  }

  @Test("TCP: the idle event closes the connection")
  func idleCloses() throws {
    let channel = try streamChannel()
    channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
    #expect(!channel.isActive)
  }

  @Test("UDP: the answer goes back to the sender's address")
  func datagram() throws {
    let channel = EmbeddedChannel(handler: ClusterDNSDatagramHandler(exchange: exchange))
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 53)).wait()
    let client = try SocketAddress(ipAddress: "127.0.0.1", port: 40000)
    let query = makeQuery("kubernetes.default.svc.cluster.local", .a).serialized()
    try channel.writeInbound(AddressedEnvelope(remoteAddress: client, data: ByteBuffer(bytes: query)))
    let reply = try #require(try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self))
    #expect(reply.remoteAddress == client)
    #expect(try DNSMessage(parsing: Array(reply.data.readableBytesView)).answers.count == 1)
    // A short packet gets nothing back, and the channel stays up.
    try channel.writeInbound(AddressedEnvelope(remoteAddress: client, data: ByteBuffer(bytes: [1, 2])))
    #expect(try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) == nil)
    #expect(channel.isActive)
    #expect(exchange.metrics.udpQueries == 1 && exchange.metrics.droppedPackets == 1)
  }
}

extension Array {
  /// The elements repeated until `count` values were produced.
  fileprivate func cycled(count: Int) -> [Element] {
    (0..<count).map { self[$0 % self.count] }
  }
}
