// skiff-mesh-bench: time from a VirtualService change in the store to every simulated
// proxy having ACKed its new snapshot, through the real path — store watch, debounce,
// compile, gRPC push over one unix socket per proxy, client validation (Router), ACK.
//   skiff-mesh-bench [--proxies N] [--edits N] [--debounce-ms N]
import FoundationEssentials
import SkiffAPI
import SkiffMesh
import SkiffMeshClient
import SkiffMeshConfig
import SkiffStore

#if canImport(Glibc)
import Glibc
#endif

var proxies = 20
var edits = 100
var debounceMilliseconds = 10
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
  guard let value = arguments.popFirst().flatMap(Int.init) else {
    print("usage: skiff-mesh-bench [--proxies N] [--edits N] [--debounce-ms N]")
    exit(1)
  }
  switch flag {
  case "--proxies": proxies = value
  case "--edits": edits = value
  case "--debounce-ms": debounceMilliseconds = value
  default:
    print("unknown flag \(flag)")
    exit(1)
  }
}

let namespace = "grpc-sidecar"

func put<T: APIObject>(_ object: T, in store: ObjectStore) throws {
  let key = ObjectKey(T.resourceInfo.groupResource, namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "")
  let json = try object.encodedJSON()
  if store.get(key) == nil { try store.create(key, json) } else { try store.update(key, json) }
}

func pod(_ name: String, ip: String, labels: [String: String]) -> Pod {
  var pod = Pod(
    metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
    spec: PodSpec(containers: [Container(name: "app"), Container(name: "istio-proxy")]))
  pod.status = PodStatus(phase: "Running")
  pod.status?.podIP = ip
  return pod
}

func virtualService(v1: Int32) -> VirtualService {
  var route = HTTPRoute(
    match: [HTTPMatchRequest(port: 8080)],
    route: [
      HTTPRouteDestination(destination: Destination(host: "istio-grpc-server", subset: "v1"), weight: v1),
      HTTPRouteDestination(destination: Destination(host: "istio-grpc-server", subset: "v2"), weight: 100 - v1),
    ])
  route.timeout = "10s"
  return VirtualService(
    metadata: ObjectMeta(name: "vs-istio-grpc-server", namespace: namespace),
    spec: VirtualServiceSpec(hosts: ["istio-grpc-server"], http: [route]))
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  return sorted[min(sorted.count - 1, Int(p / 100 * Double(sorted.count)))]
}

func milliseconds(_ duration: Duration) -> Double {
  let (seconds, attoseconds) = duration.components
  return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

let store = try ObjectStore(path: ":memory:")
var server = Service(
  metadata: ObjectMeta(name: "istio-grpc-server", namespace: namespace),
  spec: ServiceSpec(ports: [ServicePort(port: 8080, name: "grpc-backend")], selector: ["app": "istio-grpc-server"]))
server.spec.clusterIP = "10.96.0.20"
try put(server, in: store)
try put(pod("server-v1", ip: "10.244.1.1", labels: ["app": "istio-grpc-server", "version": "v1"]), in: store)
try put(pod("server-v2", ip: "10.244.1.2", labels: ["app": "istio-grpc-server", "version": "v2"]), in: store)
try put(
  Endpoints(
    metadata: ObjectMeta(name: "istio-grpc-server", namespace: namespace),
    subsets: [
      EndpointSubset(
        addresses: [
          EndpointAddress(ip: "10.244.1.1", targetRef: ObjectReference(kind: "Pod", namespace: namespace, name: "server-v1")),
          EndpointAddress(ip: "10.244.1.2", targetRef: ObjectReference(kind: "Pod", namespace: namespace, name: "server-v2")),
        ], ports: [EndpointPort(port: 8080, name: "grpc-backend", protocol: "TCP")])
    ]), in: store)
try put(
  DestinationRule(
    metadata: ObjectMeta(name: "dr-istio-grpc-server", namespace: namespace),
    spec: DestinationRuleSpec(
      host: "istio-grpc-server", trafficPolicy: TrafficPolicy(loadBalancer: LoadBalancerSettings(simple: "ROUND_ROBIN")),
      subsets: [Subset(name: "v1", labels: ["version": "v1"]), Subset(name: "v2", labels: ["version": "v2"])])),
  in: store)
try put(virtualService(v1: 90), in: store)
let identities = (0..<proxies).map { ProxyIdentity(namespace: namespace, name: "client-\($0)") }
for (index, identity) in identities.enumerated() {
  try put(pod(identity.name, ip: "10.244.2.\(index + 1)", labels: ["app": "client"]), in: store)
}

var template = Array("/tmp/skiff-mesh-bench-XXXXXX".utf8CString)
guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed") }
let directory = String(cString: made)

let meshServer = MeshConfigServer(controlPlaneID: "bench")
let controller = MeshController(
  store: store, server: meshServer, configuration: .init(debounceAfter: .milliseconds(Int64(debounceMilliseconds))))
let clients = identities.map { identity in
  MeshConfigClient(socketPath: "\(directory)/\(identity.name).sock", proxy: identity) { snapshot in
    _ = try Router(snapshot: snapshot)  // what a real proxy does before ACKing
  }
}

var samples: [Double] = []
try await withThrowingTaskGroup(of: Void.self) { group in
  group.addTask { try await meshServer.run() }
  group.addTask { try await controller.run() }
  for identity in identities {
    try await controller.registerProxy(identity, socketPath: "\(directory)/\(identity.name).sock")
  }
  for client in clients { group.addTask { try await client.run() } }
  func allSynced() -> Bool { meshServer.status().allSatisfy { $0.state == .synced && $0.ackedVersion == $0.desiredVersion } }
  while !allSynced() { try await Task.sleep(for: .milliseconds(5)) }

  let events = meshServer.events()
  var iterator = events.makeAsyncIterator()
  for edit in 0..<edits {
    let v1 = Int32(edit % 2 == 0 ? 10 + edit % 80 : 90 - edit % 80)
    let started = ContinuousClock.now
    try put(virtualService(v1: v1), in: store)
    var acked = Set<ProxyIdentity>()
    var last = started
    while acked.count < proxies {
      guard let event = await iterator.next() else { fatalError("event stream ended") }
      if case .acked = event.kind, event.at >= started {
        acked.insert(event.proxy)
        last = event.at
      }
    }
    samples.append(milliseconds(last - started))
    try await Task.sleep(for: .milliseconds(Int64(debounceMilliseconds) + 5))  // edits do not coalesce
  }
  meshServer.shutdown()
  group.cancelAll()
}

let mean = samples.reduce(0, +) / Double(samples.count)
print("| proxies | edits | debounce (ms) | p50 (ms) | p99 (ms) | max (ms) | mean (ms) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
func format(_ value: Double) -> String {
  let rounded = (value * 10).rounded() / 10
  return String(rounded)
}
print(
  "| \(proxies) | \(edits) | \(debounceMilliseconds) | \(format(percentile(samples, 50))) | \(format(percentile(samples, 99))) | \(format(samples.max() ?? 0)) | \(format(mean)) |"
)
