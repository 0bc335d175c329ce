/// A Service with its endpoints, as cluster DNS needs it (the daemon converts
/// `v1.Service` + `v1.Endpoints`; this module knows nothing of the API types).
public struct DNSService: Sendable, Hashable {
  /// How the service's own name resolves.
  public enum Kind: Sendable, Hashable {
    /// A service with a virtual IP (`spec.clusterIPs`): `<svc>.<ns>.svc` is an A/AAAA
    /// record per cluster IP.
    case clusterIP([IPAddress])
    /// `clusterIP: None`: `<svc>.<ns>.svc` lists the ready endpoints, and each endpoint
    /// gets `<hostname>.<svc>.<ns>.svc`.
    case headless
    /// `type: ExternalName`: `<svc>.<ns>.svc` is a CNAME to this name (an A record if
    /// it is an IP address, as CoreDNS does).
    case externalName(String)
  }

  /// `metadata.namespace`.
  public var namespace: String
  /// `metadata.name`.
  public var name: String
  /// ClusterIP, headless or ExternalName.
  public var kind: Kind
  /// `spec.ports`; named ones get SRV records (for headless services the endpoint
  /// ports are used instead, as they carry the target port).
  public var ports: [DNSPort]
  /// The addresses from the service's Endpoints. Endpoints that are not ready are
  /// ignored; pass `isReady: true` for all when `publishNotReadyAddresses` is set.
  public var endpoints: [DNSEndpoint]

  public init(
    namespace: String, name: String, kind: Kind, ports: [DNSPort] = [], endpoints: [DNSEndpoint] = []
  ) {
    self.namespace = namespace
    self.name = name
    self.kind = kind
    self.ports = ports
    self.endpoints = endpoints
  }
}

/// A service or endpoint port.
public struct DNSPort: Sendable, Hashable {
  /// The port's L4 protocol, the `_<proto>` label of its SRV name.
  public enum Transport: String, Sendable, Hashable {
    case tcp, udp, sctp
  }

  /// The port name; `nil` or empty for an unnamed port (no `_<port>._<proto>` SRV name).
  public var name: String?
  /// `protocol` (TCP by default, as in the API).
  public var transport: Transport
  /// The port number SRV records carry.
  public var port: UInt16

  public init(name: String? = nil, transport: Transport = .tcp, port: UInt16) {
    self.name = name
    self.transport = transport
    self.port = port
  }
}

/// One address of a service's Endpoints (an `EndpointAddress` with its subset's ports).
public struct DNSEndpoint: Sendable, Hashable {
  /// `EndpointAddress.ip`.
  public var address: IPAddress
  /// `false` for `notReadyAddresses`: such an endpoint gets no records.
  public var isReady: Bool
  /// `EndpointAddress.hostname` (set from the pod's `spec.hostname` when its
  /// `spec.subdomain` names the service).
  public var hostname: String?
  /// The pod behind the address (`targetRef.name`), the second choice of name.
  public var podName: String?
  /// The subset's ports (target ports: what SRV records of headless services carry).
  public var ports: [DNSPort]

  public init(
    address: IPAddress, isReady: Bool = true, hostname: String? = nil, podName: String? = nil,
    ports: [DNSPort] = []
  ) {
    self.address = address
    self.isReady = isReady
    self.hostname = hostname
    self.podName = podName
    self.ports = ports
  }

  /// The first label of the endpoint's own name: the hostname, else the pod
  /// name, else the address with `.`/`:` as `-` (CoreDNS `endpointHostname`).
  public var dnsLabel: String {
    if let hostname, !hostname.isEmpty { return hostname }
    if let podName, !podName.isEmpty { return podName }
    return address.dashed
  }
}

/// A pod, for namespace existence and reverse (PTR) records of pod IPs.
public struct DNSPod: Sendable, Hashable {
  /// `metadata.namespace`.
  public var namespace: String
  /// `metadata.name`.
  public var name: String
  /// `status.podIPs`.
  public var addresses: [IPAddress]

  public init(namespace: String, name: String, addresses: [IPAddress]) {
    self.namespace = namespace
    self.name = name
    self.addresses = addresses
  }
}

extension IPAddress {
  /// `10-244-0-5`, `fd00--5`: the address as one DNS label (pod and endpoint names).
  var dashed: String {
    String(description.map { $0 == "." || $0 == ":" ? "-" : $0 })
  }

  /// Reads a dashed label back (`10-244-0-5`); CoreDNS's rule: exactly three
  /// dashes and no `--` is IPv4, anything else is tried as IPv6.
  init?(dashed label: String) {
    let dashes = label.count(where: { $0 == "-" })
    if dashes == 3 && !label.contains("--") {
      self.init(String(label.map { $0 == "-" ? "." : $0 }))
    } else {
      guard let address = IPAddress(String(label.map { $0 == "-" ? ":" : $0 })), !address.isIPv4
      else { return nil }
      self = address
    }
  }

  /// `5.0.244.10.in-addr.arpa.` or the nibble form under `ip6.arpa.` (RFC 3596).
  var reverseName: DNSName {
    switch self {
    case .v4:
      let labels = bytes.reversed().map { Array(String($0).utf8) }
        + [Array("in-addr".utf8), Array("arpa".utf8)]
      return DNSName(labels: labels)!
    case .v6:
      let hex = Array("0123456789abcdef".utf8)
      var labels: [[UInt8]] = []
      for byte in bytes.reversed() {
        labels.append([hex[Int(byte & 0xF)]])
        labels.append([hex[Int(byte >> 4)]])
      }
      return DNSName(labels: labels + [Array("ip6".utf8), Array("arpa".utf8)])!
    }
  }
}
