import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// kubectl's describe `PrefixWriter` over its tabwriter (`tabbedString`): each level
/// indents two spaces, `\t` separates the aligned columns.
struct DescribeWriter {
  private var tabs = TabWriter.describe()
  /// Without the tabwriter: tabs stay tabs (kubectl's `rollout history --revision` prints
  /// its pod template through a bare PrefixWriter).
  private let raw: Bool
  private var rawText = ""
  /// The time ages are measured against (one "now" per command).
  let now: Timestamp

  init(now: Timestamp, raw: Bool = false) {
    self.now = now
    self.raw = raw
  }

  /// `Write(level, text)`.
  mutating func write(_ level: Int, _ text: String) {
    let indented = String(repeating: "  ", count: level) + text
    if raw { rawText += indented } else { tabs.write(indented) }
  }

  /// `WriteLine(text)`: the text and a newline, at no level.
  mutating func line(_ text: String) {
    write(0, text + "\n")
  }

  /// The aligned text.
  mutating func finish() -> String { raw ? rawText : tabs.flush() }

  // MARK: - kubectl's shared describe blocks

  /// `printLabelsMultilineWithIndent`: `Labels:  a=b` then one `key=value` per line,
  /// sorted, or `<none>`.
  mutating func labels(_ title: String, _ labels: [String: String], initialIndent: String = "", innerIndent: String = "\t") {
    write(0, "\(initialIndent)\(title):\(innerIndent)")
    guard !labels.isEmpty else {
      line("<none>")
      return
    }
    for (i, key) in labels.keys.sorted().enumerated() {
      if i != 0 { write(0, initialIndent + innerIndent) }
      write(0, "\(key)=\(labels[key]!)\n")
    }
  }

  /// `printAnnotationsMultiline`: sorted, the last-applied-configuration skipped, long or
  /// multi-line values on their own indented lines (cut at 140 characters).
  mutating func annotations(_ title: String, _ annotations: [String: String]) {
    write(0, "\(title):\t")
    let keys = annotations.keys.filter { $0 != LastAppliedConfiguration.annotation }.sorted()
    guard !keys.isEmpty else {
      line("<none>")
      return
    }
    let maxLength = 140
    for (i, key) in keys.enumerated() {
      if i != 0 { write(0, "\t") }
      var value = annotations[key]!
      if value.hasSuffix("\n") { value.removeLast() }
      if value.utf8.count + key.utf8.count + 2 > maxLength || value.contains("\n") {
        write(0, "\(key):\n")
        for part in value.split(separator: "\n", omittingEmptySubsequences: false) {
          let text = part.utf8.count > maxLength - 2 ? String(decoding: Array(part.utf8.prefix(maxLength - 2)), as: UTF8.self) + "..." : String(part)
          write(0, "\t  \(text)\n")
        }
      } else {
        write(0, "\(key): \(value)\n")
      }
    }
  }

  /// `printTolerationsMultilineWithIndent`.
  mutating func tolerations(_ title: String, _ tolerations: [JSONValue], initialIndent: String = "", innerIndent: String = "\t") {
    write(0, "\(initialIndent)\(title):\(innerIndent)")
    guard !tolerations.isEmpty else {
      line("<none>")
      return
    }
    let sorted = tolerations.enumerated().sorted { a, b in
      let (ka, kb) = (a.element.string("key"), b.element.string("key"))
      return ka == kb ? a.offset < b.offset : ka < kb
    }.map(\.element)
    for (i, toleration) in sorted.enumerated() {
      if i != 0 { write(0, initialIndent + innerIndent) }
      let key = toleration.string("key"), value = toleration.string("value"), effect = toleration.string("effect")
      var text = key
      if !value.isEmpty { text += "=\(value)" }
      if !effect.isEmpty { text += ":\(effect)" }
      if toleration.string("operator") == "Exists" && value.isEmpty {
        text += key.isEmpty && effect.isEmpty ? "op=Exists" : " op=Exists"
      }
      if let seconds = toleration["tolerationSeconds"]?.intValue { text += " for \(seconds)s" }
      write(0, text + "\n")
    }
  }

  /// `DescribeEvents`: `Events:  <none>`, or the `Type Reason Age From Message` table
  /// sorted by last timestamp.
  mutating func events(_ events: [JSONValue]?) {
    guard let events else { return }
    if events.isEmpty {
      write(0, "Events:\t<none>\n")
      return
    }
    let sorted = EventTimes.sortedByLastTimestamp(events)
    write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    write(1, "----\t------\t----\t----\t-------\n")
    for event in sorted {
      let source = event.value(at: ["source", "component"])?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        ?? event.string("reportingComponent")
      write(1, "\(event.string("type"))\t\(event.string("reason"))\t\(EventTimes.interval(event, now: now))\t\(source)\t\(event.string("message").trimmingWhitespace)\n")
    }
  }
}

