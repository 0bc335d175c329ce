/// A pod's `/etc/resolv.conf`, formed as the kubelet does
/// (`pkg/kubelet/network/dns/dns.go`) and written as containerd does
/// (`parseDNSOptions`: search, nameserver, options lines, in that order).
public struct PodResolvConf: Sendable, Hashable {
  /// `spec.dnsConfig`: merged after the policy's settings.
  public struct PodDNSConfig: Sendable, Hashable {
    /// A `spec.dnsConfig.options` entry (`ndots` / `2`, or `edns0` / `nil`).
    public struct Option: Sendable, Hashable {
      public var name: String
      public var value: String?

      public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
      }
    }

    /// Appended after the cluster DNS address.
    public var nameservers: [String]
    /// Appended after the cluster search path.
    public var searches: [String]
    /// A pod option replaces the policy's option of the same name.
    public var options: [Option]

    public init(nameservers: [String] = [], searches: [String] = [], options: [Option] = []) {
      self.nameservers = nameservers
      self.searches = searches
      self.options = options
    }
  }

  /// `validation.MaxDNSNameservers`.
  public static let maxNameservers = 3
  /// `validation.MaxDNSSearchPaths`.
  public static let maxSearchPaths = 32
  /// `validation.MaxDNSSearchListChars`.
  public static let maxSearchLineCharacters = 2048
  /// A longer search path makes some resolvers (glibc 2.28) abort; the kubelet drops it.
  public static let maxSearchPathLength = 253

  /// `nameserver` lines, in order (at most 3).
  public var nameservers: [String]
  /// The `search` line's domains, in order.
  public var searches: [String]
  /// The `options` line's entries (`ndots:5`).
  public var options: [String]
  /// What the kubelet reports in `DNSConfigForming` warning events when it cut the lists.
  public var warnings: [String]

  public init(nameservers: [String], searches: [String], options: [String], warnings: [String] = []) {
    self.nameservers = nameservers
    self.searches = searches
    self.options = options
    self.warnings = warnings
  }

  /// The file for `dnsPolicy: ClusterFirst` (not hostNetwork):
  /// `search <ns>.svc.<domain> svc.<domain> <domain> <host searches...>`,
  /// the cluster DNS address, `options ndots:5`; then `dnsConfig` merged, then
  /// the kubelet's limits applied.
  ///
  /// - Parameters:
  ///   - namespace: The pod's namespace.
  ///   - clusterDomain: kubelet `--cluster-domain`.
  ///   - clusterDNS: kubelet `--cluster-dns` (Skiff: `10.96.0.10`).
  ///   - hostSearches: Search domains of the node's resolv.conf (Skiff has none).
  ///   - podConfig: The pod's `spec.dnsConfig`.
  public static func clusterFirst(
    namespace: String, clusterDomain: String = "cluster.local", clusterDNS: [String],
    hostSearches: [String] = [], podConfig: PodDNSConfig? = nil
  ) -> PodResolvConf {
    let clusterSearches = ["\(namespace).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain]
    var conf = PodResolvConf(
      nameservers: clusterDNS, searches: omittingDuplicates(clusterSearches + hostSearches),
      options: ["ndots:5"])
    if let podConfig {
      conf.nameservers = omittingDuplicates(conf.nameservers + podConfig.nameservers)
      conf.searches = omittingDuplicates(conf.searches + podConfig.searches)
      conf.options = mergingOptions(conf.options, podConfig.options)
    }
    conf.fitLimits()
    return conf
  }

  /// The file's text, ending in a newline; lists that are empty get no line.
  public var rendered: String {
    var text = ""
    if !searches.isEmpty { text += "search " + searches.joined(separator: " ") + "\n" }
    for nameserver in nameservers { text += "nameserver \(nameserver)\n" }
    if !options.isEmpty { text += "options " + options.joined(separator: " ") + "\n" }
    return text
  }

  /// kubelet `formDNSConfigFitsLimits`, with its event messages.
  private mutating func fitLimits() {
    if nameservers.count > PodResolvConf.maxNameservers {
      nameservers = Array(nameservers.prefix(PodResolvConf.maxNameservers))
      warnings.append(
        "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: "
          + nameservers.joined(separator: " "))
    }
    var exceeded = false
    if searches.count > PodResolvConf.maxSearchPaths {
      searches = Array(searches.prefix(PodResolvConf.maxSearchPaths))
      exceeded = true
    }
    let fitting = searches.filter { $0.utf8.count <= PodResolvConf.maxSearchPathLength }
    if fitting.count != searches.count {
      searches = fitting
      exceeded = true
    }
    var lineLength = searches.joined(separator: " ").utf8.count
    while lineLength > PodResolvConf.maxSearchLineCharacters, let last = searches.popLast() {
      lineLength -= last.utf8.count + 1
      exceeded = true
    }
    if exceeded {
      warnings.append(
        "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: "
          + searches.joined(separator: " "))
    }
  }

  private static func omittingDuplicates(_ values: [String]) -> [String] {
    var seen: Set<String> = []
    return values.filter { seen.insert($0).inserted }
  }

  /// kubelet `mergeDNSOptions`: by name, the pod's value wins. The kubelet's
  /// order is Go map order (random); here it is first appearance.
  private static func mergingOptions(
    _ existing: [String], _ pod: [PodDNSConfig.Option]
  ) -> [String] {
    var names: [String] = []
    var values: [String: String] = [:]
    func set(_ name: String, _ value: String) {
      if values[name] == nil { names.append(name) }
      values[name] = value
    }
    for option in existing {
      if let colon = option.firstIndex(of: ":") {
        set(String(option[..<colon]), String(option[option.index(after: colon)...]))
      } else {
        set(option, "")
      }
    }
    for option in pod {
      set(option.name, option.value ?? "")
    }
    return names.map { values[$0]!.isEmpty ? $0 : "\($0):\(values[$0]!)" }
  }
}
