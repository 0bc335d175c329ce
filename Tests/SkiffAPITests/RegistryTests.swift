import SkiffAPI
import Testing

@Suite("Kind registry")
struct RegistryTests {
  @Test(
    "the CLI's resource names resolve as kubectl resolves them",
    arguments: [
      ("po", "Pod"), ("pods", "Pod"), ("pod", "Pod"), ("Pod", "Pod"), ("PODS", "Pod"), ("svc", "Service"),
      ("ep", "Endpoints"), ("endpoints", "Endpoints"), ("ns", "Namespace"), ("deploy", "Deployment"),
      ("deployment.apps", "Deployment"), ("deployments.apps", "Deployment"), ("deployments.v1.apps", "Deployment"),
      ("rs", "ReplicaSet"), ("cm", "ConfigMap"), ("sa", "ServiceAccount"), ("ev", "Event"), ("no", "Node"),
      ("dr", "DestinationRule"), ("vs", "VirtualService"), ("virtualservice.networking.istio.io", "VirtualService"),
      ("destinationrules.v1alpha3.networking.istio.io", "DestinationRule"), ("pods.v1", "Pod"),
    ])
  func resourceNames(_ name: String, _ kind: String) throws {
    let type = try #require(APIRegistry.resource(named: name))
    #expect(type.resourceInfo.kind == kind)
  }

  @Test("names of other groups or kinds do not resolve", arguments: ["deployments.extensions", "foo", "vs.apps", "pods.apps", ""])
  func unknownNames(_ name: String) {
    #expect(APIRegistry.resource(named: name) == nil)
  }

  @Test("Istio kinds are served in v1, v1beta1 and v1alpha3 and stored in v1")
  func istioVersions() throws {
    for version in ["v1", "v1beta1", "v1alpha3"] {
      #expect(APIRegistry.kind(apiVersion: "networking.istio.io/\(version)", kind: "VirtualService") != nil)
      #expect(APIRegistry.kind(apiVersion: "networking.istio.io/\(version)", kind: "DestinationRule") != nil)
    }
    #expect(APIRegistry.kind(apiVersion: "networking.istio.io/v2", kind: "VirtualService") == nil)
    #expect(APIRegistry.kind(apiVersion: "v1", kind: "Deployment") == nil)
    #expect(APIRegistry.kind(group: "networking.istio.io", kind: "VirtualService")?.resourceInfo.apiVersion == "networking.istio.io/v1")
  }

  @Test("resource information matches kubectl api-resources")
  func resourceInfo() {
    let rows = APIRegistry.kinds.map { type -> String in
      let info = type.resourceInfo
      return [info.plural, info.shortNames.joined(separator: ","), info.apiVersion, String(info.namespaced), info.kind,
              info.categories.joined(separator: ",")].joined(separator: " ")
    }
    #expect(rows == [
      "namespaces ns v1 false Namespace ",
      "nodes no v1 false Node ",
      "pods po v1 true Pod all",
      "services svc v1 true Service all",
      "endpoints ep v1 true Endpoints ",
      "events ev v1 true Event ",
      "serviceaccounts sa v1 true ServiceAccount ",
      "configmaps cm v1 true ConfigMap ",
      "secrets  v1 true Secret ",
      "deployments deploy apps/v1 true Deployment all",
      "replicasets rs apps/v1 true ReplicaSet all",
      "endpointslices  discovery.k8s.io/v1 true EndpointSlice ",
      "destinationrules dr networking.istio.io/v1 true DestinationRule istio-io,networking-istio-io",
      "virtualservices vs networking.istio.io/v1 true VirtualService istio-io,networking-istio-io",
    ])
    #expect(Pod.resourceInfo.singular == "pod")
    #expect(Endpoints.resourceInfo.singular == "endpoints")
    #expect(VirtualService.resourceInfo.singular == "virtualservice")
    #expect(Deployment.resourceInfo.kindDotGroup == "deployment.apps")
    #expect(!Endpoints.resourceInfo.hasStatus && Pod.resourceInfo.hasStatus && !ConfigMap.resourceInfo.hasStatus)
  }

  @Test("objects built in code encode in Kubernetes' field order")
  func encodingOrder() throws {
    var pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default"),
                  spec: PodSpec(containers: [Container(name: "web", image: "nginx")]))
    pod.status = PodStatus(phase: "Pending")
    let json = try pod.encodedJSON()
    #expect(json.objectValue?.keys == ["apiVersion", "kind", "metadata", "spec", "status"])
    #expect(json.jsonString() == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[{"name":"web","image":"nginx"}]},"status":{"phase":"Pending"}}"#)
    var vs = VirtualService(metadata: ObjectMeta(name: "vs"), spec: VirtualServiceSpec(hosts: ["a"]))
    vs.apiVersion = nil
    #expect(try vs.encodedJSON()["apiVersion"] == "networking.istio.io/v1")
  }

  @Test("a decoded object is the typed value, and its missing spec decodes as empty")
  func decodesTyped() throws {
    let json = try JSONValue(parsing: #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}"#)
    let (object, unknown) = try APIRegistry.decodeObject(json)
    #expect(unknown.isEmpty)
    let deployment = try #require(object as? Deployment)
    #expect(deployment.spec.template.spec.containers.isEmpty)
    #expect(deployment.defaulted().validationErrors(old: nil).map(\.description) == [
      "spec.selector: Required value",
      "spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`",
      "spec.template.spec.containers: Required value",
    ])
  }

  @Test("type-erased helpers work on any APIObject")
  func erased() throws {
    let json = try JSONValue(parsing: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}"#)
    let object: any APIObject = try APIRegistry.decodeObject(json).0
    let defaulted = object.defaulted()
    #expect(defaulted.metadata.labels == ["kubernetes.io/metadata.name": "demo"])
    #expect(defaulted.resourceInfo.kind == "Namespace")
    #expect(defaulted.admissionFailure(old: nil) == nil)
    #expect(defaulted.webhookDenial(old: nil) == nil)
  }

  @Test("objects convert between served versions by their apiVersion only")
  func conversion() throws {
    let json = try JSONValue(parsing: #"{"apiVersion":"networking.istio.io/v1alpha3","kind":"VirtualService","metadata":{"name":"vs"},"spec":{"hosts":["a"],"http":[{"route":[{"destination":{"host":"a"}}]}]}}"#)
    let object = try APIRegistry.decodeObject(json).0
    let stored = try #require(object.converted())
    #expect(stored.apiVersion == "networking.istio.io/v1")
    #expect(try stored.encodedJSON()["spec"] == json["spec"])
    #expect(object.converted(to: "networking.istio.io/v1beta1")?.apiVersion == "networking.istio.io/v1beta1")
    #expect(object.converted(to: "apps/v1") == nil)
  }
}
