import NIOCore
import NIOEmbedded
import SkiffTLS
import Testing

/// The handler without sockets: two `EmbeddedChannel`s whose ciphertext is carried across by
/// hand, in pieces as small as one byte.
@Suite("TLS handler in memory")
struct TLSHandlerTests {
  let pki = TestPKI.shared

  struct Pair {
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientHandler: TLSHandler
    let serverHandler: TLSHandler

    init(clientCertificate: IssuedCertificate?) throws {
      let pki = TestPKI.shared
      let clientContext = try TLSContext(
        configuration: .client(
          trustRootsPEM: pki.ca.certificatePEM, certificateChainPEM: clientCertificate?.certificatePEM,
          privateKeyPEM: clientCertificate?.privateKeyPEM, serverName: "localhost",
          applicationProtocols: ["h2", "http/1.1"]))
      clientHandler = try TLSHandler(tlsContext: clientContext)
      serverHandler = try TLSHandler(tlsContext: pki.serverContext())
      client = EmbeddedChannel(handler: clientHandler)
      server = EmbeddedChannel(handler: serverHandler)
    }

    func connect() throws {
      let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
      try server.connect(to: address).wait()
      try client.connect(to: address).wait()
    }

    /// Moves ciphertext both ways, `chunk` bytes at a time, until neither side has more.
    func shuttle(chunk: Int) throws {
      var moved = true
      while moved {
        moved = false
        for (from, to) in [(client, server), (server, client)] where to.isActive {
          while let ciphertext = try from.readOutbound(as: ByteBuffer.self) {
            moved = true
            var rest = ciphertext
            while rest.readableBytes > 0, to.isActive, let piece = rest.readSlice(length: min(chunk, rest.readableBytes)) {
              try to.writeInbound(piece)
            }
          }
        }
      }
    }

    static func drain(_ channel: EmbeddedChannel) throws -> ByteBuffer {
      var all = ByteBuffer()
      while var piece = try channel.readInbound(as: ByteBuffer.self) { all.writeBuffer(&piece) }
      return all
    }
  }

