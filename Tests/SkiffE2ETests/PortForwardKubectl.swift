import Foundation
import SkiffTestSupport
import Testing

/// `kubectl port-forward` (stock kubectl 1.32: SPDY/3.1 tunnelled in a WebSocket) to a gRPC
/// server pod, called through the forwarded local port by the walkthrough's client; to an app
/// that listens only on its pod's 127.0.0.1 (the port is dialled inside the pod's network
/// namespace, as the kubelet does); and to a port nothing listens on (the kubelet's error).
@Suite(
  "kubectl port-forward",
  .enabled(if: getuid() == 0, "needs root: runs a real cluster (namespaces, iptables, containers)"),
  .enabled(if: SkiffCluster.imagesDirectory != nil, "needs images: run scripts/build-images --data-dir .build-test-images (scripts/test does)"),
  .enabled(if: SkiffCluster.kubectlBinary != nil, "needs kubectl on PATH (or $KUBECTL): it drives the cluster here"),
  .serialized)
struct PortForwardKubectl {
  /// A `kubectl port-forward` running in the background, its output in files.
  struct Forward {
    var process: Subprocess
    var stdout: String
    var stderr: String

    init(_ cluster: SkiffCluster, _ arguments: [String], name: String) throws {
      stdout = cluster.base + "/\(name).out"
      stderr = cluster.base + "/\(name).err"
      var environment = ProcessInfo.processInfo.environment
      environment["KUBECONFIG"] = cluster.kubeconfig
      environment["KUBECACHEDIR"] = cluster.base + "/kube-cache"
      process = try Subprocess(
        SkiffCluster.kubectlBinary!, ["port-forward"] + arguments, environment: environment,
        stdout: .file(stdout), stderr: .file(stderr))
    }

    /// The local port of `Forwarding from 127.0.0.1:PORT -> REMOTE`.
    func localPort(_ cluster: SkiffCluster) async throws -> Int {
      try await cluster.eventually("kubectl port-forward listening", timeout: .seconds(30)) { () -> Int? in
        guard process.isRunning else {
          throw ClusterError("kubectl port-forward exited: \(SkiffCluster.readFile(stderr))")
        }
        let line = SkiffCluster.readFile(stdout).split(separator: "\n").first { $0.hasPrefix("Forwarding from 127.0.0.1:") }
        return line?.split(separator: " ")[2].split(separator: ":").last.flatMap { Int($0) }
      }
    }

    func stop() async {
      process.signal(SIGTERM)
      _ = try? await process.wait(timeout: .seconds(10))
    }
  }

  /// A pod whose app listens only on the pod's loopback: busybox httpd on 127.0.0.1:9000.
  static let loopbackPod = """
    apiVersion: v1
    kind: Pod
    metadata: {name: loopback-only}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: busybox
        command: ["sh", "-c", "mkdir -p /www && echo served on the pod loopback > /www/index.html && exec httpd -f -p 127.0.0.1:9000 -h /www"]
    """

