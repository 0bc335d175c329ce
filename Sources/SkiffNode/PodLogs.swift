import NIOHTTP1
public import SkiffAPI
public import SkiffAPIServer
import SkiffRuntime
import SkiffStore

#if canImport(Glibc)
import Glibc
#endif

/// `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's output from its CRI log
/// files, as the kubelet serves it: `container`, `previous`, `tailLines`, `timestamps`,
/// `sinceSeconds`, `limitBytes`, and `follow` (streams until the container stops).
public struct PodLogs: SubresourceHandler {
  let context: NodeContext

  public init(context: NodeContext) {
    self.context = context
  }

  public func handle(_ request: HTTPRequest, info: ResourceInfo, namespace: String, name: String) async throws -> HTTPResponse {
    let pod: Pod
    guard let found = context.registry.get(Pod.self, namespace: namespace, name: name) else {
      throw Status.notFound(info.groupResource, name)
    }
    pod = found
    let names = (pod.spec.initContainers ?? []).map(\.name) + pod.spec.containers.map(\.name)
    let container: String
    if let requested = request.queryValue("container"), !requested.isEmpty {
      guard names.contains(requested) else {
        throw Status.badRequest("container \(requested) is not valid for pod \(name)")
      }
      container = requested
    } else if pod.spec.containers.count == 1 {
      container = pod.spec.containers[0].name
    } else {
      let all = pod.spec.containers.map(\.name).joined(separator: " ")
      throw Status.badRequest("a container name must be specified for pod \(name), choose one of: [\(all)]")
    }
    let statuses = (pod.status?.containerStatuses ?? []) + (pod.status?.initContainerStatuses ?? [])
    let status = statuses.first { $0.name == container }
    let restart = Int(status?.restartCount ?? 0)
    let previous = request.queryFlag("previous")
    let uid = pod.metadata.uid ?? ""
    let index: Int
    if previous {
      guard status?.lastState?.terminated != nil, restart > 0 else {
        throw Status.badRequest("previous terminated container \"\(container)\" in pod \"\(name)\" not found")
      }
      index = restart - 1
    } else {
      index = restart
    }
    let path = context.paths.log(namespace: namespace, pod: name, uid: uid, container: container, restart: index)
    let options = LogOptions(
      timestamps: request.queryFlag("timestamps"), tailLines: request.queryValue("tailLines").flatMap(Int.init),
      limitBytes: request.queryValue("limitBytes").flatMap(Int.init),
      since: request.queryValue("sinceSeconds").flatMap(Int64.init).map { Timestamp.now().adding(seconds: -$0) })
    if access(path, F_OK) != 0 {
      if status?.state?.waiting != nil && status?.lastState?.terminated == nil {
        throw Status.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: \(status?.state?.waiting?.reason ?? "ContainerCreating")")
      }
      return HTTPResponse(status: .ok, contentType: "text/plain", bytes: [])
    }
    if !request.queryFlag("follow") || previous {
      let bytes = (try? FileOpsRead.read(path)) ?? []
      return HTTPResponse(status: .ok, contentType: "text/plain", bytes: options.render(bytes))
    }
    // Follow: what is there, then new lines as they are written, until the container's run
    // ends (a new restart or the pod going away).
    let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
    let registry = context.registry
    let task = Task {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else {
        continuation.finish()
        return
      }
      defer { close(fd) }
      var pending: [UInt8] = []
      var first = true
      var idle = 0
      while !Task.isCancelled {
        let chunk = await onBlockingThread { Self.readAvailable(fd) }
        if !chunk.isEmpty {
          pending += chunk
          if let lastNewline = pending.lastIndex(of: 0x0a) {
            let complete = Array(pending[...lastNewline])
            pending.removeSubrange(...lastNewline)
            var rendered = first ? options.render(complete) : options.withoutTail.render(complete)
            if first { first = false }
            if !rendered.isEmpty { continuation.yield(rendered) }
            rendered.removeAll()
          }
          idle = 0
          continue
        }
        first = false
        idle += 1
        // Every second, check whether this run of the container is over.
        if idle % 5 == 0 {
          let current = registry.get(Pod.self, namespace: namespace, name: name)
          let currentStatus = ((current?.status?.containerStatuses ?? []) + (current?.status?.initContainerStatuses ?? []))
            .first { $0.name == container }
          if current == nil || current?.metadata.uid != uid || Int(currentStatus?.restartCount ?? 0) != index
            || currentStatus?.state?.terminated != nil
          {
            let rest = await onBlockingThread { Self.readAvailable(fd) }
            if !rest.isEmpty { continuation.yield(options.withoutTail.render(pending + rest)) }
            break
          }
        }
        try? await Task.sleep(for: .milliseconds(200))
      }
      continuation.finish()
    }
    continuation.onTermination = { _ in task.cancel() }
    return HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: .stream(stream))
  }

  static func readAvailable(_ fd: Int32) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { return out }
      out += buffer[0..<n]
    }
  }
}

/// How `kubectl logs` wants the CRI lines rendered.
struct LogOptions: Sendable {
  var timestamps: Bool
  var tailLines: Int?
  var limitBytes: Int?
  var since: Timestamp?

  var withoutTail: LogOptions {
    var copy = self
    copy.tailLines = nil
    return copy
  }

  /// CRI lines (`<time> <stream> <F|P> <text>`) to the text the user sees: partial lines
  /// joined, the timestamp kept only with `timestamps`.
  func render(_ bytes: [UInt8]) -> [UInt8] {
    var lines: [[UInt8]] = []
    var current: [UInt8] = []
    var currentTime: [UInt8] = []
    for raw in bytes.split(separator: 0x0a, omittingEmptySubsequences: true) {
      let fields = raw.split(separator: 0x20, maxSplits: 3, omittingEmptySubsequences: false)
      guard fields.count >= 3 else { continue }
      let time = Array(fields[0])
      if let since, let t = Timestamp(rfc3339: String(decoding: time, as: UTF8.self)), t < since { continue }
      let text = fields.count == 4 ? Array(fields[3]) : []
      if current.isEmpty { currentTime = time }
      current += text
      if fields[2].first == UInt8(ascii: "F") {
        lines.append(timestamps ? currentTime + [0x20] + current : current)
        current = []
      }
    }
    if !current.isEmpty { lines.append(timestamps ? currentTime + [0x20] + current : current) }
    if let tailLines { lines = Array(lines.suffix(max(0, tailLines))) }
    var out: [UInt8] = []
    for line in lines { out += line + [0x0a] }
    if let limitBytes, out.count > limitBytes { out = Array(out.prefix(limitBytes)) }
    return out
  }
}
