import NIOCore

/// A client's HTTP/2 connection to the proxy: each stream it opens becomes a `ProxyStream`,
/// routed on its own.
final class DownstreamConnection: HTTP2BatchDelegate {
  /// The engine keeps its loops for its whole life, so this never dangles (and costs no
  /// reference counting on the hot path).
  unowned(unsafe) let loop: ProxyLoop
  let handler: HTTP2ConnectionHandler
  let info: DownstreamConnectionInfo
  var streams = StreamTable<ProxyStream>()
  var draining = false
  var drainTimer: Scheduled<Void>?

  init(loop: ProxyLoop, info: DownstreamConnectionInfo) {
    self.loop = loop
    self.info = info
    handler = HTTP2ConnectionHandler(
      connection: HTTP2Connection(role: .server, settings: loop.engine.configuration.downstreamSettings, allocator: loop.allocator))
    handler.delegate = self
    handler.onQueuedBytesChange = { [stats = loop.engine.stats] delta in stats.bufferedBytesChanged(by: delta) }
  }

  func http2Connection(_ handler: HTTP2ConnectionHandler, receivedEventsOf batch: inout ActionBatch) {
    forEachEvent(handler, &batch) { http2Connection(handler, received: $0) }
  }

  func http2Connection(_ handler: HTTP2ConnectionHandler, received action: HTTP2Connection.Action) {
    switch action {
    case .streamHeaders(let id, let headers, let endStream):
      let stream = ProxyStream(loop: loop, downstream: self, streamID: id, headers: headers)
      streams.insert(stream, for: id)
      stream.start(endStream: endStream)
    case .streamData(let id, let data, let endStream):
      if let stream = stream(id) {
        stream.downstreamData(data, endStream: endStream)
      } else {
        handler.connection.consume(streamID: id, count: data.readableBytes)
      }
    case .streamTrailers(let id, let trailers):
      stream(id)?.downstreamTrailers(trailers)
    case .streamReset(let id, _):
      stream(id)?.downstreamReset()
    case .streamClosed(let id, _):
      if let stream = streams.remove(id) { stream.downstreamClosed() }
      if draining && streams.isEmpty { finishDrain() }
    case .dataFlushed(let id, let count):
      stream(id)?.downstreamDataFlushed(count)
    case .goAway, .remoteMaxConcurrentStreams, .write, .close:
      break
    }
  }

  /// The stream's `ProxyStream` (a `StreamTable` slot: no hashing).
  @inline(__always)
  func stream(_ id: Int32) -> ProxyStream? { streams[id] }

  func http2ConnectionClosed(_ handler: HTTP2ConnectionHandler, error: (any Error)?) {
    drainTimer?.cancel()
    let open = streams.sorted
    streams.removeAll()
    for (_, stream) in open {
      stream.downstreamReset()
      stream.finish()
    }
    loop.downstreamClosed(self)
  }

  /// Graceful shutdown: GOAWAY now (no new streams), streams in progress finish, then the
  /// final GOAWAY and close; after `timeout` whatever is left is closed anyway.
  func drain(timeout: Duration) {
    guard !draining, handler.isOpen else { return }
    draining = true
    handler.connection.goAway(code: .noError)
    handler.scheduleFlush()
    if streams.isEmpty {
      finishDrain()
      return
    }
    drainTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: timeout.timeAmount) { [self] in
      finishDrain()
    }
  }

  func finishDrain() {
    drainTimer?.cancel()
    handler.connection.finishGoAway(code: .noError)
    handler.close()
  }
}
