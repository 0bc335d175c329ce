@testable import SkiffNetwork

/// The walkthrough's cluster as DNS sees it: kube-dns, a ClusterIP gRPC service
/// with two ready pods (and one not ready), a headless service, an ExternalName.
enum ClusterFixtures {
  static func ip(_ text: String) -> IPAddress {
    IPAddress(text)!
  }

  static let kubeDNS = DNSService(
    namespace: "kube-system", name: "kube-dns", kind: .clusterIP([ip("10.96.0.10")]),
    ports: [
      DNSPort(name: "dns", transport: .udp, port: 53), DNSPort(name: "dns-tcp", transport: .tcp, port: 53),
    ])

  static let kubernetes = DNSService(
    namespace: "default", name: "kubernetes", kind: .clusterIP([ip("10.96.0.1")]),
    ports: [DNSPort(name: "https", port: 443)])

  static let grpcServer = DNSService(
    namespace: "grpc-nosidecar", name: "istio-grpc-server", kind: .clusterIP([ip("10.96.12.34")]),
    ports: [DNSPort(name: "grpc-backend", port: 8080)],
    endpoints: [
      DNSEndpoint(address: ip("10.244.0.5"), podName: "istio-grpc-server-v1-7d9f-abcde"),
      DNSEndpoint(address: ip("10.244.0.6"), podName: "istio-grpc-server-v2-5c8b-fghij"),
    ])

  /// A StatefulSet-style headless service: one endpoint with a hostname, one
  /// with only a pod name, one with neither, one not ready.
  static let headless = DNSService(
    namespace: "grpc-nosidecar", name: "greeter", kind: .headless,
    ports: [DNSPort(name: "grpc", port: 50051)],
    endpoints: [
      DNSEndpoint(
        address: ip("10.244.0.7"), hostname: "greeter-0", podName: "greeter-0",
        ports: [DNSPort(name: "grpc", port: 8080), DNSPort(name: "metrics", port: 9090)]),
      DNSEndpoint(address: ip("10.244.0.8"), podName: "greeter-pod-b", ports: [DNSPort(name: "grpc", port: 8080)]),
      DNSEndpoint(address: ip("10.244.0.9"), ports: [DNSPort(name: "grpc", port: 8080)]),
      DNSEndpoint(address: ip("10.244.0.10"), isReady: false, hostname: "greeter-3", ports: [DNSPort(name: "grpc", port: 8080)]),
    ])

  static let external = DNSService(
    namespace: "grpc-nosidecar", name: "upstream", kind: .externalName("api.example.com"))

  /// An ExternalName pointing back into the cluster: the server follows it.
  static let alias = DNSService(
    namespace: "default", name: "grpc", kind: .externalName("istio-grpc-server.grpc-nosidecar.svc.cluster.local"))

  static let client = DNSPod(
    namespace: "grpc-nosidecar", name: "istio-grpc-client-6f7c-klmno", addresses: [ip("10.244.0.11")])

  static let snapshot = ClusterDNSSnapshot(
    services: [kubeDNS, kubernetes, grpcServer, headless, external, alias],
    pods: [client], namespaces: ["default", "kube-system", "kube-public", "empty"], serial: 1_700_000_000)

  /// A headless service with `count` ready endpoints, to overflow 512 bytes.
  static func bigHeadless(count: Int) -> DNSService {
    DNSService(
      namespace: "default", name: "big", kind: .headless,
      endpoints: (0..<count).map { DNSEndpoint(address: ip("10.244.1.\($0 + 1)")) })
  }
}
