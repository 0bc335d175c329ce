import SkiffAPI

extension Describer {
  /// `describeService`. kubectl reads the endpoints from EndpointSlices; Skiff serves the
  /// Endpoints object they mirror, read here the same way (ready addresses only, `ip:port`
  /// of the port with the service port's name, at most 3 then ` + N more...`, empty when
  /// none is ready).
  func describeService(_ service: JSONValue) throws -> String {
    let namespace = service.metadataString("namespace") ?? ""
    let name = service.metadataString("name") ?? ""
    let endpointsResponse = try client.request("GET", ResourcePaths.object(Endpoints.resourceInfo, namespace: namespace, name: name))
    let endpoints = endpointsResponse.status == 200 ? endpointsResponse.json : nil
    let events = try self.events(for: service, kind: "Service")
    var w = writer()
    let spec = service["spec"] ?? [:]
    nameAndNamespace(service, into: &w)
    w.labels("Labels", Self.metadataMap(service, "labels"))
    w.annotations("Annotations", Self.metadataMap(service, "annotations"))
    w.write(0, "Selector:\t\(LabelSelectorText.formatted(spec.stringMap("selector")))\n")
    w.write(0, "Type:\t\(spec.string("type"))\n")
    if let policy = spec["ipFamilyPolicy"]?.stringValue { w.write(0, "IP Family Policy:\t\(policy)\n") }
    let families = spec.array("ipFamilies").compactMap(\.stringValue)
    w.write(0, "IP Families:\t\(families.isEmpty ? "<none>" : families.joined(separator: ","))\n")
    w.write(0, "IP:\t\(spec.string("clusterIP"))\n")
    let ips = spec.array("clusterIPs").compactMap(\.stringValue)
    w.write(0, "IPs:\t\(ips.isEmpty ? "<none>" : ips.joined(separator: ","))\n")
    let external = spec.array("externalIPs").compactMap(\.stringValue)
    if !external.isEmpty { w.write(0, "External IPs:\t\(external.joined(separator: ","))\n") }
    if !spec.string("loadBalancerIP").isEmpty { w.write(0, "Desired LoadBalancer IP:\t\(spec.string("loadBalancerIP"))\n") }
    if !spec.string("externalName").isEmpty { w.write(0, "External Name:\t\(spec.string("externalName"))\n") }
    let ingress = service.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? []
    if !ingress.isEmpty {
      let list = ingress.map { entry -> String in
        if !entry.string("ip").isEmpty {
          return entry.string("ip") + (entry["ipMode"]?.stringValue.map { " (\($0))" } ?? "")
        }
        return entry.string("hostname")
      }.joined(separator: ", ")
      w.write(0, "LoadBalancer Ingress:\t\(list)\n")
    }
    for port in spec.array("ports") {
      let portName = port.string("name")
      let shown = portName.isEmpty ? "<unset>" : portName
      let proto = port.string("protocol")
      w.write(0, "Port:\t\(shown)\t\(port.int("port"))/\(proto)\n")
      w.write(0, "TargetPort:\t\(port["targetPort"]?.intOrStringText ?? "0")/\(proto)\n")
      if port.int("nodePort") != 0 { w.write(0, "NodePort:\t\(shown)\t\(port.int("nodePort"))/\(proto)\n") }
      w.write(0, "Endpoints:\t\(Self.endpointsText(endpoints, portName: portName))\n")
    }
    w.write(0, "Session Affinity:\t\(spec.string("sessionAffinity"))\n")
    if !spec.string("externalTrafficPolicy").isEmpty {
      w.write(0, "External Traffic Policy:\t\(spec.string("externalTrafficPolicy"))\n")
    }
    if let policy = spec["internalTrafficPolicy"]?.stringValue { w.write(0, "Internal Traffic Policy:\t\(policy)\n") }
    if spec.int("healthCheckNodePort") != 0 { w.write(0, "HealthCheck NodePort:\t\(spec.int("healthCheckNodePort"))\n") }
    let ranges = spec.array("loadBalancerSourceRanges").compactMap(\.stringValue)
    if !ranges.isEmpty { w.write(0, "LoadBalancer Source Ranges:\t\(ranges.joined(separator: ","))\n") }
    w.events(events)
    return w.finish()
  }

  /// `formatEndpointSlices` over the Endpoints' subsets.
  static func endpointsText(_ endpoints: JSONValue?, portName: String) -> String {
    // A selector service always has its (possibly empty) EndpointSlice on a real cluster:
    // `<none>` only when there is no Endpoints object at all.
    guard let endpoints else { return "<none>" }
    let subsets = endpoints.array("subsets")
    var list: [String] = []
    var count = 0
    var more = false
    let maxShown = 3
    for subset in subsets {
      let ready = subset.array("addresses").map { $0.string("ip") }
      let ports = subset.array("ports")
      if ports.isEmpty {
        for ip in ready {
          if list.count == maxShown { more = true }
          if !more { list.append(ip) }
          count += 1
        }
        continue
      }
      for port in ports where port.string("name") == portName {
        for ip in ready {
          if list.count == maxShown { more = true }
          if !more { list.append(ip.contains(":") ? "[\(ip)]:\(port.int("port"))" : "\(ip):\(port.int("port"))") }
          count += 1
        }
      }
    }
    let text = list.joined(separator: ",")
    return more ? "\(text) + \(count - maxShown) more..." : text
  }

  /// `describeEndpoints`.
  func describeEndpoints(_ endpoints: JSONValue) throws -> String {
    let events = try self.events(for: endpoints, kind: "Endpoints")
    var w = writer()
    nameAndNamespace(endpoints, into: &w)
    w.labels("Labels", Self.metadataMap(endpoints, "labels"))
    w.annotations("Annotations", Self.metadataMap(endpoints, "annotations"))
    w.write(0, "Subsets:\n")
    for subset in endpoints.array("subsets") {
      let ready = subset.array("addresses").map { $0.string("ip") }.joined(separator: ",")
      w.write(1, "Addresses:\t\(ready.isEmpty ? "<none>" : ready)\n")
      let notReady = subset.array("notReadyAddresses").map { $0.string("ip") }.joined(separator: ",")
      w.write(1, "NotReadyAddresses:\t\(notReady.isEmpty ? "<none>" : notReady)\n")
      let ports = subset.array("ports")
      if !ports.isEmpty {
        w.write(1, "Ports:\n")
        w.write(2, "Name\tPort\tProtocol\n")
        w.write(2, "----\t----\t--------\n")
        for port in ports {
          let name = port.string("name")
          w.write(2, "\(name.isEmpty ? "<unset>" : name)\t\(port.int("port"))\t\(port.string("protocol"))\n")
        }
      }
      w.write(0, "\n")
    }
    w.events(events)
    return w.finish()
  }
}
