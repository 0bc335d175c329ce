public import NIOCore
public import SkiffTLS

/// A sidecar's mutual-TLS material (Istio's SDS `default` certificate and `ROOTCA`), made
/// into OpenSSL contexts once per certificate: the outbound side dials sidecars with it and
/// checks that they present the SPIFFE ID the mesh expects; the inbound side accepts it from
/// clients and learns who they are.
public final class MutualTLSCredentials: Sendable {
  /// This workload's identity, `spiffe://cluster.local/ns/NS/sa/SA`.
  public let spiffeID: String
  /// Dialing HTTP/2 upstreams (ALPN `h2`).
  let clientHTTP2: TLSContext
  /// Dialing TCP upstreams (no ALPN).
  let clientTCP: TLSContext
  /// Accepting: a client certificate from the mesh root is required.
  let server: TLSContext

  /// Contexts for the certificate; the error says what OpenSSL refused (a key that does not
  /// match, a bundle that does not parse).
  public init(spiffeID: String, certificateChainPEM: String, privateKeyPEM: String, trustBundlePEM: String) throws(TLSError) {
    self.spiffeID = spiffeID
    func client(_ alpn: [String]) throws(TLSError) -> TLSContext {
      // The peer's name is its SPIFFE ID, checked after the handshake (`PeerIdentityCheck`).
      try TLSContext(
        configuration: .client(
          trustRootsPEM: trustBundlePEM, certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM,
          verifiesServerName: false, applicationProtocols: alpn))
    }
    clientHTTP2 = try client(["h2"])
    clientTCP = try client([])
    server = try TLSContext(
      configuration: .server(
        certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM, clientCAPEM: trustBundlePEM,
        clientCertificateMode: .required, applicationProtocols: ["h2"]))
  }
}

/// How a listener takes TLS.
public enum DownstreamTLSMode: Sendable {
  /// Plaintext only (the outbound listener: the application speaks plaintext).
  case none
  /// Istio's PERMISSIVE: connections that open with a TLS ClientHello get mutual TLS with
  /// the mesh certificate, others are taken as plaintext.
  case permissive
}

/// Sits right after the client `TLSHandler` of an upstream connection to a sidecar: once the
/// handshake is done it checks the peer's certificate carries `expected` as a URI SAN (Envoy's
/// `match_subject_alt_names` for Istio mutual TLS) and reports `established`; a wrong
/// identity fails the connection with a `TLSError` naming both.
final class PeerIdentityCheck: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  let expected: String
  let established: () -> Void
  let failed: (TLSError) -> Void

  init(expected: String, established: @escaping () -> Void, failed: @escaping (TLSError) -> Void) {
    self.expected = expected
    self.established = established
    self.failed = failed
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let error = error as? TLSError { failed(error) }
    context.fireErrorCaught(error)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let done = event as? TLSHandshakeCompleted {
      let presented = done.peer?.uris ?? []
      guard presented.contains(expected) else {
        let shown = presented.isEmpty ? "no SPIFFE ID" : presented.joined(separator: ", ")
        let error = TLSError(
          .handshakeFailed, "peer \(context.remoteAddress?.hostPort ?? "?") presented \(shown), expected \(expected)")
        failed(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
        return
      }
      established()
    }
    context.fireUserInboundEventTriggered(event)
  }
}

/// The first handler of a PERMISSIVE listener's connection: waits for the client's first
/// bytes, puts a server `TLSHandler` behind itself when they are a TLS handshake record, hands
/// the channel to `proceed` (which adds the proxying handlers), passes the bytes on and
/// leaves. A client that sends nothing within `timeout` (a server-first protocol) is taken as
/// plaintext, as Envoy's listener filters give up after their timeout.
final class TLSDetector: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  let credentials: MutualTLSCredentials
  let timeout: TimeAmount
  let proceed: (any Channel, TLSHandler?) throws -> Void
  var buffered: ByteBuffer?
  var timer: Scheduled<Void>?
  var decided = false

  init(credentials: MutualTLSCredentials, timeout: TimeAmount, proceed: @escaping (any Channel, TLSHandler?) throws -> Void) {
    self.credentials = credentials
    self.timeout = timeout
    self.proceed = proceed
  }

  func handlerAdded(context: ChannelHandlerContext) {
    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(in: timeout) {
      let (detector, context) = bound.value
      detector.decide(context: context, tls: false)
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var bytes = unwrapInboundIn(data)
    if buffered == nil {
      buffered = bytes
    } else {
      buffered!.writeBuffer(&bytes)
    }
    guard let view = buffered?.readableBytesView, let first = view.first else { return }
    // A TLS record: content type 22 (handshake), then version major 3.
    if first != 0x16 {
      decide(context: context, tls: false)
    } else if view.count >= 2 {
      decide(context: context, tls: view[view.startIndex + 1] == 0x03)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if decided { context.fireChannelReadComplete() }
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    if !decided {
      decided = true
      // The client left before saying anything: nothing to proxy.
    }
    context.fireChannelInactive()
  }

  private func decide(context: ChannelHandlerContext, tls: Bool) {
    guard !decided else { return }
    decided = true
    timer?.cancel()
    handOver(context: context, buffered: &buffered) {
      var handler: TLSHandler?
      if tls {
        let server = try TLSHandler(tlsContext: credentials.server)
        try context.pipeline.syncOperations.addHandler(server, position: .after(self))
        handler = server
      }
      try proceed(context.channel, handler)
    }
  }
}

extension ChannelInboundHandler where Self: RemovableChannelHandler, InboundOut == ByteBuffer {
  /// The end of a first-bytes detector: `setUp` puts the handlers that take over behind it
  /// (the connection closes if it throws), the bytes it held back go on to them, and it leaves
  /// the pipeline.
  func handOver(context: ChannelHandlerContext, buffered: inout ByteBuffer?, setUp: () throws -> Void) {
    do {
      try setUp()
    } catch {
      context.close(promise: nil)
      return
    }
    if let bytes = buffered.take() {
      context.fireChannelRead(wrapInboundOut(bytes))
      context.fireChannelReadComplete()
    }
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }
}

/// Counts a mutual-TLS downstream connection once its handshake is done (with the client's
/// SPIFFE ID), or its failure.
final class DownstreamTLSObserver: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  let stats: ProxyStats

  init(stats: ProxyStats) { self.stats = stats }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let done = event as? TLSHandshakeCompleted {
      stats.inboundConnection(principal: done.peer?.uris.first { $0.hasPrefix("spiffe://") } ?? "unknown")
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if error is TLSError { stats.inboundTLSError() }
    context.fireErrorCaught(error)
  }
}

/// How an upstream connection to `endpoint` is secured: nil when it is dialed in plaintext
/// (no identity expected, or this proxy has no certificate: a control plane without a mesh
/// CA).
struct MutualTLSDialer {
  let context: TLSContext
  let expected: String

  init?(endpoint: Endpoint, credentials: MutualTLSCredentials?, http2: Bool) {
    guard let expected = endpoint.peerIdentity, let credentials else { return nil }
    self.context = http2 ? credentials.clientHTTP2 : credentials.clientTCP
    self.expected = expected
  }

  /// Puts the client `TLSHandler` and the identity check first in `channel`'s pipeline.
  func addHandlers(to channel: any Channel, established: @escaping () -> Void, failed: @escaping (TLSError) -> Void) throws {
    try channel.pipeline.syncOperations.addHandler(TLSHandler(tlsContext: context))
    try channel.pipeline.syncOperations.addHandler(PeerIdentityCheck(expected: expected, established: established, failed: failed))
  }
}
