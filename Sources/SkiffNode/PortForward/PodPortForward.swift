import Logging
public import NIOCore
public import NIOHTTP1
import NIOPosix
public import NIOWebSocket
public import SkiffAPI
public import SkiffAPIServer
import SkiffRuntime
import SkiffStore

/// `pods/portforward` as kubectl 1.30+ asks for it: a WebSocket with subprotocol
/// `SPDY/3.1+portforward.k8s.io` that tunnels SPDY/3.1 (`PortForwardSession`).
///
/// The pod's port is dialled as containerd dials it for the kubelet: `localhost:<port>` from
/// inside the pod's network namespace (`NamespaceDial`), 127.0.0.1 and then ::1. So an app
/// that listens only on the pod's loopback is reached, and in a pod with a sidecar the
/// connection goes straight to the app: loopback is not captured by the sidecar's iptables
/// rules, which a connection to the pod IP would be.
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

  /// The running pod, or why not, worded as the API server and kubelet do.
  func target(namespace: String, name: String) throws(Status) -> Pod {
    guard let pod = context.registry.get(Pod.self, namespace: namespace, name: name) else {
      throw Status.notFound(GroupResource(group: "", resource: "pods"), name)
    }
    guard pod.status?.phase == "Running" else {
      throw Status.badRequest(
        "unable to forward port because pod is not running. Current status=\(pod.status?.phase ?? "Unknown")")
    }
    return pod
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
    guard let (namespace, name) = Self.parse(head.uri), let pod = try? target(namespace: namespace, name: name) else {
      try? await channel.executeThenClose { _, _ in }
      return
    }
    // The sandbox is the pod's uid; the kubelet names the pod by its sandbox id here.
    let uid = pod.metadata.uid ?? name
    let runtime = context.runtime
    let session = PortForwardSession(
      dial: { port in try await Self.dial(namespacePath: runtime.sandbox(id: uid)?.namespaces["net"], sandbox: uid, port: port) },
      failure: { port, error in Self.failure(port: port, sandbox: uid, error) })
    context.logger.debug("port-forward to pod \(namespace)/\(name) (sandbox \(uid))")
    try? await channel.executeThenClose { inbound, outbound in
      await PortForwardSession.serve(inbound: inbound, outbound: outbound, session: session)
    }
  }

  /// Connects to `localhost:port` inside the network namespace pinned at `namespacePath`
  /// (nil: the sandbox is gone) and hands the socket to NIO.
  static func dial(namespacePath: String?, sandbox: String, port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
    guard let namespacePath else {
      // containerd's words when the sandbox's namespace is closed.
      throw NamespaceDial.Failure.namespace("network namespace for sandbox \"\(sandbox)\" is closed")
    }
    let fd = try await NamespaceDial.connect(namespacePath: namespacePath, port: port)
    // From here NIO owns the descriptor; it is already non-blocking, which NIO would set.
    return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.allowRemoteHalfClosure, value: true)
      .withConnectedSocket(fd) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
      }
  }

  /// The error stream's text: the kubelet's wrapping (CRI streaming names the pod by its
  /// sandbox id, with an empty uid) around containerd's `PortForward` error, whose dial
  /// errors are Go's.
  static func failure(port: Int, sandbox: String, _ error: any Error) -> String {
    let cause: String
    switch error {
    case NamespaceDial.Failure.connect(let ipv4, let ipv6):
      cause = "failed to connect to localhost:\(port) inside namespace \"\(sandbox)\", IPv4: \(ipv4) IPv6 \(ipv6) "
    case NamespaceDial.Failure.namespace(let message):
      cause = message
    default:
      cause = "\(error)"
    }
    return "error forwarding port \(port) to pod \(sandbox), uid : \(cause)"
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
