import CSkiffSys
import Logging
import SkiffAPI
import SkiffControllers
import SkiffNetwork
import SkiffRuntime
import SkiffStore

#if canImport(Glibc)
import Glibc
#endif

/// One pod's life on the node, as the kubelet's pod worker: sandbox and network, init
/// containers in order, containers, restarts with backoff, probes, status, and graceful
/// termination. Level-triggered: every wake-up compares what should run with what runs.
actor PodWorker {
  let context: NodeContext
  let uid: String
  var pod: Pod
  var records: [String: ContainerRecord] = [:]
  var sandbox: SandboxHandle?
  var podIP: String?
  var startTime: Timestamp?
  var lastStatus: PodStatus?
  var terminated = false
  var wake: AsyncStream<Void>.Continuation?
  var probeTasks: [String: [Task<Void, Never>]] = [:]
  var exitWatchers: [String: Task<Void, Never>] = [:]
  var scheduledEventSent = false
  /// The app containers are done for good: native sidecars were told to stop and stay down.
  var sidecarsStopped = false

  init(context: NodeContext, pod: Pod) {
    self.context = context
    self.pod = pod
    self.uid = pod.metadata.uid ?? ""
    for c in pod.spec.initContainers ?? [] {
      records[c.name] = ContainerRecord(name: c.name, isInit: true, isSidecar: c.restartPolicy == "Always", image: c.image ?? "")
    }
    for c in pod.spec.containers {
      records[c.name] = ContainerRecord(name: c.name, isInit: false, isSidecar: false, image: c.image ?? "")
    }
    for record in Self.ephemeralRecords(pod, known: records) { records[record.name] = record }
    if let ip = pod.status?.podIP, !ip.isEmpty { podIP = ip }
    startTime = pod.status?.startTime
  }

  var logger: Logger { context.logger }
  var namespace: String { pod.metadata.namespace ?? "default" }
  var name: String { pod.metadata.name ?? "" }
  var isDeleting: Bool { pod.metadata.deletionTimestamp != nil }

  /// Runs until the pod is gone from the node.
  func run() async {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    wake = continuation
    await adopt()
    // Wake on a change (pod update, exit, probe) or re-check every second: back-offs end
    // with nothing else to wake the worker.
    let ticker = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(1))
        continuation.yield()
      }
    }
    defer { ticker.cancel() }
    var iterator = stream.makeAsyncIterator()
    while !terminated && !Task.isCancelled {
      await sync()
      if terminated { break }
      _ = await iterator.next()
    }
    for tasks in probeTasks.values { tasks.forEach { $0.cancel() } }
    for watcher in exitWatchers.values { watcher.cancel() }
  }

  func update(_ newPod: Pod) {
    pod = newPod
    addEphemeralRecords()
    wake?.yield()
  }

  func addEphemeralRecords() {
    for record in Self.ephemeralRecords(pod, known: records) { records[record.name] = record }
  }

  /// Records for the ephemeral containers (`kubectl debug`) the worker does not know yet.
  static func ephemeralRecords(_ pod: Pod, known: [String: ContainerRecord]) -> [ContainerRecord] {
    pod.ephemeralContainers.filter { known[$0.container.name] == nil }.map { c, _ in
      var record = ContainerRecord(name: c.name, isInit: false, isSidecar: false, image: c.image ?? "")
      record.isEphemeral = true
      return record
    }
  }

  func poke() { wake?.yield() }

  /// What exec needs to join a running container: its process, cgroups, identity.
  struct ExecTarget: Sendable {
    var pid: Int32
    var cgroups: [String]
    var process: ProcessSpec?
    var directory: String
  }

  func execTarget(_ container: String) -> ExecTarget? {
    guard let record = records[container], let pid = record.pid else { return nil }
    return ExecTarget(pid: pid, cgroups: record.cgroups, process: record.process, directory: record.directory ?? context.paths.pod(uid))
  }

  // MARK: - Adoption after a daemon restart

  /// Picks up what a previous daemon left running: the sandbox, and each container's newest
  /// run (running if its process lives and no exit was recorded).
  func adopt() async {
    guard let existing = context.runtime.sandbox(id: uid) else { return }
    sandbox = existing
    if let ip = podIP { context.ipam.reserve(ip) }
    for status in (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? []) {
      guard var record = records[status.name] else { continue }
      record.restartCount = Int(status.restartCount)
      let hasRun = status.containerID != nil || status.lastState?.terminated != nil || status.state?.terminated != nil
      record.runs = hasRun ? record.restartCount + 1 : 0
      record.lastState = status.lastState
      record.imageID = status.imageID
      record.containerID = status.containerID
      record.ready = status.ready
      record.started = status.started ?? false
      record.pulled = !status.imageID.isEmpty
      let directory = context.paths.container(uid, status.name, restart: record.restartCount)
      if let state = try? ContainerState.load(directory + "/state.json") {
        let pid = state.pid
        record.directory = directory
        record.startedAt = status.state?.running?.startedAt
        record.cgroups = context.cgroups.directories(pod: uid, container: status.name)
        if context.runtime.exitRecord(at: directory + "/exit.json") == nil && ContainerRuntime.isAlive(pid) {
          record.pid = pid
          record.state = status.state ?? ContainerState(running: ContainerStateRunning(startedAt: record.startedAt))
          records[status.name] = record
          watchExit(status.name, pid: pid)
          startProbes(status.name)
          continue
        }
        record.pid = pid
        records[status.name] = record
        handleExit(status.name)
        continue
      }
      record.state = status.state ?? record.state
      record.succeeded = status.state?.terminated?.exitCode == 0
      records[status.name] = record
    }
    logger.info("adopted pod \(namespace)/\(name) (sandbox \(uid))")
  }

  // MARK: - Sync

  func sync() async {
    if isDeleting {
      await terminate()
      return
    }
    if pod.spec.nodeName == nil || pod.spec.nodeName?.isEmpty == true {
      // A pod with scheduling gates waits unbound; the update that removes the last one wakes
      // this worker again.
      if (pod.spec.schedulingGates ?? []).isEmpty { await bind() }
      return
    }
    if !scheduledEventSent && sandbox == nil && pod.status?.startTime == nil {
      scheduledEventSent = true
      context.scheduler.record(pod, reason: "Scheduled", message: "Successfully assigned \(namespace)/\(name) to \(context.nodeName)")
    }
    if sandbox == nil {
      guard await createSandbox() else {
        await writeStatus()
        return
      }
    }
    // Init containers, in order; a native sidecar keeps running and lets the next start.
    var initializing = false
    for container in pod.spec.initContainers ?? [] {
      guard let record = records[container.name] else { continue }
      if record.isSidecar {
        if !record.isRunning { await ensureRunning(container) }
        if !(records[container.name]?.started ?? false) {
          initializing = true
          break
        }
        continue
      }
      if record.succeeded { continue }
      initializing = true
      if !record.isRunning { await ensureRunning(container) }
      break
    }
    if !initializing {
      for container in pod.spec.containers where !(records[container.name]?.isRunning ?? false) {
        await ensureRunning(container)
      }
    }
    // Ephemeral containers run once, whatever the state of the others.
    for (container, _) in pod.ephemeralContainers where records[container.name]?.runs == 0 {
      await ensureRunning(container)
    }
    stopSidecarsOfACompletedPod()
    await writeStatus()
  }

  /// The scheduler's job on a single node, for a pod created before the node existed or
  /// whose scheduling gates are gone: bind it, as the `pods/binding` subresource does
  /// (nodeName is otherwise immutable).
  func bind() async {
    let key = ObjectKey(Pod.resourceInfo.groupResource, namespace: namespace, name: name)
    do {
      let stored = try context.registry.store.guaranteedUpdate(key) { current in
        guard current.object.value(at: ["spec", "nodeName"]) == nil,
          (current.object.value(at: ["spec", "schedulingGates"])?.arrayValue ?? []).isEmpty
        else { return nil }
        var json = current.object
        json.setValue(.string(context.nodeName), at: ["spec", "nodeName"])
        return json
      }
      pod = try Pod.decode(from: stored.object).0
      wake?.yield()
    } catch {
      logger.warning("binding pod \(namespace)/\(name) to \(context.nodeName) failed: \(error)")
    }
  }

  func createSandbox() async -> Bool {
    do {
      let handle = try await context.runtime.createSandbox(id: uid, hostname: Self.hostname(pod))
      guard let ip = podIP ?? context.ipam.allocate() else {
        throw RuntimeError(stage: "allocate pod IP", "the pod network 10.244.0.0/16 is full")
      }
      podIP = ip
      try await context.network?.attach(podID: uid, namespacePath: handle.networkNamespacePath, address: ip)
      if pod.hasSidecar {
        // As istio-cni does: capture before any container runs.
        try await context.network?.capture(
          namespacePath: handle.networkNamespacePath, SidecarCapture(annotations: pod.metadata.annotations ?? [:]))
        try await context.sidecars?.sandboxReady(pod, podIP: ip)
      }
      try writeEtcFiles(ip: ip)
      sandbox = handle
      startTime = startTime ?? Timestamp.now().wholeSeconds
      return true
    } catch {
      logger.error("pod \(namespace)/\(name): sandbox: \(error)")
      context.events.record(pod, type: "Warning", reason: "FailedCreatePodSandBox",
        message: "Failed to create pod sandbox: \(error)")
      return false
    }
  }

  static func hostname(_ pod: Pod) -> String {
    String((pod.spec.hostname ?? pod.metadata.name ?? "pod").prefix(63))
  }

  /// /etc/hosts, /etc/hostname and /etc/resolv.conf for the pod, as the kubelet writes them.
  func writeEtcFiles(ip: String) throws {
    let directory = context.paths.etc(uid)
    try FileOps.makeDirectories(directory)
    let hostname = Self.hostname(pod)
    let hosts = PodHostsFile(
      podIPs: [ip], podName: name, namespace: namespace, specHostname: pod.spec.hostname, subdomain: pod.spec.subdomain,
      hostAliases: (pod.spec.hostAliases ?? []).map { PodHostsFile.HostAlias(ip: $0.ip, hostnames: $0.hostnames ?? []) })
    try FileOps.write(directory + "/hosts", hosts.rendered)
    try FileOps.write(directory + "/hostname", hostname + "\n")
    let podConfig = pod.spec.dnsConfig.map(Self.dnsConfig)
    let resolv: PodResolvConf
    if pod.spec.dnsPolicy == "None" {
      resolv = PodResolvConf(
        nameservers: podConfig?.nameservers ?? [], searches: podConfig?.searches ?? [],
        options: (podConfig?.options ?? []).map { option in option.value.map { "\(option.name):\($0)" } ?? option.name })
    } else {
      resolv = PodResolvConf.clusterFirst(namespace: namespace, clusterDNS: ["10.96.0.10"], podConfig: podConfig)
    }
    try FileOps.write(directory + "/resolv.conf", resolv.rendered)
  }

  static func dnsConfig(_ c: PodDNSConfig) -> PodResolvConf.PodDNSConfig {
    PodResolvConf.PodDNSConfig(
      nameservers: c.nameservers ?? [], searches: c.searches ?? [],
      options: (c.options ?? []).map { PodResolvConf.PodDNSConfig.Option(name: $0.name ?? "", value: $0.value) })
  }

  // MARK: - Containers

  func container(_ name: String) -> Container? {
    pod.spec.containers.first { $0.name == name } ?? pod.spec.initContainers?.first { $0.name == name }
      ?? pod.ephemeralContainers.first { $0.container.name == name }?.container
  }

  /// A pod whose app containers have finished for good (restartPolicy Never, or OnFailure
  /// and all succeeded) stops its native sidecars, as the kubelet does, so the pod completes
  /// and nothing keeps running for it.
  func stopSidecarsOfACompletedPod() {
    let policy = pod.spec.restartPolicy ?? "Always"
    let app = pod.spec.containers.compactMap { records[$0.name] }
    guard !sidecarsStopped, policy != "Always", !app.isEmpty,
      app.allSatisfy({ $0.state.terminated != nil && (policy == "Never" || $0.succeeded) })
    else { return }
    sidecarsStopped = true
    var signalled: [Int32] = []
    for spec in (pod.spec.initContainers ?? []).reversed() where records[spec.name]?.isSidecar == true {
      guard let pid = records[spec.name]?.pid else { continue }
      context.events.record(pod, reason: "Killing", message: "Stopping container \(spec.name)", fieldPath: fieldPath(spec.name))
      ContainerRuntime.signal(pid, SIGTERM)
      signalled.append(pid)
    }
    // SIGKILL after the grace period, for what ignores SIGTERM (a pid 1 without a handler).
    let grace = pod.spec.terminationGracePeriodSeconds ?? 30
    guard !signalled.isEmpty else { return }
    Task {
      try? await Task.sleep(for: .seconds(grace))
      for pid in signalled where ContainerRuntime.isAlive(pid) { ContainerRuntime.signal(pid, SIGKILL) }
    }
  }

  /// Starts the container unless it must wait (backoff, restart policy says no).
  func ensureRunning(_ container: Container) async {
    guard var record = records[container.name], !record.isRunning, let sandbox else { return }
    if record.isSidecar && sidecarsStopped { return }
    let policy = record.isSidecar ? "Always" : record.isEphemeral ? "Never" : (pod.spec.restartPolicy ?? "Always")
    if record.lastExitAt != nil || record.restartCount > 0 || record.state.terminated != nil {
      // It ran before: restart only as the policy allows.
      if record.isInit && !record.isSidecar {
        if record.succeeded { return }
        if policy == "Never" { return }
      } else if !record.isSidecar {
        if policy == "Never" { return }
        if policy == "OnFailure" && record.succeeded { return }
      }
    }
    if let until = record.backoffUntil, ContinuousClock.now < until, record.imagePullFailures > 0 {
      // Waiting to pull again, as the kubelet reports it: ImagePullBackOff.
      if record.state.waiting?.reason != "ImagePullBackOff" {
        record.state = ContainerState(waiting: ContainerStateWaiting(
          reason: "ImagePullBackOff",
          message: "Back-off pulling image \"\(container.image ?? "")\": ErrImagePull: \(record.pullError ?? "")"))
        records[container.name] = record
        context.events.record(pod, reason: "BackOff", message: "Back-off pulling image \"\(container.image ?? "")\"",
          fieldPath: fieldPath(container.name))
        context.events.record(pod, type: "Warning", reason: "Failed", message: "Error: ImagePullBackOff", fieldPath: fieldPath(container.name))
      }
      return
    }
    if let until = record.backoffUntil, ContinuousClock.now < until {
      let waitingFor = RestartBackoff.text(record.backoff)
      if record.state.waiting?.reason != "CrashLoopBackOff" {
        record.state = ContainerState(waiting: ContainerStateWaiting(
          reason: "CrashLoopBackOff",
          message: "back-off \(waitingFor) restarting failed container=\(container.name) pod=\(name)_\(namespace)(\(uid))"))
        records[container.name] = record
        context.events.record(pod, type: "Warning", reason: "BackOff",
          message: "Back-off restarting failed container \(container.name) in pod \(name)_\(namespace)(\(uid))",
          fieldPath: fieldPath(container.name))
      }
      return
    }
    // Pull (resolve) the image.
    let reference = container.image ?? ""
    let image: ResolvedImage
    do {
      let always = (container.imagePullPolicy ?? "IfNotPresent") == "Always"
      if always || !record.pulled {
        if always {
          context.events.record(pod, reason: "Pulling", message: "Pulling image \"\(reference)\"", fieldPath: fieldPath(container.name))
        }
        let began = ContinuousClock.now
        image = try context.images.resolve(reference)
        let took = GoDurationFormat.short(ContinuousClock.now - began)
        if always {
          context.events.record(pod, reason: "Pulled",
            message: "Successfully pulled image \"\(reference)\" in \(took) (\(took) including waiting). Image size: \(image.config.size) bytes.",
            fieldPath: fieldPath(container.name))
        } else {
          context.events.record(pod, reason: "Pulled", message: "Container image \"\(reference)\" already present on machine",
            fieldPath: fieldPath(container.name))
        }
      } else {
        image = try context.images.resolve(reference)
      }
      record.pulled = true
      record.imagePullFailures = 0
      record.pullError = nil
    } catch {
      record.imagePullFailures += 1
      record.pullError = "\(error)"
      // ErrImagePull now; the syncs during the back-off show ImagePullBackOff.
      record.state = ContainerState(waiting: ContainerStateWaiting(reason: "ErrImagePull", message: "\(error)"))
      let delay = min(300, 10 << min(record.imagePullFailures - 1, 5))
      record.backoffUntil = ContinuousClock.now + .seconds(delay)
      record.backoff = .seconds(delay)
      records[container.name] = record
      context.events.record(pod, type: "Warning", reason: "Failed", message: "Failed to pull image \"\(reference)\": \(error)", fieldPath: fieldPath(container.name))
      context.events.record(pod, type: "Warning", reason: "Failed", message: "Error: ErrImagePull", fieldPath: fieldPath(container.name))
      return
    }
    record.imageID = image.digest

    // Configure and start.
    // Counted as a restart once it starts (kubelet: the RESTARTS of a pod in back-off are the
    // restarts that happened, not the one it waits for).
    let restart = record.runs > 0 ? record.restartCount + 1 : record.restartCount
    let directory = context.paths.container(uid, container.name, restart: restart)
    let logPath = context.paths.log(namespace: namespace, pod: name, uid: uid, container: container.name, restart: restart)
    do {
      try FileOps.makeDirectories(context.paths.logDirectory(namespace: namespace, pod: name, uid: uid, container: container.name))
      let volumes = try prepareVolumes()
      let services = context.registry.list(Service.self, namespace: namespace)
      var configMaps: [String: ConfigMap] = [:]
      for map in context.registry.list(ConfigMap.self, namespace: namespace) { configMaps[map.metadata.name ?? ""] = map }
      var secrets: [String: Secret] = [:]
      for secret in context.registry.list(Secret.self, namespace: namespace) { secrets[secret.metadata.name ?? ""] = secret }
      var currentPod = pod
      currentPod.status = currentPod.status ?? PodStatus()
      currentPod.status?.podIP = podIP
      let launch = ContainerLaunch(
        pod: currentPod, container: container, image: image, etcDirectory: context.paths.etc(uid), volumeDirectories: volumes,
        services: services, configMaps: configMaps, secrets: secrets, nodeName: context.nodeName, hostIP: NodeNetwork.nodeAddress)
      let limits = container.resources?.limits ?? [:]
      let cgroups = (try? context.cgroups.create(
        pod: uid, container: container.name, memoryBytes: limits["memory"]?.bytes, cpuMillis: limits["cpu"]?.millis)) ?? []
      var spec = try launch.spec(
        id: "\(uid.prefix(8))-\(container.name)-\(restart)", sandbox: sandbox, directory: directory, logPath: logPath, cgroups: cgroups)
      if let target = pod.ephemeralContainers.first(where: { $0.container.name == container.name })?.target {
        // kubectl debug --target: the debug container sees the target's processes.
        guard let targetPid = records[target]?.pid else {
          throw ContainerConfigError("target container \"\(target)\" is not running")
        }
        spec.joinNamespaces.append(NamespacePath(type: "pid", path: "/proc/\(targetPid)/ns/pid"))
        spec.newNamespaces.removeAll { $0 == "pid" }
      }
      record.cgroups = cgroups
      record.process = spec.process
      record.directory = directory
      context.events.record(pod, reason: "Created", message: "Created container: \(container.name)", fieldPath: fieldPath(container.name))
      record.restartCount = restart
      record.runs += 1
      let pid = try await context.runtime.start(spec, directory: directory)
      try? ContainerState.save(ContainerState.Persisted(pid: pid), to: directory + "/state.json")
      record.pid = pid
      record.startedAt = Timestamp.now().wholeSeconds
      record.containerID = "skiff://\(uid.prefix(8))-\(container.name)-\(restart)"
      record.state = ContainerState(running: ContainerStateRunning(startedAt: record.startedAt))
      record.ready = false
      record.started = container.startupProbe == nil
      records[container.name] = record
      context.events.record(pod, reason: "Started", message: "Started container \(container.name)", fieldPath: fieldPath(container.name))
      watchExit(container.name, pid: pid)
      startProbes(container.name)
    } catch let error as ContainerConfigError {
      record.state = ContainerState(waiting: ContainerStateWaiting(reason: "CreateContainerConfigError", message: error.message))
      record.backoffUntil = ContinuousClock.now + .seconds(10)
      records[container.name] = record
      context.events.record(pod, type: "Warning", reason: "Failed", message: "Error: \(error.message)", fieldPath: fieldPath(container.name))
    } catch {
      // The runtime could not start it: StartError, then back off like a crash.
      let message = (error as? RuntimeError)?.message ?? String(describing: error)
      let now = Timestamp.now().wholeSeconds
      record.lastState = ContainerState(terminated: ContainerStateTerminated(
        exitCode: 128, reason: "StartError", message: message, startedAt: now, finishedAt: now))
      record.state = ContainerState(waiting: ContainerStateWaiting(reason: "RunContainerError", message: message))
      record.lastExitAt = .now
      record.backoff = RestartBackoff.next(record.backoff, lastExit: record.lastExitAt)
      record.backoffUntil = ContinuousClock.now + record.backoff
      record.pid = nil
      records[container.name] = record
      context.events.record(pod, type: "Warning", reason: "Failed", message: "Error: failed to start container \"\(container.name)\": \(message)",
        fieldPath: fieldPath(container.name))
    }
  }

  func fieldPath(_ container: String) -> String {
    if (pod.spec.initContainers ?? []).contains(where: { $0.name == container }) { return "spec.initContainers{\(container)}" }
    if records[container]?.isEphemeral == true { return "spec.ephemeralContainers{\(container)}" }
    return "spec.containers{\(container)}"
  }

  /// Volume directories on the node: emptyDir (a directory, or tmpfs for medium Memory is
  /// left to the directory), configMap and secret (their keys written as files, with the
  /// volume's or item's mode), hostPath.
  func prepareVolumes() throws -> [String: String] {
    var out: [String: String] = [:]
    for volume in pod.spec.volumes ?? [] {
      let directory = context.paths.volume(uid, volume.name)
      if volume.emptyDir != nil {
        try FileOps.makeDirectories(directory)
        out[volume.name] = directory
      } else if let source = volume.configMap {
        guard let map = context.registry.get(ConfigMap.self, namespace: namespace, name: source.name ?? "") else {
          if source.optional == true {
            try FileOps.makeDirectories(directory)
            out[volume.name] = directory
            continue
          }
          throw ContainerConfigError("configmap \"\(source.name ?? "")\" not found")
        }
        try FileOps.makeDirectories(directory)
        let data = map.data ?? [:]
        let items = source.items ?? data.keys.sorted().map { KeyToPath(key: $0, path: $0) }
        for item in items {
          guard let value = data[item.key] else { continue }
          let file = directory + "/" + item.path
          if let slash = file.lastIndex(of: "/") { try FileOps.makeDirectories(String(file[..<slash])) }
          try FileOps.write(file, value)
        }
        out[volume.name] = directory
      } else if let source = volume.secret {
        try FileOps.makeDirectories(directory)
        out[volume.name] = directory
        guard let secret = context.registry.get(Secret.self, namespace: namespace, name: source.secretName ?? "") else {
          if source.optional == true { continue }
          throw ContainerConfigError("secret \"\(source.secretName ?? "")\" not found")
        }
        let keys = (secret.data ?? [:]).keys.sorted()
        let items = source.items ?? keys.map { KeyToPath(key: $0, path: $0) }
        for item in items {
          guard let value = secret.value(item.key) else {
            if source.optional == true { continue }
            throw ContainerConfigError("couldn't find key \(item.key) in Secret \(namespace)/\(source.secretName ?? "")")
          }
          let file = directory + "/" + item.path
          if let slash = file.lastIndex(of: "/") { try FileOps.makeDirectories(String(file[..<slash])) }
          try FileOps.write(file, value, mode: mode_t(item.mode ?? source.defaultMode ?? 0o644))
        }
      } else if let source = volume.downwardAPI {
        try FileOps.makeDirectories(directory)
        out[volume.name] = directory
        for item in source.items ?? [] {
          let file = directory + "/" + item.path
          if let slash = file.lastIndex(of: "/") { try FileOps.makeDirectories(String(file[..<slash])) }
          try FileOps.write(file, Array(downwardValue(item).utf8), mode: mode_t(item.mode ?? source.defaultMode ?? 0o644))
        }
      } else if let host = volume.hostPath {
        if host.type == "DirectoryOrCreate" { try FileOps.makeDirectories(host.path) }
        out[volume.name] = host.path
      }
    }
    return out
  }

  /// A downwardAPI volume file's content: a field of the pod (all labels or annotations as
  /// `key="value"` lines, sorted, as the kubelet writes them) or a container's resource.
  func downwardValue(_ item: DownwardAPIVolumeFile) -> String {
    if let path = item.fieldRef?.fieldPath {
      func lines(_ map: [String: String]?) -> String {
        (map ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\(goQuoted($0.value))" }.joined(separator: "\n")
      }
      switch path {
      case "metadata.labels": return lines(pod.metadata.labels)
      case "metadata.annotations": return lines(pod.metadata.annotations)
      default: return ContainerLaunch.fieldValue(path, pod: pod, nodeName: context.nodeName, hostIP: NodeNetwork.nodeAddress)
      }
    }
    if let resource = item.resourceFieldRef {
      let name = resource.containerName ?? ""
      let target = pod.spec.containers.first { $0.name == name } ?? pod.spec.containers.first
      return ContainerLaunch.resourceValue(resource.resource, container: target)
    }
    return ""
  }

  // MARK: - Exits

  /// Waits (off the actor) for the container's process to end, then wakes the worker.
  func watchExit(_ name: String, pid: Int32) {
    exitWatchers[name]?.cancel()
    exitWatchers[name] = Task { [weak self] in
      let pidfd = skiff_pidfd_open(pid)
      if pidfd >= 0 {
        _ = await onBlockingThread {
          var p = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
          while poll(&p, 1, 1000) == 0 {}
          close(pidfd)
          return 0
        }
      }
      // The shim writes the exit record just after the process ends.
      for _ in 0..<50 {
        if Task.isCancelled { return }
        try? await Task.sleep(for: .milliseconds(20))
        if let self, await self.hasExitRecord(name) { break }
      }
      await self?.handleExit(name)
    }
  }

  func hasExitRecord(_ name: String) -> Bool {
    guard let directory = records[name]?.directory else { return true }
    return context.runtime.exitRecord(at: directory + "/exit.json") != nil
  }

  func handleExit(_ name: String) {
    guard var record = records[name], record.pid != nil else { return }
    let directory = record.directory ?? ""
    let exit = context.runtime.exitRecord(at: directory + "/exit.json")
    let code = exit?.exitCode ?? 137
    let finished = exit.flatMap { Timestamp(rfc3339: $0.finishedAt) } ?? Timestamp.now().wholeSeconds
    var reason = code == 0 ? "Completed" : "Error"
    if code != 0 && context.cgroups.oomKilled(pod: uid, container: name) { reason = "OOMKilled" }
    var terminated = ContainerStateTerminated(exitCode: code, signal: exit?.signal, reason: reason, message: nil,
      startedAt: record.startedAt, finishedAt: finished)
    terminated.containerID = record.containerID
    record.pid = nil
    record.ready = false
    record.started = false
    let previousExit = record.lastExitAt
    record.lastExitAt = .now
    record.succeeded = code == 0
    probeTasks[name]?.forEach { $0.cancel() }
    probeTasks[name] = nil
    let container = self.container(name)
    let policy = record.isSidecar ? "Always" : record.isEphemeral ? "Never" : (pod.spec.restartPolicy ?? "Always")
    let willRestart = !isDeleting && (policy == "Always" || (policy == "OnFailure" && code != 0)) && !(record.isInit && !record.isSidecar && code == 0)
      && !(record.isSidecar && sidecarsStopped)
    if willRestart {
      record.lastState = ContainerState(terminated: terminated)
      // As the kubelet: the first restart is immediate; later ones back off 10 s, doubling.
      if record.backoff == .zero {
        record.backoff = RestartBackoff.initial / 1000
        record.backoffUntil = nil
      } else {
        // (Back to 10 s when the previous exit is over 10 minutes old.)
        record.backoff = max(RestartBackoff.next(record.backoff, lastExit: previousExit), RestartBackoff.initial)
        record.backoffUntil = ContinuousClock.now + record.backoff
      }
      record.state = ContainerState(terminated: terminated)
    } else {
      record.state = ContainerState(terminated: terminated)
    }
    records[name] = record
    context.cgroups.remove(pod: uid, container: name)
    _ = container
    wake?.yield()
  }

  // MARK: - Probes

  func startProbes(_ name: String) {
    guard let container = container(name), var record = records[name] else { return }
    probeTasks[name]?.forEach { $0.cancel() }
    record.probeGeneration += 1
    let generation = record.probeGeneration
    records[name] = record
    var tasks: [Task<Void, Never>] = []
    if let probe = container.startupProbe {
      tasks.append(probeLoop(name, probe, kind: .startup, generation: generation))
    }
    if let probe = container.livenessProbe {
      tasks.append(probeLoop(name, probe, kind: .liveness, generation: generation))
    }
    if let probe = container.readinessProbe {
      tasks.append(probeLoop(name, probe, kind: .readiness, generation: generation))
    } else {
      // Without a readiness probe a container is ready once started.
      record.ready = true
      records[name] = record
    }
    probeTasks[name] = tasks
  }

  enum ProbeKind: String { case startup = "Startup", liveness = "Liveness", readiness = "Readiness" }

  func probeLoop(_ name: String, _ probe: Probe, kind: ProbeKind, generation: Int) -> Task<Void, Never> {
    Task { [weak self] in
      try? await Task.sleep(for: .seconds(Int64(probe.initialDelaySeconds ?? 0)))
      var successes = 0
      var failures = 0
      let period = Duration.seconds(Int64(max(1, probe.periodSeconds ?? 10)))
      while !Task.isCancelled {
        guard let self else { return }
        if kind != .startup, !(await self.isStarted(name)) {
          try? await Task.sleep(for: .milliseconds(200))
          continue
        }
        guard let input = await self.probeInput(name, generation: generation) else { return }
        let result = await self.context.prober.run(
          probe, container: input.container, pid: input.pid, podIP: input.podIP, cgroups: input.cgroups,
          directory: input.directory, process: input.process)
        if Task.isCancelled { return }
        if result.success {
          successes += 1
          failures = 0
        } else {
          failures += 1
          successes = 0
        }
        let stop = await self.probeResult(
          name, kind: kind, probe: probe, result: result, successes: successes, failures: failures, generation: generation)
        if stop { return }
        try? await Task.sleep(for: period)
      }
    }
  }

  struct ProbeInput: Sendable {
    var container: Container
    var pid: Int32
    var podIP: String
    var cgroups: [String]
    var directory: String
    var process: ProcessSpec?
  }

  func isStarted(_ name: String) -> Bool { records[name]?.started ?? false }

  func probeInput(_ name: String, generation: Int) -> ProbeInput? {
    guard let record = records[name], record.probeGeneration == generation, let pid = record.pid,
      let container = container(name)
    else { return nil }
    return ProbeInput(
      container: container, pid: pid, podIP: podIP ?? "", cgroups: record.cgroups, directory: record.directory ?? "",
      process: record.process)
  }

  /// Applies a probe result; returns true when the probe loop should stop.
  func probeResult(
    _ name: String, kind: ProbeKind, probe: Probe, result: ProbeResult, successes: Int, failures: Int, generation: Int
  ) -> Bool {
    guard var record = records[name], record.probeGeneration == generation, record.isRunning else { return true }
    let successThreshold = Int(probe.successThreshold ?? 1)
    let failureThreshold = Int(probe.failureThreshold ?? 3)
    if !result.success {
      context.events.record(pod, type: "Warning", reason: "Unhealthy",
        message: "\(kind.rawValue) probe failed: \(result.output)", fieldPath: fieldPath(name))
    }
    switch kind {
    case .startup:
      if successes >= successThreshold {
        record.started = true
        records[name] = record
        wake?.yield()
        return true
      }
      if failures >= failureThreshold {
        kill(name, reason: "Container \(name) failed startup probe, will be restarted", grace: probe.terminationGracePeriodSeconds)
        return true
      }
    case .liveness:
      if failures >= failureThreshold {
        kill(name, reason: "Container \(name) failed liveness probe, will be restarted", grace: probe.terminationGracePeriodSeconds)
        return true
      }
    case .readiness:
      let ready = successes >= successThreshold ? true : (failures >= failureThreshold ? false : record.ready)
      if ready != record.ready {
        record.ready = ready
        records[name] = record
        wake?.yield()
      }
    }
    return false
  }

  /// Stops a container (SIGTERM, then SIGKILL after the grace period); the restart policy
  /// then decides what happens.
  func kill(_ name: String, reason: String, grace: Int64?) {
    guard let record = records[name], let pid = record.pid else { return }
    context.events.record(pod, reason: "Killing", message: reason, fieldPath: fieldPath(name))
    let seconds = grace ?? pod.spec.terminationGracePeriodSeconds ?? 30
    ContainerRuntime.signal(pid, SIGTERM)
    Task {
      try? await Task.sleep(for: .seconds(seconds))
      if ContainerRuntime.isAlive(pid) { ContainerRuntime.signal(pid, SIGKILL) }
    }
  }

  // MARK: - Termination

  /// Graceful pod termination: SIGTERM every container (app containers first, then native
  /// sidecars), SIGKILL after the grace period, tear the sandbox down, and remove the pod.
  func terminate() async {
    let grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30
    let deadline = ContinuousClock.now + .seconds(grace)
    for tasks in probeTasks.values { tasks.forEach { $0.cancel() } }
    probeTasks = [:]
    let order = pod.spec.containers.map(\.name) + (pod.spec.initContainers ?? []).reversed().map(\.name)
    for name in order {
      guard let pid = records[name]?.pid else { continue }
      context.events.record(pod, reason: "Killing", message: "Stopping container \(name)", fieldPath: fieldPath(name))
      ContainerRuntime.signal(pid, SIGTERM)
      // App containers stop before sidecars: wait for them before signalling the sidecars.
      if !(records[name]?.isSidecar ?? false) { continue }
    }
    while ContinuousClock.now < deadline {
      if records.values.allSatisfy({ $0.pid.map { !ContainerRuntime.isAlive($0) } ?? true }) { break }
      try? await Task.sleep(for: .milliseconds(100))
    }
    for record in records.values {
      if let pid = record.pid, ContainerRuntime.isAlive(pid) { ContainerRuntime.signal(pid, SIGKILL) }
    }
    for _ in 0..<50 {
      if records.values.allSatisfy({ $0.pid.map { !ContainerRuntime.isAlive($0) } ?? true }) { break }
      try? await Task.sleep(for: .milliseconds(100))
    }
    for name in Array(records.keys) where records[name]?.pid != nil { handleExit(name) }
    await teardown()
    try? context.registry.delete(Pod.self, namespace: namespace, name: name, options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: uid))
    terminated = true
  }

  /// Removes everything the pod had on the node: network, namespaces, cgroups, state.
  func teardown() async {
    if pod.hasSidecar { await context.sidecars?.sandboxRemoved(namespace: namespace, name: name, uid: uid) }
    await context.network?.detach(podID: uid)
    context.runtime.removeSandbox(id: uid)
    if let ip = podIP { context.ipam.release(ip) }
    context.cgroups.remove(pod: uid, container: nil)
    ContainerRuntime.removeTree(context.paths.pod(uid))
  }

  /// Stops the pod's containers and tears it down without deleting the pod object (the
  /// node shutting down for `skiff down`): SIGTERM, the pod's grace period (at most 10 s),
  /// then SIGKILL.
  /// The pod was deleted without this worker terminating it: stop and remove what is left.
  func podDeleted() async {
    guard !terminated else { return }
    await shutdown()
  }

  func shutdown() async {
    for record in records.values {
      if let pid = record.pid { ContainerRuntime.signal(pid, SIGTERM) }
    }
    let grace = min(pod.spec.terminationGracePeriodSeconds ?? 30, 10)
    let deadline = ContinuousClock.now + .seconds(grace)
    while ContinuousClock.now < deadline, records.values.contains(where: { $0.pid.map(ContainerRuntime.isAlive) ?? false }) {
      try? await Task.sleep(for: .milliseconds(100))
    }
    for record in records.values {
      if let pid = record.pid, ContainerRuntime.isAlive(pid) { ContainerRuntime.signal(pid, SIGKILL) }
    }
    await teardown()
    terminated = true
  }

  // MARK: - Status

  func writeStatus() async {
    var status = pod.status ?? PodStatus()
    status.hostIP = NodeNetwork.nodeAddress
    status.hostIPs = [HostIP(ip: NodeNetwork.nodeAddress)]
    if let podIP {
      status.podIP = podIP
      status.podIPs = [PodIP(ip: podIP)]
    }
    status.startTime = startTime
    status.qosClass = pod.spec.qosClass
    let initSpecs = pod.spec.initContainers ?? []
    status.initContainerStatuses = initSpecs.isEmpty ? nil : initSpecs.compactMap { records[$0.name]?.status }
    status.containerStatuses = pod.spec.containers.compactMap { records[$0.name]?.status }
    let ephemeral = pod.ephemeralContainers.compactMap { records[$0.container.name]?.status }
    status.ephemeralContainerStatuses = ephemeral.isEmpty ? nil : ephemeral
    let now = Timestamp.now().wholeSeconds
    let initialized = initSpecs.allSatisfy { spec in
      let r = records[spec.name]
      return r?.isSidecar == true ? (r?.started ?? false) : (r?.succeeded ?? false)
    }
    let containersReady = pod.spec.containers.allSatisfy { records[$0.name]?.ready ?? false }
      && initSpecs.filter({ records[$0.name]?.isSidecar ?? false }).allSatisfy { records[$0.name]?.ready ?? false }
    var conditions = status.conditions ?? []
    func set(_ type: String, _ value: Bool, reason: String? = nil) {
      let text = value ? "True" : "False"
      if let i = conditions.firstIndex(where: { $0.type == type }) {
        if conditions[i].status != text {
          conditions[i].status = text
          conditions[i].lastTransitionTime = now
          conditions[i].reason = value ? nil : reason
        }
      } else {
        var c = PodCondition(type: type, status: text, lastTransitionTime: now)
        c.reason = value ? nil : reason
        conditions.append(c)
      }
    }
    set("PodReadyToStartContainers", sandbox != nil)
    set("Initialized", initialized, reason: "ContainersNotInitialized")
    set("Ready", containersReady, reason: "ContainersNotReady")
    set("ContainersReady", containersReady, reason: "ContainersNotReady")
    set("PodScheduled", true)
    let order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    conditions.sort { (order.firstIndex(of: $0.type) ?? 9) < (order.firstIndex(of: $1.type) ?? 9) }
    status.conditions = conditions
    status.phase = phase()
    guard status != lastStatus && status != pod.status else { return }
    do {
      let updated = try context.registry.modify(Pod.self, namespace: namespace, name: name, status: true) { $0.status = status }
      pod = updated
      lastStatus = status
    } catch {
      logger.debug("status of pod \(namespace)/\(name): \(error)")
    }
  }

  func phase() -> String {
    let policy = pod.spec.restartPolicy ?? "Always"
    let app = pod.spec.containers.compactMap { records[$0.name] }
    if (pod.spec.initContainers ?? []).contains(where: { spec in
      guard let r = records[spec.name], !r.isSidecar else { return false }
      return r.state.terminated != nil && !r.succeeded && policy == "Never"
    }) {
      return "Failed"
    }
    if app.contains(where: { $0.isRunning }) { return "Running" }
    let allTerminated = !app.isEmpty && app.allSatisfy { $0.state.terminated != nil || ($0.lastState?.terminated != nil && $0.state.waiting != nil) }
    if allTerminated && policy != "Always" {
      if app.allSatisfy({ $0.succeeded }) { return "Succeeded" }
      if policy == "Never" { return "Failed" }
    }
    if app.contains(where: { $0.restartCount > 0 || $0.lastState?.terminated != nil }) { return "Running" }
    return "Pending"
  }
}

