// skiff-bench-runtime: Skiff's container runtime, timed the way scripts/bench-runtime times
// crun and runc: N sequential runs of one short-lived container, create + start + exit +
// cleanup each, on a given root filesystem.
//   skiff-bench-runtime --rootfs DIR --init PATH [--runs N] [--work DIR] [--cmd /bin/true]
// Prints one line per mode: `mode n p50_ms p99_ms mean_ms`.
//   container  a container in an existing pod sandbox (what a pod's restart costs)
//   pod        sandbox (net/uts/ipc namespaces) + container + sandbox removal (what crun run
//              does with its default config: its own namespaces each time)
import SkiffRuntime

#if canImport(Glibc)
import Glibc
#endif

struct Options {
  var rootfs = ""
  var initBinary = ""
  var runs = 100
  var work = "/tmp/skiff-bench-runtime"
  var command = ["/bin/true"]
}

func fail(_ message: String) -> Never {
  var text = "skiff-bench-runtime: \(message)\n"
  text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  exit(2)
}

var parsed = Options()
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
  let flag = arguments.removeFirst()
  guard let value = arguments.first else { fail("\(flag) needs a value") }
  arguments.removeFirst()
  switch flag {
  case "--rootfs": parsed.rootfs = value
  case "--init": parsed.initBinary = value
  case "--runs": parsed.runs = Int(value) ?? 0
  case "--work": parsed.work = value
  case "--cmd": parsed.command = value.split(separator: " ").map(String.init)
  default: fail("unknown flag \(flag) (use --rootfs DIR --init PATH [--runs N] [--work DIR] [--cmd CMD])")
  }
}
let options = parsed
guard !options.rootfs.isEmpty, !options.initBinary.isEmpty, options.runs > 0 else {
  fail("--rootfs, --init and a positive --runs are required")
}

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
}

let runtime = ContainerRuntime(
  runDirectory: options.work + "/run", stateDirectory: options.work + "/state", initBinary: options.initBinary)
do {
  try runtime.prepare()
} catch {
  fail("cannot prepare \(options.work): \(error)")
}

func launch(_ id: String, sandbox: SandboxHandle) -> (LaunchSpec, String) {
  let dir = runtime.containerDirectory(pod: sandbox.id, container: id)
  let process = ProcessSpec(args: options.command, env: ["PATH=/bin:/usr/bin"], cwd: "/")
  let spec = LaunchSpec(
    id: id, joinNamespaces: sandbox.joinList, hostname: sandbox.id,
    rootfs: RootfsSpec(
      lowerDirs: [options.rootfs], upperDir: dir + "/upper", workDir: dir + "/work", mountPoint: dir + "/rootfs", readOnly: false),
    mounts: SetupPlan.defaultMounts, devices: SetupPlan.defaultDevices, maskedPaths: SetupPlan.defaultMaskedPaths,
    readonlyPaths: SetupPlan.defaultReadonlyPaths, process: process, logPath: dir + "/log", exitPath: dir + "/exit.json")
  return (spec, dir)
}

/// Starts a container and waits for its exit record (polled every 100 µs).
func runContainer(_ id: String, in sandbox: SandboxHandle) async throws {
  let (spec, dir) = launch(id, sandbox: sandbox)
  _ = try await runtime.start(spec, directory: dir)
  while runtime.exitRecord(at: spec.exitPath) == nil { usleep(100) }
  guard let record = runtime.exitRecord(at: spec.exitPath), record.exitCode == 0 else {
    fail("container \(id) failed: \(String(describing: runtime.exitRecord(at: spec.exitPath)))")
  }
  runtime.removeContainerState(dir)
}

func report(_ mode: String, _ samples: [Double]) {
  let sorted = samples.sorted()
  let p50 = sorted[sorted.count / 2]
  let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
  let mean = sorted.reduce(0, +) / Double(sorted.count)
  print("\(mode) \(sorted.count) \(format3(p50)) \(format3(p99)) \(format3(mean))")
}

func format3(_ value: Double) -> String {
  let scaled = Int((value * 1000).rounded())
  let fraction = String(scaled % 1000)
  return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}

do {
  // A container in a long-lived sandbox.
  let sandbox = try await runtime.createSandbox(id: "bench-pod", hostname: "bench-pod")
  try await runContainer("warmup", in: sandbox)
  var container: [Double] = []
  for i in 0..<options.runs {
    let start = now()
    try await runContainer("c\(i)", in: sandbox)
    container.append(now() - start)
  }
  runtime.removeSandbox(id: "bench-pod")
  report("container", container)

  // Sandbox + container + removal, each time.
  var pod: [Double] = []
  for i in 0..<options.runs {
    let start = now()
    let sandbox = try await runtime.createSandbox(id: "p\(i)", hostname: "p\(i)")
    try await runContainer("c", in: sandbox)
    runtime.removeSandbox(id: "p\(i)")
    pod.append(now() - start)
  }
  report("pod", pod)
} catch {
  fail("\(error)")
}
runtime.release()