/// The times of an Event as kubectl reads them (`eventTime`, `series`, `firstTimestamp`,
/// `lastTimestamp`, `count`).
enum EventTimes {
  /// `2m (x3 over 5m)` or the age of the first occurrence.
  static func interval(_ event: JSONValue, now: Timestamp) -> String {
    var first = since(event.string("eventTime"), now: now)
    if event.string("eventTime").isEmpty { first = since(event.string("firstTimestamp"), now: now) }
    if let series = event["series"], series.objectValue != nil {
      let count = series["count"]?.intValue ?? 0
      return "\(since(series.string("lastObservedTime"), now: now)) (x\(count) over \(first))"
    }
    let count = event["count"]?.intValue ?? 0
    if count > 1 {
      return "\(since(event.string("lastTimestamp"), now: now)) (x\(count) over \(first))"
    }
    return first
  }

  /// `translateTimestampSince`: `<unknown>` for an unset time.
  static func since(_ text: String, now: Timestamp) -> String {
    guard !text.isEmpty, let time = Timestamp(rfc3339: text) else { return "<unknown>" }
    return humanDuration(seconds: time.seconds(until: now))
  }

  /// describe's order (`event.SortableEvents`): by lastTimestamp, unset first.
  static func sortedByLastTimestamp(_ events: [JSONValue]) -> [JSONValue] {
    stableSorted(events) { time($0.string("lastTimestamp")) < time($1.string("lastTimestamp")) }
  }

  /// `kubectl events`' order: the series' last observation, else lastTimestamp, else
  /// eventTime.
  static func sortedByEventTime(_ events: [JSONValue]) -> [JSONValue] {
    func key(_ e: JSONValue) -> Timestamp {
      if let series = e["series"], series.objectValue != nil { return time(series.string("lastObservedTime")) }
      let last = e.string("lastTimestamp")
      return last.isEmpty ? time(e.string("eventTime")) : time(last)
    }
    return stableSorted(events) { key($0) < key($1) }
  }

  static func time(_ text: String) -> Timestamp {
    Timestamp(rfc3339: text) ?? Timestamp(seconds: Int64.min / 2)
  }

  static func stableSorted(_ items: [JSONValue], by less: (JSONValue, JSONValue) -> Bool) -> [JSONValue] {
    items.enumerated().sorted { a, b in
      if less(a.element, b.element) { return true }
      if less(b.element, a.element) { return false }
      return a.offset < b.offset
    }.map(\.element)
  }
}

/// Go's time formats for describe, in the local time zone as kubectl prints them.
enum GoTime {
  /// `time.RFC1123Z`: `Mon, 02 Jan 2006 15:04:05 -0700`.
  static func rfc1123Z(_ text: String) -> String {
    guard let time = Timestamp(rfc3339: text) else { return "Mon, 01 Jan 0001 00:00:00 +0000" }
    return format(time.seconds, "%a, %d %b %Y %H:%M:%S %z")
  }

  /// `time.RFC3339` in local time: `2006-01-02T15:04:05Z07:00` (`Z` for UTC).
  static func rfc3339Local(_ seconds: Int64) -> String {
    var t = time_t(seconds)
    var parts = tm()
    localtime_r(&t, &parts)
    let base = format(seconds, "%Y-%m-%dT%H:%M:%S")
    let offset = parts.tm_gmtoff
    if offset == 0 { return base + "Z" }
    let sign = offset < 0 ? "-" : "+"
    let minutes = abs(offset) / 60
    let hh = String(minutes / 60), mm = String(minutes % 60)
    return base + sign + (hh.count < 2 ? "0" + hh : hh) + ":" + (mm.count < 2 ? "0" + mm : mm)
  }

  static func format(_ seconds: Int64, _ pattern: String) -> String {
    var t = time_t(seconds)
    var parts = tm()
    localtime_r(&t, &parts)
    var buffer = [CChar](repeating: 0, count: 128)
    let n = strftime(&buffer, buffer.count, pattern, &parts)
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

extension JSONValue {
  /// The string member `key`, or "" (Go's zero value).
  func string(_ key: String) -> String { self[key]?.stringValue ?? "" }

  /// The integer member `key`, or 0.
  func int(_ key: String) -> Int64 { self[key]?.intValue ?? 0 }

  /// The members of an object of strings (labels, annotations, selectors).
  func stringMap(_ key: String) -> [String: String] {
    var out: [String: String] = [:]
    for (k, v) in self[key]?.objectValue ?? JSONObject() {
      if let s = v.stringValue { out[k] = s }
    }
    return out
  }

  /// The array member `key`, or [].
  func array(_ key: String) -> [JSONValue] { self[key]?.arrayValue ?? [] }
}

extension String {
  var trimmingWhitespace: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s = s.dropLast() }
    return String(s)
  }
}
