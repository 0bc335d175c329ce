import Testing

@testable import SkiffNetwork

/// What a pod's resolver gets back for each question, in `dig` terms.
@Suite("cluster DNS resolver")
struct ClusterDNSResolverTests {
  let resolver = ClusterDNSResolver()
  let snapshot = ClusterFixtures.snapshot

  func ask(_ name: String, _ type: DNSRecordType) -> DNSMessage {
    resolver.response(to: makeQuery(name, type), in: snapshot)
  }

  static let soa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5"

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var type: DNSRecordType
    var code: String
    var answers: [String]
    var authority: [String] = []
    var additional: [String] = []
    var testDescription: String { "\(type) \(name) → \(code)" }
  }

  @Test(
    "answers like CoreDNS's kubernetes plugin",
    arguments: [
      // ClusterIP service.
      Case(
        name: "istio-grpc-server.grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR",
        answers: ["istio-grpc-server.grpc-nosidecar.svc.cluster.local. 5 IN A 10.96.12.34"]),
      Case(
        name: "kubernetes.default.svc.cluster.local", type: .a, code: "NOERROR",
        answers: ["kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"]),
      // The name exists but has no IPv6 address: NODATA, with the SOA for negative caching.
      Case(
        name: "kubernetes.default.svc.cluster.local", type: .aaaa, code: "NOERROR", answers: [],
        authority: [soa]),
      Case(
        name: "kubernetes.default.svc.cluster.local", type: .mx, code: "NOERROR", answers: [],
        authority: [soa]),
      // Unknown service, namespace, or anything outside the zone.
      Case(name: "nope.default.svc.cluster.local", type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      Case(name: "kubernetes.nope.svc.cluster.local", type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      Case(name: "example.com", type: .a, code: "NXDOMAIN", answers: []),
      Case(name: "localhost", type: .aaaa, code: "NXDOMAIN", answers: []),
      // Search-path expansions of an already qualified name are NXDOMAIN, so the
      // stub resolver moves on instead of stopping at a NODATA.
      Case(
        name: "istio-grpc-server.grpc-nosidecar.svc.cluster.local.grpc-nosidecar.svc.cluster.local",
        type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      Case(
        name: "istio-grpc-server.grpc-nosidecar.svc.cluster.local.svc.cluster.local", type: .a,
        code: "NXDOMAIN", answers: [], authority: [soa]),
      Case(
        name: "istio-grpc-server.grpc-nosidecar.svc.cluster.local.cluster.local", type: .a,
        code: "NXDOMAIN", answers: [], authority: [soa]),
      // Existing namespace, empty namespace, and the zone's structure: NODATA.
      Case(name: "grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR", answers: [], authority: [soa]),
      Case(name: "empty.svc.cluster.local", type: .a, code: "NOERROR", answers: [], authority: [soa]),
      Case(name: "svc.cluster.local", type: .a, code: "NOERROR", answers: [], authority: [soa]),
      Case(name: "cluster.local", type: .a, code: "NOERROR", answers: [], authority: [soa]),
      Case(name: "something.cluster.local", type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      // Zone apex.
      Case(name: "cluster.local", type: .soa, code: "NOERROR", answers: [soa]),
      Case(
        name: "cluster.local", type: .ns, code: "NOERROR",
        answers: ["cluster.local. 5 IN NS ns.dns.cluster.local."],
        additional: ["ns.dns.cluster.local. 5 IN A 10.96.0.10"]),
      Case(
        name: "dns-version.cluster.local", type: .txt, code: "NOERROR",
        answers: ["dns-version.cluster.local. 5 IN TXT \"1.1.0\""]),
      // Headless: every ready endpoint, in Endpoints order; the not-ready one is left out.
      Case(
        name: "greeter.grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR",
        answers: [
          "greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.7",
          "greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.8",
          "greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.9",
        ]),
      // Endpoint names: hostname, else pod name, else the dashed IP.
      Case(
        name: "greeter-0.greeter.grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR",
        answers: ["greeter-0.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.7"]),
      Case(
        name: "greeter-pod-b.greeter.grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR",
        answers: ["greeter-pod-b.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.8"]),
      Case(
        name: "10-244-0-9.greeter.grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR",
        answers: ["10-244-0-9.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.9"]),
      Case(
        name: "greeter-3.greeter.grpc-nosidecar.svc.cluster.local", type: .a, code: "NXDOMAIN",
        answers: [], authority: [soa]),
      // Endpoint names exist for headless services only (kubernetes/dns specification).
      Case(
        name: "istio-grpc-server-v1-7d9f-abcde.istio-grpc-server.grpc-nosidecar.svc.cluster.local",
        type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      // SRV for a named port of a ClusterIP service: target is the service, its A in additional.
      Case(
        name: "_grpc-backend._tcp.istio-grpc-server.grpc-nosidecar.svc.cluster.local", type: .srv,
        code: "NOERROR",
        answers: [
          "_grpc-backend._tcp.istio-grpc-server.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 100 8080 istio-grpc-server.grpc-nosidecar.svc.cluster.local."
        ],
        additional: ["istio-grpc-server.grpc-nosidecar.svc.cluster.local. 5 IN A 10.96.12.34"]),
      Case(
        name: "_dns._udp.kube-dns.kube-system.svc.cluster.local", type: .srv, code: "NOERROR",
        answers: ["_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."],
        additional: ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"]),
      // Wrong protocol label: no such name.
      Case(
        name: "_dns._tcp.kube-dns.kube-system.svc.cluster.local", type: .srv, code: "NXDOMAIN",
        answers: [], authority: [soa]),
      // SRV for a headless service: one per ready endpoint with the port, endpoint ports,
      // weight ⌊100/3⌋, targets the endpoint names.
      Case(
        name: "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local", type: .srv, code: "NOERROR",
        answers: [
          "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 33 8080 greeter-0.greeter.grpc-nosidecar.svc.cluster.local.",
          "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 33 8080 greeter-pod-b.greeter.grpc-nosidecar.svc.cluster.local.",
          "_grpc._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 33 8080 10-244-0-9.greeter.grpc-nosidecar.svc.cluster.local.",
        ],
        additional: [
          "greeter-0.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.7",
          "greeter-pod-b.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.8",
          "10-244-0-9.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.9",
        ]),
      Case(
        name: "_metrics._tcp.greeter.grpc-nosidecar.svc.cluster.local", type: .srv, code: "NOERROR",
        answers: [
          "_metrics._tcp.greeter.grpc-nosidecar.svc.cluster.local. 5 IN SRV 0 100 9090 greeter-0.greeter.grpc-nosidecar.svc.cluster.local."
        ],
        additional: ["greeter-0.greeter.grpc-nosidecar.svc.cluster.local. 5 IN A 10.244.0.7"]),
      // The parent of SRV names exists (empty non-terminal).
      Case(
        name: "_tcp.greeter.grpc-nosidecar.svc.cluster.local", type: .srv, code: "NOERROR", answers: [],
        authority: [soa]),
      // SRV on the service name: every port.
      Case(
        name: "kubernetes.default.svc.cluster.local", type: .srv, code: "NOERROR",
        answers: ["kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local."],
        additional: ["kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"]),
      // PTR for a cluster IP, a headless endpoint, a plain pod; NXDOMAIN for an unknown IP.
      Case(
        name: "1.0.96.10.in-addr.arpa", type: .ptr, code: "NOERROR",
        answers: ["1.0.96.10.in-addr.arpa. 5 IN PTR kubernetes.default.svc.cluster.local."]),
      Case(
        name: "7.0.244.10.in-addr.arpa", type: .ptr, code: "NOERROR",
        answers: ["7.0.244.10.in-addr.arpa. 5 IN PTR greeter-0.greeter.grpc-nosidecar.svc.cluster.local."]),
      Case(
        name: "11.0.244.10.in-addr.arpa", type: .ptr, code: "NOERROR",
        answers: ["11.0.244.10.in-addr.arpa. 5 IN PTR 10-244-0-11.grpc-nosidecar.pod.cluster.local."]),
      Case(
        name: "99.0.244.10.in-addr.arpa", type: .ptr, code: "NXDOMAIN", answers: [],
        authority: ["in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1700000000 7200 1800 86400 5"]),
      // Pods (`pods insecure`): any dashed IP in an existing namespace.
      Case(
        name: "10-244-0-11.grpc-nosidecar.pod.cluster.local", type: .a, code: "NOERROR",
        answers: ["10-244-0-11.grpc-nosidecar.pod.cluster.local. 5 IN A 10.244.0.11"]),
      Case(
        name: "10-244-3-3.default.pod.cluster.local", type: .a, code: "NOERROR",
        answers: ["10-244-3-3.default.pod.cluster.local. 5 IN A 10.244.3.3"]),
      Case(
        name: "fd00--5.default.pod.cluster.local", type: .aaaa, code: "NOERROR",
        answers: ["fd00--5.default.pod.cluster.local. 5 IN AAAA fd00::5"]),
      Case(name: "10-244-0-11.nope.pod.cluster.local", type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      Case(name: "10-244-0-256.default.pod.cluster.local", type: .a, code: "NXDOMAIN", answers: [], authority: [soa]),
      Case(name: "default.pod.cluster.local", type: .a, code: "NOERROR", answers: [], authority: [soa]),
      // ExternalName: a CNAME the client follows itself (nothing outside resolves here).
      Case(
        name: "upstream.grpc-nosidecar.svc.cluster.local", type: .a, code: "NOERROR",
        answers: ["upstream.grpc-nosidecar.svc.cluster.local. 5 IN CNAME api.example.com."]),
      Case(
        name: "upstream.grpc-nosidecar.svc.cluster.local", type: .cname, code: "NOERROR",
        answers: ["upstream.grpc-nosidecar.svc.cluster.local. 5 IN CNAME api.example.com."]),
      // An ExternalName into the cluster is followed.
      Case(
        name: "grpc.default.svc.cluster.local", type: .a, code: "NOERROR",
        answers: [
          "grpc.default.svc.cluster.local. 5 IN CNAME istio-grpc-server.grpc-nosidecar.svc.cluster.local.",
          "istio-grpc-server.grpc-nosidecar.svc.cluster.local. 5 IN A 10.96.12.34",
        ]),
    ])
  func table(_ expected: Case) {
    let response = ask(expected.name, expected.type)
    #expect("\(response.responseCode)" == expected.code)
    #expect(response.answerLines == expected.answers)
    #expect(response.authorityLines == expected.authority)
    #expect(response.additionalLines == expected.additional)
    #expect(response.isResponse)
    #expect(response.questions == [DNSQuestion(name: DNSName(expected.name)!, type: expected.type)])
  }

  @Test("names match case-insensitively and the answer keeps the question's spelling")
  func casePreserved() {
    let response = ask("Istio-GRPC-Server.GRPC-nosidecar.SVC.Cluster.Local", .a)
    #expect(response.responseCode == .noError)
    #expect(response.questions.first?.name.description == "Istio-GRPC-Server.GRPC-nosidecar.SVC.Cluster.Local.")
    #expect(response.answerLines == ["Istio-GRPC-Server.GRPC-nosidecar.SVC.Cluster.Local. 5 IN A 10.96.12.34"])
  }

  @Test("header flags: authoritative in the zone, not outside; RD echoed, RA set, ID kept")
  func flags() {
    let inside = ask("kubernetes.default.svc.cluster.local", .a)
    #expect(inside.id == 0x1234)
    #expect(inside.isAuthoritative && inside.recursionDesired && inside.recursionAvailable)
    #expect(!inside.isTruncated)
    let outside = ask("example.com", .a)
    #expect(!outside.isAuthoritative)
    #expect(outside.authorities.isEmpty)
  }

  @Test("TTL is configurable and used for records and the SOA minimum")
  func ttl() {
    let resolver = ClusterDNSResolver(ttl: 30)
    let answer = resolver.response(to: makeQuery("kubernetes.default.svc.cluster.local", .a), in: snapshot)
    #expect(answer.answerLines == ["kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1"])
    let missing = resolver.response(to: makeQuery("nope.default.svc.cluster.local", .a), in: snapshot)
    #expect(missing.authorityLines == [
      "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30"
    ])
  }

  @Test("EDNS: OPT answered with the server's size and DO echoed; version 1 is BADVERS")
  func edns() {
    var query = makeQuery("kubernetes.default.svc.cluster.local", .a, ednsSize: 4096)
    query.edns?.dnssecOK = true
    query.edns?.options = [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]
    let response = resolver.response(to: query, in: snapshot)
    #expect(response.edns == DNSEDNS(udpPayloadSize: 1232, dnssecOK: true))
    #expect(response.answers.count == 1)

    query.edns?.version = 1
    let badVersion = resolver.response(to: query, in: snapshot)
    #expect(badVersion.responseCode == .badVersion)
    #expect(badVersion.answers.isEmpty)
    #expect(badVersion.edns?.version == 0)
  }

  static func query(_ name: String, _ type: DNSRecordType, _ change: (inout DNSMessage) -> Void = { _ in })
    -> DNSMessage
  {
    var query = makeQuery(name, type)
    change(&query)
    return query
  }

  @Test(
    "queries the server does not serve",
    arguments: [
      ("zone transfer", query("cluster.local", .axfr), DNSResponseCode.refused),
      ("CHAOS class", query("version.bind", .txt) { $0.questions[0].recordClass = DNSClass(rawValue: 3) }, .refused),
      ("NOTIFY opcode", query("cluster.local", .soa) { $0.opcode = DNSOpcode(rawValue: 4) }, .notImplemented),
      ("two questions", query("cluster.local", .soa) { $0.questions.append($0.questions[0]) }, .formatError),
      ("no question", query("cluster.local", .soa) { $0.questions = [] }, .formatError),
    ])
  func unsupported(_ what: String, _ query: DNSMessage, _ code: DNSResponseCode) {
    let response = resolver.response(to: query, in: snapshot)
    #expect(response.responseCode == code, "\(what)")
    #expect(response.answers.isEmpty)
  }

  @Test("a new snapshot replaces the old one for every following query")
  func replaceSnapshot() {
    let records = ClusterDNSRecords()
    let name = "istio-grpc-server.grpc-nosidecar.svc.cluster.local"
    #expect(resolver.response(to: makeQuery(name, .a), in: records.snapshot).responseCode == .nameError)
    records.replace(with: snapshot)
    #expect(resolver.response(to: makeQuery(name, .a), in: records.snapshot).answers.count == 1)
    records.replace(with: ClusterDNSSnapshot(services: [], namespaces: ["grpc-nosidecar"]))
    #expect(resolver.response(to: makeQuery(name, .a), in: records.snapshot).responseCode == .nameError)
  }

  @Test("a custom cluster domain moves every name")
  func clusterDomain() {
    let snapshot = ClusterDNSSnapshot(services: [ClusterFixtures.kubernetes], clusterDomain: "Skiff.Internal.")
    #expect(snapshot.clusterDomain == "skiff.internal")
    let response = resolver.response(to: makeQuery("kubernetes.default.svc.skiff.internal", .a), in: snapshot)
    #expect(response.answerLines == ["kubernetes.default.svc.skiff.internal. 5 IN A 10.96.0.1"])
    let old = resolver.response(to: makeQuery("kubernetes.default.svc.cluster.local", .a), in: snapshot)
    #expect(old.responseCode == .nameError)
  }

  @Test("an SRV RRset of more than 100 records keeps weight 1")
  func minimumWeight() {
    let service = DNSService(
      namespace: "default", name: "many", kind: .headless,
      endpoints: (0..<150).map { index in
        DNSEndpoint(address: IPAddress.v4(0x0AF4_0000 + UInt32(index)), ports: [DNSPort(name: "http", port: 80)])
      })
    let snapshot = ClusterDNSSnapshot(services: [service])
    let response = resolver.response(to: makeQuery("_http._tcp.many.default.svc.cluster.local", .srv), in: snapshot)
    #expect(response.answers.count == 150)
    #expect(response.answers.allSatisfy {
      if case .service(let location) = $0.data { location.weight == 1 } else { false }
    })
  }

  @Test("dual-stack ClusterIP: A and AAAA each answer their family")
  func dualStack() {
    let service = DNSService(
      namespace: "default", name: "dual", kind: .clusterIP([IPAddress("10.96.0.50")!, IPAddress("fd00:10:96::50")!]))
    let snapshot = ClusterDNSSnapshot(services: [service])
    let name = "dual.default.svc.cluster.local"
    #expect(resolver.response(to: makeQuery(name, .a), in: snapshot).answerLines == ["\(name). 5 IN A 10.96.0.50"])
    #expect(resolver.response(to: makeQuery(name, .aaaa), in: snapshot).answerLines == ["\(name). 5 IN AAAA fd00:10:96::50"])
    let reverse = resolver.response(
      to: makeQuery("0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa", .ptr), in: snapshot)
    #expect(reverse.answerLines.map { $0.hasSuffix("PTR dual.default.svc.cluster.local.") } == [true])
  }
}
