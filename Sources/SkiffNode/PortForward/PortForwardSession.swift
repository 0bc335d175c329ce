import NIOCore
import NIOWebSocket

/// One `kubectl port-forward` connection: SPDY/3.1 tunnelled in a WebSocket's binary messages
/// (`SPDY/3.1+portforward.k8s.io`), served as the kubelet serves it.
///
/// For every local connection the client opens two streams with the same `requestid`: an
/// error stream and a data stream (`streamtype`), both naming the pod `port`. Each is
/// answered with SYN_REPLY; the data stream is then copied to and from a TCP connection to
/// the pod's port (FIN when either side is done), and the error stream carries a text message
/// if that fails, then FIN.
///
/// Flow control (SPDY/3.1): data read from the client is acknowledged with WINDOW_UPDATE once
/// it has been written to the pod. The peer's windows are respected once the peer shows that it
/// keeps them (a WINDOW_UPDATE or an initial window setting): client-go's SPDY stack
/// (moby/spdystream) never sends WINDOW_UPDATE, so holding it to 64 KiB would stall every
/// transfer larger than that, and the kubelet does not hold it either.
actor PortForwardSession {
  /// What the writer task sends, in the order the session queued it.
  enum Outgoing: Sendable {
    case spdy([UInt8])
    case pong(ByteBuffer)
  }

  struct StreamState {
    var sendWindow: Int
    var unacknowledged = 0
    /// Client → pod bytes of a data stream.
    var toPod: AsyncStream<[UInt8]>.Continuation?
    var pod: (any Channel)?
    var reset = false
    var finished = false
  }

  static let initialWindow = 65536
  /// Data frames sent are at most this large.
  static let maxDataFrame = 16384
  /// Bytes queued for the client beyond this make the pod side wait.
  static let maxQueuedBytes = 1 << 20

  let dial: @Sendable (Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
  let failure: @Sendable (Int, any Error) -> String
  private let encoder = SPDYHeaderEncoder()
  private let outgoing: AsyncStream<Outgoing>.Continuation
  let frames: AsyncStream<Outgoing>
  private var streams: [UInt32: StreamState] = [:]
  private var errorStreams: [String: UInt32] = [:]
  private var peerInitialWindow = PortForwardSession.initialWindow
  private var sessionSendWindow = PortForwardSession.initialWindow
  private var sessionUnacknowledged = 0
  private var peerKeepsWindows = false
  private var queuedBytes = 0
  private var waiters: [CheckedContinuation<Void, Never>] = []
  private(set) var closed = false

  /// - Parameters:
  ///   - dial: connects to the pod's port.
  ///   - failure: the error stream's text when `dial` fails.
  init(
    dial: @escaping @Sendable (Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer>,
    failure: @escaping @Sendable (Int, any Error) -> String
  ) {
    self.dial = dial
    self.failure = failure
    (frames, outgoing) = AsyncStream.makeStream(of: Outgoing.self)
  }

  /// Serves the connection until the client closes it or says GOAWAY.
  static func serve(
    inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
    session: PortForwardSession
  ) async {
    await withTaskGroup(of: Void.self) { outer in
      outer.addTask {
        for await item in session.frames {
          switch item {
          case .spdy(let bytes):
            try? await outbound.write(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes)))
            await session.written(bytes.count)
          case .pong(let data):
            try? await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: data))
          }
        }
        var data = ByteBuffer()
        data.write(webSocketErrorCode: .normalClosure)
        try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
        outbound.finish()
      }
      await withTaskGroup(of: Void.self) { forwards in
        var decoder = SPDYFrameDecoder()
        // Header blocks share one zlib stream: decoded here, in frame order.
        let headers = SPDYHeaderDecoder()
        do {
          reading: for try await message in inbound {
            switch message.opcode {
            case .binary, .continuation:
              decoder.append(message.unmaskedData.readableBytesView)
              while let frame = try decoder.next() {
                switch frame {
                case .synStream(let id, _, _, let fin, _, let block):
                  let decoded = try headers.decode(block)
                  if let forward = await session.accept(id, headers: decoded, fin: fin) {
                    forwards.addTask { await session.run(forward) }
                  }
                case .synReply(_, _, let block), .headers(_, _, let block):
                  // Nothing here opens streams; decoded to keep the header stream in step.
                  _ = try headers.decode(block)
                default:
                  guard await session.handle(frame) else { break reading }
                }
              }
            case .ping:
              await session.queue(.pong(message.unmaskedData))
            case .connectionClose:
              break reading
            default:
              break
            }
          }
        } catch let error as SPDYProtocolError {
          await session.goAway(error)
        } catch {}
        await session.shutdown()
      }
      await session.finishFrames()
    }
  }

  /// Acts on one frame from the client (other than those with header blocks); false once
  /// the session is over.
  func handle(_ frame: SPDYFrame) -> Bool {
    switch frame {
    case .synStream, .synReply, .headers:
      break
    case .data(let id, let fin, let payload):
      received(id, payload, fin: fin)
    case .rstStream(let id, _):
      resetStream(id)
    case .settings(_, let settings):
      for setting in settings where setting.id == SPDYFrame.Setting.initialWindowSize {
        let delta = Int(setting.value) - peerInitialWindow
        peerInitialWindow = Int(setting.value)
        peerKeepsWindows = true
        for id in streams.keys { streams[id]?.sendWindow += delta }
      }
      wake()
    case .ping(let id):
      // Odd ids are the client's; even ones would answer pings of ours, and there are none.
      if id & 1 == 1 { send(.ping(id: id)) }
    case .goAway:
      return false
    case .windowUpdate(let id, let delta):
      peerKeepsWindows = true
      if id == 0 {
        sessionSendWindow += Int(delta)
      } else {
        streams[id]?.sendWindow += Int(delta)
      }
      wake()
    case .unknown:
      break
    }
    return true
  }

  /// A data stream to serve, with its error stream.
  struct Forward: Sendable {
    var data: UInt32
    var error: UInt32?
    var port: String
    var toPod: AsyncStream<[UInt8]>
  }

  /// Answers a SYN_STREAM; a data stream comes back to be run.
  func accept(_ id: UInt32, headers: [(name: String, value: String)], fin: Bool) -> Forward? {
    guard id & 1 == 1, streams[id] == nil else {
      send(.rstStream(streamID: id, status: SPDYFrame.Status.protocolError))
      return nil
    }
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    let requestID = header("requestid") ?? ""
    switch header("streamtype") {
    case "error":
      streams[id] = StreamState(sendWindow: peerInitialWindow)
      errorStreams[requestID] = id
      send(.synReply(streamID: id, fin: false, headerBlock: encoder.encode([])))
      return nil
    case "data":
      let (toPod, continuation) = AsyncStream.makeStream(of: [UInt8].self)
      streams[id] = StreamState(sendWindow: peerInitialWindow, toPod: continuation)
      if fin { continuation.finish() }
      send(.synReply(streamID: id, fin: false, headerBlock: encoder.encode([])))
      return Forward(data: id, error: errorStreams.removeValue(forKey: requestID), port: header("port") ?? "", toPod: toPod)
    default:
      send(.rstStream(streamID: id, status: SPDYFrame.Status.protocolError))
      return nil
    }
  }

  private func received(_ id: UInt32, _ payload: [UInt8], fin: Bool) {
    if let continuation = streams[id]?.toPod, streams[id]?.reset == false {
      if !payload.isEmpty { continuation.yield(payload) }
      if fin { continuation.finish() }
    } else {
      // The error stream, or a stream already gone: nothing will consume it later.
      consumed(id, payload.count)
    }
  }

  private func resetStream(_ id: UInt32) {
    guard streams[id] != nil else { return }
    streams[id]?.reset = true
    streams[id]?.toPod?.finish()
    streams[id]?.pod?.close(promise: nil)
    wake()
  }

  /// Client bytes have left this process (to the pod, or dropped): give the window back.
  func consumed(_ id: UInt32, _ count: Int) {
    guard count > 0 else { return }
    sessionUnacknowledged += count
    if sessionUnacknowledged >= Self.initialWindow / 2 {
      send(.windowUpdate(streamID: 0, delta: UInt32(sessionUnacknowledged)))
      sessionUnacknowledged = 0
    }
    guard var stream = streams[id], !stream.finished, !stream.reset else { return }
    stream.unacknowledged += count
    if stream.unacknowledged >= Self.initialWindow / 2 {
      send(.windowUpdate(streamID: id, delta: UInt32(stream.unacknowledged)))
      stream.unacknowledged = 0
    }
    streams[id] = stream
  }

  /// One local connection: dial the pod's port and copy both ways.
  func run(_ forward: Forward) async {
    let (data, error, toPod) = (forward.data, forward.error, forward.toPod)
    defer { remove(data, error) }
    guard let port = Int(forward.port), (1...65535).contains(port) else {
      fail(data, error, "invalid port \"\(forward.port)\" in the port-forward request")
      return
    }
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    do {
      channel = try await dial(port)
    } catch let dialError {
      fail(data, error, failure(port, dialError))
      return
    }
    guard attach(data, channel.channel) else {
      try? await channel.executeThenClose { _, _ in }
      finish(error)
      return
    }
    try? await channel.executeThenClose { inbound, outbound in
      await withTaskGroup(of: Void.self) { group in
        group.addTask {
          for await bytes in toPod {
            do {
              try await outbound.write(ByteBuffer(bytes: bytes))
            } catch {
              break
            }
            await self.consumed(data, bytes.count)
          }
          // Half-closes: the app reads end of file and can still answer.
          outbound.finish()
        }
        do {
          for try await buffer in inbound {
            await self.sendData(data, Array(buffer.readableBytesView))
          }
        } catch {}
        self.finish(data)
      }
    }
    finish(error)
  }

  /// The stream's pod connection, for a reset to close; false if it was reset meanwhile.
  private func attach(_ id: UInt32, _ channel: any Channel) -> Bool {
    guard let stream = streams[id], !stream.reset, !closed else { return false }
    streams[id]?.pod = channel
    return true
  }

  private func fail(_ data: UInt32, _ error: UInt32?, _ message: String) {
    if let error, streams[error]?.reset == false, streams[error]?.finished == false {
      send(.data(streamID: error, fin: false, payload: Array(message.utf8)))
    }
    finish(error)
    finish(data)
  }

  /// Sends FIN on a stream, once.
  private func finish(_ id: UInt32?) {
    guard let id, let stream = streams[id], !stream.finished else { return }
    streams[id]?.finished = true
    if !stream.reset { send(.data(streamID: id, fin: true, payload: [])) }
  }

  private func remove(_ data: UInt32, _ error: UInt32?) {
    streams[data]?.toPod?.finish()
    streams[data] = nil
    if let error { streams[error] = nil }
  }

  /// Pod bytes to the client, within the windows when the client keeps them.
  func sendData(_ id: UInt32, _ bytes: [UInt8]) async {
    var offset = 0
    while offset < bytes.count {
      guard let stream = streams[id], !stream.reset, !stream.finished, !closed else { return }
      var size = min(bytes.count - offset, Self.maxDataFrame)
      if peerKeepsWindows {
        size = min(size, stream.sendWindow, sessionSendWindow)
      }
      if size <= 0 || queuedBytes > Self.maxQueuedBytes {
        await withCheckedContinuation { waiters.append($0) }
        continue
      }
      if peerKeepsWindows {
        streams[id]?.sendWindow -= size
        sessionSendWindow -= size
      }
      send(.data(streamID: id, fin: false, payload: Array(bytes[offset..<(offset + size)])))
      offset += size
    }
  }

  private func send(_ frame: SPDYFrame) {
    guard !closed else { return }
    let bytes = frame.encoded()
    queuedBytes += bytes.count
    outgoing.yield(.spdy(bytes))
  }

  func queue(_ item: Outgoing) {
    guard !closed else { return }
    outgoing.yield(item)
  }

  func written(_ count: Int) {
    queuedBytes -= count
    if queuedBytes <= Self.maxQueuedBytes { wake() }
  }

  private func wake() {
    let waiting = waiters
    waiters = []
    for waiter in waiting { waiter.resume() }
  }

  func goAway(_ error: SPDYProtocolError) {
    send(.goAway(lastGoodStreamID: streams.keys.max() ?? 0, status: SPDYFrame.Status.protocolError))
  }

  /// The client is gone: end every forward.
  func shutdown() {
    for (id, stream) in streams {
      stream.toPod?.finish()
      stream.pod?.close(promise: nil)
      streams[id]?.reset = true
    }
    closed = true
    wake()
  }

  func finishFrames() {
    outgoing.finish()
  }
}
