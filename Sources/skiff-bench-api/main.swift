// skiff-bench-api: latency and throughput of the API of a running `skiff daemon` (create, get,
// list, update, watch delivery, delete) with N objects in one namespace; prints a Markdown
// table. scripts/bench-api starts the daemon and records the table in docs/benchmarks.md.
//
//   skiff-bench-api --socket PATH [--objects 10000] [--clients 4] [--pid DAEMON_PID]
import NIOCore
import NIOHTTP1
import SkiffAPI
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct Options {
  var socket = ""
  var objects = 10_000
  var clients = 4
  var pid: Int32?
  var lists = 20
  var updates = 1_000

  init(_ arguments: [String]) {
    var i = 1
    func value() -> String {
      i += 1
      guard i < arguments.count else { fail("missing value for \(arguments[i - 1])") }
      return arguments[i]
    }
    while i < arguments.count {
      switch arguments[i] {
      case "--socket": socket = value()
      case "--objects": objects = Int(value()) ?? objects
      case "--clients": clients = Int(value()) ?? clients
      case "--pid": pid = Int32(value())
      case "--lists": lists = Int(value()) ?? lists
      case "--updates": updates = Int(value()) ?? updates
      default: fail("unknown argument \(arguments[i])\nusage: skiff-bench-api --socket PATH [--objects N] [--clients C] [--pid PID]")
      }
      i += 1
    }
    if socket.isEmpty { fail("--socket is required") }
  }
}

func fail(_ message: String) -> Never {
  let text = Array("skiff-bench-api: \(message)\n".utf8)
  _ = text.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
  exit(1)
}

extension Duration {
  var milliseconds: Double {
    Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
  }
}

/// Latencies of one operation, and the wall time of the whole run.
struct Sample {
  var name: String
  var clients: Int
  var latencies: [Double]  // ms
  var wall: Duration

  func percentile(_ p: Double) -> Double {
    let sorted = latencies.sorted()
    return sorted[min(sorted.count - 1, Int(p / 100 * Double(sorted.count)))]
  }

  var row: String {
    let throughput = Double(latencies.count) / (wall.milliseconds / 1000)
    return "| \(name) | \(latencies.count) | \(clients) | \(format(percentile(50))) | \(format(percentile(99))) | "
      + "\(format(latencies.max() ?? 0)) | \(Int(throughput.rounded())) |"
  }

  /// Two decimals below 10 ms, one below 100, whole milliseconds above.
  func format(_ ms: Double) -> String {
    let digits = ms < 10 ? 2 : ms < 100 ? 1 : 0
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((ms * scale).rounded())
    guard digits > 0 else { return String(scaled) }
    let whole = scaled / Int(scale)
    let fraction = String(scaled % Int(scale))
    return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
  }
}

/// When each watch event (by resourceVersion) arrived.
final class Arrivals: Sendable {
  private let times = Mutex<[String: ContinuousClock.Instant]>([:])
  func record(_ rv: String, _ at: ContinuousClock.Instant) { times.withLock { $0[rv] = at } }
  var count: Int { times.withLock { $0.count } }
  var all: [String: ContinuousClock.Instant] { times.withLock { $0 } }
}

let options = Options(CommandLine.arguments)
let namespace = "bench"
let configMaps = "/api/v1/namespaces/\(namespace)/configmaps"
let pods = "/api/v1/namespaces/\(namespace)/pods"

