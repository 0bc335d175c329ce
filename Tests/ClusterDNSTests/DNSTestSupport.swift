import NIOCore
import NIOPosix
@testable import SkiffNetwork

/// A query as a stub resolver sends it (RD set, one question, optional EDNS).
func makeQuery(
  _ name: String, _ type: DNSRecordType, id: UInt16 = 0x1234, ednsSize: UInt16? = nil
) -> DNSMessage {
  var query = DNSMessage()
  query.id = id
  query.recursionDesired = true
  query.questions = [DNSQuestion(name: DNSName(name)!, type: type)]
  if let ednsSize { query.edns = DNSEDNS(udpPayloadSize: ednsSize) }
  return query
}

extension DNSRecordData {
  /// RDATA as `dig` prints it.
  var presentation: String {
    switch self {
    case .address(let address): "\(address)"
    case .canonicalName(let name), .pointer(let name), .nameServer(let name): "\(name)"
    case .service(let srv): "\(srv.priority) \(srv.weight) \(srv.port) \(srv.target)"
    case .startOfAuthority(let soa):
      "\(soa.primaryServer) \(soa.mailbox) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimumTTL)"
    case .text(let strings): strings.map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" }.joined(separator: " ")
    case .unknown(_, let bytes): "\\# \(bytes.count)"
    }
  }
}

extension DNSResourceRecord {
  /// One line of `dig` output: `name. 5 IN A 10.96.0.1`.
  var line: String { "\(name) \(ttl) IN \(type) \(data.presentation)" }
}

extension DNSMessage {
  var answerLines: [String] { answers.map(\.line) }
  var authorityLines: [String] { authorities.map(\.line) }
  var additionalLines: [String] { additionals.map(\.line) }
}

struct TimedOut: Error, CustomStringConvertible {
  var what: String
  var description: String { "timed out: \(what)" }
}

/// Runs `body`, failing after `seconds` (a lost UDP packet must not hang the suite).
func withTimeout<T: Sendable>(
  _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
      throw TimedOut(what: what)
    }
    defer { group.cancelAll() }
    return try await group.next()!
  }
}

/// A DNS client over real loopback sockets, as a pod's stub resolver uses them.
enum LoopbackDNSClient {
  /// Sends one UDP datagram to 127.0.0.1:`port` and returns the reply's bytes.
  static func udp(_ packet: [UInt8], port: Int) async throws -> [UInt8] {
    try await withTimeout(5, "UDP reply from port \(port)") {
      let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0) { channel in
          channel.eventLoop.makeCompletedFuture {
            try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
              wrappingChannelSynchronously: channel)
          }
        }
      return try await channel.executeThenClose { inbound, outbound in
        let server = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await outbound.write(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: packet)))
        for try await envelope in inbound {
          return Array(envelope.data.readableBytesView)
        }
        throw TimedOut(what: "UDP channel closed without a reply")
      }
    }
  }

  static func udp(_ query: DNSMessage, port: Int) async throws -> DNSMessage {
    try DNSMessage(parsing: try await udp(query.serialized(), port: port))
  }

  /// Opens one TCP connection, sends every packet length-prefixed (in one write,
  /// pipelined; then shuts down its sending side if `halfClose`) and reads up to
  /// `replies` length-prefixed answers, fewer if the server closes first.
  static func tcp(
    _ packets: [[UInt8]], replies: Int? = nil, halfClose: Bool = false, port: Int
  ) async throws -> [[UInt8]] {
    try await withTimeout(5, "TCP replies from port \(port)") {
      let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
              wrappingChannelSynchronously: channel,
              configuration: .init(isOutboundHalfClosureEnabled: true))
          }
        }
      return try await channel.executeThenClose { inbound, outbound in
        var out = ByteBuffer()
        for packet in packets {
          out.writeInteger(UInt16(packet.count))
          out.writeBytes(packet)
        }
        if out.readableBytes > 0 { try await outbound.write(out) }
        if halfClose { outbound.finish() }
        var received = ByteBuffer()
        var messages: [[UInt8]] = []
        let wanted = replies ?? packets.count
        for try await chunk in inbound {
          received.writeImmutableBuffer(chunk)
          while let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
            received.readableBytes >= 2 + Int(length)
          {
            received.moveReaderIndex(forwardBy: 2)
            messages.append(Array(received.readSlice(length: Int(length))!.readableBytesView))
          }
          if messages.count >= wanted { break }
        }
        return messages
      }
    }
  }

  static func tcp(_ query: DNSMessage, port: Int) async throws -> DNSMessage {
    let replies = try await tcp([query.serialized()], port: port)
    guard let reply = replies.first else { throw TimedOut(what: "TCP connection closed without a reply") }
    return try DNSMessage(parsing: reply)
  }
}

/// What a pod's resolver does with `search ... options ndots:5`: names with
/// fewer dots than ndots go through the search list first, the name as given
/// last; NXDOMAIN moves on, an answer stops; TC retries the same query over TCP.
struct PodStubResolver {
  var searches: [String]
  var ndots = 5
  var port: Int

  struct Attempt: Equatable, CustomStringConvertible {
    var name: String
    var responseCode: String
    var overTCP: Bool
    var description: String { "\(name) \(responseCode)\(overTCP ? " (tcp)" : "")" }
  }

  /// Resolves `name` to A records; returns the addresses and every query it sent.
  func lookup(_ name: String) async throws -> (addresses: [String], attempts: [Attempt]) {
    let dots = name.count(where: { $0 == "." })
    let candidates =
      name.hasSuffix(".")
      ? [name]
      : dots >= ndots ? [name] + searches.map { "\(name).\($0)" } : searches.map { "\(name).\($0)" } + [name]
    var attempts: [Attempt] = []
    for (index, candidate) in candidates.enumerated() {
      let query = makeQuery(candidate, .a, id: UInt16(index + 1))
      var response = try await LoopbackDNSClient.udp(query, port: port)
      var overTCP = false
      if response.isTruncated {
        attempts.append(Attempt(name: candidate, responseCode: "\(response.responseCode) TC", overTCP: false))
        response = try await LoopbackDNSClient.tcp(query, port: port)
        overTCP = true
      }
      attempts.append(Attempt(name: candidate, responseCode: "\(response.responseCode)", overTCP: overTCP))
      let addresses = response.answers.compactMap { record -> String? in
        if case .address(let address) = record.data, address.isIPv4 { return "\(address)" }
        return nil
      }
      if !addresses.isEmpty { return (addresses, attempts) }
    }
    return ([], attempts)
  }
}