  /// `GET /` over HTTP/1.0 to 127.0.0.1:`port`: the whole response, or nil if the
  /// connection failed or closed with nothing.
  static func httpGet(port: Int) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port)).bigEndian
    address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
    guard write(fd, request, request.count) == request.count else { return nil }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { break }
      out += buffer[0..<n]
    }
    return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
  }

  var greeterClient: String {
    URL(fileURLWithPath: SkiffCluster.binary).deletingLastPathComponent().appendingPathComponent("greeter-client").path
  }

  @Test func forwardsToAGRPCServer() async throws {
    try await SkiffCluster.run("portforward", run)
  }

  func run(_ cluster: SkiffCluster) async throws {
    let ns = "portforward"
    _ = try await cluster.kubectl("create", "namespace", ns)
    let applied = try await cluster.kubectl("apply", "-n", ns, "-f", cluster.examples + "/istio-grpc-server.yaml")
    #expect(applied.status == 0, "\(applied.stderr)")
    let loopbackFile = cluster.base + "/loopback-only.yaml"
    try Self.loopbackPod.write(toFile: loopbackFile, atomically: true, encoding: .utf8)
    let loopbackApplied = try await cluster.kubectl("apply", "-n", ns, "-f", loopbackFile)
    #expect(loopbackApplied.status == 0, "\(loopbackApplied.stderr)")
    let pod = try await cluster.eventually("a running istio-grpc-server-v1 pod", timeout: .seconds(120)) { () -> String? in
      let rows = try await cluster.kubectl("get", "pod", "-n", ns, "--no-headers").lines
        .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
      return rows.first { $0[0].hasPrefix("istio-grpc-server-v1-") && $0[1] == "1/1" && $0[2] == "Running" }?[0]
    }

    // A pod that does not exist: the server's NotFound, as kubectl prints it.
    let missing = try await cluster.kubectl(["port-forward", "-n", ns, "pod/nope", ":8080"], timeout: .seconds(30))
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("pods \"nope\" not found"), "\(missing.stderr)")

    let forward = try Forward(cluster, ["-n", ns, "pod/\(pod)", ":8080"], name: "pf")
    do {
      let port = try await forward.localPort(cluster)
      #expect(SkiffCluster.readFile(forward.stdout).contains("Forwarding from 127.0.0.1:\(port) -> 8080"))
      // Two local connections over the one port-forward session, each answered by the pod.
      for _ in 0..<2 {
        let call = try await cluster.command(
          greeterClient, ["--insecure=true", "--address=127.0.0.1:\(port)", "--repeat=3"], timeout: .seconds(30))
        #expect(call.status == 0, "greeter-client failed: \(call.stderr)")
        let answers = call.stderr.split(separator: "\n").filter { $0.contains("Hello world from") }
          .compactMap { $0.split(separator: " ").last.map(String.init) }
        #expect(answers == [pod, pod, pod], "\(call.stderr)")
      }
      #expect(SkiffCluster.readFile(forward.stdout).contains("Handling connection for \(port)"))
      #expect(forward.process.isRunning, "kubectl port-forward ended: \(SkiffCluster.readFile(forward.stderr))")
    } catch {
      await forward.stop()
      throw error
    }
    await forward.stop()

    // An app listening only on the pod's 127.0.0.1 is reached: the port is dialled from inside
    // the pod's network namespace, not at the pod IP.
    _ = try await cluster.eventually("pod loopback-only running", timeout: .seconds(120)) { () -> Bool? in
      let row = try await cluster.kubectl("get", "pod", "-n", ns, "loopback-only", "--no-headers").lines.first?
        .split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      return row.map { $0[1] == "1/1" && $0[2] == "Running" } == true ? true : nil
    }
    let loopback = try Forward(cluster, ["-n", ns, "pod/loopback-only", ":9000"], name: "pf-loopback")
    do {
      let port = try await loopback.localPort(cluster)
      // httpd may still be starting: the first connections can be refused inside the pod.
      let response = try await cluster.eventually("the loopback-only app's answer", timeout: .seconds(30)) { () -> String? in
        Self.httpGet(port: port).flatMap { $0.contains("served on the pod loopback") ? $0 : nil }
      }
      #expect(response.hasPrefix("HTTP/1.") && response.contains(" 200 "), "\(response)")
      #expect(loopback.process.isRunning, "kubectl port-forward ended: \(SkiffCluster.readFile(loopback.stderr))")
    } catch {
      await loopback.stop()
      throw error
    }
    await loopback.stop()

    // A port nothing listens on: the kubelet's error on the error stream, and kubectl gives up.
    let refused = try Forward(cluster, ["-n", ns, "pod/\(pod)", ":9999"], name: "pf-refused")
    do {
      let port = try await refused.localPort(cluster)
      _ = try await cluster.command(
        greeterClient, ["--insecure=true", "--address=127.0.0.1:\(port)", "--repeat=1", "--timeout=5s"], timeout: .seconds(30))
      let said = try await cluster.eventually("kubectl's error for port 9999", timeout: .seconds(20)) { () -> String? in
        let err = SkiffCluster.readFile(refused.stderr)
        return err.contains("error forwarding port 9999 to pod") ? err : nil
      }
      // containerd's words inside the kubelet's: localhost in the pod's namespace, both families.
      #expect(said.contains("failed to connect to localhost:9999 inside namespace"), "\(said)")
      #expect(said.contains("IPv4: dial tcp4 127.0.0.1:9999: connect: connection refused"), "\(said)")
      #expect(said.contains("IPv6 dial tcp6 [::1]:9999: connect: connection refused"), "\(said)")
    } catch {
      await refused.stop()
      throw error
    }
    await refused.stop()
  }
}
