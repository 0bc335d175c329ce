public import Logging
import SkiffAPI
public import SkiffNetwork
public import SkiffStore

/// Keeps the node's service proxy (iptables) and cluster DNS in step with Services,
/// Endpoints, Pods and Namespaces: every change schedules one rebuild, coalescing bursts.
public struct ClusterNetworkSync: Sendable {
  let registry: ObjectRegistry
  let network: NodeNetwork?
  let dns: ClusterDNSRecords
  let logger: Logger

  public init(registry: ObjectRegistry, network: NodeNetwork?, dns: ClusterDNSRecords, logger: Logger) {
    self.registry = registry
    self.network = network
    self.dns = dns
    self.logger = logger
  }

  public func run() async {
    let (changes, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    await withTaskGroup(of: Void.self) { group in
      for info in [Service.resourceInfo, Endpoints.resourceInfo, Pod.resourceInfo, Namespace.resourceInfo] {
        group.addTask {
          guard let events = try? registry.store.watch(info.groupResource) else { return }
          for await _ in events { signal.yield() }
        }
      }
      group.addTask {
        signal.yield()
        var serial: UInt32 = 1
        for await _ in changes {
          // Let a burst (an apply of several objects) settle, then rebuild once.
          try? await Task.sleep(for: .milliseconds(20))
          serial &+= 1
          await rebuild(serial: serial)
        }
      }
      await group.waitForAll()
    }
  }

  func rebuild(serial: UInt32) async {
    let services = registry.list(Service.self)
    var endpointsByKey: [String: Endpoints] = [:]
    for e in registry.list(Endpoints.self) { endpointsByKey["\(e.metadata.namespace ?? "")/\(e.metadata.name ?? "")"] = e }
    var ports: [ProxiedServicePort] = []
    var dnsServices: [DNSService] = []
    for service in services {
      let namespace = service.metadata.namespace ?? ""
      let name = service.metadata.name ?? ""
      let endpoints = endpointsByKey["\(namespace)/\(name)"]
      let clusterIP = service.spec.clusterIP ?? ""
      for port in service.spec.ports ?? [] where !clusterIP.isEmpty && clusterIP != "None" {
        var ready: [String] = []
        for subset in endpoints?.subsets ?? [] {
          guard let endpointPort = (subset.ports ?? []).first(where: { ($0.name ?? "") == (port.name ?? "") && ($0.protocol ?? "TCP") == (port.protocol ?? "TCP") })
            ?? ((subset.ports ?? []).count == 1 && (service.spec.ports ?? []).count == 1 ? subset.ports?.first : nil)
          else { continue }
          for address in subset.addresses ?? [] { ready.append("\(address.ip):\(endpointPort.port)") }
        }
        let affinity = service.spec.sessionAffinity == "ClientIP"
          ? Int(service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : nil
        ports.append(ProxiedServicePort(
          namespace: namespace, service: name, portName: port.name ?? "", clusterIP: clusterIP, port: Int(port.port),
          proto: port.protocol ?? "TCP", endpoints: ready, clientIPAffinitySeconds: affinity))
      }
      dnsServices.append(Self.dnsService(service, endpoints: endpoints))
    }
    let pods = registry.list(Pod.self).compactMap { pod -> DNSPod? in
      guard let ip = pod.status?.podIP.flatMap(IPAddress.init) else { return nil }
      return DNSPod(namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "", addresses: [ip])
    }
    let namespaces = registry.list(Namespace.self).compactMap(\.metadata.name)
    dns.replace(with: ClusterDNSSnapshot(services: dnsServices, pods: pods, namespaces: namespaces, serial: serial))
    if let network {
      do {
        try await network.applyServices(ports)
      } catch {
        logger.error("service proxy: iptables-restore failed: \(error)")
      }
    }
  }

  static func dnsService(_ service: Service, endpoints: Endpoints?) -> DNSService {
    let kind: DNSService.Kind
    if service.spec.type == "ExternalName" {
      kind = .externalName(service.spec.externalName ?? "")
    } else if service.spec.clusterIP == "None" {
      kind = .headless
    } else {
      kind = .clusterIP((service.spec.clusterIPs ?? [service.spec.clusterIP ?? ""]).compactMap(IPAddress.init))
    }
    let ports = (service.spec.ports ?? []).map {
      DNSPort(name: $0.name, transport: ($0.protocol ?? "TCP") == "UDP" ? .udp : .tcp, port: UInt16($0.port))
    }
    var dnsEndpoints: [DNSEndpoint] = []
    for subset in endpoints?.subsets ?? [] {
      let subsetPorts = (subset.ports ?? []).map {
        DNSPort(name: $0.name, transport: ($0.protocol ?? "TCP") == "UDP" ? .udp : .tcp, port: UInt16($0.port))
      }
      for (addresses, ready) in [(subset.addresses ?? [], true), (subset.notReadyAddresses ?? [], false)] {
        for address in addresses {
          guard let ip = IPAddress(address.ip) else { continue }
          dnsEndpoints.append(DNSEndpoint(
            address: ip, isReady: ready || (service.spec.publishNotReadyAddresses ?? false), hostname: address.hostname,
            podName: address.targetRef?.name, ports: subsetPorts))
        }
      }
    }
    return DNSService(
      namespace: service.metadata.namespace ?? "", name: service.metadata.name ?? "", kind: kind, ports: ports,
      endpoints: dnsEndpoints)
  }
}
