#if canImport(Glibc)
import Glibc
#endif
import Logging
public import NIOCore
public import NIOHTTP1
import NIOPosix
public import NIOWebSocket
public import SkiffAPI
public import SkiffAPIServer
import SkiffStore

/// `pods/portforward` as kubectl 1.30+ asks for it: a WebSocket with subprotocol
/// `SPDY/3.1+portforward.k8s.io` that tunnels SPDY/3.1 (`PortForwardSession`).
///
/// The pod's port is dialled at the pod IP from the node network namespace, where the daemon
/// runs. So an app that listens only on 127.0.0.1 inside its pod is not reached (the kubelet
/// dials inside the pod's network namespace); apps on 0.0.0.0 or the pod IP are.
///
/// Without the WebSocket (kubectl's SPDY fallback, or a plain request) the request gets an
/// HTTP answer: the pod's NotFound, or 400 asking for the upgrade.
public final class PodPortForward: WebSocketSessionHandler, SubresourceHandler {
  let context: NodeContext

  public init(agent: NodeAgent) {
    context = agent.context
  }

  static let subprotocol = "SPDY/3.1+portforward.k8s.io"

  /// Namespace and pod name of a `.../namespaces/NS/pods/NAME/portforward` path.
  static func parse(_ uri: String) -> (namespace: String, pod: String)? {
    let request = HTTPRequest(method: .GET, uri: uri, headers: [:])
    let parts = request.path.split(separator: "/").map(String.init)
    guard parts.count == 7, parts[0] == "api", parts[1] == "v1", parts[2] == "namespaces", parts[4] == "pods",
      parts[6] == "portforward"
    else { return nil }
    return (parts[3], parts[5])
  }

  /// The pod and its IP, or why not, worded as the API server and kubelet do.
  func target(namespace: String, name: String) throws(Status) -> (Pod, String) {
    guard let pod = context.registry.get(Pod.self, namespace: namespace, name: name) else {
      throw Status.notFound(GroupResource(group: "", resource: "pods"), name)
    }
    guard pod.status?.phase == "Running", let ip = pod.status?.podIP, !ip.isEmpty else {
      throw Status.badRequest(
        "unable to forward port because pod is not running. Current status=\(pod.status?.phase ?? "Unknown")")
    }
    return (pod, ip)
  }

  public func acceptedSubprotocol(for head: HTTPRequestHead) -> String? {
    guard let (namespace, name) = Self.parse(head.uri), (try? target(namespace: namespace, name: name)) != nil else {
      return nil
    }
    let offered = head.headers["Sec-WebSocket-Protocol"].flatMap { $0.split(separator: ",").map { String($0).trimmingSpaces } }
    return offered.contains(Self.subprotocol) ? Self.subprotocol : nil
  }

  public func handle(_ request: HTTPRequest, info: ResourceInfo, namespace: String, name: String) async throws -> HTTPResponse {
    _ = try target(namespace: namespace, name: name)
    throw Status.badRequest(
      "Upgrade request required: port-forward speaks WebSockets with subprotocol \(Self.subprotocol)")
  }

  public func serve(_ head: HTTPRequestHead, _ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async {
    guard let (namespace, name) = Self.parse(head.uri), let (pod, ip) = try? target(namespace: namespace, name: name) else {
      try? await channel.executeThenClose { _, _ in }
      return
    }
    let uid = pod.metadata.uid ?? name
    let session = PortForwardSession(
      dial: { port in try await Self.dial(host: ip, port: port) },
      failure: { port, error in
        // The kubelet's wording (CRI streaming), with Go's dial error.
        "error forwarding port \(port) to pod \(uid), uid : failed to connect to \(ip):\(port): dial tcp4 \(ip):\(port): connect: \(Self.reason(error))"
      })
    context.logger.debug("port-forward to pod \(namespace)/\(name) (\(ip))")
    try? await channel.executeThenClose { inbound, outbound in
      await PortForwardSession.serve(inbound: inbound, outbound: outbound, session: session)
    }
  }

  static func dial(host: String, port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.allowRemoteHalfClosure, value: true)
      .connectTimeout(.seconds(10))
      .connect(host: host, port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
      }
  }

  /// `connection refused`, as Go words an errno.
  static func reason(_ error: any Error) -> String {
    if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
      return reason(first.error)
    }
    if let error = error as? IOError {
      return String(cString: strerror(error.errnoCode)).lowercased()
    }
    if error is ChannelError { return "i/o timeout" }
    return String(describing: error)
  }
}

/// Several WebSocket handlers on one server: the first that accepts an upgrade serves it.
public struct WebSocketHandlers: WebSocketSessionHandler {
  let handlers: [any WebSocketSessionHandler]

  public init(_ handlers: [any WebSocketSessionHandler]) {
    self.handlers = handlers
  }

  public func acceptedSubprotocol(for head: HTTPRequestHead) -> String? {
    for handler in handlers {
      if let subprotocol = handler.acceptedSubprotocol(for: head) { return subprotocol }
    }
    return nil
  }

  public func serve(_ head: HTTPRequestHead, _ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async {
    // Each handler decides by the path, so the one that accepted is asked again.
    guard let handler = handlers.first(where: { $0.acceptedSubprotocol(for: head) != nil }) else {
      try? await channel.executeThenClose { _, _ in }
      return
    }
    await handler.serve(head, channel)
  }
}
