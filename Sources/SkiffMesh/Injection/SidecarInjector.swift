public import SkiffAPI
public import SkiffStore

/// Istio's sidecar injection as an admission step (istio-facts §1): a new pod in a
/// namespace labelled `istio-injection=enabled` (or, in an unlabelled namespace, a pod
/// labelled `sidecar.istio.io/inject=true`) gets the `istio-proxy` sidecar — here as a native
/// sidecar (an init container with `restartPolicy: Always`), so it starts and is ready before
/// the app and stops after it — plus Istio's labels and annotations. Existing pods are left
/// alone, as in Istio: injection happens only at creation.
public struct SidecarInjector: AdmissionPlugin {
  /// The image the sidecar runs (`scripts/build-images` builds it as `skiff/proxy`).
  public var proxyImage: String
  /// Where the node puts each pod's mesh config socket (`<dir>/<pod uid>/mesh.sock`).
  public var socketDirectory: String

  public init(proxyImage: String = "docker.io/istio/proxyv2", socketDirectory: String) {
    self.proxyImage = proxyImage
    self.socketDirectory = socketDirectory
  }

  public static let statusAnnotation = "sidecar.istio.io/status"
  public static let proxyName = "istio-proxy"
  /// Where the sidecar finds its config socket inside the pod.
  public static let socketMountPath = "/var/run/skiff-mesh"

  /// Istio's injection rules: the namespace label, then the pod label (which beats the
  /// deprecated annotation), `hostNetwork` never.
  public static func shouldInject(pod: Pod, namespaceLabels: [String: String]) -> Bool {
    if pod.spec.hostNetwork == true { return false }
    if ["kube-system", "kube-public", "kube-node-lease", "istio-system"].contains(pod.metadata.namespace ?? "") { return false }
    let namespaceSetting = namespaceLabels["istio-injection"]
    if namespaceSetting == "disabled" { return false }
    let podLabel = pod.metadata.labels?["sidecar.istio.io/inject"]
    if podLabel == "false" { return false }
    if namespaceSetting == "enabled" {
      // The deprecated annotation can still opt a pod out.
      return pod.metadata.annotations?["sidecar.istio.io/inject"] != "false"
    }
    // An unlabelled namespace: only the pod label opts in.
    return podLabel == "true" && namespaceLabels["istio.io/rev"] == nil
  }

  public func admit(
    _ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?, registry: ObjectRegistry
  ) throws(Status) {
    guard operation == .create, var pod = object as? Pod else { return }
    guard pod.metadata.annotations?[Self.statusAnnotation] == nil else { return }
    let namespace = registry.get(Namespace.self, name: pod.metadata.namespace ?? "")
    guard Self.shouldInject(pod: pod, namespaceLabels: namespace?.metadata.labels ?? [:]) else { return }
    inject(into: &pod)
    object = pod
  }

