import NIOCore
import NIOHTTP1
public import SkiffTLS
import SkiffAPI
import Synchronization

/// TLS and authentication for the API's loopback port: every request must come with a
/// client certificate the cluster CA signed, or a bearer token the cluster issued; the
/// others get 401 Unauthorized as from the kube-apiserver. (The unix socket needs neither:
/// its file mode keeps it to root.)
public struct HTTPSecurity: Sendable {
  public var tls: TLSContext
  /// Accepted `Authorization: Bearer` tokens.
  public var bearerTokens: Set<String>

  public init(tls: TLSContext, bearerTokens: Set<String> = []) {
    self.tls = tls
    self.bearerTokens = bearerTokens
  }

  /// The user a request is made as, or nil when it is not authenticated: a client
  /// certificate's CN with its O values as groups, or the admin for a known token.
  func user(_ headers: HTTPHeaders, _ connection: ConnectionIdentity) -> UserInfo? {
    if let peer = connection.peer, let name = peer.commonName, !name.isEmpty {
      return UserInfo(username: name, groups: peer.organizations + ["system:authenticated"])
    }
    for value in headers["Authorization"] {
      let parts = value.split(separator: " ", maxSplits: 1)
      if parts.count == 2, parts[0].lowercased() == "bearer", bearerTokens.contains(String(parts[1])) {
        return UserInfo(username: "skiff-admin", groups: ["system:masters", "system:authenticated"])
      }
    }
    return nil
  }
}

/// What the server knows about one connection beyond its bytes: the verified client
/// certificate (set when the TLS handshake finishes, before any request is read), and a
/// WebSocket upgrade request it refused.
final class ConnectionIdentity: Sendable {
  private let state = Mutex<(peer: TLSPeerIdentity?, refused: HTTPRequestHead?)>((nil, nil))
  var peer: TLSPeerIdentity? { state.withLock { $0.peer } }
  func set(_ peer: TLSPeerIdentity?) { state.withLock { $0.peer = peer } }

  /// NIO's upgrade handler does not pass on a request it was asked to upgrade and did not
  /// (it consumed the head), so the refusal keeps it here to be answered as plain HTTP.
  func refuse(_ head: HTTPRequestHead) { state.withLock { $0.refused = head } }
  func takeRefused() -> HTTPRequestHead? {
    state.withLock { value in
      defer { value.refused = nil }
      return value.refused
    }
  }
}

/// Sits after the `TLSHandler` and keeps the handshake's peer identity for the connection.
final class ConnectionIdentityRecorder: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  let identity: ConnectionIdentity

  init(_ identity: ConnectionIdentity) { self.identity = identity }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let completed = event as? TLSHandshakeCompleted { identity.set(completed.peer) }
    context.fireUserInboundEventTriggered(event)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireChannelRead(data)
  }
}

/// The kube-apiserver's answer to a request without valid credentials.
func unauthorizedResponse() -> HTTPResponse {
  jsonResponse(Status(code: 401, reason: "Unauthorized", message: "Unauthorized"))
}

/// Drops `Upgrade` headers naming protocols the server does not speak (kubectl falls back to
/// `SPDY/3.1` when a WebSocket exec is refused): NIO's upgrade handler would swallow such a
/// request; without the header it is answered as plain HTTP.
final class UnknownUpgradeFilter: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias InboundOut = HTTPServerRequestPart

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .head(var head) = unwrapInboundIn(data), head.headers.contains(name: "Upgrade") else {
      context.fireChannelRead(data)
      return
    }
    if head.headers["Upgrade"].contains(where: { $0.lowercased().contains("websocket") }) {
      // This connection may switch to WebSocket frames, which must not pass through here.
      context.fireChannelRead(data)
      context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
      return
    }
    head.headers.remove(name: "Upgrade")
    context.fireChannelRead(wrapInboundOut(.head(head)))
  }
}
