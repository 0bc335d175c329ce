import SkiffAPI
import SkiffNode
import SkiffRuntime
import Testing

@Suite("container launch: argv, environment and identity as the kubelet makes them")
struct ContainerLaunchTests {
  static let proxyImage = ResolvedImage(
    digest: "sha256:00", rootfs: "/nonexistent",
    config: ImageConfig(references: ["docker.io/istio/proxyv2"], entrypoint: ["/usr/local/bin/skiff-proxy"], cmd: ["--help"]))

  func launch(_ container: Container, image: ResolvedImage = proxyImage, secrets: [String: Secret] = [:]) -> ContainerLaunch {
    var pod = Pod()
    pod.metadata.name = "client-abc12"
    pod.metadata.namespace = "grpc-sidecar"
    pod.metadata.uid = "uid-1"
    pod.spec.containers = [container]
    pod.status = PodStatus()
    pod.status?.podIP = "10.244.0.7"
    return ContainerLaunch(
      pod: pod, container: container, image: image, etcDirectory: "/tmp", volumeDirectories: [:], services: [],
      configMaps: [:], secrets: secrets, nodeName: "skiff", hostIP: "10.244.0.1")
  }

  @Test func secretsGiveDecodedVariablesAndMissingOnesStopTheContainerUnlessOptional() throws {
    let db = Secret(metadata: ObjectMeta(name: "db"), data: ["password": "czNjcjN0IQ==", "user": "YWRtaW4="])
    var container = Container(name: "app")
    container.envFrom = [EnvFromSource(prefix: "DB_", secretRef: SecretEnvSource(name: "db"))]
    container.env = [
      EnvVar(name: "PASSWORD", valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: "db", key: "password"))),
      EnvVar(name: "TOKEN", valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: "api", key: "token", optional: true))),
    ]
    let env = try launch(container, secrets: ["db": db]).processSpec().env
    #expect(env.contains("DB_password=s3cr3t!") && env.contains("DB_user=admin"))
    #expect(env.contains("PASSWORD=s3cr3t!"))
    #expect(!env.contains { $0.hasPrefix("TOKEN=") })

    var missingKey = Container(name: "app")
    missingKey.env = [EnvVar(name: "X", valueFrom: EnvVarSource(secretKeyRef: SecretKeySelector(name: "db", key: "nope")))]
    #expect(configError { try launch(missingKey, secrets: ["db": db]).processSpec() } == "couldn't find key nope in Secret grpc-sidecar/db")
    var missingSecret = Container(name: "app")
    missingSecret.envFrom = [EnvFromSource(secretRef: SecretEnvSource(name: "gone"))]
    #expect(configError { try launch(missingSecret).processSpec() } == "secret \"gone\" not found")
  }

  /// The message of the ContainerConfigError `body` throws, nil when it throws none.
  func configError(_ body: () throws -> ProcessSpec) -> String? {
    do {
      _ = try body()
      return nil
    } catch {
      return (error as? ContainerConfigError)?.message ?? "\(error)"
    }
  }

  @Test func argsExpandVariablesOfTheContainerEnvironment() throws {
    var container = Container(name: "istio-proxy")
    container.args = ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--ip=$(INSTANCE_IP)", "$(UNDEFINED)", "$$(POD_NAMESPACE)", "100$$"]
    container.env = [
      EnvVar(name: "POD_NAMESPACE", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.namespace"))),
      EnvVar(name: "INSTANCE_IP", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "status.podIP"))),
    ]
    let spec = try launch(container).processSpec()
    #expect(
      spec.args == [
        "/usr/local/bin/skiff-proxy", "proxy", "sidecar", "--domain", "grpc-sidecar.svc.cluster.local", "--ip=10.244.0.7",
        "$(UNDEFINED)", "$(POD_NAMESPACE)", "100$",
      ])
  }

  @Test func commandIsExpandedButTheImageEntrypointIsNot() throws {
    var container = Container(name: "app")
    container.command = ["/bin/sh", "-c", "echo $(GREETING)"]
    container.env = [EnvVar(name: "GREETING", value: "hello")]
    #expect(try launch(container).processSpec().args == ["/bin/sh", "-c", "echo hello"])

    let image = ResolvedImage(
      digest: "sha256:01", rootfs: "/nonexistent",
      config: ImageConfig(references: ["x"], entrypoint: ["/bin/echo", "$(GREETING)"], cmd: []))
    var plain = Container(name: "app")
    plain.env = [EnvVar(name: "GREETING", value: "hello")]
    #expect(try launch(plain, image: image).processSpec().args == ["/bin/echo", "$(GREETING)"])
  }

  @Test func runAsNonRootRefusesARootUser() {
    var container = Container(name: "app")
    var security = SecurityContext()
    security.runAsNonRoot = true
    container.securityContext = security
    #expect(throws: ContainerConfigError.self) { try launch(container).processSpec() }
    security.runAsUser = 1337
    container.securityContext = security
    #expect(throws: Never.self) { try launch(container).processSpec() }
  }
}
