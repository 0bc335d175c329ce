#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// One finished request (or TCP connection), with what Envoy's access log prints about it.
public struct AccessLogEntry: Sendable {
  /// Wall-clock start, as seconds and milliseconds since the epoch.
  public var startSeconds: Int
  public var startMilliseconds: Int
  public var method: String?
  public var path: String?
  /// `HTTP/2`, or nil for TCP.
  public var `protocol`: String?
  public var responseCode: Int
  public var flags: ResponseFlags
  public var responseCodeDetails: String
  public var upstreamTransportFailureReason: String?
  public var bytesReceived: Int
  public var bytesSent: Int
  public var durationMilliseconds: Int
  public var upstreamServiceTimeMilliseconds: Int?
  public var forwardedFor: String?
  public var userAgent: String?
  public var requestID: String?
  public var authority: String?
  public var upstreamHost: String?
  public var upstreamCluster: String?
  public var upstreamLocalAddress: String?
  public var downstreamLocalAddress: String?
  public var downstreamRemoteAddress: String?
  public var routeName: String?

  /// The line in Envoy's default format (istio-facts §6), without the newline:
  /// `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
  /// %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
  /// "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
  /// %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
  /// "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW%
  /// %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
  /// %REQUESTED_SERVER_NAME% %ROUTE_NAME%`. Missing values print `-`.
  public var line: String {
    func v(_ s: String?) -> String { s.flatMap { $0.isEmpty ? nil : $0 } ?? "-" }
    var out = "["
    out += AccessLogEntry.formatTime(seconds: startSeconds, milliseconds: startMilliseconds)
    out += "] \"\(v(method)) \(v(path)) \(v(`protocol`))\" \(responseCode) \(flags) \(v(responseCodeDetails)) - "
    out += "\"\(v(upstreamTransportFailureReason))\" \(bytesReceived) \(bytesSent) \(durationMilliseconds) "
    out += "\(upstreamServiceTimeMilliseconds.map(String.init) ?? "-") \"\(v(forwardedFor))\" \"\(v(userAgent))\" "
    out += "\"\(v(requestID))\" \"\(v(authority))\" \"\(v(upstreamHost))\" \(v(upstreamCluster)) "
    out += "\(v(upstreamLocalAddress)) \(v(downstreamLocalAddress)) \(v(downstreamRemoteAddress)) - \(v(routeName))"
    return out
  }

  /// `2024-02-07T14:37:14.123Z` (Envoy's default `%START_TIME%`).
  static func formatTime(seconds: Int, milliseconds: Int) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func pad(_ n: Int32, _ width: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
  }

  /// The wall clock now, for `startSeconds` / `startMilliseconds`.
  static func now() -> (seconds: Int, milliseconds: Int) {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return (Int(spec.tv_sec), Int(spec.tv_nsec / 1_000_000))
  }
}

/// Where access-log entries go.
public protocol AccessLogSink: Sendable {
  func log(_ entry: AccessLogEntry)
}

/// Writes each entry's line to a file descriptor (stdout by default), one `write` per line so
/// lines from several event loops never interleave.
public final class FileAccessLog: AccessLogSink {
  let fd: Int32
  public init(fileDescriptor: Int32 = 1) { fd = fileDescriptor }
  public func log(_ entry: AccessLogEntry) {
    var line = entry.line
    line += "\n"
    line.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n <= 0 { return }
        offset += n
      }
    }
  }
}

/// Keeps entries in memory (tests).
public final class MemoryAccessLog: AccessLogSink {
  private let stored = Mutex<[AccessLogEntry]>([])
  public init() {}
  public func log(_ entry: AccessLogEntry) { stored.withLock { $0.append(entry) } }
  public var entries: [AccessLogEntry] { stored.withLock { $0 } }
}
