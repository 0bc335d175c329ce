import GRPCNIOTransportHTTP2Posix

extension HostPort {
  /// The gRPC target for this address: an IP literal directly, a name through DNS, and an
  /// empty host (`:8080`) as this machine's loopback, as Go's dialer treats it.
  var resolvableTarget: any ResolvableTarget {
    if host.isEmpty { return ResolvableTargets.IPv4(addresses: [.init(host: "127.0.0.1", port: port)]) }
    if isIPv4Literal { return ResolvableTargets.IPv4(addresses: [.init(host: host, port: port)]) }
    if isIPv6Literal { return ResolvableTargets.IPv6(addresses: [.init(host: host, port: port)]) }
    return ResolvableTargets.DNS(host: host, port: port)
  }
}
