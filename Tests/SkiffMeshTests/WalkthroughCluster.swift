import Foundation
import SkiffAPI
import SkiffMesh
import SkiffMeshConfig
import SkiffStore

/// Part B of the walkthrough as cluster objects: the example manifests (examples/walkthrough)
/// applied in namespace `grpc-sidecar`, with what the controllers would have added —
/// ClusterIPs, running pods with IPs and sidecars, ready Endpoints.
enum WalkthroughCluster {
  static let namespace = "grpc-sidecar"
  static let serverHost = "istio-grpc-server.grpc-sidecar.svc.cluster.local"
  static let serverIP = "10.96.0.20"
  static let clientIP = "10.96.0.21"
  static let client = ProxyIdentity(namespace: namespace, name: "istio-grpc-client-5d9f7c-abcde")
  /// What the servers' sidecars present: the namespace's default service account.
  static let sidecarIdentity = "spiffe://cluster.local/ns/grpc-sidecar/sa/default"
  static let v1 = Endpoint(
    address: "10.244.0.11", port: 8080, pod: "grpc-sidecar/istio-grpc-server-v1-7d8f-aaaaa",
    labels: ["app": "istio-grpc-server", "version": "v1"], peerIdentity: sidecarIdentity)
  static let v2 = Endpoint(
    address: "10.244.0.12", port: 8080, pod: "grpc-sidecar/istio-grpc-server-v2-6c5b-bbbbb",
    labels: ["app": "istio-grpc-server", "version": "v2"], peerIdentity: sidecarIdentity)
  static let serverDestination = OriginalDestination(address: serverIP, port: 8080)

  static let examples: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/examples/walkthrough/"
  }()

  /// The objects of one example manifest, in namespace `grpc-sidecar`.
  static func manifest<T: APIObject>(_ file: String, _ type: T.Type) throws -> [T] {
    let text = try String(contentsOfFile: examples + file, encoding: .utf8)
    return try YAML.parseStream(text).compactMap { document in
      guard document.value.objectValue?["kind"]?.stringValue == T.resourceInfo.kind else { return nil }
      var object = try T.decode(from: document.value).0
      object.metadata.namespace = namespace
      object.metadata.creationTimestamp = Timestamp(seconds: 1_700_000_000)
      return object
    }
  }

  static func services() throws -> [Service] {
    try (manifest("istio-grpc-server.yaml", Service.self) + manifest("istio-grpc-client.yaml", Service.self)).map { service in
      var service = service
      service.spec.clusterIP = service.metadata.name == "istio-grpc-server" ? serverIP : clientIP
      return service
    }
  }

  static func pod(_ name: String, ip: String, labels: [String: String], ports: [Int32] = []) -> Pod {
    var app = Container(name: labels["app"] ?? "app")
    app.ports = ports.isEmpty ? nil : ports.map { ContainerPort(containerPort: $0) }
    var pod = Pod(
      metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
      spec: PodSpec(containers: [app, Container(name: "istio-proxy")]))
    pod.status = PodStatus(phase: "Running")
    pod.status?.podIP = ip
    return pod
  }

  static func pods() -> [Pod] {
    [
      pod(client.name, ip: "10.244.0.10", labels: ["app": "istio-grpc-client"]),
      pod("istio-grpc-server-v1-7d8f-aaaaa", ip: v1.address, labels: v1.labels, ports: [8080]),
      pod("istio-grpc-server-v2-6c5b-bbbbb", ip: v2.address, labels: v2.labels, ports: [8080]),
    ]
  }

  static func address(_ endpoint: Endpoint) -> EndpointAddress {
    let name = String(endpoint.pod!.split(separator: "/")[1])
    return EndpointAddress(ip: endpoint.address, targetRef: ObjectReference(kind: "Pod", namespace: namespace, name: name))
  }

  static func endpoints(ready: [Endpoint] = [v1, v2], notReady: [Endpoint] = []) -> [Endpoints] {
    [
      Endpoints(
        metadata: ObjectMeta(name: "istio-grpc-server", namespace: namespace),
        subsets: [
          EndpointSubset(
            addresses: ready.isEmpty ? nil : ready.map(address), notReadyAddresses: notReady.isEmpty ? nil : notReady.map(address),
            ports: [EndpointPort(port: 8080, name: "grpc-backend", protocol: "TCP")])
        ]),
      Endpoints(
        metadata: ObjectMeta(name: "istio-grpc-client", namespace: namespace),
        subsets: [
          EndpointSubset(
            addresses: [EndpointAddress(ip: "10.244.0.10", targetRef: ObjectReference(kind: "Pod", namespace: namespace, name: client.name))],
            ports: [EndpointPort(port: 8080, name: "grpc", protocol: "TCP")])
        ]),
    ]
  }

  static func destinationRule() throws -> DestinationRule {
    try manifest("dr-istio-grpc-server.yaml", DestinationRule.self)[0]
  }

  /// The walkthrough's VirtualService, with the weights given.
  static func virtualService(v1 w1: Int32 = 90, v2 w2: Int32 = 10) throws -> VirtualService {
    var vs = try manifest("vs-istio-grpc-server.yaml", VirtualService.self)[0]
    vs.spec?.http?[0].route?[0].weight = w1
    vs.spec?.http?[0].route?[1].weight = w2
    return vs
  }

  static func inputs(dr: Bool = false, vs: VirtualService? = nil) throws -> MeshInputs {
    MeshInputs(
      services: try services(), endpoints: endpoints(), pods: pods(),
      destinationRules: dr ? [try destinationRule()] : [], virtualServices: vs.map { [$0] } ?? [])
  }

  static func request() -> RequestHead {
    RequestHead(
      path: "/helloworld.Greeter/SayHello", authority: "istio-grpc-server:8080",
      headers: [.init("content-type", "application/grpc")])
  }

  // MARK: - Store

  static func key<T: APIObject>(_ object: T) -> ObjectKey {
    ObjectKey(T.resourceInfo.groupResource, namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "")
  }

  static func put<T: APIObject>(_ object: T, in store: ObjectStore) throws {
    let json = try object.encodedJSON()
    if store.get(key(object)) == nil {
      try store.create(key(object), json)
    } else {
      try store.update(key(object), json)
    }
  }

  /// A store holding the walkthrough objects (DR and VS as asked).
  static func store(dr: Bool = false, vs: VirtualService? = nil) throws -> ObjectStore {
    let store = try ObjectStore(path: ":memory:")
    let inputs = try inputs(dr: dr, vs: vs)
    for object in inputs.services { try put(object, in: store) }
    for object in inputs.endpoints { try put(object, in: store) }
    for object in inputs.pods { try put(object, in: store) }
    for object in inputs.destinationRules { try put(object, in: store) }
    for object in inputs.virtualServices { try put(object, in: store) }
    return store
  }
}

extension RouteDecision {
  var endpoint: Endpoint? {
    if case .forward(let forward) = self { return forward.endpoint }
    return nil
  }

  var cluster: String? {
    if case .forward(let forward) = self { return forward.cluster }
    return nil
  }

  var reply: LocalReply? {
    if case .localReply(let reply) = self { return reply }
    return nil
  }
}
