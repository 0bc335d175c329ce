import Logging
import SkiffAPI
import SkiffNetwork
import SkiffRuntime
import SkiffStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The kubelet of the one node: registers Node `skiff`, runs a worker per pod, keeps the
/// node's status fresh, cleans up sandboxes of pods that no longer exist, and stops every
/// pod when the cluster is taken down.
public final class NodeAgent: Sendable {
  public let context: NodeContext
  private let workers = Mutex<[String: (worker: PodWorker, task: Task<Void, Never>)]>([:])

  public init(context: NodeContext) {
    self.context = context
  }

  var registry: ObjectRegistry { context.registry }

  /// Runs until cancelled.
  public func run() async {
    registerNode()
    cleanOrphans()
    let pods = Pod.resourceInfo.groupResource
    guard let events = try? registry.store.watch(pods) else { return }
    for pod in registry.list(Pod.self) { handle(pod) }
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for await event in events {
          if event.type == .deleted {
            self.podDeleted(uid: event.object.object.metadataString("uid") ?? "")
            continue
          }
          guard let pod = try? Pod.decode(from: event.object.object).0 else { continue }
          self.handle(pod)
        }
      }
      group.addTask {
        while !Task.isCancelled {
          try? await Task.sleep(for: .seconds(10))
          self.heartbeat()
        }
      }
      await group.waitForAll()
    }
  }

  func handle(_ pod: Pod) {
    guard let uid = pod.metadata.uid else { return }
    if let nodeName = pod.spec.nodeName, !nodeName.isEmpty, nodeName != context.nodeName { return }
    let existing = workers.withLock { $0[uid]?.worker }
    if let existing {
      Task { await existing.update(pod) }
      return
    }
    if let phase = pod.status?.phase, phase == "Succeeded" || phase == "Failed", context.runtime.sandbox(id: uid) == nil,
      pod.metadata.deletionTimestamp == nil
    {
      return
    }
    let worker = PodWorker(context: context, pod: pod)
    let task = Task {
      await worker.run()
      self.forget(uid: uid)
    }
    workers.withLock { $0[uid] = (worker, task) }
  }

  func execTarget(podUID: String, container: String) async -> PodWorker.ExecTarget? {
    guard let worker = workers.withLock({ $0[podUID]?.worker }) else { return nil }
    return await worker.execTarget(container)
  }

  func forget(uid: String) {
    _ = workers.withLock { $0.removeValue(forKey: uid) }
  }

  /// The pod is gone from the API. Usually its worker deleted it after stopping everything;
  /// but a pod in a final phase is deleted at once by the API server, and what still runs
  /// for it (a native sidecar) and its sandbox must go too, as the kubelet removes them.
  func podDeleted(uid: String) {
    guard let (worker, task) = workers.withLock({ $0.removeValue(forKey: uid) }) else { return }
    task.cancel()
    Task { await worker.podDeleted() }
  }

  /// Stops every pod and removes what they had on the node (`skiff down`).
  public func shutdownAll() async {
    let all = workers.withLock { state -> [(PodWorker, Task<Void, Never>)] in
      defer { state.removeAll() }
      return state.values.map { ($0.worker, $0.task) }
    }
    // All pods at once, as the kubelet's graceful node shutdown does: one by one, pods whose
    // main process ignores SIGTERM (a shell or `sleep` as pid 1) would add up their grace.
    await withTaskGroup(of: Void.self) { group in
      for (worker, task) in all {
        task.cancel()
        group.addTask { await worker.shutdown() }
      }
    }
    for id in context.runtime.sandboxIDs() {
      await context.network?.detach(podID: id)
      context.runtime.removeSandbox(id: id)
    }
    context.runtime.release()
    context.cgroups.removeAll()
  }

  /// Sandboxes whose pod is gone (deleted while the daemon was down) are removed.
  func cleanOrphans() {
    let live = Set(registry.list(Pod.self).compactMap(\.metadata.uid))
    for id in context.runtime.sandboxIDs() where !live.contains(id) {
      context.logger.info("removing the sandbox of deleted pod \(id)")
      Task {
        await context.network?.detach(podID: id)
        context.runtime.removeSandbox(id: id)
        ContainerRuntime.removeTree(context.paths.pod(id))
      }
    }
  }

  // MARK: - Node object

  func registerNode() {
    var info = NodeSystemInfo()
    var uts = utsname()
    uname(&uts)
    func field<T>(_ value: T) -> String {
      withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    info.kernelVersion = field(uts.release)
    info.architecture = "amd64"
    info.operatingSystem = "linux"
    info.osImage = Self.osImage()
    info.containerRuntimeVersion = "skiff://\(skiffNodeVersion)"
    info.kubeletVersion = "v1.32.0-skiff.\(skiffNodeVersion)"
    info.kubeProxyVersion = ""
    info.machineID = ""
    info.systemUUID = ""
    info.bootID = ""
    var node = registry.get(Node.self, name: context.nodeName) ?? Node(metadata: ObjectMeta(name: context.nodeName))
    node.metadata.labels = (node.metadata.labels ?? [:]).merging([
      "kubernetes.io/hostname": context.nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
      "node-role.kubernetes.io/control-plane": "",
    ]) { _, new in new }
    if node.metadata.uid == nil {
      node.spec = NodeSpec()
      node.spec?.podCIDR = NodeNetwork.podCIDR
      node.spec?.podCIDRs = [NodeNetwork.podCIDR]
      _ = try? registry.create(node)
    } else {
      _ = try? registry.modify(Node.self, name: context.nodeName) { $0.metadata.labels = node.metadata.labels }
    }
    var status = NodeStatus()
    status.nodeInfo = info
    status.addresses = [
      NodeAddress(type: "InternalIP", address: NodeNetwork.nodeAddress), NodeAddress(type: "Hostname", address: context.nodeName),
    ]
    let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    let memory = Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
    let capacity: [String: Quantity] = [
      "cpu": Quantity(String(cpus)), "memory": Quantity("\(memory / 1024)Ki"), "pods": Quantity("110"),
      "ephemeral-storage": Quantity("0"),
    ]
    status.capacity = capacity
    status.allocatable = capacity
    status.conditions = conditions(now: Timestamp.now().wholeSeconds, transition: Timestamp.now().wholeSeconds)
    _ = try? registry.modify(Node.self, name: context.nodeName, status: true) { $0.status = status }
  }

  func conditions(now: Timestamp, transition: Timestamp) -> [NodeCondition] {
    [
      NodeCondition(type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available"),
      NodeCondition(type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure"),
      NodeCondition(type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available"),
      NodeCondition(type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status"),
    ].map { c in
      var c = c
      c.lastHeartbeatTime = now
      c.lastTransitionTime = transition
      return c
    }
  }

  func heartbeat() {
    let now = Timestamp.now().wholeSeconds
    _ = try? registry.modify(Node.self, name: context.nodeName, status: true) { node in
      var status = node.status ?? NodeStatus()
      status.conditions = status.conditions?.map { c in
        var c = c
        c.lastHeartbeatTime = now
        return c
      }
      node.status = status
    }
  }

  static func osImage() -> String {
    guard let bytes = try? FileOpsRead.read("/etc/os-release") else { return "Linux" }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
      return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: "\"")
    }
    return "Linux"
  }
}

/// The node agent's version.
public let skiffNodeVersion = "0.1.0"

extension String {
  func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return String(s)
  }
}
