import SkiffAPI
import Testing

@Suite("Defaulting")
struct DefaultingTests {
  @Test("a new pod's status is Pending with its QoS class, whatever was sent")
  func podPrepareForCreate() {
    var pod = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(containers: [Container(name: "c", image: "i")]))
    pod.spec.containers[0].resources = ResourceRequirements(limits: ["cpu": Quantity("1"), "memory": Quantity("64Mi")])
    pod.status = PodStatus(phase: "Running")
    pod.setDefaults()
    pod.prepareForCreate()
    #expect(pod.status == {
      var s = PodStatus(phase: "Pending")
      s.qosClass = "Guaranteed"
      return s
    }())
    #expect(pod.spec.containers[0].resources?.requests == ["cpu": Quantity("1"), "memory": Quantity("64Mi")])
  }

  @Test("a headless service without a selector requires dual stack; others are single stack")
  func serviceFamilies() {
    var headless = Service(metadata: ObjectMeta(name: "h"), spec: ServiceSpec(ports: [ServicePort(port: 80)]))
    headless.spec.clusterIP = "None"
    headless.setDefaults()
    #expect(headless.spec.ipFamilyPolicy == "RequireDualStack")
    #expect(headless.spec.clusterIPs == ["None"])
    var plain = Service(metadata: ObjectMeta(name: "s"), spec: ServiceSpec(ports: [ServicePort(port: 80)], selector: ["a": "b"]))
    plain.setDefaults()
    #expect(plain.spec.ipFamilyPolicy == "SingleStack")
    #expect(plain.spec.ipFamilies == ["IPv4"])
    #expect(plain.spec.clusterIPs == nil)
    var external = Service(metadata: ObjectMeta(name: "e"), spec: ServiceSpec(ports: [ServicePort(port: 53)], type: "ExternalName"))
    external.spec.externalName = "example.com"
    external.setDefaults()
    #expect(external.spec.ipFamilyPolicy == nil && external.spec.internalTrafficPolicy == nil)
    #expect(external.validate(old: nil).isEmpty)
  }

  @Test("client IP affinity gets the three-hour timeout")
  func clientIPAffinity() {
    var service = Service(metadata: ObjectMeta(name: "s"), spec: ServiceSpec(ports: [ServicePort(port: 80)]))
    service.spec.sessionAffinity = "ClientIP"
    service.spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig())
    service.setDefaults()
    #expect(service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
  }

  @Test("a Recreate deployment gets no rolling update parameters")
  func recreate() {
    var deployment = Deployment(metadata: ObjectMeta(name: "d"))
    deployment.spec.strategy = DeploymentStrategy(type: "Recreate")
    deployment.setDefaults()
    #expect(deployment.spec.strategy == DeploymentStrategy(type: "Recreate"))
    #expect(deployment.spec.replicas == 1 && deployment.spec.revisionHistoryLimit == 10)
    #expect(deployment.spec.template.spec.enableServiceLinks == nil)
  }

  @Test("probes count zero as unset; a volume without a source is an emptyDir")
  func probesAndVolumes() {
    var spec = PodSpec(containers: [Container(name: "c", image: "i")])
    var probe = Probe(httpGet: HTTPGetAction(port: .string("http")))
    probe.timeoutSeconds = 0
    probe.failureThreshold = 5
    spec.containers[0].readinessProbe = probe
    spec.volumes = [Volume(name: "v")]
    var pod = Pod(metadata: ObjectMeta(name: "p"), spec: spec)
    pod.setDefaults()
    let defaulted = pod.spec.containers[0].readinessProbe
    #expect(defaulted?.timeoutSeconds == 1 && defaulted?.failureThreshold == 5 && defaulted?.periodSeconds == 10)
    #expect(defaulted?.httpGet?.path == "/" && defaulted?.httpGet?.scheme == "HTTP")
    #expect(pod.spec.volumes?[0].emptyDir == EmptyDirVolumeSource())
  }

  @Test("a namespace keeps finalizers it came with and is labelled with its name")
  func namespace() {
    var namespace = Namespace(name: "team-a")
    namespace.spec = NamespaceSpec(finalizers: [])
    namespace.setDefaults()
    #expect(namespace.spec?.finalizers == [])
    #expect(namespace.metadata.labels?["kubernetes.io/metadata.name"] == "team-a")
    #expect(namespace.status?.phase == "Active")
  }
}
