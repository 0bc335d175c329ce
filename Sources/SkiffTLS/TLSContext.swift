import CSkiffTLS

/// An OpenSSL `SSL_CTX` built from a `TLSConfiguration`: made once (it parses keys and
/// certificates) and shared by every connection's `TLSHandler`.
///
/// `@unchecked Sendable`: the `SSL_CTX` is fully configured in `init` and never changed
/// afterwards; OpenSSL documents creating `SSL` objects from one `SSL_CTX` on many threads as
/// safe (the context is reference counted and its session cache locked).
public final class TLSContext: @unchecked Sendable {
  public let configuration: TLSConfiguration
  let pointer: OpaquePointer

  public init(configuration: TLSConfiguration) throws(TLSError) {
    self.configuration = configuration
    let isServer: Int32 = configuration.role == .server ? 1 : 0
    let side = configuration.role == .server ? "server" : "client"
    let ctx = try openSSLCall(.configuration, "TLS \(side) context") { skiff_tls_ctx_new(isServer, $0, $1) }
    do {
      try Self.configure(ctx, configuration, isServer: isServer, side: side)
    } catch {
      SSL_CTX_free(ctx)
      throw error
    }
    pointer = ctx
  }

  deinit { SSL_CTX_free(pointer) }

  private static func configure(_ ctx: OpaquePointer, _ config: TLSConfiguration, isServer: Int32, side: String)
    throws(TLSError)
  {
    switch (config.certificateChainPEM, config.privateKeyPEM) {
    case (let chain?, let key?):
      try openSSLCheck(.configuration, "TLS \(side) certificate") { err, len in
        chain.withCString { skiff_tls_ctx_use_chain(ctx, $0, chain.utf8.count, err, len) }
      }
      try openSSLCheck(.configuration, "TLS \(side) private key") { err, len in
        key.withCString { skiff_tls_ctx_use_key(ctx, $0, key.utf8.count, err, len) }
      }
    case (nil, nil) where config.role == .client:
      break
    case (nil, nil):
      throw TLSError(.configuration, "TLS server: a certificate chain and private key are required")
    case (_?, nil):
      throw TLSError(.configuration, "TLS \(side): a certificate was given without its private key")
    case (nil, _?):
      throw TLSError(.configuration, "TLS \(side): a private key was given without its certificate")
    }

    let verifyMode: Int32
    switch (config.role, config.clientCertificateMode) {
    case (.client, _): verifyMode = SSL_VERIFY_PEER
    case (.server, .none): verifyMode = SSL_VERIFY_NONE
    case (.server, .optional): verifyMode = SSL_VERIFY_PEER
    case (.server, .required): verifyMode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
    }
    if let roots = config.trustRootsPEM, verifyMode != SSL_VERIFY_NONE {
      let what = config.role == .server ? "client CA" : "trusted CAs"
      try openSSLCheck(.configuration, "TLS \(side) \(what)") { err, len in
        roots.withCString { skiff_tls_ctx_set_trust(ctx, $0, roots.utf8.count, isServer, verifyMode, err, len) }
      }
    } else if verifyMode != SSL_VERIFY_NONE {
      // Fail closed: verifying against nothing would accept no one (or, worse, anyone).
      throw TLSError(
        .configuration,
        config.role == .server
          ? "TLS server: client certificates are requested but no client CA was given"
          : "TLS client: trust roots are required to verify the server")
    } else {
      skiff_tls_ctx_set_verify_mode(ctx, SSL_VERIFY_NONE)
    }

    if !config.applicationProtocols.isEmpty {
      var wire: [UInt8] = []
      for name in config.applicationProtocols {
        let bytes = Array(name.utf8)
        guard (1...255).contains(bytes.count) else {
          throw TLSError(.configuration, "TLS \(side): ALPN name \"\(name)\" must be 1 to 255 bytes")
        }
        wire.append(UInt8(bytes.count))
        wire.append(contentsOf: bytes)
      }
      try openSSLCheck(.configuration, "TLS \(side) ALPN \(config.applicationProtocols)") { err, len in
        wire.withUnsafeBufferPointer { skiff_tls_ctx_set_alpn(ctx, $0.baseAddress, $0.count, isServer, err, len) }
      }
    }
  }
}
