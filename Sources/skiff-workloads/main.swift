// One binary for the three workload programs, chosen by the name it is started as (as
// busybox does): images link /bin/greeter-server, /bin/greeter-client and
// /bin/grpc_health_probe to it, so an image carries the gRPC stack once.
import Workloads

#if canImport(Glibc)
import Glibc
#endif

let program = CommandLine.arguments[0]
let name = program.split(separator: "/").last.map(String.init) ?? program
let rest = Array(CommandLine.arguments.dropFirst())
switch name {
case "greeter-server": exit(await GreeterServerProgram.main(program: program, arguments: rest))
case "greeter-client": exit(await GreeterClientProgram.main(program: program, arguments: rest))
case "grpc_health_probe": exit(await HealthProbeProgram.main(arguments: rest))
default:
  let text = "skiff-workloads: start me as greeter-server, greeter-client or grpc_health_probe (got \"\(name)\")\n"
  _ = text.withCString { write(2, $0, strlen($0)) }
  exit(2)
}
