import Foundation
import Testing

/// What a Kubernetes user sees when pods go wrong, on a real cluster: an unknown image, a
/// command that does not exist, a container that keeps crashing, one over its memory limit,
/// exec into what is not there; and a daemon that dies while pods run.
@Suite(
  "node behaviours",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .serialized)
struct NodeBehaviours {
  static let manifest = """
    apiVersion: v1
    kind: Pod
    metadata: {name: bad-image}
    spec:
      containers: [{name: main, image: skiff/does-not-exist:1.0}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: no-command}
    spec:
      containers: [{name: main, image: busybox, command: ["/bin/foo"]}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: crasher}
    spec:
      containers: [{name: main, image: busybox, command: ["sh", "-c", "echo bye; exit 3"]}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: hog}
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        # dd's 64 MiB block buffer, filled from /dev/zero, is over the 16 MiB limit.
        command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=4"]
        resources: {limits: {memory: 16Mi}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: hung-probe}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: busybox
        command: ["sleep", "3650d"]
        livenessProbe:
          exec: {command: ["sleep", "600"]}
          timeoutSeconds: 1
          periodSeconds: 2
          failureThreshold: 1
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: sleeper}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: main, image: busybox, command: ["sleep", "3650d"]}]
    ---
    apiVersion: v1
    kind: Secret
    metadata: {name: db}
    stringData: {password: "s3cr3t!", user: admin}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: secret-user, labels: {app: reader, tier: backend}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: busybox
        command: ["sleep", "3650d"]
        env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]
        volumeMounts: [{name: creds, mountPath: /etc/creds}, {name: podinfo, mountPath: /etc/podinfo}]
      volumes:
      - {name: creds, secret: {secretName: db, defaultMode: 0400}}
      - name: podinfo
        downwardAPI:
          items:
          - {path: labels, fieldRef: {fieldPath: metadata.labels}}
          - {path: name, fieldRef: {fieldPath: metadata.name}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: job-with-sidecar}
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      initContainers:
      - {name: helper, image: busybox, restartPolicy: Always, command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]}
      containers: [{name: main, image: busybox, command: ["true"]}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: gated}
    spec:
      terminationGracePeriodSeconds: 1
      schedulingGates: [{name: example.com/wait}]
      containers: [{name: main, image: busybox, command: ["sleep", "3650d"]}]
    """

  @Test func badPodsShowKubernetesReasonsAndTheDaemonSurvivesARestart() async throws {
    let cluster = try await SkiffCluster.run("node", run)
    #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(cluster.nodeNamespace)"))
    #expect(!SkiffCluster.readFile("/proc/self/mountinfo").contains(cluster.base))
  }

