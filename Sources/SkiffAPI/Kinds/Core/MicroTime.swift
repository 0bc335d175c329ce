/// A time with microseconds (`metav1.MicroTime`), always written with six fraction digits:
/// `2024-02-07T14:37:14.000000Z`.
public struct MicroTime: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
  public var time: Timestamp

  public init(_ time: Timestamp) { self.time = time }

  public static func now() -> MicroTime { MicroTime(.now()) }

  public init(from decoder: any Decoder) throws { time = try Timestamp(from: decoder) }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(time.rfc3339Micro)
  }

  public var description: String { time.rfc3339Micro }

  public static func < (a: MicroTime, b: MicroTime) -> Bool { a.time < b.time }
}
