import NIOCore

/// One proxied request: a downstream stream, and the upstream stream of its current attempt.
/// Moves headers, data and trailers both ways untouched, consumes downstream bytes only as the
/// upstream takes them (and the reverse), retries while nothing was sent downstream, and
/// answers locally (Envoy's replies) when it cannot forward. Lives on one event loop.
final class ProxyStream {
  enum ResponseState {
    /// Nothing from the upstream yet.
    case waiting
    /// Response headers received but held back: a gRPC status in the trailers may still make
    /// this attempt retriable, so nothing goes downstream until the first DATA or the trailers.
    case held(HeaderBlock, status: Int, grpcStatus: Int?)
    /// Headers went downstream: no more retries.
    case started
    /// The response ended downstream (END_STREAM, trailers, local reply or reset).
    case finished
  }

  /// Why an attempt ended without a usable response.
  enum AttemptFailure {
    case connectFailure(reason: String)
    case reset(HTTP2ErrorCode)
    case connectionTerminated
    case perTryTimeout
    /// A complete response the retry policy says to retry (5xx, retriable gRPC status).
    case retriableResponse(headers: HeaderBlock, trailers: HeaderBlock?, status: Int, grpcStatus: Int?)
  }

  /// The engine keeps its loops for its whole life, so this never dangles (and costs no
  /// reference counting on the hot path).
  unowned(unsafe) let loop: ProxyLoop
  /// Strong: the connection drops its streams when it closes, which breaks the cycle.
  let downstream: DownstreamConnection
  let downstreamID: Int32
  let head: RequestHead
  let isGRPC: Bool
  let started: NIODeadline
  let wallStart: (seconds: Int, milliseconds: Int)

  var route: ForwardRoute?
  /// `route?.cluster`, read on every request without copying the route.
  var cluster: String?
  /// The current attempt's endpoint.
  var endpoint: Endpoint?
  /// Endpoints of the earlier attempts (the array exists only once a request is retried).
  var earlierEndpoints: [Endpoint] = []
  var attempts = 0

  /// Every endpoint tried so far, the current one last (for `RouteDecider.retryEndpoint`).
  var tried: [Endpoint] { earlierEndpoints + (endpoint.map { [$0] } ?? []) }

  // The current attempt.
  var upstream: UpstreamConnection? {
    didSet {
      upstreamCodec = upstream.map { Unmanaged.passUnretained($0.handler.connection) }
      upstreamHandler = upstream.map { Unmanaged.passUnretained($0.handler) }
    }
  }
  /// `upstream`'s codec and handler, and the downstream side's, reached without reference
  /// counting on every event (a retain and a release per call otherwise): `upstream` and
  /// `downstream`, which this stream holds, hold them.
  var upstreamCodec: Unmanaged<HTTP2Connection>?
  var upstreamHandler: Unmanaged<HTTP2ConnectionHandler>?
  let downstreamCodec: Unmanaged<HTTP2Connection>
  let downstreamHandler: Unmanaged<HTTP2ConnectionHandler>
  var upstreamID: Int32 = 0
  var waitingIn: UpstreamPool?
  var attemptStarted: NIODeadline
  var attemptFlushed = 0
  var upstreamServiceTime: Int?

  // The request.
  var body = ReplayBuffer()
  var bodyBytes = 0
  var replayable = true
  var requestEnded = false
  var requestTrailers: HeaderBlock?
  var requestBytes = 0
  var downstreamConsumed = 0

  // The response.
  var response = ResponseState.waiting
  var responseCode = 0
  var grpcStatus: Int?
  var responseBytes = 0
  var flags: ResponseFlags = []
  var details = ""
  var transportFailure: String?
  var lastResetReason: String?

  var routeTimer: Scheduled<Void>?
  var perTryTimer: Scheduled<Void>?
  var retryTimer: Scheduled<Void>?
  /// A fault-injected delay in progress: nothing is forwarded or answered until it ends.
  var delayTimer: Scheduled<Void>?
  var finished = false

  init(loop: ProxyLoop, downstream: DownstreamConnection, streamID: Int32, headers: HeaderBlock) {
    self.loop = loop
    self.downstream = downstream
    self.downstreamCodec = Unmanaged.passUnretained(downstream.handler.connection)
    self.downstreamHandler = Unmanaged.passUnretained(downstream.handler)
    self.downstreamID = streamID
    self.head = RequestHead(headers: headers)
    self.isGRPC = head.isGRPC
    self.started = .now()
    self.attemptStarted = started
    // The wall clock only matters for the access log.
    self.wallStart = loop.engine.accessLog == nil ? (0, 0) : AccessLogEntry.now()
  }

