/// The traffic capture istio-iptables installs in a pod with a sidecar (istio-facts §2), as
/// `iptables-restore` input for the pod's network namespace: outbound TCP to 15001, inbound
/// TCP to 15006, the proxy's own traffic (uid/gid 1337) and loopback left alone, the proxy's
/// ports excluded. The node applies it when it creates the pod's network (as istio-cni does),
/// so the app never runs uncaptured.
public struct SidecarCapture: Sendable, Equatable {
  public var outboundPort = 15001
  public var inboundPort = 15006
  public var proxyUID = 1337
  public var proxyGID = 1337
  /// `-b`: inbound ports to capture; nil means all (`*`), empty means none.
  public var includeInboundPorts: [Int]?
  /// `-d`: inbound ports not captured (with all-ports capture).
  public var excludeInboundPorts: [Int] = [15090, 15021, 15020]
  /// `-o`: outbound ports not captured.
  public var excludeOutboundPorts: [Int] = []
  /// `-q`: outbound ports always captured.
  public var includeOutboundPorts: [Int] = []
  /// `-i`: outbound CIDRs captured; nil means all.
  public var includeOutboundCIDRs: [String]?
  /// `-x`: outbound CIDRs not captured.
  public var excludeOutboundCIDRs: [String] = []

  public init() {}

  /// The capture a pod asks for with Istio's `traffic.sidecar.istio.io/*` annotations.
  public init(annotations: [String: String]) {
    func ports(_ key: String) -> [Int]? {
      guard let text = annotations[key] else { return nil }
      return text.split(separator: ",").compactMap { Int($0.filter { $0 != " " }) }
    }
    func cidrs(_ key: String) -> [String]? {
      guard let text = annotations[key] else { return nil }
      return text.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }
    if let text = annotations["traffic.sidecar.istio.io/includeInboundPorts"] {
      includeInboundPorts = text.trimmingCharacters == "*" ? nil : (ports("traffic.sidecar.istio.io/includeInboundPorts") ?? [])
    }
    if let extra = ports("traffic.sidecar.istio.io/excludeInboundPorts") {
      var list = [15090, 15021] + extra
      if !list.contains(15020) { list.append(15020) }
      excludeInboundPorts = list
    }
    excludeOutboundPorts = ports("traffic.sidecar.istio.io/excludeOutboundPorts") ?? []
    includeOutboundPorts = ports("traffic.sidecar.istio.io/includeOutboundPorts") ?? []
    if let text = annotations["traffic.sidecar.istio.io/includeOutboundIPRanges"] {
      includeOutboundCIDRs = text.trimmingCharacters == "*" ? nil : (cidrs("traffic.sidecar.istio.io/includeOutboundIPRanges") ?? [])
    }
    excludeOutboundCIDRs = cidrs("traffic.sidecar.istio.io/excludeOutboundIPRanges") ?? []
  }

  /// The nat table rules, in istio-iptables' order.
  public var rules: String {
    var lines = ["*nat", "-N ISTIO_INBOUND", "-N ISTIO_REDIRECT", "-N ISTIO_IN_REDIRECT", "-N ISTIO_OUTPUT"]
    lines.append("-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN")
    lines.append("-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports \(outboundPort)")
    lines.append("-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports \(inboundPort)")
    if let include = includeInboundPorts {
      if !include.isEmpty {
        lines.append("-A PREROUTING -p tcp -j ISTIO_INBOUND")
        for port in include { lines.append("-A ISTIO_INBOUND -p tcp --dport \(port) -j ISTIO_IN_REDIRECT") }
      }
    } else {
      lines.append("-A PREROUTING -p tcp -j ISTIO_INBOUND")
      for port in excludeInboundPorts { lines.append("-A ISTIO_INBOUND -p tcp --dport \(port) -j RETURN") }
      lines.append("-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT")
    }
    lines.append("-A OUTPUT -j ISTIO_OUTPUT")
    for port in excludeOutboundPorts {
      lines.append("-A ISTIO_OUTPUT -p tcp --dport \(port) -j RETURN")
      lines.append("-A ISTIO_OUTPUT -p udp --dport \(port) -j RETURN")
    }
    lines += [
      "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --uid-owner \(proxyUID) -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner \(proxyUID) -j RETURN",
      "-A ISTIO_OUTPUT -m owner --uid-owner \(proxyUID) -j RETURN",
      "-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --gid-owner \(proxyGID) -j ISTIO_IN_REDIRECT",
      "-A ISTIO_OUTPUT -o lo -m owner ! --gid-owner \(proxyGID) -j RETURN",
      "-A ISTIO_OUTPUT -m owner --gid-owner \(proxyGID) -j RETURN",
      "-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN",
    ]
    for port in includeOutboundPorts { lines.append("-A ISTIO_OUTPUT -p tcp --dport \(port) -j ISTIO_REDIRECT") }
    for cidr in excludeOutboundCIDRs { lines.append("-A ISTIO_OUTPUT -d \(cidr) -j RETURN") }
    if let include = includeOutboundCIDRs {
      for cidr in include { lines.append("-A ISTIO_OUTPUT -d \(cidr) -j ISTIO_REDIRECT") }
    } else {
      lines.append("-A ISTIO_OUTPUT -j ISTIO_REDIRECT")
    }
    lines.append("COMMIT")
    return lines.joined(separator: "\n") + "\n"
  }
}

extension String {
  var trimmingCharacters: String { filter { $0 != " " } }
}
