import CSkiffTLS
public import NIOCore

/// TLS for one connection: OpenSSL over memory BIOs, driven on the channel's event loop.
///
/// Put it first in the pipeline; everything after it reads and writes plaintext:
///
///     let handler = try TLSHandler(tlsContext: serverContext)
///     try channel.pipeline.syncOperations.addHandler(handler)
///     try channel.pipeline.syncOperations.configureHTTPServerPipeline()
///
/// The handshake starts when the channel is active. When it finishes the handler fires a
/// `TLSHandshakeCompleted` user inbound event (ALPN protocol and verified peer identity) and
/// keeps it in `handshakeResult`. Writes made before that are held and sent afterwards. A
/// failed handshake fires `errorCaught` with a `TLSError` naming OpenSSL's reason, then closes
/// the channel. Closing sends close_notify first; a close_notify from the peer closes the
/// channel, or, when the channel allows remote half-closure, is passed on as
/// `ChannelEvent.inputClosed`.
public final class TLSHandler: ChannelDuplexHandler {
  public typealias InboundIn = ByteBuffer
  public typealias InboundOut = ByteBuffer
  public typealias OutboundIn = ByteBuffer
  public typealias OutboundOut = ByteBuffer

  private enum State {
    /// Created; the channel is not active yet.
    case idle
    case handshaking
    case established
    /// close_notify sent (or the connection failed): nothing more is written.
    case closed
  }

  private let tlsContext: TLSContext
  private let ssl: OpaquePointer
  private var state = State.idle
  /// Writes made before the handshake finished, sent once it has.
  private var heldWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
  private var flushHeld = false
  /// Our close_notify is out (close mode `.output`): reads go on, writes fail.
  private var outputClosed = false
  /// The peer's close_notify arrived on a channel that allows half-closure.
  private var inputClosed = false
  /// `close(mode: .output)` asked for during the handshake, done once it finished.
  private var pendingOutputClose: (Bool, EventLoopPromise<Void>?) = (false, nil)
  private var readBuffer: ByteBuffer?

  /// What the handshake negotiated; nil until it has finished.
  public private(set) var handshakeResult: TLSHandshakeCompleted?

  /// The verified identity of the peer's certificate; nil before the handshake finished or
  /// when the peer sent none.
  public var peerIdentity: TLSPeerIdentity? { handshakeResult?.peer }

  /// How long the handshake may take once the channel is active; nil: no limit.
  private let handshakeTimeout: TimeAmount?
  private var handshakeTimer: Scheduled<Void>?

  /// A handler for one connection. `serverName` overrides the configuration's for a client
  /// (SNI and name verification); a server ignores it. A handshake still unfinished after
  /// `handshakeTimeout` (Envoy's `transport_socket_connect_timeout` is 15 s) fails the
  /// connection, so a peer that stalls it does not hold it open.
  public init(tlsContext: TLSContext, serverName: String? = nil, handshakeTimeout: TimeAmount? = .seconds(15)) throws(TLSError) {
    self.tlsContext = tlsContext
    self.handshakeTimeout = handshakeTimeout
    let config = tlsContext.configuration
    let isServer: Int32 = config.role == .server ? 1 : 0
    let name = config.role == .client ? (serverName ?? config.serverName) : nil
    let verifyName: Int32 = config.verifiesServerName ? 1 : 0
    ssl = try openSSLCall(.configuration, "TLS connection") { err, len in
      if let name {
        return name.withCString { skiff_tls_ssl_new(tlsContext.pointer, isServer, $0, verifyName, err, len) }
      }
      return skiff_tls_ssl_new(tlsContext.pointer, isServer, nil, 0, err, len)
    }
  }

  deinit { SSL_free(ssl) }

  // MARK: - Lifecycle