  var ds: HTTP2Connection { downstream.handler.connection }

  /// Calls the downstream codec, then has the downstream connection flush this tick.
  @inline(__always)
  func onDownstream(_ body: (HTTP2Connection) -> Void) {
    downstreamCodec._withUnsafeGuaranteedRef(body)
    downstreamHandler._withUnsafeGuaranteedRef { $0.scheduleFlush() }
  }

  /// Calls the current attempt's upstream codec (if attached), then has it flush this tick.
  @inline(__always)
  func onUpstream(_ body: (HTTP2Connection) -> Void) {
    guard let codec = upstreamCodec, let handler = upstreamHandler else { return }
    codec._withUnsafeGuaranteedRef(body)
    handler._withUnsafeGuaranteedRef { $0.scheduleFlush() }
  }

  // MARK: Downstream events

  func start(endStream: Bool) {
    requestEnded = endStream
    switch loop.engine.decider.decide(head, connection: downstream.info) {
    case .localReply(let reply):
      guard let delay = reply.delay, delay > .zero else { return sendLocalReply(reply) }
      afterInjectedDelay(delay) { [self] in sendLocalReply(reply) }
    case .forward(let route):
      let endpoint = route.endpoint
      let delay = route.delay
      cluster = route.cluster
      self.route = consume route
      // No closure (an allocation) unless a fault delay needs one.
      guard let delay, delay > .zero else { return forward(to: endpoint) }
      afterInjectedDelay(delay) { [self] in forward(to: endpoint) }
    }
  }

  func forward(to endpoint: Endpoint) {
    if requestEnded { startRouteTimer() }
    startAttempt(endpoint)
  }

