import Testing

@testable import SkiffNetwork

@Suite("a pod's /etc/resolv.conf and /etc/hosts")
struct PodDNSFilesTests {
  @Test("ClusterFirst: search path, the cluster DNS address, ndots:5, in containerd's line order")
  func clusterFirst() {
    let conf = PodResolvConf.clusterFirst(namespace: "grpc-nosidecar", clusterDNS: ["10.96.0.10"])
    #expect(
      conf.rendered == """
        search grpc-nosidecar.svc.cluster.local svc.cluster.local cluster.local
        nameserver 10.96.0.10
        options ndots:5

        """)
    #expect(conf.warnings.isEmpty)
  }

  @Test("host search domains follow the cluster's, duplicates dropped")
  func hostSearches() {
    let conf = PodResolvConf.clusterFirst(
      namespace: "default", clusterDNS: ["10.96.0.10"],
      hostSearches: ["corp.example", "cluster.local", "lab.example"])
    #expect(conf.searches == [
      "default.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example", "lab.example",
    ])
  }

  @Test("spec.dnsConfig: nameservers and searches appended, options merged by name")
  func podDNSConfig() {
    let conf = PodResolvConf.clusterFirst(
      namespace: "default", clusterDNS: ["10.96.0.10"],
      podConfig: PodResolvConf.PodDNSConfig(
        nameservers: ["10.96.0.10", "10.96.0.11"], searches: ["my.dns.search.suffix"],
        options: [.init(name: "ndots", value: "2"), .init(name: "edns0")]))
    #expect(
      conf.rendered == """
        search default.svc.cluster.local svc.cluster.local cluster.local my.dns.search.suffix
        nameserver 10.96.0.10
        nameserver 10.96.0.11
        options ndots:2 edns0

        """)
  }

  @Test("over the kubelet's limits: cut, with the DNSConfigForming message")
  func limits() {
    let many = (1...40).map { "d\($0).example" }
    let conf = PodResolvConf.clusterFirst(
      namespace: "default", clusterDNS: ["10.96.0.10"], hostSearches: many,
      podConfig: PodResolvConf.PodDNSConfig(nameservers: ["1.1.1.1", "8.8.8.8", "9.9.9.9"]))
    #expect(conf.searches.count == 32)
    #expect(conf.nameservers == ["10.96.0.10", "1.1.1.1", "8.8.8.8"])
    #expect(conf.warnings == [
      "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8",
      "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: "
        + conf.searches.joined(separator: " "),
    ])
    // 2048 characters: long domains are dropped from the end until the line fits.
    let long = (1...12).map { String(repeating: "x", count: 200) + ".d\($0)" }
    let cut = PodResolvConf.clusterFirst(namespace: "default", clusterDNS: ["10.96.0.10"], hostSearches: long)
    // 2508 characters; dropping d12, d11 and d10 leaves 1893.
    #expect(cut.searches.joined(separator: " ").count == 1893)
    #expect(cut.searches.last == long[8])
    #expect(cut.warnings.count == 1)
  }

  @Test("hosts file: the kubelet's header and localhost lines, then the pod's IP and hostname")
  func hosts() {
    let hosts = PodHostsFile(podIPs: ["10.244.0.5"], podName: "istio-grpc-client-6f7c-klmno", namespace: "grpc-nosidecar")
    #expect(
      hosts.rendered == """
        # Kubernetes-managed hosts file.
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        fe00::0\tip6-localnet
        fe00::0\tip6-mcastprefix
        fe00::1\tip6-allnodes
        fe00::2\tip6-allrouters
        10.244.0.5\tistio-grpc-client-6f7c-klmno

        """)
  }

  @Test("hosts file with hostname, subdomain and hostAliases")
  func hostsWithSubdomainAndAliases() {
    let hosts = PodHostsFile(
      podIPs: ["10.244.0.7", "fd00::7"], podName: "greeter-0", namespace: "grpc-nosidecar",
      specHostname: "greeter-0", subdomain: "greeter",
      hostAliases: [
        .init(ip: "127.0.0.1", hostnames: ["foo.local", "bar.local"]),
        .init(ip: "10.1.2.3", hostnames: ["foo.remote"]),
      ])
    #expect(hosts.rendered.hasSuffix("""
      fe00::2\tip6-allrouters
      10.244.0.7\tgreeter-0.greeter.grpc-nosidecar.svc.cluster.local\tgreeter-0
      fd00::7\tgreeter-0.greeter.grpc-nosidecar.svc.cluster.local\tgreeter-0

      # Entries added by HostAliases.
      127.0.0.1\tfoo.local\tbar.local
      10.1.2.3\tfoo.remote

      """))
  }

  @Test("hostname: spec.hostname wins; a long pod name is cut to 63 without a trailing dash")
  func hostname() {
    #expect(PodHostsFile.hostname(podName: "web-1", specHostname: "db") == "db")
    #expect(PodHostsFile.hostname(podName: "web-1", specHostname: "") == "web-1")
    let long = String(repeating: "a", count: 62) + "-bcdef"
    #expect(PodHostsFile.hostname(podName: long) == String(repeating: "a", count: 62))
  }
}
