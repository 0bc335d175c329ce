public import NIOCore

/// Receives what an `HTTP2ConnectionHandler`'s connection reports (everything but `.write`,
/// which the handler performs itself). Called on the channel's event loop.
public protocol HTTP2ConnectionDelegate: AnyObject {
  /// A stream or connection event from the peer, or `.dataFlushed` / `.streamClosed`.
  func http2Connection(_ handler: HTTP2ConnectionHandler, received action: HTTP2Connection.Action)
  /// The channel is gone (closed by either side, or failed): no more events follow.
  func http2ConnectionClosed(_ handler: HTTP2ConnectionHandler, error: (any Error)?)
  /// The channel became active and the preface was written.
  func http2ConnectionActive(_ handler: HTTP2ConnectionHandler)
}

extension HTTP2ConnectionDelegate {
  public func http2ConnectionActive(_ handler: HTTP2ConnectionHandler) {}
}

/// A delegate that takes a batch's events in one call (no dynamic dispatch per event): it
/// takes each non-write, non-close action in order (`ActionBatch.takeEvent`) while
/// `handler.isOpen`, and leaves the rest for the handler.
protocol HTTP2BatchDelegate: HTTP2ConnectionDelegate {
  func http2Connection(_ handler: HTTP2ConnectionHandler, receivedEventsOf batch: inout ActionBatch)
}

extension HTTP2BatchDelegate {
  @inline(__always)
  func forEachEvent(_ handler: HTTP2ConnectionHandler, _ batch: inout ActionBatch, _ body: (HTTP2Connection.Action) -> Void) {
    for index in 0..<batch.count {
      guard handler.isOpen else { return }
      if let action = batch.takeEvent(index) { body(action) }
    }
  }
}

