/// A Service port as the service proxy sees it: where it listens and the ready endpoints
/// behind it.
public struct ProxiedServicePort: Sendable, Equatable {
  public var namespace: String
  public var service: String
  /// The port's name ("" when unnamed).
  public var portName: String
  public var clusterIP: String
  public var port: Int
  /// `tcp`, `udp` or `sctp` (lower case, as kube-proxy hashes it).
  public var proto: String
  /// Ready endpoints as `ip:port`.
  public var endpoints: [String]
  /// `sessionAffinity: ClientIP` timeout in seconds, or nil.
  public var clientIPAffinitySeconds: Int?

  public init(
    namespace: String, service: String, portName: String, clusterIP: String, port: Int, proto: String,
    endpoints: [String], clientIPAffinitySeconds: Int? = nil
  ) {
    self.namespace = namespace
    self.service = service
    self.portName = portName
    self.clusterIP = clusterIP
    self.port = port
    self.proto = proto.lowercased()
    self.endpoints = endpoints
    self.clientIPAffinitySeconds = clientIPAffinitySeconds
  }

  /// `ns/name:port` (`ns/name` for an unnamed port), kube-proxy's ServicePortName.
  public var servicePortName: String { portName.isEmpty ? "\(namespace)/\(service)" : "\(namespace)/\(service):\(portName)" }
}

/// kube-proxy's iptables mode (facts §6), as `iptables-restore` input: per service port a
/// `KUBE-SVC-*` chain choosing an endpoint at random per connection (`statistic --mode
/// random --probability 1/(N-i)`), per endpoint a `KUBE-SEP-*` chain that DNATs (and marks
/// hairpin traffic for masquerade), and a REJECT for ports without endpoints. Written whole
/// on every change; chains no longer needed are deleted.
public enum ServiceProxyRules {
  /// `KUBE-SVC-` + the first 16 base32 characters of sha256(servicePortName + protocol).
  public static func serviceChain(_ port: ProxiedServicePort) -> String {
    "KUBE-SVC-" + hashName(port.servicePortName + port.proto)
  }

  /// `KUBE-SEP-` + hash of servicePortName + protocol + endpoint.
  public static func endpointChain(_ port: ProxiedServicePort, _ endpoint: String) -> String {
    "KUBE-SEP-" + hashName(port.servicePortName + port.proto + endpoint)
  }

  static func hashName(_ text: String) -> String {
    String(SHA256.base32(SHA256.hash(Array(text.utf8))).prefix(16))
  }

  /// Go's `%0.10f` of 1/n, as kube-proxy writes the probability.
  static func probability(_ n: Int) -> String {
    let value = 1.0 / Double(n)
    let scaled = (value * 1e10).rounded()
    let whole = Int(scaled / 1e10)
    var fraction = String(Int(scaled.truncatingRemainder(dividingBy: 1e10)))
    fraction = String(repeating: "0", count: 10 - fraction.count) + fraction
    return "\(whole).\(fraction)"
  }

  static func comment(_ text: String) -> String {
    "-m comment --comment \"\(text)\""
  }

  /// The nat and filter tables' rules for `ports`, and `-X` lines for `staleChains` (chains
  /// written last time and not any more). Returns the text and the chains it wrote.
  public static func render(
    _ ports: [ProxiedServicePort], podCIDR: String, staleChains: Set<String> = [], randomFully: Bool = true
  ) -> (text: String, chains: Set<String>) {
    var nat: [String] = ["*nat", ":KUBE-SERVICES - [0:0]", ":KUBE-POSTROUTING - [0:0]", ":KUBE-MARK-MASQ - [0:0]"]
    var natRules: [String] = [
      "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
      "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
      "-A KUBE-POSTROUTING \(comment("kubernetes service traffic requiring SNAT")) -j MASQUERADE" + (randomFully ? " --random-fully" : ""),
      "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
    ]
    var filterRules: [String] = []
    var chains: Set<String> = []
    let sorted = ports.sorted { ($0.servicePortName, $0.proto) < ($1.servicePortName, $1.proto) }
    for port in sorted {
      let name = port.servicePortName
      let match = "-m \(port.proto) -p \(port.proto) -d \(port.clusterIP)/32 --dport \(port.port)"
      guard !port.endpoints.isEmpty else {
        filterRules.append("-A KUBE-SERVICES \(comment("\(name) has no endpoints")) \(match) -j REJECT --reject-with icmp-port-unreachable")
        continue
      }
      let svc = serviceChain(port)
      chains.insert(svc)
      nat.append(":\(svc) - [0:0]")
      natRules.append("-A KUBE-SERVICES \(comment("\(name) cluster IP")) \(match) -j \(svc)")
      natRules.append("-A \(svc) ! -s \(podCIDR) \(comment("\(name) cluster IP")) \(match) -j KUBE-MARK-MASQ")
      let endpoints = port.endpoints.sorted()
      if let seconds = port.clientIPAffinitySeconds {
        for endpoint in endpoints {
          let sep = endpointChain(port, endpoint)
          natRules.append("-A \(svc) \(comment("\(name) -> \(endpoint)")) -m recent --name \(sep) --mask 255.255.255.255 --rsource --rcheck --seconds \(seconds) --reap -j \(sep)")
        }
      }
      for (i, endpoint) in endpoints.enumerated() {
        let sep = endpointChain(port, endpoint)
        chains.insert(sep)
        nat.append(":\(sep) - [0:0]")
        let remaining = endpoints.count - i
        let statistic = remaining > 1 ? " -m statistic --mode random --probability \(probability(remaining))" : ""
        natRules.append("-A \(svc) \(comment("\(name) -> \(endpoint)"))\(statistic) -j \(sep)")
        let ip = endpoint.split(separator: ":").first.map(String.init) ?? endpoint
        natRules.append("-A \(sep) -s \(ip)/32 \(comment(name)) -j KUBE-MARK-MASQ")
        let recent = port.clientIPAffinitySeconds != nil ? " -m recent --name \(sep) --mask 255.255.255.255 --rsource --set" : ""
        natRules.append("-A \(sep) \(comment(name))\(recent) -m \(port.proto) -p \(port.proto) -j DNAT --to-destination \(endpoint)")
      }
    }
    var lines = nat + natRules
    for chain in staleChains.subtracting(chains).sorted() {
      lines.insert(":\(chain) - [0:0]", at: 4)
      lines.append("-X \(chain)")
    }
    lines.append("COMMIT")
    lines += ["*filter", ":KUBE-SERVICES - [0:0]"] + filterRules + ["COMMIT"]
    return (lines.joined(separator: "\n") + "\n", chains)
  }
}