  /// Adds the sidecar, its volume, and Istio's metadata.
  public func inject(into pod: inout Pod) {
    let appContainers = pod.spec.containers.map(\.name)
    var labels = pod.metadata.labels ?? [:]
    labels["security.istio.io/tlsMode"] = "istio"
    labels["service.istio.io/canonical-name"] = labels["service.istio.io/canonical-name"]
      ?? labels["app.kubernetes.io/name"] ?? labels["app"] ?? Self.workloadName(pod)
    labels["service.istio.io/canonical-revision"] = labels["service.istio.io/canonical-revision"]
      ?? labels["app.kubernetes.io/version"] ?? labels["version"] ?? "latest"
    pod.metadata.labels = labels
    var annotations = pod.metadata.annotations ?? [:]
    annotations["istio.io/rev"] = "default"
    if let first = appContainers.first {
      annotations["kubectl.kubernetes.io/default-container"] = annotations["kubectl.kubernetes.io/default-container"] ?? first
      annotations["kubectl.kubernetes.io/default-logs-container"] = annotations["kubectl.kubernetes.io/default-logs-container"] ?? first
    }
    annotations["prometheus.io/path"] = "/stats/prometheus"
    annotations["prometheus.io/port"] = "15090"
    annotations["prometheus.io/scrape"] = "true"
    annotations[Self.statusAnnotation] = #"{"initContainers":["istio-proxy"],"containers":null,"volumes":["istio-xds","istio-envoy"],"imagePullSecrets":null,"revision":"default"}"#
    pod.metadata.annotations = annotations

    var proxy = Container(name: Self.proxyName)
    proxy.image = proxyImage
    proxy.imagePullPolicy = "IfNotPresent"
    proxy.restartPolicy = "Always"
    proxy.args = [
      "proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning",
      "--xds-socket", "\(Self.socketMountPath)/mesh.sock",
    ]
    proxy.ports = [ContainerPort(containerPort: 15090, name: "http-envoy-prom", protocol: "TCP")]
    proxy.env = [
      EnvVar(name: "POD_NAME", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.name"))),
      EnvVar(name: "POD_NAMESPACE", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.namespace"))),
      EnvVar(name: "INSTANCE_IP", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "status.podIP"))),
      EnvVar(name: "SERVICE_ACCOUNT", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "spec.serviceAccountName"))),
      EnvVar(name: "ISTIO_META_APP_CONTAINERS", value: appContainers.joined(separator: ",")),
      EnvVar(name: "ISTIO_META_INTERCEPTION_MODE", value: "REDIRECT"),
      EnvVar(name: "ISTIO_META_WORKLOAD_NAME", value: Self.workloadName(pod)),
      EnvVar(name: "ISTIO_META_CLUSTER_ID", value: "Kubernetes"),
      EnvVar(name: "ISTIO_META_MESH_ID", value: "cluster.local"),
      EnvVar(name: "TRUST_DOMAIN", value: "cluster.local"),
    ]
    var ready = Probe()
    ready.httpGet = HTTPGetAction(port: .int(15021), path: "/healthz/ready", scheme: "HTTP")
    ready.periodSeconds = 15
    ready.timeoutSeconds = 3
    ready.failureThreshold = 4
    proxy.readinessProbe = ready
    var startup = ready
    startup.periodSeconds = 1
    startup.failureThreshold = 600
    proxy.startupProbe = startup
    proxy.resources = ResourceRequirements(
      limits: ["cpu": Quantity("2"), "memory": Quantity("1Gi")], requests: ["cpu": Quantity("100m"), "memory": Quantity("128Mi")])
    var security = SecurityContext()
    security.runAsUser = 1337
    security.runAsGroup = 1337
    security.runAsNonRoot = true
    security.readOnlyRootFilesystem = true
    security.allowPrivilegeEscalation = false
    security.privileged = false
    security.capabilities = Capabilities(add: nil, drop: ["ALL"])
    proxy.securityContext = security
    proxy.volumeMounts = [
      VolumeMount(name: "istio-xds", mountPath: Self.socketMountPath),
      VolumeMount(name: "istio-envoy", mountPath: "/etc/istio/proxy"),
    ]
    proxy.terminationMessagePath = "/dev/termination-log"
    proxy.terminationMessagePolicy = "File"
    pod.spec.initContainers = [proxy] + (pod.spec.initContainers ?? [])
    var volumes = pod.spec.volumes ?? []
    var xds = Volume(name: "istio-xds")
    xds.hostPath = HostPathVolumeSource(path: "\(socketDirectory)/\(pod.metadata.uid ?? "pending")", type: "DirectoryOrCreate")
    var envoy = Volume(name: "istio-envoy")
    envoy.emptyDir = EmptyDirVolumeSource(medium: "Memory")
    volumes += [xds, envoy]
    pod.spec.volumes = volumes
  }

  /// The workload a pod belongs to: its owner's name without the ReplicaSet hash.
  static func workloadName(_ pod: Pod) -> String {
    guard let owner = pod.metadata.ownerReferences?.first(where: { $0.controller == true }) else { return pod.metadata.name ?? "" }
    if owner.kind == "ReplicaSet", let dash = owner.name.lastIndex(of: "-") { return String(owner.name[..<dash]) }
    return owner.name
  }
}
