/// Kubernetes' `duration.HumanDuration`: the AGE column's `119s`, `3m2s`, `179m`, `5h2m`,
/// `2d3h`, `729d`, `3y12d` (apimachinery `pkg/util/duration`).
public func humanDuration(seconds: Double) -> String {
  if seconds < -1 { return "<invalid>" }
  if seconds < 0 { return "0s" }
  let s = Int(seconds)
  if s < 120 { return "\(s)s" }
  let minutes = s / 60
  if minutes < 10 {
    let rest = s % 60
    return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
  }
  if minutes < 180 { return "\(minutes)m" }
  let hours = s / 3600
  if hours < 8 {
    let rest = minutes % 60
    return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
  }
  if hours < 48 { return "\(hours)h" }
  if hours < 192 {
    let rest = hours % 24
    return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
  }
  if hours < 2 * 365 * 24 { return "\(hours / 24)d" }
  let years = hours / (365 * 24)
  if hours < 8 * 365 * 24 {
    let days = (hours / 24) % 365
    return days == 0 ? "\(years)y" : "\(years)y\(days)d"
  }
  return "\(years)y"
}

/// The age of an object from its `creationTimestamp`, or `<unknown>`.
public func age(of object: JSONValue, now: Timestamp) -> String {
  guard let text = object.value(at: ["metadata", "creationTimestamp"])?.stringValue,
    let created = Timestamp(rfc3339: text)
  else { return "<unknown>" }
  return humanDuration(seconds: created.seconds(until: now))
}
