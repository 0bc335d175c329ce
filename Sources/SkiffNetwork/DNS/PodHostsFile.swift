/// A pod's `/etc/hosts`, as the kubelet writes it
/// (`pkg/kubelet/kubelet_pods.go` `managedHostsFileContent`), tab-separated.
public struct PodHostsFile: Sendable, Hashable {
  /// A `spec.hostAliases` entry.
  public struct HostAlias: Sendable, Hashable {
    /// The address the names resolve to.
    public var ip: String
    /// Names written on the same line, tab-separated.
    public var hostnames: [String]

    public init(ip: String, hostnames: [String]) {
      self.ip = ip
      self.hostnames = hostnames
    }
  }

  /// The pod's IPs (`status.podIPs`), one line each.
  public var podIPs: [String]
  /// The pod's hostname (see ``hostname(podName:specHostname:)``).
  public var hostname: String
  /// `<subdomain>.<ns>.svc.<domain>` when `spec.subdomain` is set, else `nil`.
  public var domain: String?
  /// `spec.hostAliases`, after the managed lines.
  public var hostAliases: [HostAlias]

  /// - Parameters:
  ///   - podIPs: `status.podIPs`.
  ///   - podName: `metadata.name`.
  ///   - namespace: `metadata.namespace`.
  ///   - specHostname: `spec.hostname`.
  ///   - subdomain: `spec.subdomain`.
  ///   - clusterDomain: kubelet `--cluster-domain`.
  ///   - hostAliases: `spec.hostAliases`.
  public init(
    podIPs: [String], podName: String, namespace: String, specHostname: String? = nil,
    subdomain: String? = nil, clusterDomain: String = "cluster.local", hostAliases: [HostAlias] = []
  ) {
    self.podIPs = podIPs
    self.hostname = PodHostsFile.hostname(podName: podName, specHostname: specHostname)
    if let subdomain, !subdomain.isEmpty {
      domain = "\(subdomain).\(namespace).svc.\(clusterDomain)"
    } else {
      domain = nil
    }
    self.hostAliases = hostAliases
  }

  /// The pod's hostname: `spec.hostname`, else the pod name, cut to 63 characters
  /// without a trailing `-` or `.` (kubelet `GeneratePodHostNameAndDomain`).
  public static func hostname(podName: String, specHostname: String? = nil) -> String {
    var hostname = specHostname.flatMap { $0.isEmpty ? nil : $0 } ?? podName
    if hostname.count > 63 {
      hostname = String(hostname.prefix(63))
      while hostname.hasSuffix("-") || hostname.hasSuffix(".") { hostname.removeLast() }
    }
    return hostname
  }

  /// The file's text.
  public var rendered: String {
    var text = """
      # Kubernetes-managed hosts file.
      127.0.0.1\tlocalhost
      ::1\tlocalhost ip6-localhost ip6-loopback
      fe00::0\tip6-localnet
      fe00::0\tip6-mcastprefix
      fe00::1\tip6-allnodes
      fe00::2\tip6-allrouters

      """
    for ip in podIPs {
      if let domain {
        text += "\(ip)\t\(hostname).\(domain)\t\(hostname)\n"
      } else {
        text += "\(ip)\t\(hostname)\n"
      }
    }
    if !hostAliases.isEmpty {
      text += "\n# Entries added by HostAliases.\n"
      for alias in hostAliases {
        text += ([alias.ip] + alias.hostnames).joined(separator: "\t") + "\n"
      }
    }
    return text
  }
}
