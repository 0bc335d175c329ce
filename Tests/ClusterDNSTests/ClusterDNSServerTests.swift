import NIOCore
import NIOPosix
import Testing

@testable import SkiffNetwork

/// Runs a server on 127.0.0.1, port 0, for the duration of `body`, then stops it
/// and checks that `run()` returned.
func withClusterDNSServer<T: Sendable>(
  _ snapshot: ClusterDNSSnapshot = ClusterFixtures.snapshot,
  configure: (inout ClusterDNSServer.Configuration) -> Void = { _ in },
  _ body: @Sendable (ClusterDNSServer, ClusterDNSRecords) async throws -> T
) async throws -> T {
  var configuration = ClusterDNSServer.Configuration(host: "127.0.0.1", port: 0)
  configure(&configuration)
  let records = ClusterDNSRecords(snapshot)
  let server = try await ClusterDNSServer.bind(configuration, records: records)
  let running = Task { try await server.run() }
  let result: T
  do {
    result = try await body(server, records)
  } catch {
    await server.stop()
    _ = try? await running.value
    throw error
  }
  await server.stop()
  try await withTimeout(5, "run() returning after stop()") { try await running.value }
  return result
}

@Suite("cluster DNS server on loopback sockets")
struct ClusterDNSServerTests {
  @Test("UDP and TCP share one real port and answer a service's A record")
  func udpAndTCP() async throws {
    try await withClusterDNSServer { server, _ in
      #expect(server.port > 0)
      let name = "istio-grpc-server.grpc-nosidecar.svc.cluster.local"
      let udp = try await LoopbackDNSClient.udp(makeQuery(name, .a), port: server.port)
      #expect(udp.answerLines == ["\(name). 5 IN A 10.96.12.34"])
      let tcp = try await LoopbackDNSClient.tcp(makeQuery(name, .a), port: server.port)
      #expect(tcp.answerLines == ["\(name). 5 IN A 10.96.12.34"])
    }
  }

