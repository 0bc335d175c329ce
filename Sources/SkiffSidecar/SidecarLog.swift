public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Log lines as Istio's proxy writes them, one per line on stderr, so `skiff logs <pod> -c
/// istio-proxy` reads like `kubectl logs` of an Istio sidecar:
/// `2026-11-25T22:40:00.123456Z	info	config version 4f2a… in force: ...`.
public struct SidecarLogHandler: LogHandler {
  public var logLevel: Logger.Level
  public var metadata: Logger.Metadata = [:]
  let scope: String

  public init(label: String, level: Logger.Level) {
    self.logLevel = level
    self.scope = label
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var line = Self.timestamp() + "\t" + Self.levelName(event.level) + "\t"
    if !scope.isEmpty { line += scope + "\t" }
    line += "\(event.message)"
    let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
    for (key, value) in all.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
    line += "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  }

  static func levelName(_ level: Logger.Level) -> String {
    switch level {
    case .trace, .debug: "debug"
    case .info, .notice: "info"
    case .warning: "warn"
    case .error: "error"
    case .critical: "critical"
    }
  }

  static func timestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    let micros = Int32(now.tv_nsec / 1000)
    return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(micros, 6))Z"
  }
}