/// Small file helpers for the node.
enum FileOps {
  static func makeDirectories(_ path: String) throws {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw RuntimeError(stage: "mkdir \(current)", String(cString: strerror(errno)))
      }
    }
  }

  static func write(_ path: String, _ text: String) throws {
    try write(path, Array(text.utf8))
  }

  /// Writes `bytes` to a new or truncated file with `mode` (the umask does not apply).
  static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw RuntimeError(stage: "write \(path)", String(cString: strerror(errno))) }
    defer { close(fd) }
    _ = fchmod(fd, mode)
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
  }
}

extension ContainerState {
  /// What the node keeps about a container run in its directory (for re-adoption).
  struct Persisted: Codable {
    var pid: Int32
  }

  static func load(_ path: String) throws -> Persisted? {
    let bytes = try FileOpsRead.read(path)
    return try JSONValueDecoder().decode(Persisted.self, from: try JSONValue(parsing: bytes)).value
  }

  static func save(_ state: Persisted, to path: String) throws {
    try FileOps.write(path, try JSONValueEncoder().encode(state).jsonString())
  }
}

enum FileOpsRead {
  static func read(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw RuntimeError(stage: "read \(path)", String(cString: strerror(errno))) }
    defer { close(fd) }
    return ContainerShim.readAllBytes(fd)
  }
}

/// Go's short duration text for event messages (`1.387s`, `12ms`).
enum GoDurationFormat {
  static func short(_ d: Duration) -> String {
    let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    if ms < 1 { return "\(Int(ms * 1000))µs" }
    if ms < 1000 { return "\(Int(ms))ms" }
    return "\((ms / 10).rounded() / 100)s"
  }
}
