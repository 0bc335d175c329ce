import CNGHTTP2
public import NIOCore

/// An HTTP/2 error code (RFC 9113 §7), as carried by RST_STREAM and GOAWAY.
public struct HTTP2ErrorCode: Hashable, Sendable, CustomStringConvertible {
  public var rawValue: UInt32
  public init(_ rawValue: UInt32) { self.rawValue = rawValue }

  public static let noError = HTTP2ErrorCode(0)
  public static let protocolError = HTTP2ErrorCode(1)
  public static let internalError = HTTP2ErrorCode(2)
  public static let flowControlError = HTTP2ErrorCode(3)
  public static let settingsTimeout = HTTP2ErrorCode(4)
  public static let streamClosed = HTTP2ErrorCode(5)
  public static let frameSizeError = HTTP2ErrorCode(6)
  public static let refusedStream = HTTP2ErrorCode(7)
  public static let cancel = HTTP2ErrorCode(8)
  public static let compressionError = HTTP2ErrorCode(9)
  public static let connectError = HTTP2ErrorCode(10)
  public static let enhanceYourCalm = HTTP2ErrorCode(11)
  public static let inadequateSecurity = HTTP2ErrorCode(12)
  public static let http11Required = HTTP2ErrorCode(13)

  public var description: String {
    let names = [
      "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
      "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
      "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
    ]
    return rawValue < names.count ? names[Int(rawValue)] : "0x\(String(rawValue, radix: 16))"
  }
}

/// Why an HTTP/2 connection failed, in nghttp2's words.
public struct HTTP2ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
  /// nghttp2's error code (negative), e.g. `NGHTTP2_ERR_BAD_CLIENT_MAGIC`.
  public var code: Int32
  public var description: String { "HTTP/2 connection error: " + String(cString: nghttp2_strerror(code)) }
  public init(code: Int32) { self.code = code }
}

/// The tunables of one HTTP/2 connection (our side's SETTINGS and windows).
public struct HTTP2Settings: Sendable, Hashable {
  /// SETTINGS_MAX_CONCURRENT_STREAMS we advertise (streams the peer may open to us).
  public var maxConcurrentStreams: UInt32 = 1024
  /// SETTINGS_INITIAL_WINDOW_SIZE we advertise: per stream, how much the peer may send before we
  /// consume it. This bounds what the proxy buffers for one stream.
  public var initialWindowSize: UInt32 = 65_535
  /// Our connection-level receive window (raised with a WINDOW_UPDATE on stream 0).
  public var connectionWindowSize: UInt32 = 1 << 20
  /// SETTINGS_MAX_FRAME_SIZE we accept.
  public var maxFrameSize: UInt32 = 16_384
  /// SETTINGS_MAX_HEADER_LIST_SIZE we accept.
  public var maxHeaderListSize: UInt32 = 64 << 10

  public init() {}
}

/// An HTTP/2 connection (one side of it) as a state machine over libnghttp2: bytes from the peer
/// go in through `receive(_:)`, application calls (`submitRequest`, `sendData`, ...) queue
/// frames, and `flush(limit:)` turns queued frames into bytes to write. Every method returns
/// the `Action`s the owner must perform or learn about; the connection never touches a socket.
///
/// Flow control is the owner's: received DATA is not acknowledged (no WINDOW_UPDATE) until the
/// owner calls `consume(streamID:count:)`, so a proxy consumes downstream bytes only once the
/// upstream has taken them. Data queued with `sendData` leaves only as fast as the peer's window
/// allows; `.dataFlushed` reports when it left.
///
/// Not thread-safe: one owner, one thread (an event loop).
public final class HTTP2Connection {
  /// Which side of the connection this is.
  public enum Role: Sendable { case server, client }