  @Test("a pod resolver with the ClusterFirst search path finds the service by short and by full name")
  func podSearchPath() async throws {
    try await withClusterDNSServer { server, _ in
      let resolvConf = PodResolvConf.clusterFirst(namespace: "grpc-nosidecar", clusterDNS: ["10.96.0.10"])
      let resolver = PodStubResolver(searches: resolvConf.searches, ndots: 5, port: server.port)

      let short = try await resolver.lookup("istio-grpc-server")
      #expect(short.addresses == ["10.96.12.34"])
      #expect(short.attempts.map(\.description) == ["istio-grpc-server.grpc-nosidecar.svc.cluster.local NOERROR"])

      // 4 dots < ndots:5: every search expansion is tried first and must be answered
      // NXDOMAIN (a NODATA would stop musl there; no answer would cost a stub-resolver
      // timeout), then the name as given answers.
      let full = try await resolver.lookup("istio-grpc-server.grpc-nosidecar.svc.cluster.local")
      #expect(full.addresses == ["10.96.12.34"])
      #expect(
        full.attempts.map(\.description) == [
          "istio-grpc-server.grpc-nosidecar.svc.cluster.local.grpc-nosidecar.svc.cluster.local NXDOMAIN",
          "istio-grpc-server.grpc-nosidecar.svc.cluster.local.svc.cluster.local NXDOMAIN",
          "istio-grpc-server.grpc-nosidecar.svc.cluster.local.cluster.local NXDOMAIN",
          "istio-grpc-server.grpc-nosidecar.svc.cluster.local NOERROR",
        ])

      // Another namespace's service by `<svc>.<ns>`.
      let other = try await resolver.lookup("kubernetes.default")
      #expect(other.addresses == ["10.96.0.1"])

      // Outside names fail everywhere: nothing answers, nothing hangs.
      let outside = try await resolver.lookup("example.com")
      #expect(outside.addresses.isEmpty)
      #expect(outside.attempts.allSatisfy { $0.responseCode == "NXDOMAIN" })
      #expect(outside.attempts.count == 4)
    }
  }

  @Test("a headless service too big for 512 bytes: TC over UDP, then the full list over TCP")
  func truncationAndTCPRetry() async throws {
    let big = ClusterFixtures.bigHeadless(count: 40)
    try await withClusterDNSServer(ClusterDNSSnapshot(services: [big])) { server, _ in
      let resolver = PodStubResolver(searches: [], port: server.port)
      let result = try await resolver.lookup("big.default.svc.cluster.local.")
      #expect(result.addresses.count == 40)
      #expect(result.addresses.first == "10.244.1.1" && result.addresses.last == "10.244.1.40")
      #expect(
        result.attempts.map(\.description) == [
          "big.default.svc.cluster.local. NOERROR TC", "big.default.svc.cluster.local. NOERROR (tcp)",
        ])
      let metrics = server.metrics
      #expect(metrics.truncatedResponses == 1)
      #expect(metrics.udpQueries == 1 && metrics.tcpQueries == 1 && metrics.tcpConnections == 1)
    }
  }

  @Test("one TCP connection answers several pipelined queries in order")
  func severalQueriesPerConnection() async throws {
    try await withClusterDNSServer { server, _ in
      let names = [
        "kubernetes.default.svc.cluster.local", "nope.default.svc.cluster.local",
        "greeter.grpc-nosidecar.svc.cluster.local",
      ]
      let packets = names.enumerated().map { makeQuery($1, .a, id: UInt16($0 + 1)).serialized() }
      let replies = try await LoopbackDNSClient.tcp(packets, port: server.port).map { try DNSMessage(parsing: $0) }
      #expect(replies.map(\.id) == [1, 2, 3])
      #expect(replies.map { "\($0.responseCode)" } == ["NOERROR", "NXDOMAIN", "NOERROR"])
      #expect(replies[2].answers.count == 3)
      #expect(server.metrics.tcpConnections == 1 && server.metrics.tcpQueries == 3)
    }
  }

  @Test("a client that shuts down its sending side after the query still gets the answer, then EOF")
  func halfClose() async throws {
    try await withClusterDNSServer { server, _ in
      let packet = makeQuery("kubernetes.default.svc.cluster.local", .a).serialized()
      // Ask for two replies: the second never comes, the server closes after the first.
      let replies = try await LoopbackDNSClient.tcp([packet], replies: 2, halfClose: true, port: server.port)
      #expect(replies.count == 1)
      #expect(try replies.first.map { try DNSMessage(parsing: $0).answers.count } == 1)
    }
  }

  @Test("a TCP connection that sends nothing is closed after the idle timeout")
  func idleTimeout() async throws {
    try await withClusterDNSServer(configure: { $0.tcpIdleTimeout = .milliseconds(200) }) { server, _ in
      let clock = ContinuousClock()
      let start = clock.now
      // Ask for one reply but send nothing: the stream ends when the server closes.
      let replies = try await LoopbackDNSClient.tcp([], replies: 1, port: server.port)
      #expect(replies.isEmpty)
      #expect(clock.now - start >= .milliseconds(150))
      // Closed by the timeout, not by the client's own limit (generous: machines get busy).
      #expect(clock.now - start < .seconds(20))
    }
  }

  @Test("new snapshots are served as soon as they are replaced")
  func liveUpdate() async throws {
    try await withClusterDNSServer(ClusterDNSSnapshot(namespaces: ["grpc-nosidecar"])) { server, records in
      let name = "istio-grpc-server.grpc-nosidecar.svc.cluster.local"
      let before = try await LoopbackDNSClient.udp(makeQuery(name, .a), port: server.port)
      #expect(before.responseCode == .nameError)
      records.replace(with: ClusterFixtures.snapshot)
      let after = try await LoopbackDNSClient.udp(makeQuery(name, .a), port: server.port)
      #expect(after.answerLines == ["\(name). 5 IN A 10.96.12.34"])
    }
  }

  @Test("garbage over UDP gets FORMERR or nothing, and the server keeps answering")
  func garbage() async throws {
    try await withClusterDNSServer { server, _ in
      var broken = makeQuery("kubernetes.default.svc.cluster.local", .a, id: 77).serialized()
      broken.removeLast(2)
      let formErr = try DNSMessage(parsing: try await LoopbackDNSClient.udp(broken, port: server.port))
      #expect(formErr.id == 77 && formErr.responseCode == .formatError)
      // A 3-byte packet is dropped: send it, then a real query, and get only the real answer.
      let good = makeQuery("kubernetes.default.svc.cluster.local", .a, id: 78)
      _ = try? await withTimeout(0.3, "no answer to 3 bytes") {
        try await LoopbackDNSClient.udp([1, 2, 3], port: server.port)
      }
      let answer = try await LoopbackDNSClient.udp(good, port: server.port)
      #expect(answer.id == 78 && answer.answers.count == 1)
      #expect(server.metrics.droppedPackets == 1)
      #expect(server.metrics.responsesByCode["FORMERR"] == 1)
    }
  }

  @Test("binding a port that is taken fails with an error naming address and transport")
  func bindError() async throws {
    try await withClusterDNSServer { server, _ in
      let error = await #expect(throws: ClusterDNSError.self) {
        _ = try await ClusterDNSServer.bind(
          ClusterDNSServer.Configuration(host: "127.0.0.1", port: server.port), records: ClusterDNSRecords())
      }
      #expect(error?.code == .bind)
      #expect(error?.description.hasPrefix("bind cluster DNS to 127.0.0.1:\(server.port)/udp: ") == true)
    }
  }

  @Test("cancelling the task that runs the server stops it")
  func cancellation() async throws {
    let server = try await ClusterDNSServer.bind(
      ClusterDNSServer.Configuration(host: "127.0.0.1", port: 0), records: ClusterDNSRecords())
    let task = Task { try await server.run() }
    _ = try await LoopbackDNSClient.udp(makeQuery("cluster.local", .soa), port: server.port)
    task.cancel()
    try await withTimeout(5, "run() returning after cancellation") { try await task.value }
    // The sockets are closed: a query gets no answer. (Rebinding the port is no proof: on a
    // busy machine another process may take the freed ephemeral port first.)
    let answer = try? await withTimeout(0.5, "an answer after cancellation") {
      try await LoopbackDNSClient.udp(makeQuery("cluster.local", .soa), port: server.port)
    }
    #expect(answer == nil, "the cancelled server still answers on port \(server.port)")
  }
}
