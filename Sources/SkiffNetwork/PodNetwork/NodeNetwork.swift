public import SkiffRuntime
import Synchronization

/// The node's network, inside the node network namespace the daemon lives in: routed veths
/// to the pods (Calico-style: a /32 route per pod on the node, the pod's default route via a
/// link-local gateway address the node owns), the node address for cluster DNS, and the
/// service proxy's iptables rules. Nothing here touches the host's network.
public final class NodeNetwork: Sendable {
  public static let podCIDR = "10.244.0.0/16"
  /// The node's own address (cluster DNS listens here; kube-dns' endpoint).
  public static let nodeAddress = "10.244.0.1"
  /// The pods' default gateway: a node address, so every veth answers ARP for it.
  public static let gateway = "169.254.1.1"

  let commands: any CommandRunning
  private let written = Mutex<Set<String>>([])
  private let randomFully = Mutex<Bool>(true)

  public init(commands: any CommandRunning) {
    self.commands = commands
  }

  /// Prepares the node namespace: loopback with the node address, forwarding, and the jumps
  /// into kube-proxy's chains.
  public func setUp() async throws {
    // The node address and the pods' gateway sit on the namespace's loopback: local
    // delivery is all the node address needs (not every kernel has the dummy interface
    // type), and a local gateway address makes every pod veth answer the pods' ARP for it.
    var batch = ["link set lo up"]
    let addresses = try await commands.run(["ip", "-o", "addr", "show", "dev", "lo"], input: nil).stdout
    for address in [Self.nodeAddress, Self.gateway] where !addresses.contains(address + "/32") {
      batch.append("addr add \(address)/32 dev lo")
    }
    try await commands.check(["ip", "-b", "-"], input: batch.joined(separator: "\n") + "\n")
    try await commands.check(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"])
    let jumps: [[String]] = [
      ["-t", "nat", "PREROUTING", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"],
      ["-t", "nat", "OUTPUT", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"],
      ["-t", "nat", "POSTROUTING", "-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"],
      ["-t", "filter", "INPUT", "-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"],
      ["-t", "filter", "FORWARD", "-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"],
      ["-t", "filter", "OUTPUT", "-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"],
    ]
    // The chains must exist before anything jumps to them.
    try await applyServices([])
    for jump in jumps {
      let table = Array(jump[0...1]), rule = Array(jump[2...])
      let present = try await commands.run(["iptables", "-w"] + table + ["-C"] + rule, input: nil)
      if present.exit != .exited(0) {
        try await commands.check(["iptables", "-w"] + table + ["-A"] + rule)
      }
    }
  }

  func hasLink(_ name: String) async throws -> Bool {
    try await commands.run(["ip", "link", "show", name], input: nil).exit == .exited(0)
  }

  /// The node-side interface name of a pod's veth (at most 15 characters).
  public static func hostInterface(for podID: String) -> String {
    var hash: UInt32 = 2_166_136_261
    for b in podID.utf8 {
      hash ^= UInt32(b)
      hash = hash &* 16_777_619
    }
    let hex = String(hash, radix: 16)
    return "sk" + String(repeating: "0", count: 8 - hex.count) + hex
  }

  /// Wires a pod's network namespace (pinned at `namespacePath`) to the node with `address`.
  public func attach(podID: String, namespacePath: String, address: String) async throws {
    let host = Self.hostInterface(for: podID)
    if try await hasLink(host) {
      _ = try? await commands.run(["ip", "link", "del", host], input: nil)
    }
    try await commands.check(["ip", "-b", "-"], input: """
      link add \(host) type veth peer name eth0 netns \(namespacePath)
      link set \(host) up
      route replace \(address)/32 dev \(host) scope link

      """)
    try await commands.check(["sysctl", "-q", "-w", "net.ipv4.conf.\(host).rp_filter=0"])
    try await commands.check(["nsenter", "--net=\(namespacePath)", "ip", "-b", "-"], input: """
      link set lo up
      link set eth0 up
      addr add \(address)/32 dev eth0
      route add \(Self.gateway) dev eth0 scope link
      route add default via \(Self.gateway) dev eth0

      """)
  }

  /// Installs the sidecar's traffic capture in the pod's network namespace.
  public func capture(namespacePath: String, _ capture: SidecarCapture) async throws {
    try await commands.check(["nsenter", "--net=\(namespacePath)", "iptables-restore", "-w", "--noflush"], input: capture.rules)
  }

  /// Removes a pod's veth (both ends go) and its route.
  public func detach(podID: String) async {
    _ = try? await commands.run(["ip", "link", "del", Self.hostInterface(for: podID)], input: nil)
  }

  /// Rewrites the service proxy's rules for `ports` in one `iptables-restore`.
  public func applyServices(_ ports: [ProxiedServicePort]) async throws {
    let stale = written.withLock { $0 }
    let useRandomFully = randomFully.withLock { $0 }
    let (text, chains) = ServiceProxyRules.render(ports, podCIDR: Self.podCIDR, staleChains: stale, randomFully: useRandomFully)
    do {
      try await commands.check(["iptables-restore", "-w", "--noflush"], input: text)
    } catch where useRandomFully {
      // Kernels without --random-fully: plain MASQUERADE does the same job.
      randomFully.withLock { $0 = false }
      let (plain, _) = ServiceProxyRules.render(ports, podCIDR: Self.podCIDR, staleChains: stale, randomFully: false)
      try await commands.check(["iptables-restore", "-w", "--noflush"], input: plain)
    }
    written.withLock { $0 = chains }
  }
}