  public func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { startHandshake(context: context) }
  }

  public func channelActive(context: ChannelHandlerContext) {
    startHandshake(context: context)
    context.fireChannelActive()
  }

  public func channelInactive(context: ChannelHandlerContext) {
    handshakeTimer?.cancel()
    let wasHandshaking = state == .handshaking
    state = .closed
    failHeldWrites(ChannelError.ioOnClosedChannel)
    if wasHandshaking {
      context.fireErrorCaught(
        TLSError(.closedDuringHandshake, "\(peerText(context)) closed the connection during the TLS handshake"))
    }
    context.fireChannelInactive()
  }

  // MARK: - Inbound

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let ciphertext = unwrapInboundIn(data)
    guard state == .handshaking || state == .established else { return }
    let fed = ciphertext.withUnsafeReadableBytes { skiff_tls_feed(ssl, $0.baseAddress, $0.count) }
    guard fed == 1 else {
      fail(context: context, TLSError(.protocolError, "TLS: out of memory buffering \(ciphertext.readableBytes) bytes"))
      return
    }
    if state == .handshaking { advanceHandshake(context: context) }
    if state == .established { readPlaintext(context: context) }
  }

  public func channelReadComplete(context: ChannelHandlerContext) {
    context.fireChannelReadComplete()
  }

  // MARK: - Outbound

  public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let plaintext = unwrapOutboundIn(data)
    switch state {
    case .idle, .handshaking: heldWrites.append((plaintext, promise))
    case .established where !outputClosed: encrypt(context: context, plaintext, promise: promise)
    case .established, .closed: promise?.fail(ChannelError.ioOnClosedChannel)
    }
  }

  public func flush(context: ChannelHandlerContext) {
    switch state {
    case .idle, .handshaking: flushHeld = true
    case .established, .closed: context.flush()
    }
  }

  public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    switch mode {
    case .all:
      sendCloseNotify(context: context)
      state = .closed
      failHeldWrites(ChannelError.ioOnClosedChannel)
    case .output:
      switch state {
      case .established:
        sendCloseNotify(context: context)
      case .idle, .handshaking:
        // Half-closing before the handshake finished (a proxy whose client already sent
        // everything): the held writes go first, then close_notify and the FIN.
        pendingOutputClose = (true, promise)
        return
      case .closed:
        failHeldWrites(ChannelError.ioOnClosedChannel)
      }
    case .input:
      break
    }
    context.close(mode: mode, promise: promise)
  }

  // MARK: - OpenSSL

  /// Our close_notify, once; the peer's is not awaited (as browsers and Go do).
  private func sendCloseNotify(context: ChannelHandlerContext) {
    guard state == .established, !outputClosed else { return }
    outputClosed = true
    ERR_clear_error()
    _ = SSL_shutdown(ssl)
    ERR_clear_error()
    writeCiphertext(context: context, promise: nil)
    context.flush()
  }

  private func startHandshake(context: ChannelHandlerContext) {
    guard state == .idle else { return }
    state = .handshaking
    if let handshakeTimeout {
      let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
      handshakeTimer = context.eventLoop.scheduleTask(in: handshakeTimeout) {
        let (handler, context) = bound.value
        guard handler.state == .handshaking else { return }
        handler.fail(
          context: context,
          TLSError(.handshakeFailed, "TLS handshake with \(handler.peerText(context)) did not finish within \(Self.describe(handshakeTimeout))"))
      }
    }
    advanceHandshake(context: context)  // a client's ClientHello
  }

  private func advanceHandshake(context: ChannelHandlerContext) {
    ERR_clear_error()
    let rc = SSL_do_handshake(ssl)
    if rc == 1 {
      writeCiphertext(context: context, promise: nil)
      context.flush()
      finishHandshake(context: context)
      return
    }
    let error = SSL_get_error(ssl, rc)
    switch error {
    case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
      if skiff_tls_pending_output(ssl) > 0 {
        writeCiphertext(context: context, promise: nil)
        context.flush()
      }
    default:
      var reason = drainOpenSSLErrors(fallback: "OpenSSL error \(error)")
      let verify = SSL_get_verify_result(ssl)
      if verify != X509_V_OK {
        reason += "; certificate verification: " + String(cString: X509_verify_cert_error_string(verify))
      }
      // Send the alert OpenSSL produced so the peer learns why.
      writeCiphertext(context: context, promise: nil)
      context.flush()
      fail(context: context, TLSError(.handshakeFailed, "TLS handshake with \(peerText(context)) failed: \(reason)"))
    }
  }

  private func finishHandshake(context: ChannelHandlerContext) {
    var alpn = [CChar](repeating: 0, count: 256)
    let alpnLength = alpn.withUnsafeMutableBufferPointer { skiff_tls_alpn_selected(ssl, $0.baseAddress!, $0.count) }
    let applicationProtocol = alpnLength == 0 ? nil : alpn.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }

    var peer: TLSPeerIdentity?
    if let cert = SSL_get0_peer_certificate(ssl) {
      // SSL_VERIFY_PEER already failed the handshake for a bad certificate; this is a guard
      // against a configuration that did not verify.
      guard SSL_get_verify_result(ssl) == X509_V_OK else {
        let reason = String(cString: X509_verify_cert_error_string(SSL_get_verify_result(ssl)))
        fail(context: context, TLSError(.handshakeFailed, "TLS peer \(peerText(context)) certificate not verified: \(reason)"))
        return
      }
      peer = TLSPeerIdentity(certificate: cert)
    }
    let result = TLSHandshakeCompleted(
      applicationProtocol: applicationProtocol, peer: peer, protocolVersion: String(cString: SSL_get_version(ssl)),
      cipherSuite: String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(ssl))))
    handshakeResult = result
    state = .established
    handshakeTimer?.cancel()
    handshakeTimer = nil
    context.fireUserInboundEventTriggered(result)

    let held = heldWrites
    heldWrites = []
    for (buffer, promise) in held {
      guard state == .established else {
        promise?.fail(ChannelError.ioOnClosedChannel)
        continue
      }
      encrypt(context: context, buffer, promise: promise)
    }
    if flushHeld && state == .established {
      flushHeld = false
      context.flush()
    }
    if pendingOutputClose.0 && state == .established {
      let promise = pendingOutputClose.1
      pendingOutputClose = (false, nil)
      sendCloseNotify(context: context)
      context.close(mode: .output, promise: promise)
    }
  }

  /// Decrypts every complete record OpenSSL has and passes the plaintext on.
  private func readPlaintext(context: ChannelHandlerContext) {
    while state == .established {
      var buffer = readBuffer.take() ?? context.channel.allocator.buffer(capacity: 16 * 1024)
      buffer.clear()
      var rc: Int32 = 0
      buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { bytes in
        ERR_clear_error()
        rc = SSL_read(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        return max(0, Int(rc))
      }
      if rc > 0 {
        context.fireChannelRead(wrapInboundOut(buffer))
        continue
      }
      readBuffer = buffer  // unused this time: keep it for the next read
      let error = SSL_get_error(ssl, rc)
      switch error {
      case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
        break
      case SSL_ERROR_ZERO_RETURN:
        if (try? context.channel.syncOptions?.getOption(.allowRemoteHalfClosure)) == true {
          // A channel that takes half-closes (a TCP proxy) gets the peer's close_notify as
          // the end of its input and may go on writing, as with a TCP FIN.
          guard !inputClosed else { return }
          inputClosed = true
          context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
          return
        }
        // The peer's close_notify: answer it and close.
        sendCloseNotify(context: context)
        state = .closed
        failHeldWrites(ChannelError.ioOnClosedChannel)
        context.close(promise: nil)
        return
      default:
        let reason = drainOpenSSLErrors(fallback: "OpenSSL error \(error)")
        fail(context: context, TLSError(.protocolError, "TLS read from \(peerText(context)) failed: \(reason)"))
        return
      }
      break
    }
    // Post-handshake messages (TLS 1.3 session tickets, key updates) may need an answer.
    if state == .established && skiff_tls_pending_output(ssl) > 0 {
      writeCiphertext(context: context, promise: nil)
      context.flush()
    }
  }

  private func encrypt(context: ChannelHandlerContext, _ plaintext: ByteBuffer, promise: EventLoopPromise<Void>?) {
    guard plaintext.readableBytes > 0 else {
      context.write(wrapOutboundOut(plaintext), promise: promise)
      return
    }
    // A memory BIO takes everything, so SSL_write consumes each slice whole (as records of
    // at most 16 KiB) or fails; slices keep the count within Int32.
    var rc: Int32 = 0
    plaintext.withUnsafeReadableBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let count = min(bytes.count - offset, 1 << 20)
        ERR_clear_error()
        rc = SSL_write(ssl, bytes.baseAddress! + offset, Int32(count))
        guard rc == count else { return }
        offset += count
      }
    }
    guard rc > 0 else {
      let reason = drainOpenSSLErrors(fallback: "OpenSSL error \(SSL_get_error(ssl, rc))")
      let error = TLSError(.protocolError, "TLS write to \(peerText(context)) failed: \(reason)")
      promise?.fail(error)
      fail(context: context, error)
      return
    }
    writeCiphertext(context: context, promise: promise)
  }

  /// Passes on all ciphertext OpenSSL has produced as one buffer.
  private func writeCiphertext(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
    let pending = skiff_tls_pending_output(ssl)
    guard pending > 0 else {
      if let promise { context.write(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise) }
      return
    }
    var buffer = context.channel.allocator.buffer(capacity: pending)
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
      Int(skiff_tls_take_output(ssl, bytes.baseAddress, pending))
    }
    context.write(wrapOutboundOut(buffer), promise: promise)
  }

  /// "15 s", "100 ms".
  static func describe(_ amount: TimeAmount) -> String {
    amount.nanoseconds % 1_000_000_000 == 0 ? "\(amount.nanoseconds / 1_000_000_000) s" : "\(amount.nanoseconds / 1_000_000) ms"
  }

  private func fail(context: ChannelHandlerContext, _ error: TLSError) {
    guard state != .closed else { return }
    state = .closed
    handshakeTimer?.cancel()
    failHeldWrites(error)
    context.fireErrorCaught(error)
    context.close(promise: nil)
  }

  private func failHeldWrites(_ error: any Error) {
    let held = heldWrites
    heldWrites = []
    for (_, promise) in held { promise?.fail(error) }
    if pendingOutputClose.0 {
      let promise = pendingOutputClose.1
      pendingOutputClose = (false, nil)
      promise?.fail(error)
    }
  }

  /// "127.0.0.1:52344" or "[::1]:52344", for error messages.
  private func peerText(_ context: ChannelHandlerContext) -> String {
    guard let address = context.remoteAddress else { return "the peer" }
    guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
    return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
  }
}

@available(*, unavailable)
extension TLSHandler: Sendable {}
