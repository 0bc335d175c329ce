import NIOHTTP1
import SkiffAPI
import SkiffStore
import Testing

/// The endpoint controller also writes the Service's `discovery.k8s.io/v1` EndpointSlice,
/// which `kubectl describe service` reads for its Endpoints line.
@Suite("endpoint slices")
struct EndpointSliceTests {
  static let slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"

  @Test func sliceFollowsTheServicesPods() async throws {
    try await TestCluster.with(controllers: [.endpoints, .garbageCollector]) { cluster in
      let c = cluster.client
      let service = Objects.json(#"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"tier":"front"}},
         "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}
        """#)
      #expect(try await c.post("/api/v1/namespaces/default/services", service).status == 201)
      let pod = Objects.pod("web-1", labels: ["app": "web"], extraSpec: "")
      var created = try await c.post("/api/v1/namespaces/default/pods", podWithPort(pod)).json
      created["status"] = [
        "phase": "Running", "podIP": "10.244.0.7",
        "conditions": [["type": "Ready", "status": "True"]],
      ]
      #expect(try await c.put("/api/v1/namespaces/default/pods/web-1/status", created).status == 200)

      let selector = "?labelSelector=kubernetes.io%2Fservice-name%3Dweb"
      try await cluster.eventually("a ready endpoint in the slice") {
        let items = try await c.get(Self.slices + selector).json["items"]?.arrayValue ?? []
        return items.first?.at("endpoints")?.arrayValue?.first?.at("conditions.ready") == true
      }
      let slice = try #require(try await c.get(Self.slices + selector).json["items"]?.arrayValue?.first)
      #expect(slice["addressType"] == "IPv4")
      #expect(slice.at("metadata.name")?.stringValue?.hasPrefix("web-") == true)
      #expect(slice.at("metadata.labels")?["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io")
      #expect(slice.at("metadata.labels")?["tier"] == "front")
      #expect(slice.at("metadata.ownerReferences")?.arrayValue?.first?["kind"] == "Service")
      #expect(slice["ports"] == [["name": "http", "protocol": "TCP", "port": 8080]])
      let endpoint = try #require(slice["endpoints"]?.arrayValue?.first)
      #expect(endpoint["addresses"] == ["10.244.0.7"])
      #expect(endpoint["conditions"] == ["ready": true, "serving": true, "terminating": false])
      #expect(endpoint.at("targetRef.name") == "web-1")

      // The table kubectl get endpointslices shows.
      let table = try await c.get(Self.slices, headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
      let row = table.json["rows"]?.arrayValue?.first?["cells"]?.arrayValue
      #expect(row?.dropFirst().dropLast() == ["IPv4", "8080", "10.244.0.7"])

      // Not ready: still listed, ready false.
      created = try await c.get("/api/v1/namespaces/default/pods/web-1").json
      created["status"]?["conditions"] = [["type": "Ready", "status": "False"]]
      #expect(try await c.put("/api/v1/namespaces/default/pods/web-1/status", created).status == 200)
      try await cluster.eventually("the endpoint not ready") {
        let items = try await c.get(Self.slices + selector).json["items"]?.arrayValue ?? []
        return items.first?.at("endpoints")?.arrayValue?.first?.at("conditions.ready") == false
      }

      // The Service goes: so does its slice.
      #expect(try await c.delete("/api/v1/namespaces/default/services/web").status == 200)
      try await cluster.eventually("the slice removed") {
        try await c.get(Self.slices + selector).json["items"]?.arrayValue?.isEmpty == true
      }
    }
  }

  func podWithPort(_ pod: JSONValue) -> JSONValue {
    var pod = pod
    if case .array(var containers)? = pod.value(at: ["spec", "containers"]), !containers.isEmpty {
      containers[0]["ports"] = [["name": "http", "containerPort": 8080]]
      pod.setValue(.array(containers), at: ["spec", "containers"])
    }
    return pod
  }

  @Test func invalidSlicesAreRefused() async throws {
    try await TestCluster.with { cluster in
      let bad = Objects.json(#"""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s"},"addressType":"IPv5",
         "endpoints":[{"addresses":[]}]}
        """#)
      let response = try await cluster.client.post(Self.slices, bad)
      #expect(response.status == 422)
      #expect(response.json["message"] == #"EndpointSlice.discovery.k8s.io "s" is invalid: [addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN", endpoints[0].addresses: Required value: must contain at least 1 address]"#)
    }
  }
}