  /// What the owner must do or learn, in order.
  public enum Action {
    /// Bytes to write to the peer.
    case write(ByteBuffer)
    /// A header block opened a stream: a request (server role) or a final response (client role).
    case streamHeaders(streamID: Int32, headers: HeaderBlock, endStream: Bool)
    /// Body bytes of a stream. `endStream` marks the last of them (the bytes may be empty).
    case streamData(streamID: Int32, data: ByteBuffer, endStream: Bool)
    /// Trailers ended a stream.
    case streamTrailers(streamID: Int32, trailers: HeaderBlock)
    /// The peer reset a stream.
    case streamReset(streamID: Int32, code: HTTP2ErrorCode)
    /// A stream is closed in both directions (after END_STREAM both ways, or a reset either way);
    /// its id will not appear again.
    case streamClosed(streamID: Int32, code: HTTP2ErrorCode)
    /// `count` bytes queued with `sendData` for this stream were written out (the queue has room).
    case dataFlushed(streamID: Int32, count: Int)
    /// The peer sent GOAWAY: streams above `lastStreamID` were not processed and never will be.
    case goAway(lastStreamID: Int32, code: HTTP2ErrorCode, debugData: String)
    /// The peer's SETTINGS changed how many streams we may open.
    case remoteMaxConcurrentStreams(UInt32)
    /// The connection is finished (after a GOAWAY both ways, or a protocol error): write what was
    /// returned before this, then close the channel.
    case close(HTTP2ConnectionError?)
  }

  public let role: Role
  let settings: HTTP2Settings
  /// The session's memory; released after the session (`deinit` deletes the session first).
  let memory = NGHTTP2Allocator()
  let allocator: ByteBufferAllocator
  var session: OpaquePointer?

  /// Streams with state on our side (those with queued output, unconsumed input, or headers seen).
  var streams = StreamTable<StreamState>()
  /// What the current call records; `takeBatch` hands it out.
  var actions = ActionBatch()
  /// An emptied batch given back by the owner, whose storage the next call reuses.
  var spareBatch = ActionBatch()
  /// Header block being received (HTTP/2 never interleaves header blocks).
  var incomingHeaders = HeaderBlockBuilder()
  /// The input being parsed, so DATA payloads can be sliced out of it instead of copied.
  var input = ByteBuffer()
  var inputBase: UnsafeRawPointer?
  var inputCount = 0
  /// Output assembled during `flush`.
  var output: ByteBuffer
  var closed = false
  /// DATA payload bytes written during the current `flush` (they bypass nghttp2's buffer).
  var flushedBytes = 0
  /// Bytes queued by `sendData` and not yet written, over all streams.
  public internal(set) var queuedOutboundBytes = 0

  final class StreamState {
    var outbound = OutboundQueue()
    var outboundBytes = 0
    var outboundEnded = false
    var outboundTrailers: HeaderBlock?
    /// nghttp2 has a data provider for this stream that returned DEFERRED (resume on new data).
    var deferred = false
    var hasProvider = false
    /// Bytes received and not yet consumed (given back to the peer's window).
    var unconsumed = 0
    /// Client role: a final (non-1xx) response header block has arrived.
    var sawFinalHeaders = false
    /// nghttp2 closed the stream (its state lingers in `recentlyClosed` for the owner).
    var closed = false
    init() {}

    /// Back to a new stream's state (for reuse).
    func reset() {
      outbound.removeAll()
      outboundBytes = 0
      outboundEnded = false
      outboundTrailers = nil
      deferred = false
      hasProvider = false
      unconsumed = 0
      sawFinalHeaders = false
      closed = false
    }
  }

  /// Closed streams' states, reset for the next streams: a read or flush handles dozens of
  /// streams, and allocating and freeing a state for each overflowed malloc's thread cache.
  var spareStates: [StreamState] = []
  static let spareStateLimit = 128

  func makeState() -> StreamState {
    spareStates.popLast() ?? StreamState()
  }

  /// Empties `recentlyClosed`, keeping the states for reuse.
  func recycleClosedStates() {
    guard !recentlyClosed.isEmpty else { return }
    recentlyClosed.removeAll { state in
      guard spareStates.count < Self.spareStateLimit else { return }
      state.reset()
      spareStates.append(state)
    }
  }

  /// Streams closed during the last calls: nghttp2 forgets a stream as it closes, but the
  /// owner still handles that stream's last events (data, trailers) after the call returns.
  /// Cleared when the next input is parsed.
  var recentlyClosed = StreamTable<StreamState>()

  /// The state of a stream, open or just closed (no hashing: this runs several times per frame).
  @inline(__always)
  func lookup(_ id: Int32) -> StreamState? {
    streams[id] ?? (recentlyClosed.isEmpty ? nil : recentlyClosed[id])
  }