  /// Runs `next` now, or after a fault-injected delay (the request's body waits meanwhile).
  func afterInjectedDelay(_ delay: Duration, _ next: @escaping () -> Void) {
    flags.insert(.delayInjected)
    delayTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) { [self] in
      delayTimer = nil
      guard !finished, !isResponseDone else { return }
      next()
    }
  }

  func downstreamData(_ data: ByteBuffer, endStream: Bool) {
    requestBytes += data.readableBytes
    if endStream {
      requestEnded = true
      startRouteTimer()
    }
    if upstream != nil {
      onUpstream { [upstreamID] in $0.sendData(streamID: upstreamID, data, endStream: endStream) }
      if replayable {
        body.append(data)
        bodyBytes += data.readableBytes
        dropReplayBufferIfTooLarge()
      }
    } else if route != nil, !isResponseDone {
      body.append(data)
      bodyBytes += data.readableBytes
    } else {
      // Nowhere to go (local reply sent): drop it, and let the client send more.
      consumeDownstream(data.readableBytes)
    }
  }

  func downstreamTrailers(_ trailers: HeaderBlock) {
    requestEnded = true
    requestTrailers = trailers
    startRouteTimer()
    onUpstream { [upstreamID] in $0.sendTrailers(streamID: upstreamID, trailers) }
  }

  /// The client reset the stream, or its connection went away.
  func downstreamReset() {
    guard !finished else { return }
    flags.insert(.downstreamConnectionTermination)
    response = .finished
    abandonAttempt(code: .cancel)
    if let route, let endpoint {
      loop.engine.decider.attemptFinished(
        AttemptOutcome(cluster: route.cluster, endpoint: endpoint, result: .cancelled, duration: attemptStarted.durationSince))
    }
  }

  /// The downstream stream is closed: the request is over, one way or another.
  func downstreamClosed() {
    finish()
  }

  /// Response bytes left for the client: give the upstream that much window back.
  func downstreamDataFlushed(_ count: Int) {
    onUpstream { [upstreamID] in $0.consume(streamID: upstreamID, count: count) }
  }

  // MARK: Attempts

  var isResponseDone: Bool {
    if case .finished = response { return true }
    return false
  }

  func startAttempt(_ endpoint: Endpoint) {
    // `route!` reads in place; `guard let route` would copy the whole route (its strings and
    // set) on every request.
    guard route != nil, !finished else { return }
    attempts += 1
    if let previous = self.endpoint { earlierEndpoints.append(previous) }
    self.endpoint = endpoint
    if attempts > 1 { attemptStarted = .now() }
    loop.pool(cluster: cluster!, endpoint: endpoint).acquire(self)
  }

  /// The pool has a connection with room for this stream.
  func attach(_ connection: UpstreamConnection) -> Bool {
    let h2 = connection.handler.connection
    let headersEnd = requestEnded && body.isEmpty && requestTrailers == nil
    guard let id = h2.submitRequest(head.headers, endStream: headersEnd) else { return false }
    upstream = connection
    upstreamID = id
    attemptFlushed = 0
    connection.streams.insert(self, for: id)
    body.forEach { chunk, isLast in
      h2.sendData(streamID: id, chunk, endStream: requestEnded && requestTrailers == nil && isLast)
    }
    if requestEnded && !headersEnd {
      if let requestTrailers {
        h2.sendTrailers(streamID: id, requestTrailers)
      } else if body.isEmpty {
        h2.sendData(streamID: id, ByteBuffer(), endStream: true)
      }
    }
    dropReplayBufferIfTooLarge()
    connection.handler.scheduleFlush()
    if let perTry = route?.retry.perTryTimeout {
      perTryTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: perTry.timeAmount) { [self] in
        perTryTimer = nil
        guard upstream != nil else { return }
        attemptFailed(.perTryTimeout)
      }
    }
    return true
  }

  func dropReplayBufferIfTooLarge() {
    guard upstream != nil, replayable, bodyBytes > loop.engine.configuration.retryBufferLimit else { return }
    replayable = false
    body.removeAll()
    bodyBytes = 0
  }

  /// Request body bytes left for the upstream: give the client that much window back (once
  /// per byte, however many attempts replay it).
  func upstreamDataFlushed(_ count: Int) {
    attemptFlushed += count
    let credit = min(attemptFlushed, requestBytes) - downstreamConsumed
    if credit > 0 { consumeDownstream(credit) }
  }

  func consumeDownstream(_ count: Int) {
    downstreamConsumed += count
    onDownstream { [downstreamID] in $0.consume(streamID: downstreamID, count: count) }
  }

  func connectFailed(reason: String) {
    waitingIn = nil
    flags.insert(.upstreamConnectionFailure)
    transportFailure = reason
    attemptFailed(.connectFailure(reason: reason))
  }

  func poolOverflow() {
    waitingIn = nil
    sendLocalReply(.overflow)
  }

  // MARK: Upstream events

  func upstreamHeaders(_ headers: HeaderBlock, endStream: Bool) {
    guard case .waiting = response, route != nil else { return }
    // Only the access log shows it: no clock read per request without one.
    if loop.engine.accessLog != nil { upstreamServiceTime = attemptStarted.millisecondsSince }
    let status = headers.integer(":status") ?? 0
    let grpc = headers.integer("grpc-status")
    let canRetry = attempts <= route!.retry.attempts && replayable
    if canRetry {
      if endStream {
        if route!.retry.retriesStatus(status) || (grpc.map(route!.retry.retriesGRPCStatus) ?? false) {
          attemptFailed(.retriableResponse(headers: headers, trailers: nil, status: status, grpcStatus: grpc))
          return
        }
      } else if route!.retry.retriesStatus(status) {
        // A 5xx with a body: retrying drops this response.
        attemptFailed(.retriableResponse(headers: headers, trailers: nil, status: status, grpcStatus: grpc))
        return
      } else if isGRPC && route!.retry.retriesGRPC {
        response = .held(headers, status: status, grpcStatus: grpc)
        return
      }
    }
    commitHeaders(headers, endStream: endStream, status: status, grpcStatus: grpc)
  }

  func upstreamData(_ data: ByteBuffer, endStream: Bool) {
    if case .held(let headers, let status, let grpc) = response {
      commitHeaders(headers, endStream: false, status: status, grpcStatus: grpc)
    }
    guard case .started = response else {
      if let codec = upstreamCodec {
        codec._withUnsafeGuaranteedRef { [upstreamID] in $0.consume(streamID: upstreamID, count: data.readableBytes) }
      }
      return
    }
    responseBytes += data.readableBytes
    onDownstream { [downstreamID] in $0.sendData(streamID: downstreamID, data, endStream: endStream) }
    if endStream { responseEnded() }
  }

  func upstreamTrailers(_ trailers: HeaderBlock) {
    let grpc = trailers.integer("grpc-status")
    if case .held(let headers, let status, let headersGRPC) = response {
      if let grpc, route?.retry.retriesGRPCStatus(grpc) == true {
        attemptFailed(.retriableResponse(headers: headers, trailers: trailers, status: status, grpcStatus: grpc))
        return
      }
      commitHeaders(headers, endStream: false, status: status, grpcStatus: headersGRPC)
    }
    guard case .started = response else { return }
    grpcStatus = grpc ?? grpcStatus
    onDownstream { [downstreamID] in $0.sendTrailers(streamID: downstreamID, trailers) }
    responseEnded()
  }

  func upstreamReset(_ code: HTTP2ErrorCode) {
    lastResetReason = code == .refusedStream ? "remote refused stream reset" : "remote reset"
    attemptFailed(.reset(code))
  }

  /// The upstream stream closed; if the response had not ended, that is a reset.
  func upstreamStreamClosed(_ code: HTTP2ErrorCode) {
    upstream = nil
    perTryTimer?.cancel()
    switch response {
    case .finished:
      return
    default:
      lastResetReason = "remote reset"
      attemptFailed(.reset(code == .noError ? .internalError : code), alreadyDetached: true)
    }
  }

  /// The upstream connection closed with this stream open.
  func upstreamConnectionLost() {
    upstream = nil
    guard !isResponseDone else { return }
    lastResetReason = "connection termination"
    flags.insert(.upstreamConnectionTermination)
    attemptFailed(.connectionTerminated, alreadyDetached: true)
  }

  /// The upstream sent GOAWAY before processing this stream: nothing happened, retry is safe.
  func upstreamRefused() {
    upstream = nil
    lastResetReason = "remote refused stream reset"
    attemptFailed(.reset(.refusedStream), alreadyDetached: true)
  }

  func commitHeaders(_ headers: HeaderBlock, endStream: Bool) {
    commitHeaders(headers, endStream: endStream, status: headers.integer(":status") ?? 0, grpcStatus: headers.integer("grpc-status"))
  }

  /// Sends the response headers downstream; `status` and `grpcStatus` were read from them.
  func commitHeaders(_ headers: HeaderBlock, endStream: Bool, status: Int, grpcStatus grpc: Int?) {
    response = .started
    responseCode = status
    if let grpc { grpcStatus = grpc }
    details = "via_upstream"
    onDownstream { [downstreamID] in $0.submitResponse(streamID: downstreamID, headers: headers, endStream: endStream) }
    if endStream { responseEnded() }
  }

  func responseEnded() {
    response = .finished
    routeTimer?.cancel()
    perTryTimer?.cancel()
    reportOutcome(.response(status: responseCode, grpcStatus: grpcStatus))
  }

  func reportOutcome(_ result: AttemptOutcome.Result) {
    guard route != nil, let endpoint else { return }
    loop.engine.decider.attemptFinished(
      AttemptOutcome(cluster: cluster!, endpoint: endpoint, result: result, duration: attemptStarted.durationSince))
  }

  /// Stops the current attempt: resets its upstream stream, or leaves the pool's queue.
  func abandonAttempt(code: HTTP2ErrorCode) {
    perTryTimer?.cancel()
    perTryTimer = nil
    retryTimer?.cancel()
    retryTimer = nil
    if let pool = waitingIn {
      pool.cancel(self)
      waitingIn = nil
    }
    if let upstream {
      upstream.detach(upstreamID)
      upstream.handler.connection.resetStream(streamID: upstreamID, code: code)
      upstream.handler.scheduleFlush()
      upstream.streamReleased()
      self.upstream = nil
    }
  }

  func attemptFailed(_ failure: AttemptFailure, alreadyDetached: Bool = false) {
    guard !finished, let route else { return }
    if !alreadyDetached { abandonAttempt(code: .cancel) } else {
      perTryTimer?.cancel()
      perTryTimer = nil
    }
    switch failure {
    case .connectFailure: reportOutcome(.connectFailure)
    case .reset(let code): reportOutcome(.reset(code))
    case .connectionTerminated: reportOutcome(.reset(.internalError))
    case .perTryTimeout: reportOutcome(.timeout)
    case .retriableResponse(_, _, let status, let grpc): reportOutcome(.response(status: status, grpcStatus: grpc))
    }

    switch response {
    case .finished:
      return
    case .started:
      // Part of the response already went downstream: all we can do is reset it.
      switch failure {
      case .reset(let code):
        flags.insert(.upstreamRemoteReset)
        resetDownstream(code == .noError ? .internalError : code)
      case .perTryTimeout:
        flags.insert(.upstreamRequestTimeout)
        resetDownstream(.cancel)
      default:
        resetDownstream(.internalError)
      }
    case .waiting, .held:
      retryOrGiveUp(failure, route: route)
    }
  }

  func retryOrGiveUp(_ failure: AttemptFailure, route: ForwardRoute) {
    let policy = route.retry
    let retriable: Bool
    switch failure {
    case .connectFailure: retriable = policy.retriesConnectFailure()
    case .reset(let code): retriable = policy.retriesReset(code)
    case .connectionTerminated, .perTryTimeout: retriable = policy.retriesDisconnect()
    case .retriableResponse: retriable = true
    }
    if retriable && attempts <= policy.attempts && replayable && !finished,
      let next = loop.engine.decider.retryEndpoint(for: head, route: route, tried: tried, connection: downstream.info)
    {
      response = .waiting
      loop.engine.stats.retried(cluster: route.cluster)
      let delay = policy.backoff(retry: attempts)
      if delay == .zero {
        startAttempt(next)
      } else {
        retryTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) { [self] in
          retryTimer = nil
          startAttempt(next)
        }
      }
      return
    }
    if retriable && attempts > policy.attempts && policy.attempts > 0 {
      flags.insert(.upstreamRetryLimitExceeded)
    }
    let retried = attempts > 1
    switch failure {
    case .retriableResponse(let headers, let trailers, _, _):
      // Out of retries: the client gets the upstream's own answer.
      response = .waiting
      commitHeaders(headers, endStream: trailers == nil)
      if let trailers {
        grpcStatus = trailers.integer("grpc-status") ?? grpcStatus
        ds.sendTrailers(streamID: downstreamID, trailers)
        responseEnded()
      }
    case .connectFailure(let reason):
      flags.insert(.upstreamConnectionFailure)
      sendLocalReply(
        .resetBeforeHeaders(
          reason: "connection failure, transport failure reason: " + reason,
          details: "upstream_reset_before_response_started{connection_failure}", retried: retried))
    case .reset(let code):
      flags.insert(.upstreamRemoteReset)
      let reason = lastResetReason ?? "remote reset"
      sendLocalReply(
        .resetBeforeHeaders(
          reason: reason,
          details: "upstream_reset_before_response_started{\(code == .refusedStream ? "remote_refused_stream_reset" : "remote_reset")}",
          retried: retried))
    case .connectionTerminated:
      sendLocalReply(
        .resetBeforeHeaders(
          reason: "connection termination", details: "upstream_reset_before_response_started{connection_termination}",
          retried: retried))
    case .perTryTimeout:
      sendLocalReply(LocalReply.timeout)
    }
  }

  // MARK: Timeouts

  /// Starts the route timeout once the request has ended (Envoy's semantics), honouring a
  /// shorter `grpc-timeout`.
  func startRouteTimer() {
    guard routeTimer == nil, delayTimer == nil, route != nil, !isResponseDone else { return }
    var timeout = route!.timeout
    if let header = head.headers["grpc-timeout"], let grpcTimeout = Self.parseGRPCTimeout(header) {
      timeout = min(timeout ?? grpcTimeout, grpcTimeout)
    }
    guard let timeout else { return }
    routeTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: timeout.timeAmount) { [self] in
      routeTimer = nil
      routeTimedOut()
    }
  }

  func routeTimedOut() {
    guard !finished, !isResponseDone else { return }
    flags.insert(.upstreamRequestTimeout)
    abandonAttempt(code: .cancel)
    reportOutcome(.timeout)
    if case .started = response {
      resetDownstream(.cancel)
    } else {
      sendLocalReply(.timeout)
    }
  }

  /// `grpc-timeout`: 1-8 digits and a unit (H, M, S, m, u, n).
  static func parseGRPCTimeout(_ text: String) -> Duration? {
    guard let unit = text.last, let value = Int64(text.dropLast()), value >= 0, text.count <= 9 else { return nil }
    switch unit {
    case "H": return .seconds(value * 3600)
    case "M": return .seconds(value * 60)
    case "S": return .seconds(value)
    case "m": return .milliseconds(value)
    case "u": return .microseconds(value)
    case "n": return .nanoseconds(value)
    default: return nil
    }
  }

  // MARK: Ending

  func sendLocalReply(_ reply: LocalReply) {
    guard !isResponseDone, !finished else { return }
    if case .started = response {
      resetDownstream(.internalError)
      return
    }
    flags.formUnion(reply.flags)
    details = reply.details
    abandonAttempt(code: .cancel)
    routeTimer?.cancel()
    let (headers, replyBody) = reply.response(grpc: isGRPC, allocator: loop.allocator)
    responseCode = isGRPC ? 200 : reply.status
    if isGRPC { grpcStatus = reply.grpcStatusForCallers }
    response = .finished
    ds.submitResponse(streamID: downstreamID, headers: headers, endStream: replyBody == nil)
    if let replyBody {
      responseBytes += replyBody.readableBytes
      ds.sendData(streamID: downstreamID, replyBody, endStream: true)
    }
    // What the client still sends is dropped; give its window back.
    let unconsumed = requestBytes - downstreamConsumed
    if unconsumed > 0 { consumeDownstream(unconsumed) }
    body.removeAll()
    downstream.handler.scheduleFlush()
  }

  func resetDownstream(_ code: HTTP2ErrorCode) {
    guard !isResponseDone else { return }
    response = .finished
    if details.isEmpty || details == "via_upstream" { details = "upstream_reset_after_response_started{\(code)}" }
    routeTimer?.cancel()
    // Let what the upstream sent before failing go first (a reset drops queued frames).
    downstream.handler.flushNow()
    ds.resetStream(streamID: downstreamID, code: code)
    downstream.handler.scheduleFlush()
  }

  /// Logs and counts the request, and releases what it holds. Called once, when the downstream
  /// stream closes.
  func finish() {
    guard !finished else { return }
    if !isResponseDone { flags.insert(.downstreamConnectionTermination) }
    response = .finished
    abandonAttempt(code: .cancel)
    finished = true
    routeTimer?.cancel()
    routeTimer = nil
    delayTimer?.cancel()
    delayTimer = nil
    body.removeAll()
    let elapsed = (NIODeadline.now() - started).nanoseconds
    let duration = Int(elapsed / 1_000_000)
    loop.engine.stats.requestFinished(
      cluster: cluster, code: responseCode, grpcStatus: grpcStatus, flags: flags, grpc: isGRPC,
      milliseconds: Double(elapsed) / 1e6)
    guard let sink = loop.engine.accessLog else { return }
    let headers = head.headers
    sink.log(
      AccessLogEntry(
        startSeconds: wallStart.seconds, startMilliseconds: wallStart.milliseconds, method: head.method,
        path: headers["x-envoy-original-path"] ?? head.path, protocol: "HTTP/2", responseCode: responseCode,
        flags: flags, responseCodeDetails: details.isEmpty ? (flags.contains(.downstreamConnectionTermination) ? "downstream_remote_disconnect" : "-") : details,
        upstreamTransportFailureReason: transportFailure, bytesReceived: requestBytes, bytesSent: responseBytes,
        durationMilliseconds: duration, upstreamServiceTimeMilliseconds: upstreamServiceTime,
        forwardedFor: headers["x-forwarded-for"], userAgent: headers["user-agent"], requestID: headers["x-request-id"],
        authority: head.authority, upstreamHost: endpoint?.description, upstreamCluster: cluster,
        upstreamLocalAddress: lastUpstreamLocalAddress,
        // Envoy logs the original destination a captured connection was bound for.
        downstreamLocalAddress: (downstream.info.originalDestination ?? downstream.info.localAddress)?.hostPort,
        downstreamRemoteAddress: downstream.info.remoteAddress?.hostPort, routeName: route?.routeName))
  }

  var lastUpstreamLocalAddress: String?
}

extension NIODeadline {
  var millisecondsSince: Int { Int((NIODeadline.now() - self).nanoseconds / 1_000_000) }
  var durationSince: Duration { .nanoseconds((NIODeadline.now() - self).nanoseconds) }
}

extension Duration {
  var timeAmount: TimeAmount {
    let (seconds, attoseconds) = components
    return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }
}

extension SocketAddress {
  /// `127.0.0.1:8080`, as Envoy prints addresses.
  var hostPort: String? {
    guard let ip = ipAddress, let port else { return nil }
    return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
  }
}
