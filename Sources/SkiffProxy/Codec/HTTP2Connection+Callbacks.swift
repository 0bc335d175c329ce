import CNGHTTP2
import NIOCore

// nghttp2 calls these C functions while `receive` (mem_recv) or `flush` (mem_send) runs. Each
// one only records what happened as an `Action` (or copies queued output): the owner acts on
// them after nghttp2 has returned, so no callback ever re-enters the session it came from.
// The user-data pointer is the connection itself, unretained: the connection owns the session
// and deletes it in `deinit`, so the pointer is valid whenever nghttp2 can call back.

/// Runs `body` with the connection behind nghttp2's user data, without retaining it (this runs
/// several times per frame; the connection outlives its session).
@inline(__always)
private func withConnection<R>(_ userData: UnsafeMutableRawPointer?, _ body: (HTTP2Connection) -> R) -> R {
  Unmanaged<HTTP2Connection>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
}

private let endStreamFlag = UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)
/// Payloads smaller than this are copied into the connection's output buffer (one write for
/// many small frames); larger ones are written as slices of the buffers they arrived in.
private let copyThreshold = 2048

extension HTTP2Connection {
  static func installCallbacks(_ callbacks: OpaquePointer?) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
      withConnection(userData) { connection in
        connection.incomingHeaders.reset()
        _ = connection.peekOrMake(frame!.pointee.hd.stream_id)
      }
      return 0
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, _, name, nameLength, value, valueLength, flags, userData in
      withConnection(userData) { connection in
        connection.incomingHeaders.add(
          name: UnsafeRawBufferPointer(start: name, count: nameLength),
          value: UnsafeRawBufferPointer(start: value, count: valueLength),
          neverIndex: flags & UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue) != 0)
      }
      return 0
    }
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
      withConnection(userData) { $0.receivedData(streamID: streamID, data: data, length: length) }
      return 0
    }
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
      withConnection(userData) { $0.receivedFrame(frame!) }
      return 0
    }
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
      withConnection(userData) { $0.streamClosed(streamID, code: HTTP2ErrorCode(errorCode)) }
      return 0
    }
    nghttp2_session_callbacks_set_send_data_callback(callbacks) { _, frame, frameHeader, length, _, userData in
      withConnection(userData) { $0.sendData(streamID: frame!.pointee.hd.stream_id, frameHeader: frameHeader!, length: length) }
    }
  }

  /// The data provider of every stream: reports how many queued bytes may go in the next DATA
  /// frame; the bytes themselves are written by `sendData(streamID:frameHeader:length:)`
  /// (NGHTTP2_DATA_FLAG_NO_COPY), so nghttp2 never copies a body.
  static let readCallback: nghttp2_data_source_read_callback = { session, streamID, _, length, flags, _, userData in
    withConnection(userData) { connection in connection.dataToSend(session: session, streamID: streamID, length: length, flags: flags!) }
  }

  func dataToSend(session: OpaquePointer?, streamID: Int32, length: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
    guard let found = peek(streamID) else {
      return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    }
    return found._withUnsafeGuaranteedRef { state in
      if state.outboundBytes == 0 && !state.outboundEnded {
        state.deferred = true
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
      }
      let count = min(length, state.outboundBytes)
      flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_COPY.rawValue)
      if count == state.outboundBytes && state.outboundEnded {
        flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
        if let trailers = state.outboundTrailers {
          state.outboundTrailers = nil
          flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
          _ = withNameValues(trailers) { nva, n in nghttp2_submit_trailer(session, streamID, nva, n) }
        }
      }
      return count
    }
  }

  func receivedData(streamID: Int32, data: UnsafePointer<UInt8>?, length: Int) {
    peekOrMake(streamID)._withUnsafeGuaranteedRef { $0.unconsumed += length }
    let bytes: ByteBuffer
    if let base = inputBase, let data, UnsafeRawPointer(data) >= base,
      UnsafeRawPointer(data) + length <= base + inputCount
    {
      // Zero copy: a slice of the buffer nghttp2 is parsing.
      bytes = input.getSlice(at: input.readerIndex + (UnsafeRawPointer(data) - base), length: length)!
    } else {
      var copy = allocator.buffer(capacity: length)
      copy.writeBytes(UnsafeRawBufferPointer(start: data, count: length))
      bytes = copy
    }
    actions.append(.streamData(streamID: streamID, data: bytes, endStream: false))
  }

  func receivedFrame(_ frame: UnsafePointer<nghttp2_frame>) {
    let header = frame.pointee.hd
    let streamID = header.stream_id
    switch UInt32(header.type) {
    case NGHTTP2_DATA.rawValue:
      guard header.flags & endStreamFlag != 0 else { return }
      if case .streamData(let id, let data, false)? = actions.last, id == streamID {
        actions.replaceLast(with: .streamData(streamID: id, data: data, endStream: true))
      } else {
        actions.append(.streamData(streamID: streamID, data: ByteBuffer(), endStream: true))
      }
    case NGHTTP2_HEADERS.rawValue:
      let block = incomingHeaders.build()
      let endStream = header.flags & endStreamFlag != 0
      let sawFinalHeaders = peekOrMake(streamID)._withUnsafeGuaranteedRef { $0.sawFinalHeaders }
      switch role {
      case .server:
        if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
          actions.append(.streamHeaders(streamID: streamID, headers: block, endStream: endStream))
        } else {
          actions.append(.streamTrailers(streamID: streamID, trailers: block))
        }
      case .client:
        if sawFinalHeaders {
          actions.append(.streamTrailers(streamID: streamID, trailers: block))
        } else if block.value(of: ":status", hasPrefix: "1") {
          return  // informational (1xx): not forwarded
        } else {
          peekOrMake(streamID)._withUnsafeGuaranteedRef { $0.sawFinalHeaders = true }
          actions.append(.streamHeaders(streamID: streamID, headers: block, endStream: endStream))
        }
      }
    case NGHTTP2_RST_STREAM.rawValue:
      actions.append(.streamReset(streamID: streamID, code: HTTP2ErrorCode(frame.pointee.rst_stream.error_code)))
    case NGHTTP2_GOAWAY.rawValue:
      let goaway = frame.pointee.goaway
      let debug = String(decoding: UnsafeRawBufferPointer(start: goaway.opaque_data, count: goaway.opaque_data_len), as: UTF8.self)
      actions.append(.goAway(lastStreamID: goaway.last_stream_id, code: HTTP2ErrorCode(goaway.error_code), debugData: debug))
    case NGHTTP2_SETTINGS.rawValue:
      guard header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 else { return }
      actions.append(.remoteMaxConcurrentStreams(remoteMaxConcurrentStreams))
    default:
      return
    }
  }

  func streamClosed(_ streamID: Int32, code: HTTP2ErrorCode) {
    if let state = streams.remove(streamID) {
      // Bytes the owner never consumed still count against the connection window: give them back.
      if state.unconsumed > 0 { nghttp2_session_consume_connection(session, state.unconsumed) }
      queuedOutboundBytes -= state.outboundBytes
      state.closed = true
      recentlyClosed.insert(state, for: streamID)
    }
    actions.append(.streamClosed(streamID: streamID, code: code))
  }

  func sendData(streamID: Int32, frameHeader: UnsafePointer<UInt8>, length: Int) -> Int32 {
    guard let found = peek(streamID) else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
    return found._withUnsafeGuaranteedRef { state in
      guard state.outboundBytes >= length else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
      if output.capacity == 0 { output = allocator.buffer(capacity: 1024) }
      output.writeBytes(UnsafeRawBufferPointer(start: frameHeader, count: 9))
      var remaining = length
      while remaining > 0 {
        let piece = state.outbound.take(upTo: remaining)
        remaining -= piece.readableBytes
        if piece.readableBytes < copyThreshold {
          output.writeImmutableBuffer(piece)
        } else {
          emitOutput()
          actions.append(.write(piece))
        }
      }
      state.outboundBytes -= length
      queuedOutboundBytes -= length
      flushedBytes += length
      if length > 0 { actions.append(.dataFlushed(streamID: streamID, count: length)) }
      return 0
    }
  }
}