  /// When the daemon has died, `skiff down` stops the containers it left running and
  /// unpins their sandboxes, instead of leaving them behind.
  @Test func downAfterTheDaemonDiedStopsItsContainers() async throws {
    let cluster = try await SkiffCluster.run("orphans") { cluster in
      let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: sleeper}\nspec:\n  containers: [{name: main, image: busybox, command: [\"sleep\", \"3650d\"]}]\n"
      _ = try await cluster.skiff(["apply", "-f", "-"], stdin: pod)
      _ = try await cluster.eventually("sleeper Running") { () -> Bool? in
        try await status(cluster, "sleeper") == "Running" ? true : nil
      }
      try await cluster.killDaemon()
      #expect(!Self.processes(mentioning: cluster.dataDirectory).isEmpty, "the container runs on without its daemon")
      let down = try await cluster.skiff("down", "--purge", "--node-namespace", cluster.nodeNamespace)
      #expect(down.stdout.contains("✓ stopped 1 container the dead daemon left running"), "\(down.stdout)\(down.stderr)")
      let left = try await cluster.eventually("no process of the cluster", timeout: .seconds(10)) { () -> [String]? in
        let left = Self.processes(mentioning: cluster.dataDirectory)
        return left.isEmpty ? left : nil
      }
      #expect(left.isEmpty)
    }
    #expect(!SkiffCluster.readFile("/proc/self/mountinfo").contains(cluster.base))
  }

  /// Command lines of live processes that mention `text`.
  static func processes(mentioning text: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { Int($0) != nil }.compactMap { pid -> String? in
      let stat = SkiffCluster.readFile("/proc/\(pid)/stat")
      guard !stat.isEmpty, !stat.contains(") Z") else { return nil }
      let cmdline = SkiffCluster.readFile("/proc/\(pid)/cmdline").replacingOccurrences(of: "\0", with: " ")
      return cmdline.contains(text) ? cmdline : nil
    }
  }

  func run(_ cluster: SkiffCluster) async throws {
    let file = cluster.base + "/pods.yaml"
    try Self.manifest.write(toFile: file, atomically: true, encoding: .utf8)
    let applied = try await cluster.skiff("apply", "-f", file)
    #expect(applied.status == 0, "\(applied.stderr)")

    // An unknown image: ErrImagePull, then ImagePullBackOff, naming the images there are.
    let pullMessage = try await cluster.eventually("bad-image to back off") { () -> String? in
      let state = try await containerState(cluster, "bad-image")
      guard state.at("waiting.reason") == "ImagePullBackOff" else { return nil }
      return state.at("waiting.message")
    }
    #expect(pullMessage.contains("skiff/does-not-exist:1.0"), "got \(pullMessage)")
    #expect(pullMessage.contains("busybox"), "the message lists the images there are: \(pullMessage)")
    #expect(try await status(cluster, "bad-image") == "ImagePullBackOff")

    // A command that does not exist: the exec error as the reason's message, then back-off.
    let startError = try await cluster.eventually("no-command to fail to start") { () -> String? in
      try await lastTerminated(cluster, "no-command")?.at("message")
    }
    #expect(startError.contains(#"exec: "/bin/foo": stat /bin/foo: no such file or directory"#), "got \(startError)")
    let noCommandStatus = try await status(cluster, "no-command")
    #expect(["RunContainerError", "CrashLoopBackOff", "StartError"].contains(noCommandStatus), "got \(noCommandStatus)")

    // A container that exits at once: Error with its exit code, restarted with back-off,
    // and its previous run's log kept.
    let crashed = try await cluster.eventually("crasher to crash-loop") { () -> [String]? in
      let row = try await cluster.pods("default").first { $0.first == "crasher" }
      guard let row, row.count >= 4, row[2] == "CrashLoopBackOff", Int(row[3]) ?? 0 >= 1 else { return nil }
      return row
    }
    #expect(crashed[1] == "0/1")
    // As the kubelet counts: one restart at once, then a 10 s back-off before the second.
    #expect(crashed[3] == "1", "restarts when the back-off began: \(crashed)")
    let crash = try #require(try await lastTerminated(cluster, "crasher"))
    #expect(crash.at("exitCode") == "3")
    #expect(crash.at("reason") == "Error")
    let previous = try await cluster.skiff("logs", "crasher", "--previous")
    #expect(previous.stdout == "bye\n", "logs --previous: \(previous.stdout) \(previous.stderr)")

    // The back-off ends and the container runs again (nothing else wakes the node for it).
    _ = try await cluster.eventually("crasher to restart after its back-off", timeout: .seconds(30)) { () -> Bool? in
      let row = try await cluster.pods("default").first { $0.first == "crasher" }
      return (row.map { $0.count > 3 ? Int($0[3]) ?? 0 : 0 } ?? 0) >= 2 ? true : nil
    }

    // Over the memory limit: OOMKilled, exit 137, the pod Failed (restartPolicy Never).
    let oom = try await cluster.eventually("hog to be OOM-killed") { () -> JSON? in
      let state = try await containerState(cluster, "hog")
      return state.at("terminated.reason") == nil ? nil : state
    }
    #expect(oom.at("terminated.reason") == "OOMKilled")
    #expect(oom.at("terminated.exitCode") == "137")
    #expect(try await status(cluster, "hog") == "OOMKilled")

    // A probe command that hangs is killed at timeoutSeconds and counts as a failure: the
    // liveness probe restarts the container.
    _ = try await cluster.eventually("hung-probe to be restarted by its liveness probe", timeout: .seconds(30)) { () -> Bool? in
      let row = try await cluster.pods("default").first { $0.first == "hung-probe" }
      return (row.map { $0.count > 3 ? Int($0[3]) ?? 0 : 0 } ?? 0) >= 1 ? true : nil
    }
    let events = try await cluster.skiff("get", "events", "--field-selector", "involvedObject.name=hung-probe")
    #expect(events.stdout.contains("Liveness probe failed: command \"sleep 600\" timed out"), "\(events.stdout)")

    // A pod with a scheduling gate waits unbound, runs as "default", and is bound and started
    // when its gate is removed.
    #expect(try await status(cluster, "gated") == "SchedulingGated")
    let gated = JSON(parsing: try await cluster.skiff("get", "pod", "gated", "-o", "json").stdout)
    #expect(gated.at("spec.nodeName") == nil)
    #expect(gated.at("spec.serviceAccountName") == "default" && gated.at("spec.serviceAccount") == "default")
    // Applying the manifest without the gate removes it (three-way merge with last-applied).
    let ungatedFile = cluster.base + "/ungated.yaml"
    try Self.manifest.replacingOccurrences(of: "  schedulingGates: [{name: example.com/wait}]\n", with: "")
      .write(toFile: ungatedFile, atomically: true, encoding: .utf8)
    let ungated = try await cluster.skiff("apply", "-f", ungatedFile)
    #expect(ungated.stdout.contains("pod/gated configured"), "\(ungated.stdout)\(ungated.stderr)")
    _ = try await cluster.eventually("gated to run once its gate is gone") { () -> Bool? in
      try await status(cluster, "gated") == "Running" ? true : nil
    }

    // A Secret reaches its pod decoded, as a variable and as files with the volume's mode.
    _ = try await cluster.eventually("secret-user to run") { () -> Bool? in
      try await status(cluster, "secret-user") == "Running" ? true : nil
    }
    let fromSecret = try await cluster.skiff(
      "exec", "secret-user", "--", "sh", "-c", "echo $DB_PASSWORD; cat /etc/creds/user; echo; stat -c %a /etc/creds/password")
    #expect(fromSecret.stdout == "s3cr3t!\nadmin\n400\n", "\(fromSecret.stdout)\(fromSecret.stderr)")
    // A downwardAPI volume: the pod's labels as the kubelet formats them, and its name.
    let podInfo = try await cluster.skiff("exec", "secret-user", "--", "sh", "-c", "cat /etc/podinfo/labels; echo; cat /etc/podinfo/name")
    #expect(podInfo.stdout == "app=\"reader\"\ntier=\"backend\"\nsecret-user", "\(podInfo.stdout)\(podInfo.stderr)")

    // A finished pod stops its native sidecar (SIGTERM; it exits 0, so STATUS is Completed),
    // and deleting it leaves no process behind (the API server deletes a finished pod at once).
    _ = try await cluster.eventually("job-with-sidecar to complete", timeout: .seconds(60)) { () -> Bool? in
      try await status(cluster, "job-with-sidecar") == "Completed" ? true : nil
    }
    let job = JSON(parsing: try await cluster.skiff("get", "pod", "job-with-sidecar", "-o", "json").stdout)
    let jobUID = try #require(job.at("metadata.uid"))
    _ = try await cluster.eventually("the sidecar to stop") { () -> Bool? in
      Self.processes(mentioning: jobUID + "/containers/helper").isEmpty ? true : nil
    }
    _ = try await cluster.skiff("delete", "pod", "job-with-sidecar")

    // Exec into what is not there: kubectl's messages.
    _ = try await cluster.eventually("sleeper to run") { () -> Bool? in
      try await status(cluster, "sleeper") == "Running" ? true : nil
    }
    let noPod = try await cluster.skiff("exec", "nope", "--", "true")
    #expect(noPod.status != 0)
    #expect(noPod.stderr.contains(#"pods "nope" not found"#), "got \(noPod.stderr)")
    let noContainer = try await cluster.skiff("exec", "sleeper", "-c", "nope", "--", "true")
    #expect(noContainer.status != 0)
    #expect(noContainer.stderr.contains("container nope is not valid for pod sleeper"), "got \(noContainer.stderr)")

    // A command that ends at once still has its output delivered, every time.
    var lost: [Int] = []
    for i in 0..<20 where try await cluster.skiff("exec", "sleeper", "--", "echo", "\(i)").stdout != "\(i)\n" { lost.append(i) }
    #expect(lost.isEmpty, "exec output lost for runs \(lost)")

    // The daemon dies (SIGKILL): the pod's container keeps running, and the next daemon adopts
    // it instead of restarting it (the file it wrote is still in its root filesystem).
    let marked = try await cluster.skiff("exec", "sleeper", "--", "sh", "-c", "echo adopted > /tmp/mark")
    #expect(marked.status == 0, "\(marked.stderr)")
    try await cluster.killDaemon()
    try await cluster.up()
    let after = try await cluster.eventually("sleeper to be Running again") { () -> [String]? in
      let row = try await cluster.pods("default").first { $0.first == "sleeper" }
      return row?.count ?? 0 >= 4 && row?[2] == "Running" ? row : nil
    }
    #expect(after[1] == "1/1")
    #expect(after[3] == "0", "adopted, not restarted: \(after)")
    let mark = try await cluster.skiff("exec", "sleeper", "--", "cat", "/tmp/mark")
    #expect(mark.stdout == "adopted\n", "exit \(mark.status): \(mark.stderr)")
    // And the adopted pod is still managed: deleting it stops it.
    let deleted = try await cluster.skiff("delete", "pod", "sleeper")
    #expect(deleted.stdout == "pod \"sleeper\" deleted\n", "\(deleted.stderr)")
  }

  /// The pod's STATUS column.
  func status(_ cluster: SkiffCluster, _ pod: String) async throws -> String {
    let row = try await cluster.pods("default").first { $0.first == pod }
    return row.map { $0.count > 2 ? $0[2] : "" } ?? ""
  }

  func containerState(_ cluster: SkiffCluster, _ pod: String) async throws -> JSON {
    let result = try await cluster.skiff("get", "pod", pod, "-o", "json")
    return JSON(parsing: result.stdout).child("status.containerStatuses.0.state")
  }

  func lastTerminated(_ cluster: SkiffCluster, _ pod: String) async throws -> JSON? {
    let result = try await cluster.skiff("get", "pod", pod, "-o", "json")
    let terminated = JSON(parsing: result.stdout).child("status.containerStatuses.0.lastState.terminated")
    return terminated.value == nil ? nil : terminated
  }
}

/// Just enough JSON for these checks: values by dotted path, as strings.
struct JSON: @unchecked Sendable {
  // @unchecked: built from JSONSerialization's output and only read.
  let value: Any?

  init(parsing text: String) {
    value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
  }

  init(value: Any?) { self.value = value }

  func child(_ path: String) -> JSON {
    var current = value
    for key in path.split(separator: ".") {
      if let index = Int(key), let array = current as? [Any] {
        current = index < array.count ? array[index] : nil
      } else {
        current = (current as? [String: Any])?[String(key)]
      }
    }
    return JSON(value: current)
  }

  func at(_ path: String) -> String? {
    switch child(path).value {
    case let string as String: return string
    case let number as NSNumber: return number.stringValue
    default: return nil
    }
  }
}