  /// `lookup` without a reference count (this runs several times per frame): the tables keep
  /// the state alive, and no caller removes a state while it uses one (only `streamClosed` and
  /// `record(receiving:)` do, and they use no peeked state).
  @inline(__always)
  func peek(_ id: Int32) -> Unmanaged<StreamState>? {
    streams.unretained(id) ?? (recentlyClosed.isEmpty ? nil : recentlyClosed.unretained(id))
  }

  /// An open stream's state (nil once closed), not retained (see `peek`).
  @inline(__always)
  func peekOpen(_ id: Int32) -> Unmanaged<StreamState>? {
    guard let found = peek(id), !found._withUnsafeGuaranteedRef({ $0.closed }) else { return nil }
    return found
  }

  /// A stream's state, made if it has none yet (not retained: see `peek`).
  @inline(__always)
  func peekOrMake(_ id: Int32) -> Unmanaged<StreamState> {
    if let found = peek(id) { return found }
    let state = makeState()
    streams.insert(state, for: id)
    return Unmanaged.passUnretained(state)
  }

  /// Makes a connection and queues our preface (client magic for a client) and SETTINGS.
  public init(role: Role, settings: HTTP2Settings = HTTP2Settings(), allocator: ByteBufferAllocator = ByteBufferAllocator()) {
    self.role = role
    self.settings = settings
    self.allocator = allocator
    self.output = allocator.buffer(capacity: 0)

    var callbacks: OpaquePointer?
    nghttp2_session_callbacks_new(&callbacks)
    HTTP2Connection.installCallbacks(callbacks)
    var option: OpaquePointer?
    nghttp2_option_new(&option)
    nghttp2_option_set_no_auto_window_update(option, 1)
    nghttp2_option_set_max_send_header_block_length(option, 256 << 10)
    // No RFC 7540 priority tree: closed streams need not be kept around.
    nghttp2_option_set_no_closed_streams(option, 1)
    // Until the peer's SETTINGS arrive, assume the RFC's recommended minimum.
    nghttp2_option_set_peer_max_concurrent_streams(option, 100)
    var created: OpaquePointer?
    let context = Unmanaged.passUnretained(self).toOpaque()
    var mem = memory.mem
    switch role {
    case .server: nghttp2_session_server_new3(&created, callbacks, context, option, &mem)
    case .client: nghttp2_session_client_new3(&created, callbacks, context, option, &mem)
    }
    nghttp2_option_del(option)
    nghttp2_session_callbacks_del(callbacks)
    session = created

    var entries = [
      nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: settings.maxConcurrentStreams),
      nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: settings.initialWindowSize),
      nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: settings.maxFrameSize),
      nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: settings.maxHeaderListSize),
    ]
    if role == .server {
      entries.append(nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
    } else {
      entries.append(nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
    }
    nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &entries, entries.count)
    if settings.connectionWindowSize > 65_535 {
      nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: settings.connectionWindowSize))
    }
  }

  deinit {
    nghttp2_session_del(session)
    incomingHeaders.deallocate()
  }

  // MARK: Input

  /// Parses bytes from the peer. Returns what they mean; call `flush` afterwards (the peer may
  /// be owed a SETTINGS ACK, PING ACK or GOAWAY).
  public func receive(_ bytes: ByteBuffer) -> [Action] {
    record(receiving: bytes)
    return takeActions()
  }

  /// `receive` without the array: what it means stays recorded for `takeBatch`.
  func record(receiving bytes: ByteBuffer) {
    guard !closed else { return }
    recycleClosedStates()
    input = bytes
    let result = bytes.withUnsafeReadableBytes { raw -> Int in
      inputBase = raw.baseAddress
      inputCount = raw.count
      return nghttp2_session_mem_recv(session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
    }
    input = ByteBuffer()
    inputBase = nil
    if result < 0 {
      let code = Int32(result)
      // A broken peer: tell it why (GOAWAY PROTOCOL_ERROR, RFC 9113 §5.4.1) and finish.
      let errorCode: HTTP2ErrorCode =
        code == NGHTTP2_ERR_FLOODED.rawValue ? .enhanceYourCalm
        : code == NGHTTP2_ERR_HEADER_COMP.rawValue ? .compressionError : .protocolError
      nghttp2_session_terminate_session(session, errorCode.rawValue)
      pendingError = HTTP2ConnectionError(code: code)
    }
  }

  var pendingError: HTTP2ConnectionError?

  // MARK: Output

  /// Serialises queued frames into `.write` actions (at most about `limit` bytes; call again for
  /// more), with whatever streams closed or data left meanwhile. Ends with `.close` when the
  /// connection is done.
  public func flush(limit: Int = 256 << 10) -> [Action] {
    record(flushing: limit)
    return takeActions()
  }

  /// `flush` without the array: the writes and events stay recorded for `takeBatch`.
  func record(flushing limit: Int = 256 << 10) {
    guard !closed else { return }
    var written = 0
    flushedBytes = 0
    while written + flushedBytes < limit {
      var pointer: UnsafePointer<UInt8>?
      let count = nghttp2_session_mem_send(session, &pointer)
      if count < 0 {
        pendingError = HTTP2ConnectionError(code: Int32(count))
        break
      }
      if count == 0 { break }
      if output.capacity == 0 { output = allocator.buffer(capacity: max(count, 1024)) }
      output.writeBytes(UnsafeRawBufferPointer(start: pointer, count: count))
      written += count
      if output.readableBytes >= 16 << 10 { emitOutput() }
    }
    emitOutput()
    if pendingError != nil || (nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0) {
      closed = true
      actions.append(.close(pendingError))
    }
  }

  /// Whether `flush` has something to write.
  public var wantsWrite: Bool { !closed && nghttp2_session_want_write(session) != 0 }

  func emitOutput() {
    guard output.readableBytes > 0 else { return }
    actions.append(.write(output))
    output = allocator.buffer(capacity: 0)
  }

  func takeActions() -> [Action] {
    if actions.isEmpty { return [] }
    let taken = actions.remaining
    actions.removeAll()
    return taken
  }

  /// Hands out what the last calls recorded; the connection records into the spare batch
  /// meanwhile. Give the batch back with `recycle` once its actions are taken.
  func takeBatch() -> ActionBatch {
    var batch = spareBatch
    spareBatch = ActionBatch()
    swap(&batch, &actions)
    return batch
  }

  /// Takes back a batch from `takeBatch` for its storage.
  func recycle(_ batch: consuming ActionBatch) {
    var batch = batch
    batch.removeAll()
    spareBatch = batch
  }

  // MARK: Streams

  /// Client role: opens a stream with these request headers. Returns its id, or nil when no
  /// new stream can be opened (GOAWAY received, or stream ids exhausted).
  public func submitRequest(_ headers: HeaderBlock, endStream: Bool) -> Int32? {
    precondition(role == .client)
    let state = makeState()
    state.outboundEnded = endStream
    let id = withNameValues(headers) { nva, count -> Int32 in
      if endStream {
        return nghttp2_submit_request(session, nil, nva, count, nil, nil)
      }
      var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: HTTP2Connection.readCallback)
      state.hasProvider = true
      return nghttp2_submit_request(session, nil, nva, count, &provider, nil)
    }
    guard id > 0 else { return nil }
    streams.insert(state, for: id)
    return id
  }

  /// Whether a new request may be submitted (no GOAWAY received, ids left).
  public var canOpenStream: Bool { !closed && nghttp2_session_check_request_allowed(session) != 0 }

  /// Server role: answers stream `streamID` with response headers. With `endStream` the
  /// response ends here (a trailers-only gRPC response, or an empty body).
  @discardableResult
  public func submitResponse(streamID: Int32, headers: HeaderBlock, endStream: Bool) -> Bool {
    precondition(role == .server)
    let rv = peekOrMake(streamID)._withUnsafeGuaranteedRef { state in
      state.outboundEnded = endStream
      return withNameValues(headers) { nva, count -> Int32 in
        if endStream { return nghttp2_submit_response(session, streamID, nva, count, nil) }
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: HTTP2Connection.readCallback)
        state.hasProvider = true
        return nghttp2_submit_response(session, streamID, nva, count, &provider)
      }
    }
    return rv == 0
  }

  /// Queues body bytes for a stream whose headers were submitted without `endStream`.
  public func sendData(streamID: Int32, _ data: ByteBuffer, endStream: Bool) {
    peekOpen(streamID)?._withUnsafeGuaranteedRef { state in
      guard state.hasProvider, !state.outboundEnded else { return }
      if data.readableBytes > 0 {
        state.outbound.append(data)
        state.outboundBytes += data.readableBytes
        queuedOutboundBytes += data.readableBytes
      }
      if endStream { state.outboundEnded = true }
      resume(streamID, state)
    }
  }

  /// Ends a stream with trailers (after any queued data).
  public func sendTrailers(streamID: Int32, _ trailers: HeaderBlock) {
    peekOpen(streamID)?._withUnsafeGuaranteedRef { state in
      guard state.hasProvider, !state.outboundEnded else { return }
      state.outboundEnded = true
      state.outboundTrailers = trailers
      resume(streamID, state)
    }
  }

  /// Bytes queued for `streamID` and not yet written.
  public func queuedBytes(streamID: Int32) -> Int { lookup(streamID)?.outboundBytes ?? 0 }

  @inline(__always)
  func resume(_ streamID: Int32, _ state: StreamState) {
    if state.deferred {
      state.deferred = false
      nghttp2_session_resume_data(session, streamID)
    }
  }

  /// Resets a stream (RST_STREAM) and drops what was queued for it.
  public func resetStream(streamID: Int32, code: HTTP2ErrorCode) {
    peekOpen(streamID)?._withUnsafeGuaranteedRef { state in
      queuedOutboundBytes -= state.outboundBytes
      state.outbound.removeAll()
      state.outboundBytes = 0
      state.outboundEnded = true
    }
    nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, code.rawValue)
  }

  /// Gives `count` received bytes of `streamID` back to the peer's flow-control windows (stream
  /// and connection): the owner has passed them on.
  public func consume(streamID: Int32, count: Int) {
    guard count > 0 else { return }
    peekOpen(streamID)?._withUnsafeGuaranteedRef { state in
      let n = min(count, state.unconsumed)
      state.unconsumed -= n
      if n > 0 { nghttp2_session_consume(session, streamID, n) }
    }
  }

  /// Sends GOAWAY. Graceful (`code == .noError` on a server): a shutdown notice now, so the peer
  /// stops opening streams, while streams in progress finish; call `finishGoAway` later for the
  /// final GOAWAY. Otherwise a final GOAWAY at once.
  public func goAway(code: HTTP2ErrorCode = .noError, debugData: String = "") {
    if code == .noError, role == .server {
      nghttp2_submit_shutdown_notice(session)
      return
    }
    submitFinalGoAway(code: code, debugData: debugData)
  }

  /// Sends the final GOAWAY (last stream id = the last one we processed).
  public func finishGoAway(code: HTTP2ErrorCode = .noError) {
    submitFinalGoAway(code: code, debugData: "")
  }

  func submitFinalGoAway(code: HTTP2ErrorCode, debugData: String) {
    var debug = Array(debugData.utf8)
    let last = nghttp2_session_get_last_proc_stream_id(session)
    nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, code.rawValue, &debug, debug.count)
  }

  /// Streams open on the connection (as nghttp2 counts them).
  public var activeStreamCount: Int { streams.count }

  /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS (unbounded until its SETTINGS arrive).
  public var remoteMaxConcurrentStreams: UInt32 {
    nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
  }



  /// Calls `body` with the block as nghttp2 name/value pairs (valid only during the call).
  func withNameValues<R>(_ headers: HeaderBlock, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
    // nghttp2 copies names and values during submit; it never writes through these pointers.
    return headers.withUnsafeRecords { all in
      withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(headers.count, 1)) { nva in
        var offset = 0
        var i = 0
        while let field = HeaderBlock.field(in: all, at: offset) {
          nva[i] = nghttp2_nv(
            name: UnsafeMutablePointer(mutating: field.name.baseAddress!.assumingMemoryBound(to: UInt8.self)),
            value: UnsafeMutablePointer(mutating: field.value.baseAddress!.assumingMemoryBound(to: UInt8.self)),
            namelen: field.name.count, valuelen: field.value.count,
            flags: field.neverIndex ? UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue) : UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
          offset = field.next
          i += 1
        }
        return body(UnsafePointer(nva.baseAddress!), i)
      }
    }
  }
}
