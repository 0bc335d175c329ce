import NIOCore
import NIOHTTP1

/// One proxied HTTP/1.1 request: routed on its own like an HTTP/2 stream (VirtualService
/// matches, weighted subsets, the cluster's balancer), forwarded over an upstream HTTP/1.1
/// keep-alive connection, with Envoy's local replies, retries before anything went
/// downstream, route timeouts, access log and stats. Reading either side pauses while the
/// other cannot take more. Lives on one event loop.
final class HTTP1Exchange {
  unowned(unsafe) let loop: ProxyLoop
  /// Strong: the downstream drops its exchange when the request is done.
  let downstream: HTTP1DownstreamHandler
  let request: HTTPRequestHead
  let head: RequestHead
  let started = NIODeadline.now()
  let wallStart: (seconds: Int, milliseconds: Int)

  var route: ForwardRoute?
  var endpoint: Endpoint?
  var tried: [Endpoint] = []
  var attempts = 0
  var attemptStarted = NIODeadline.now()
  var upstream: HTTP1UpstreamConnection?
  var pool: HTTP1UpstreamPool?

  // The request body: kept for a retry while it is small enough.
  var body: [ByteBuffer] = []
  var bodyBytes = 0
  var replayable = true
  var requestEnded = false
  var requestBytes = 0

  // The response.
  var responseStarted = false
  var responseDone = false
  var responseCode = 0
  var responseBytes = 0
  var upstreamServiceTime: Int?
  var flags: ResponseFlags = []
  var details = ""
  var transportFailure: String?
  var routeTimer: Scheduled<Void>?
  var delayTimer: Scheduled<Void>?
  var retryTimer: Scheduled<Void>?
  var finished = false

  /// An `Upgrade` request (WebSocket): forwarded with its `Upgrade` and `Connection`
  /// headers; a 101 answer turns both connections into a byte tunnel (Istio allows
  /// WebSocket upgrades by default).
  let upgrade: String?

  init(loop: ProxyLoop, downstream: HTTP1DownstreamHandler, request: HTTPRequestHead) {
    self.loop = loop
    let connectionTokens = request.headers["connection"].flatMap { $0.split(separator: ",") }.map {
      $0.trimmingCharacters(in: " \t").lowercased()
    }
    upgrade = connectionTokens.contains("upgrade") ? request.headers.first(name: "upgrade") : nil
    self.downstream = downstream
    self.request = request
    var headers = HeaderBlock(capacity: 256)
    headers.add(name: ":method", value: request.method.rawValue)
    headers.add(name: ":scheme", value: "http")
    headers.add(name: ":authority", value: request.headers.first(name: "host") ?? "")
    headers.add(name: ":path", value: request.uri)
    for (name, value) in request.headers where name.lowercased() != "host" {
      headers.add(name: name.lowercased(), value: value)
    }
    head = RequestHead(headers: headers)
    wallStart = loop.engine.accessLog == nil ? (0, 0) : AccessLogEntry.now()
  }

  var info: DownstreamConnectionInfo { downstream.info }

  // MARK: Downstream events

