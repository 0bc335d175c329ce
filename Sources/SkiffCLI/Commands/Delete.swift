import ArgumentParser
import SkiffAPI

/// `skiff delete`: by file, by name, by selector or `--all`, printing kubectl's
/// `deployment.apps "x" deleted`. Dependents go by cascading deletion (background unless
/// `--cascade=foreground|orphan`).
struct Delete: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Delete resources by file names, stdin, resources and names, or by resources and label selector.")

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.short, .customLong("filename")], help: "Files or directories with the resources to delete.")
  var files: [String] = []

  @Flag(name: .long, help: "Delete all resources of the given types in the namespace.")
  var all = false

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector.")
  var selector: String?

  @Option(name: .long, help: "background, foreground or orphan.")
  var cascade: String = "background"

  @Option(name: .customLong("grace-period"), help: "Seconds given to the resource to terminate gracefully (0: immediately).")
  var gracePeriod: Int?

  @Flag(name: .customLong("ignore-not-found"), help: "Treat \"resource not found\" as a successful delete.")
  var ignoreNotFound = false

  @Option(name: .customLong("wait"), help: "Wait for resources to be gone before returning (true or false).")
  var wait = true

  @Argument(help: "TYPE [NAME...] or TYPE/NAME...", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  func run() throws {
    var targets: [(ResourceInfo, String?, String, String?)] = []  // info, namespace, name, source
    if !files.isEmpty {
      for manifest in try ManifestLoader.load(files) {
        guard let type = APIRegistry.kind(apiVersion: manifest.value["apiVersion"]?.stringValue ?? "", kind: manifest.value["kind"]?.stringValue ?? "") else { continue }
        let info = type.resourceInfo
        let ns = info.namespaced ? (manifest.value.value(at: ["metadata", "namespace"])?.stringValue ?? namespace.effective) : nil
        targets.append((info, ns, manifest.value.value(at: ["metadata", "name"])?.stringValue ?? "", manifest.source))
      }
    } else {
      guard !arguments.isEmpty else {
        throw CLIError("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
      }
      if arguments.allSatisfy({ $0.contains("/") }) {
        for arg in arguments {
          let parts = arg.split(separator: "/", maxSplits: 1).map(String.init)
          let info = try ResourcePaths.resolve(parts[0])
          targets.append((info, info.namespaced ? namespace.effective : nil, parts[1], nil))
        }
      } else {
        let kinds = try arguments[0].split(separator: ",").map { name throws(CLIError) in try ResourcePaths.resolve(String(name)) }
        let names = Array(arguments.dropFirst())
        if names.isEmpty {
          guard all || selector != nil else {
            throw CLIError("error: resource(s) were provided, but no name was specified")
          }
          for info in kinds {
            var query: [(String, String)] = []
            if let selector { query.append(("labelSelector", selector)) }
            let response = try cluster.client.request("GET", ResourcePaths.collection(info, namespace: info.namespaced ? namespace.effective : nil), query: query)
            guard response.status == 200 else { throw CLIError.fromServer(response) }
            for item in response.json?["items"]?.arrayValue ?? [] {
              targets.append((info, info.namespaced ? namespace.effective : nil, item.value(at: ["metadata", "name"])?.stringValue ?? "", nil))
            }
          }
          if targets.isEmpty {
            Console.err("No resources found\n")
            return
          }
        } else {
          for info in kinds {
            for name in names { targets.append((info, info.namespaced ? namespace.effective : nil, name, nil)) }
          }
        }
      }
    }
    var failures: [String] = []
    var body: JSONObject = ["kind": "DeleteOptions", "apiVersion": "v1"]
    body["propagationPolicy"] = .string(cascade.prefix(1).uppercased() + cascade.dropFirst().lowercased())
    if let gracePeriod { body["gracePeriodSeconds"] = .int(Int64(gracePeriod)) }
    var deleted: [(ResourceInfo, String?, String)] = []
    for (info, ns, name, source) in targets {
      let response = try cluster.client.request("DELETE", ResourcePaths.object(info, namespace: ns, name: name), body: JSONValue.object(body).jsonBytes())
      if response.status == 200 || response.status == 202 {
        Console.out("\(info.kindDotGroup) \"\(name)\" \(gracePeriod == 0 ? "force deleted" : "deleted")\n")
        deleted.append((info, ns, name))
      } else if response.status == 404 && ignoreNotFound {
        continue
      } else {
        failures.append(CLIError.fromServer(response, context: source.map { "error when deleting \"\($0)\": " } ?? "").message)
      }
    }
    if wait {
      // As kubectl, return once the objects are really gone (finalizers, graceful pod stops).
      for (info, ns, name) in deleted {
        for _ in 0..<600 {
          let response = try cluster.client.request("GET", ResourcePaths.object(info, namespace: ns, name: name))
          if response.status == 404 { break }
          try sleepMilliseconds(100)
        }
      }
    }
    if !failures.isEmpty { throw CLIError(failures.joined(separator: "\n")) }
  }
}

func sleepMilliseconds(_ ms: Int) throws {
  var ts = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
  nanosleep(&ts, nil)
}

#if canImport(Glibc)
import Glibc
#endif
