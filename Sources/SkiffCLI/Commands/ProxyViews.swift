import ArgumentParser
import SkiffAPI

/// `skiff proxy-status`: each sidecar, its config version and whether it is in sync, as
/// `istioctl proxy-status` prints it.
struct ProxyStatus: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "proxy-status", abstract: "Show each sidecar's config sync status (like istioctl proxy-status).")

  @OptionGroup var cluster: ClusterOptions

  func run() throws {
    let response = try cluster.client.request("GET", "/skiff/v1/proxy-status", headers: [("Accept", "text/plain")])
    guard response.status == 200 else { throw CLIError.fromServer(response) }
    Console.out(String(decoding: response.body, as: UTF8.self))
  }
}

/// `skiff proxy-config POD`: the routes, clusters and endpoints a sidecar was given (like
/// `istioctl proxy-config all`), as JSON or a summary.
struct ProxyConfig: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "proxy-config", abstract: "Show a sidecar's routes, clusters and endpoints (like istioctl proxy-config).")

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.short, .long], help: "Output format: json (default: a summary).")
  var output: String?

  @Argument(help: "POD[.NAMESPACE]")
  var pod: String

  func run() throws {
    var name = pod
    var ns = namespace.effective
    if namespace.namespace == nil, let dot = pod.firstIndex(of: ".") {
      name = String(pod[..<dot])
      ns = String(pod[pod.index(after: dot)...])
    }
    let response = try cluster.client.request("GET", "/skiff/v1/proxy-config/\(ns)/\(name)")
    guard response.status == 200, let json = response.json else { throw CLIError.fromServer(response) }
    if output == "json" {
      Console.out(String(decoding: response.body, as: UTF8.self) + "\n")
      return
    }
    Console.out(ProxyConfigSummary.render(json))
  }
}

/// A readable summary of a proxy snapshot: listeners, routes, clusters with endpoints.
enum ProxyConfigSummary {
  static func render(_ snapshot: JSONValue) -> String {
    var out = "VERSION: \(snapshot["version"]?.stringValue ?? "?")"
    if let sync = snapshot["syncStatus"]?.stringValue { out += "   \(sync)" }
    out += "\n\nROUTES\n"
    for table in snapshot["routeTables"]?.arrayValue ?? snapshot["routes"]?.arrayValue ?? [] {
      out += "  \(table["name"]?.stringValue ?? "?")\n"
      for route in table["routes"]?.arrayValue ?? [] {
        let destinations = (route["destinations"]?.arrayValue ?? route["weightedClusters"]?.arrayValue ?? []).map { d in
          "\(d["cluster"]?.stringValue ?? "?") weight \(d["weight"]?.intValue ?? 0)"
        }
        out += "    \(route["name"]?.stringValue ?? "route"): \(destinations.joined(separator: ", "))\n"
      }
    }
    out += "\nCLUSTERS\n"
    var rows = [["CLUSTER", "LB", "ENDPOINTS"]]
    for cluster in snapshot["clusters"]?.arrayValue ?? [] {
      let endpoints = (cluster["endpoints"]?.arrayValue ?? []).map { e in
        // Endpoints with a sidecar are dialed with mutual TLS (Istio's auto mTLS).
        "\(e["address"]?.stringValue ?? e["ip"]?.stringValue ?? "?"):\(e["port"]?.intValue ?? 0)"
          + (e["peerIdentity"]?.stringValue != nil ? " (mTLS)" : "")
      }
      rows.append([cluster["name"]?.stringValue ?? "?", cluster["loadBalancer"]?.stringValue ?? cluster["lb"]?.stringValue ?? "",
                   endpoints.isEmpty ? "<none>" : endpoints.joined(separator: ",")])
    }
    out += TableRenderer.align(rows)
    // As `istioctl proxy-config secret` lists the workload certificate.
    out += "\nSECRETS\n"
    var secrets = [["RESOURCE NAME", "TYPE", "SERIAL NUMBER", "NOT AFTER", "IDENTITY"]]
    if let secret = snapshot["secret"] {
      secrets.append([
        "default", "Cert Chain", secret["serialNumber"]?.stringValue ?? "?", secret["notAfter"]?.stringValue ?? "?",
        secret["spiffeID"]?.stringValue ?? "?",
      ])
      secrets.append(["ROOTCA", "CA", "", "", ""])
    }
    if secrets.count == 1 { return out + "  <none>: the sidecar talks plaintext (no mesh certificate)\n" }
    return out + TableRenderer.align(secrets)
  }
}