  func start() {
    switch loop.engine.decider.decide(head, connection: info) {
    case .localReply(let reply):
      guard let delay = reply.delay, delay > .zero else { return sendLocalReply(reply) }
      afterDelay(delay) { [self] in sendLocalReply(reply) }
    case .forward(let route):
      self.route = route
      if let timeout = route.timeout {
        routeTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: timeout.timeAmount) { [self] in
          routeTimer = nil
          timedOut()
        }
      }
      guard let delay = route.delay, delay > .zero else { return startAttempt(route.endpoint) }
      afterDelay(delay) { [self] in startAttempt(route.endpoint) }
    }
  }

  func afterDelay(_ delay: Duration, _ then: @escaping () -> Void) {
    flags.insert(.delayInjected)
    delayTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) { [self] in
      delayTimer = nil
      if !finished { then() }
    }
  }

  func requestBody(_ chunk: ByteBuffer) {
    requestBytes += chunk.readableBytes
    if replayable {
      body.append(chunk)
      bodyBytes += chunk.readableBytes
      if bodyBytes > loop.engine.configuration.retryBufferLimit { replayable = false }
    }
    if let channel = upstream?.channel {
      if !replayable { body.removeAll() }
      channel.write(HTTPClientRequestPart.body(.byteBuffer(chunk)), promise: nil)
      if !channel.isWritable { downstream.setReading(false) }
    } else if !replayable {
      // Nowhere to put it until the upstream connection is there.
      downstream.setReading(false)
    }
  }

  func requestEnd() {
    requestEnded = true
    upstream?.channel?.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
  }

  func flushUpstream() { upstream?.channel?.flush() }

  /// The client closed its connection.
  func downstreamClosed() {
    guard !finished else { return }
    if !responseDone { flags.insert(.downstreamConnectionTermination) }
    if let upstream {
      upstream.reusable = false
      release()
    }
    finish()
  }

  // MARK: Attempts

  func startAttempt(_ endpoint: Endpoint) {
    guard !finished, !responseDone else { return }
    attempts += 1
    self.endpoint = endpoint
    tried.append(endpoint)
    attemptStarted = .now()
    let pool = loop.http1Pool(cluster: route!.cluster, endpoint: endpoint)
    self.pool = pool
    pool.acquire(self)
  }

  func attached(_ connection: HTTP1UpstreamConnection) {
    guard !finished, !responseDone, let channel = connection.channel else {
      connection.pool.release(connection)
      return
    }
    upstream = connection
    var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri, headers: Self.forwarded(request.headers))
    if let upgrade {
      head.headers.add(name: "connection", value: "upgrade")
      head.headers.add(name: "upgrade", value: upgrade)
      connection.reusable = false
    }
    if request.version.minor == 0, !head.headers.contains(name: "host") { head.headers.add(name: "host", value: self.head.authority) }
    channel.write(HTTPClientRequestPart.head(head), promise: nil)
    for chunk in body { channel.write(HTTPClientRequestPart.body(.byteBuffer(chunk)), promise: nil) }
    if !replayable { body.removeAll() }
    if requestEnded { channel.write(HTTPClientRequestPart.end(nil), promise: nil) }
    channel.flush()
    downstream.setReading(channel.isWritable)
  }

  func connectFailed(reason: String) {
    guard !finished, !responseDone else { return }
    flags.insert(.upstreamConnectionFailure)
    transportFailure = reason
    report(.connectFailure)
    retryOrReply(retriable: route!.retry.retriesConnectFailure(), reason: "connection failure, transport failure reason: " + reason,
                 details: "upstream_reset_before_response_started{connection_failure}")
  }

  func upstreamResponse(_ part: HTTPClientResponsePart) {
    guard !finished, !responseDone else { return }
    switch part {
    case .head(let response):
      let code = Int(response.status.code)
      if code == 101, upgrade != nil, let connection = upstream {
        return switchProtocols(response, connection: connection)
      }
      if code >= 100 && code < 200 { return }  // interim (100 Continue): the final one follows
      upstreamServiceTime = attemptStarted.millisecondsSince
      let policy = route!.retry
      if policy.retriesStatus(code) && requestEnded && replayable && attempts <= policy.attempts {
        report(.response(status: code, grpcStatus: nil))
        upstream?.reusable = false
        release()
        retry()
        return
      }
      responseStarted = true
      responseCode = code
      details = "via_upstream"
      report(.response(status: code, grpcStatus: nil))
      downstream.write(.head(HTTPResponseHead(version: request.version, status: response.status, headers: Self.forwarded(response.headers))))
    case .body(let chunk):
      guard responseStarted else { return }
      responseBytes += chunk.readableBytes
      downstream.write(.body(.byteBuffer(chunk)))
      if !downstream.isWritable { upstream?.channel?.setAutoRead(false) }
    case .end:
      guard responseStarted else { return }
      responseDone = true
      routeTimer?.cancel()
      downstream.endResponse(keepAlive: request.isKeepAlive)
      if !requestEnded { upstream?.reusable = false }  // the rest of the request was never read
      release()
      finish()
    }
  }

  /// The upstream accepted the upgrade: the 101 goes downstream, the request is logged, and
  /// both connections become one tunnel.
  func switchProtocols(_ response: HTTPResponseHead, connection: HTTP1UpstreamConnection) {
    upstreamServiceTime = attemptStarted.millisecondsSince
    responseStarted = true
    responseDone = true
    responseCode = 101
    details = "via_upstream"
    routeTimer?.cancel()
    report(.response(status: 101, grpcStatus: nil))
    var headers = Self.forwarded(response.headers)
    headers.add(name: "connection", value: "upgrade")
    if let value = response.headers.first(name: "upgrade") { headers.add(name: "upgrade", value: value) }
    downstream.write(.head(HTTPResponseHead(version: request.version, status: .switchingProtocols, headers: headers)))
    upstream = nil
    let downstream = downstream
    finish()
    downstream.upgrade(to: connection, exchange: self)
  }

  func upstreamClosed() {
    guard !finished, !responseDone else { return }
    upstream = nil
    if responseStarted {
      // The response was cut short: the client's connection cannot be trusted either.
      flags.insert(.upstreamConnectionTermination)
      details = "upstream_reset_after_response_started{connection_termination}"
      responseDone = true
      downstream.closeConnection()
      finish()
      return
    }
    report(.reset(.noError))
    retryOrReply(retriable: route!.retry.retriesDisconnect(), reason: "connection termination",
                 details: "upstream_reset_before_response_started{connection_termination}", terminated: true)
  }

  func retryOrReply(retriable: Bool, reason: String, details: String, terminated: Bool = false) {
    let policy = route!.retry
    if retriable && attempts <= policy.attempts && replayable { return retry() }
    if retriable && attempts > policy.attempts && policy.attempts > 0 { flags.insert(.upstreamRetryLimitExceeded) }
    if terminated { flags.insert(.upstreamConnectionTermination) }
    sendLocalReply(LocalReply.resetBeforeHeaders(reason: reason, details: details, retried: attempts > 1))
  }

  func retry() {
    guard let route, let next = loop.engine.decider.retryEndpoint(for: head, route: route, tried: tried, connection: info) else {
      return sendLocalReply(LocalReply.resetBeforeHeaders(
        reason: "connection failure", details: "upstream_reset_before_response_started{connection_failure}", retried: attempts > 1))
    }
    loop.engine.stats.retried(cluster: route.cluster)
    let delay = route.retry.backoff(retry: attempts)
    guard delay > .zero else { return startAttempt(next) }
    retryTimer = loop.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) { [self] in
      retryTimer = nil
      startAttempt(next)
    }
  }

  func timedOut() {
    guard !finished, !responseDone else { return }
    flags.insert(.upstreamRequestTimeout)
    report(.timeout)
    if let upstream {
      upstream.reusable = false
      release()
    }
    if responseStarted {
      responseDone = true
      downstream.closeConnection()
      finish()
    } else {
      sendLocalReply(.timeout)
    }
  }

  func report(_ result: AttemptOutcome.Result) {
    guard let route, let endpoint else { return }
    loop.engine.decider.attemptFinished(
      AttemptOutcome(cluster: route.cluster, endpoint: endpoint, result: result, duration: attemptStarted.durationSince))
  }

  func release() {
    guard let connection = upstream else { return }
    upstream = nil
    connection.channel?.setAutoRead(true)
    connection.pool.release(connection)
  }

  // MARK: Backpressure

  func upstreamWritabilityChanged(_ writable: Bool) {
    if upstream != nil { downstream.setReading(writable) }
  }

  func downstreamWritabilityChanged(_ writable: Bool) {
    upstream?.channel?.setAutoRead(writable)
  }

  func flushDownstream() { downstream.flush() }

  // MARK: Replies and the end

  func sendLocalReply(_ reply: LocalReply) {
    guard !finished, !responseDone else { return }
    routeTimer?.cancel()
    flags.formUnion(reply.flags)
    details = reply.details
    responseCode = reply.status
    responseDone = true
    let (headers, replyBody) = reply.response(grpc: false, allocator: loop.allocator)
    var http = HTTPHeaders()
    for (name, value) in headers.pairs where !name.hasPrefix(":") { http.add(name: name, value: value) }
    if replyBody == nil { http.add(name: "content-length", value: "0") }
    downstream.write(.head(HTTPResponseHead(version: request.version, status: .init(statusCode: reply.status), headers: http)))
    if let replyBody, request.method != .HEAD {
      responseBytes += replyBody.readableBytes
      downstream.write(.body(.byteBuffer(replyBody)))
    }
    downstream.endResponse(keepAlive: request.isKeepAlive)
    // A request body still on its way is read and dropped.
    downstream.setReading(true)
    finish()
  }

  /// Logs and counts the request once; the downstream then takes the next one.
  func finish() {
    guard !finished else { return }
    finished = true
    routeTimer?.cancel()
    delayTimer?.cancel()
    retryTimer?.cancel()
    body.removeAll()
    let elapsed = (NIODeadline.now() - started).nanoseconds
    loop.engine.stats.requestFinished(
      cluster: route?.cluster, code: responseCode, grpcStatus: nil, flags: flags, grpc: false, milliseconds: Double(elapsed) / 1e6)
    downstream.exchangeFinished(self)
    guard let sink = loop.engine.accessLog else { return }
    let headers = head.headers
    sink.log(
      AccessLogEntry(
        startSeconds: wallStart.seconds, startMilliseconds: wallStart.milliseconds, method: head.method,
        path: headers["x-envoy-original-path"] ?? head.path, protocol: "HTTP/\(request.version.major).\(request.version.minor)",
        responseCode: responseCode, flags: flags,
        responseCodeDetails: details.isEmpty ? (flags.contains(.downstreamConnectionTermination) ? "downstream_remote_disconnect" : "-") : details,
        upstreamTransportFailureReason: transportFailure, bytesReceived: requestBytes, bytesSent: responseBytes,
        durationMilliseconds: Int(elapsed / 1_000_000), upstreamServiceTimeMilliseconds: upstreamServiceTime,
        forwardedFor: headers["x-forwarded-for"], userAgent: headers["user-agent"], requestID: headers["x-request-id"],
        authority: head.authority, upstreamHost: endpoint?.description, upstreamCluster: route?.cluster,
        upstreamLocalAddress: nil,
        downstreamLocalAddress: (info.originalDestination ?? info.localAddress)?.hostPort,
        downstreamRemoteAddress: info.remoteAddress?.hostPort, routeName: route?.routeName))
  }

  /// The headers to pass on: without the hop-by-hop ones (RFC 9110 §7.6.1: `Connection` and
  /// what it names, `Keep-Alive`, `Proxy-Connection`, `Upgrade`, `TE` but `trailers`).
  static func forwarded(_ headers: HTTPHeaders) -> HTTPHeaders {
    var named: Set<String> = ["connection", "keep-alive", "proxy-connection", "upgrade", "te"]
    for value in headers["connection"] {
      for token in value.split(separator: ",") { named.insert(token.trimmingCharacters(in: " \t").lowercased()) }
    }
    var out = HTTPHeaders()
    for (name, value) in headers where !named.contains(name.lowercased()) { out.add(name: name, value: value) }
    return out
  }
}

extension Channel {
  func setAutoRead(_ on: Bool) {
    try? syncOptions?.setOption(.autoRead, value: on)
  }
}

extension Substring {
  func trimmingCharacters(in set: String) -> Substring {
    var s = self
    while let c = s.first, set.contains(c) { s.removeFirst() }
    while let c = s.last, set.contains(c) { s.removeLast() }
    return s
  }
}