func configMap(_ name: String, _ value: String = "v") -> [UInt8] {
  // ~300 bytes, a typical small ConfigMap.
  Array(#"""
    {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{"app":"bench","shard":"s\#(name.utf8.last.map { $0 % 10 } ?? 0)"}},
     "data":{"key":"\#(value)","settings.yaml":"replicas: 3\nimage: greeter:v1\nlogLevel: info\nfeatures: [a, b, c]\n"}}
    """#.utf8)
}

func pod(_ name: String) -> [UInt8] {
  Array(#"""
    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":{"app":"bench"}},
     "spec":{"containers":[{"name":"app","image":"greeter:v1","ports":[{"containerPort":8080,"name":"grpc"}],
       "readinessProbe":{"grpc":{"port":8080},"periodSeconds":5}}]}}
    """#.utf8)
}

/// Runs `count` requests spread over `clients` keep-alive connections; each request's
/// latency is measured on its own.
func run(
  _ name: String, count: Int, clients: Int,
  _ request: @escaping @Sendable (Int) -> (HTTPMethod, String, [UInt8]?, String?, Int)
) async throws -> Sample {
  let start = ContinuousClock.now
  let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
    for client in 0..<clients {
      group.addTask {
        try await BenchConnection.with(options.socket) { send in
          var out: [Double] = []
          var i = client
          while i < count {
            let (method, target, body, contentType, expected) = request(i)
            let t0 = ContinuousClock.now
            let response = try await send(method, target, body, contentType)
            out.append((ContinuousClock.now - t0).milliseconds)
            guard response.status == expected else {
              throw BenchConnection.Failure(description: "\(method) \(target): \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
            }
            i += clients
          }
          return out
        }
      }
    }
    var all: [Double] = []
    for try await part in group { all += part }
    return all
  }
  return Sample(name: name, clients: clients, latencies: latencies, wall: ContinuousClock.now - start)
}

/// Watch delivery: one watcher on the namespace; one writer updates objects one at a time and
/// notes when each response arrived; the watcher notes when the event with that
/// resourceVersion arrived. Latency = event arrival - write response (0 when the event came
/// first).
func watchDelivery(updates: Int) async throws -> (write: Sample, watch: Sample, endToEnd: Sample) {
  let start = await currentRevision()
  let arrivals = Arrivals()
  let channel = try await BenchConnection.open(options.socket)
  let reader = Task {
    try await channel.executeThenClose { inbound, outbound in
      var head = HTTPHeaders([("Host", "localhost")])
      head.add(name: "Accept", value: "application/json")
      try await outbound.write(.head(HTTPRequestHead(
        version: .http1_1, method: .GET, uri: "\(configMaps)?watch=true&resourceVersion=\(start)", headers: head)))
      try await outbound.write(.end(nil))
      var pending: [UInt8] = []
      var seen = 0
      for try await part in inbound {
        guard case .body(var buffer) = part else { continue }
        let now = ContinuousClock.now
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let newline = pending.firstIndex(of: 0x0a) {
          let line = Array(pending[..<newline])
          pending.removeSubrange(...newline)
          if let event = try? JSONValue(parsing: line),
            let rv = event.value(at: ["object", "metadata", "resourceVersion"])?.stringValue
          {
            arrivals.record(rv, now)
            seen += 1
          }
        }
        if seen >= updates { return }
      }
    }
  }
  var responses: [(rv: String, sent: ContinuousClock.Instant, received: ContinuousClock.Instant)] = []
  let write = try await BenchConnection.with(options.socket) { send in
    var latencies: [Double] = []
    let t0 = ContinuousClock.now
    for i in 0..<updates {
      let name = "cm-\(i * max(1, options.objects / updates))"
      let sent = ContinuousClock.now
      let response = try await send(
        .PATCH, "\(configMaps)/\(name)", Array(#"{"data":{"key":"update-\#(i)"}}"#.utf8), "application/merge-patch+json")
      let received = ContinuousClock.now
      guard response.status == 200, let object = try? JSONValue(parsing: response.body),
        let rv = object.value(at: ["metadata", "resourceVersion"])?.stringValue
      else { throw BenchConnection.Failure(description: "PATCH \(name): \(response.status)") }
      latencies.append((received - sent).milliseconds)
      responses.append((rv, sent, received))
    }
    return Sample(name: "update ConfigMap (merge PATCH), 1 watcher", clients: 1, latencies: latencies, wall: ContinuousClock.now - t0)
  }
  let deadline = ContinuousClock.now + .seconds(30)
  while arrivals.count < updates && ContinuousClock.now < deadline {
    try await Task.sleep(for: .milliseconds(10))
  }
  channel.channel.close(promise: nil)
  _ = await reader.result
  let seen = arrivals.all
  var delays: [Double] = []
  var endToEnd: [Double] = []
  for (rv, sent, received) in responses {
    guard let arrived = seen[rv] else { fail("watch event for resourceVersion \(rv) never arrived") }
    delays.append(max(0, (arrived - received).milliseconds))
    endToEnd.append((arrived - sent).milliseconds)
  }
  return (
    write,
    Sample(name: "watch: write response → event (0 if the event came first)", clients: 1, latencies: delays, wall: write.wall),
    Sample(name: "watch: write request sent → event", clients: 1, latencies: endToEnd, wall: write.wall)
  )
}

func currentRevision() async -> String {
  let response = try? await BenchConnection.with(options.socket) { send in
    try await send(.GET, "\(configMaps)?labelSelector=none%3Dnone", nil, nil)
  }
  let list = response.flatMap { try? JSONValue(parsing: $0.body) }
  return list?.value(at: ["metadata", "resourceVersion"])?.stringValue ?? "0"
}

func residentMiB(_ pid: Int32) -> String? {
  guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 256)
  while fgets(&line, Int32(line.count), file) != nil {
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix("VmRSS:") {
      let kb = text.split(separator: " ").compactMap { Int($0) }.first ?? 0
      return String(kb / 1024)
    }
  }
  return nil
}

let n = options.objects
let c = options.clients
let namespaceBody = Array(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(namespace)"}}"#.utf8)
let created = try await BenchConnection.with(options.socket) { send in try await send(.POST, "/api/v1/namespaces", namespaceBody, nil) }
guard created.status == 201 else { fail("create namespace: \(created.status) \(String(decoding: created.body, as: UTF8.self))") }

var samples: [Sample] = []
samples.append(try await run("create ConfigMap", count: n, clients: c) { i in (.POST, configMaps, configMap("cm-\(i)"), nil, 201) })
samples.append(try await run("get ConfigMap", count: n, clients: c) { i in (.GET, "\(configMaps)/cm-\((i * 7919) % n)", nil, nil, 200) })
samples.append(try await run("list \(n) ConfigMaps", count: options.lists, clients: 1) { _ in (.GET, configMaps, nil, nil, 200) })
samples.append(try await run("list ConfigMaps, label selector (10%)", count: options.lists, clients: 1) { _ in
  (.GET, "\(configMaps)?labelSelector=shard%3Ds1", nil, nil, 200)
})
let (write, watch, endToEnd) = try await watchDelivery(updates: options.updates)
samples += [write, watch, endToEnd]
let rss = options.pid.flatMap(residentMiB)
samples.append(try await run("delete ConfigMap", count: n, clients: c) { i in (.DELETE, "\(configMaps)/cm-\(i)", nil, nil, 200) })
samples.append(try await run("create Pod", count: n, clients: c) { i in (.POST, pods, pod("pod-\(i)"), nil, 201) })
samples.append(try await run("list \(n) Pods", count: options.lists, clients: 1) { _ in (.GET, pods, nil, nil, 200) })

print("| operation | calls | clients | p50 (ms) | p99 (ms) | max (ms) | throughput (calls/s) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for sample in samples { print(sample.row) }
if let rss { print("\nDaemon resident memory with \(n) ConfigMaps stored: \(rss) MiB.") }
