import SkiffCLI
import SkiffNetwork

#if canImport(Glibc)
import Glibc
#endif

// The daemon lives in the node network namespace. setns changes only the calling thread,
// so it must happen here, on the main thread, before any other thread exists.
// The API's loopback TCP listener is bound here too, in the host namespace, for the same reason.
let arguments = CommandLine.arguments
if arguments.count > 1, arguments[1] == "daemon", geteuid() == 0 {
  var port = HostAPIListener.defaultPort
  if let i = arguments.firstIndex(of: "--api-port"), i + 1 < arguments.count { port = Int(arguments[i + 1]) ?? -1 }
  HostAPIListener.bindBeforeEnteringNode(port: port)
}
if arguments.count > 1, arguments[1] == "daemon", !arguments.contains("--control-plane-only"), geteuid() == 0 {
  var name = "skiff-node"
  if let i = arguments.firstIndex(of: "--node-namespace"), i + 1 < arguments.count { name = arguments[i + 1] }
  if let error = NodeNamespace.enter(name) {
    let text = "error: \(error)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(1)
  }
}

await SkiffCommand.runMain()