/// The thin NIO side of an `HTTP2Connection`: feeds it the bytes the channel reads, writes the
/// bytes it produces, and passes its events to a delegate. Output is produced only while the
/// channel is writable, so a peer that does not read stalls our output instead of growing a
/// buffer; nghttp2 then stops asking for body bytes, and the proxy stops consuming the other
/// side's (flow control end to end).
///
/// Calls on `connection` from outside a read (e.g. the other side of a proxied stream) must be
/// followed by `scheduleFlush()`: flushes are batched once per event-loop tick.
public final class HTTP2ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
  public typealias InboundIn = ByteBuffer
  public typealias OutboundIn = ByteBuffer
  public typealias OutboundOut = ByteBuffer

  public let connection: HTTP2Connection
  /// Held strongly until the channel closes (then released, which breaks the cycle with a
  /// delegate that holds this handler). Not weak: a weakly referenced object pays for a side
  /// table on every retain and release, and the delegate is on the hot path.
  public var delegate: (any HTTP2ConnectionDelegate)? {
    didSet { batchDelegate = delegate as? any HTTP2BatchDelegate }
  }
  /// `delegate`, when it takes a whole batch in one call (the engine's connections do).
  var batchDelegate: (any HTTP2BatchDelegate)?
  public private(set) var context: ChannelHandlerContext?
  var flushScheduled = false
  var reading = false
  var closed = false
  var closeError: (any Error)?
  /// Bytes the connection had queued at the last flush (for the owner's buffer accounting).
  public private(set) var reportedQueuedBytes = 0
  /// Called after every flush with the change in queued outbound bytes.
  public var onQueuedBytesChange: ((Int) -> Void)?

  public init(connection: HTTP2Connection, delegate: (any HTTP2ConnectionDelegate)? = nil) {
    self.connection = connection
    self.delegate = delegate
    batchDelegate = delegate as? any HTTP2BatchDelegate
  }

  public func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive { becameActive(context: context) }
  }

  public func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    if activated {
      finish(error: closeError)
    } else if !closed {
      // Never connected: whoever connected reports the failure; just let go of the delegate.
      closed = true
      delegate = nil
      onQueuedBytesChange = nil
    }
  }

  public func channelActive(context: ChannelHandlerContext) {
    becameActive(context: context)
    context.fireChannelActive()
  }

  var activated = false
  func becameActive(context: ChannelHandlerContext) {
    guard !activated else { return }
    activated = true
    flushNow()
    delegate?.http2ConnectionActive(self)
  }

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let bytes = unwrapInboundIn(data)
    reading = true
    connection.record(receiving: bytes)
    performRecorded()
  }

  public func channelReadComplete(context: ChannelHandlerContext) {
    reading = false
    flushNow()
    context.fireChannelReadComplete()
  }

  public func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable { flushNow() }
    context.fireChannelWritabilityChanged()
  }

  public func channelInactive(context: ChannelHandlerContext) {
    finish(error: closeError)
    context.fireChannelInactive()
  }

  public func errorCaught(context: ChannelHandlerContext, error: any Error) {
    closeError = error
    context.close(promise: nil)
  }

  public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    context.write(data, promise: promise)
  }

  /// Flushes at the end of this event-loop tick (once, however many calls).
  public func scheduleFlush() {
    guard !flushScheduled, !closed, let context else { return }
    if reading { return }  // channelReadComplete flushes
    flushScheduled = true
    context.eventLoop.assumeIsolated().execute {
      self.flushScheduled = false
      self.flushNow()
    }
  }

  /// Writes what the connection has queued, as far as the channel's writability allows.
  public func flushNow() {
    guard let context, !closed, context.channel.isWritable else { return }
    var wrote = false
    repeat {
      connection.record(flushing: 256 << 10)
      var batch = connection.takeBatch()
      if batch.isEmpty {
        connection.recycle(batch)
        break
      }
      // The bytes first, then the events (a stream's `.dataFlushed` may queue more).
      for index in 0..<batch.count where batch.isWrite(index) {
        if case .write(let bytes)? = batch.take(index) {
          context.write(wrapOutboundOut(bytes), promise: nil)
          wrote = true
        }
      }
      perform(&batch, writes: false)
      connection.recycle(batch)
    } while context.channel.isWritable && connection.wantsWrite && !closed
    if wrote { context.flush() }
    reportQueuedBytes()
  }

  func reportQueuedBytes() {
    let now = connection.queuedOutboundBytes
    if now != reportedQueuedBytes {
      onQueuedBytesChange?(now - reportedQueuedBytes)
      reportedQueuedBytes = now
    }
  }

  /// Performs what the connection recorded (after `record(receiving:)`).
  func performRecorded() {
    var batch = connection.takeBatch()
    perform(&batch)
    connection.recycle(batch)
  }

  func perform(_ batch: inout ActionBatch, writes: Bool = true) {
    guard !batch.isEmpty else { return }
    // The events go first, in one call (writes were taken before, `.close` is always last).
    if !closed, let batchDelegate { batchDelegate.http2Connection(self, receivedEventsOf: &batch) }
    // One reference for the whole batch instead of one per action; `closed` stands for the
    // delegate having been let go (`finish`), after which events are dropped as before.
    let delegate = self.delegate
    for index in 0..<batch.count {
      switch batch.take(index) {
      case nil:
        continue
      case .write(let bytes)?:
        if writes, let context { context.write(wrapOutboundOut(bytes), promise: nil) }
      case .close(let error)?:
        if let error { closeError = error }
        if let context {
          context.flush()
          context.close(promise: nil)
        }
      case let action?:
        if !closed { delegate?.http2Connection(self, received: action) }
      }
    }
  }

  /// Closes the channel (after writing what is queued).
  public func close() {
    guard let context, !closed else { return }
    flushNow()
    context.close(promise: nil)
  }

  func finish(error: (any Error)?) {
    guard !closed else { return }
    closed = true
    if reportedQueuedBytes != 0 {
      onQueuedBytesChange?(-reportedQueuedBytes)
      reportedQueuedBytes = 0
    }
    delegate?.http2ConnectionClosed(self, error: error)
    delegate = nil
    onQueuedBytesChange = nil
  }

  /// Whether the channel is still open.
  public var isOpen: Bool { !closed }
}
