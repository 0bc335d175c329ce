/// A type whose value, when its field is missing from a manifest, is a zero value instead of
/// a decoding error, as Go's encoding/json leaves a missing struct field at its zero value.
/// Validation then reports what is missing with Kubernetes' own words
/// (`spec.containers: Required value`) rather than the decoder stopping at the first gap.
protocol ZeroWhenAbsent: Decodable {
  static var zeroValue: Self { get }
}

extension KeyedDecodingContainer {
  // More specialised than the standard `decode<T: Decodable>`, so synthesized `init(from:)`s
  // in this module pick it for every non-optional field of a `ZeroWhenAbsent` type.
  func decode<T: ZeroWhenAbsent>(_ type: T.Type, forKey key: Key) throws -> T {
    try decodeIfPresent(T.self, forKey: key) ?? T.zeroValue
  }
}

extension Array: ZeroWhenAbsent where Element: Decodable {
  static var zeroValue: [Element] { [] }
}

extension ObjectMeta: ZeroWhenAbsent {
  static var zeroValue: ObjectMeta { ObjectMeta() }
}