  @Test func aStalledHandshakeFailsAfterItsTimeout() throws {
    let handler = try TLSHandler(tlsContext: pki.serverContext(), handshakeTimeout: .milliseconds(100))
    let server = EmbeddedChannel(handler: handler)
    let errors = ErrorRecorder()
    try server.pipeline.syncOperations.addHandler(errors)
    try server.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    // Half a ClientHello, then nothing.
    try server.writeInbound(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x00, 0x80]))
    (server.eventLoop as! EmbeddedEventLoop).advanceTime(by: .milliseconds(50))
    #expect(server.isActive)
    (server.eventLoop as! EmbeddedEventLoop).advanceTime(by: .milliseconds(60))
    #expect(!server.isActive)
    #expect(errors.messages == ["TLS handshake with 127.0.0.1:443 did not finish within 100 ms"])
  }

  @Test func oneByteAtATimeHandshakeAndData() throws {
    let pair = try Pair(clientCertificate: pki.admin)
    try pair.connect()
    // Written before the handshake: held until it finishes.
    pair.client.write(ByteBuffer(string: "early "), promise: nil)
    pair.client.flush()
    try pair.shuttle(chunk: 1)

    #expect(pair.clientHandler.handshakeResult?.applicationProtocol == "http/1.1")
    #expect(pair.clientHandler.peerIdentity?.commonName == "skiff-apiserver")
    #expect(pair.serverHandler.peerIdentity == TLSPeerIdentity(commonName: "skiff-admin", organizations: ["system:masters"]))
    #expect(try Pair.drain(pair.server) == ByteBuffer(string: "early "))

    // Several records each way, cut at odd places.
    var big = ByteBuffer()
    for i in 0..<(40 * 1024 + 7) { big.writeInteger(UInt8(truncatingIfNeeded: i)) }
    var written = false
    let promise = pair.server.eventLoop.makePromise(of: Void.self)
    promise.futureResult.whenSuccess { written = true }
    pair.server.writeAndFlush(big, promise: promise)
    #expect(written)
    pair.client.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"), promise: nil)
    try pair.shuttle(chunk: 7)
    #expect(try Pair.drain(pair.client) == big)
    #expect(try Pair.drain(pair.server) == ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
  }

  @Test func noClientCertificateMeansNilIdentity() throws {
    let pair = try Pair(clientCertificate: nil)
    try pair.connect()
    try pair.shuttle(chunk: 1000)
    #expect(pair.serverHandler.handshakeResult != nil)
    #expect(pair.serverHandler.peerIdentity == nil)
    #expect(pair.clientHandler.peerIdentity?.ipAddresses == ["127.0.0.1"])
  }

  @Test func closeSendsCloseNotifyAndThePeerCloses() throws {
    let pair = try Pair(clientCertificate: pki.admin)
    try pair.connect()
    try pair.shuttle(chunk: 100)
    _ = pair.client.close(mode: .all)
    try pair.shuttle(chunk: 100)
    #expect(!pair.server.isActive)
    #expect(throws: Never.self) { try pair.server.throwIfErrorCaught() }
  }

  @Test func peerClosingMidHandshakeIsReportedAndHeldWritesFail() throws {
    let pair = try Pair(clientCertificate: pki.admin)
    try pair.connect()
    let hello = try #require(try pair.client.readOutbound(as: ByteBuffer.self))
    try pair.server.writeInbound(hello.getSlice(at: hello.readerIndex, length: 20)!)
    var heldWriteError: (any Error)?
    let promise = pair.server.eventLoop.makePromise(of: Void.self)
    promise.futureResult.whenFailure { heldWriteError = $0 }
    pair.server.writeAndFlush(ByteBuffer(string: "too early"), promise: promise)

    pair.server.pipeline.fireChannelInactive()
    let error = #expect(throws: TLSError.self) { try pair.server.throwIfErrorCaught() }
    #expect(error?.code == .closedDuringHandshake)
    #expect(error?.message == "127.0.0.1:443 closed the connection during the TLS handshake")
    #expect(heldWriteError as? ChannelError == .ioOnClosedChannel)
  }

  @Test func plainHTTPOnTheTLSPortFailsWithOpenSSLsReason() throws {
    let pair = try Pair(clientCertificate: nil)
    try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    #expect(throws: TLSError.self) { try pair.server.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n")) }
    #expect(!pair.server.isActive)
  }

  @Test func plainHTTPErrorMessageNamesTheReason() throws {
    let pair = try Pair(clientCertificate: nil)
    try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    do {
      try pair.server.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
      Issue.record("expected a TLS error")
    } catch let error as TLSError {
      #expect(error.code == .handshakeFailed)
      #expect(error.message.hasPrefix("TLS handshake with 127.0.0.1:443 failed: "), "\(error)")
      #expect(error.message.contains("http request"), "\(error)")
    }
  }

  @Test func configurationErrorsSayWhatIsMissing() throws {
    let noCA = #expect(throws: TLSError.self) {
      try TLSContext(
        configuration: .server(
          certificateChainPEM: pki.server.certificatePEM, privateKeyPEM: pki.server.privateKeyPEM,
          clientCertificateMode: .optional))
    }
    #expect(noCA?.message == "TLS server: client certificates are requested but no client CA was given")
    let wrongKey = #expect(throws: TLSError.self) {
      try TLSContext(
        configuration: .server(certificateChainPEM: pki.server.certificatePEM, privateKeyPEM: pki.admin.privateKeyPEM))
    }
    #expect(wrongKey?.message.hasPrefix("TLS server private key: the private key does not match the certificate") == true,
      "\(String(describing: wrongKey))")
  }
}

/// Records the errors that reach the end of the pipeline.
final class ErrorRecorder: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  var messages: [String] = []
  func errorCaught(context: ChannelHandlerContext, error: any Error) { messages.append(String(describing: error)) }
}
