/// The protobuf wire format over one message's bytes: tags, varints, fixed32/64 and
/// length-delimited fields. Offsets are absolute in the request body, so an error can say
/// where the bad byte is; every read checks the message's end, so malformed input throws
/// instead of reading past it or looping.
struct ProtobufReader {
  enum WireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
  }

  struct Tag {
    var number: Int
    var wireType: WireType
    /// Where the tag starts, for errors about the field it introduces.
    var offset: Int
  }

  let bytes: [UInt8]
  private(set) var offset: Int
  let end: Int

  /// Reads `bytes[range]`; `range` must lie inside `bytes`.
  init(_ bytes: [UInt8], range: Range<Int>) {
    self.bytes = bytes
    self.offset = range.lowerBound
    self.end = range.upperBound
  }

  var isAtEnd: Bool { offset >= end }

  /// Deeper unknown groups than this are refused rather than recursed into.
  static let maxGroupDepth = 64

  mutating func readTag() throws(KubernetesProtobufError) -> Tag {
    let start = offset
    let key = try readVarint()
    let number = key >> 3
    guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
      throw .wire("invalid wire type \(key & 7)", at: start)
    }
    guard number >= 1, number <= 536_870_911 else {
      throw .wire("invalid field number \(number)", at: start)
    }
    return Tag(number: Int(number), wireType: wireType, offset: start)
  }

  mutating func readVarint() throws(KubernetesProtobufError) -> UInt64 {
    let start = offset
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard offset < end else { throw .wire("truncated varint", at: start) }
      let byte = bytes[offset]
      offset += 1
      if shift == 63 && byte > 1 { throw .wire("varint overflows 64 bits", at: start) }
      value |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
  }

  mutating func readFixed64() throws(KubernetesProtobufError) -> UInt64 {
    guard end - offset >= 8 else { throw .wire("truncated fixed64 (needs 8 bytes, \(end - offset) left)", at: offset) }
    var value: UInt64 = 0
    for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
    offset += 8
    return value
  }

  mutating func readFixed32() throws(KubernetesProtobufError) -> UInt32 {
    guard end - offset >= 4 else { throw .wire("truncated fixed32 (needs 4 bytes, \(end - offset) left)", at: offset) }
    var value: UInt32 = 0
    for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
    offset += 4
    return value
  }

  /// A length prefix and the payload it covers, as a range of `bytes`.
  mutating func readLengthDelimited() throws(KubernetesProtobufError) -> Range<Int> {
    let start = offset
    let length = try readVarint()
    guard length <= UInt64(end - offset) else {
      throw .wire("length \(length) runs past the end of its message (\(end - offset) bytes left)", at: start)
    }
    let range = offset..<(offset + Int(length))
    offset = range.upperBound
    return range
  }

  /// Skips the value of a field this decoder has no schema for.
  mutating func skip(_ tag: Tag, depth: Int = 0) throws(KubernetesProtobufError) {
    switch tag.wireType {
    case .varint: _ = try readVarint()
    case .fixed64: _ = try readFixed64()
    case .fixed32: _ = try readFixed32()
    case .lengthDelimited: _ = try readLengthDelimited()
    case .startGroup:
      guard depth < Self.maxGroupDepth else { throw .wire("groups nested too deeply", at: tag.offset) }
      while true {
        guard !isAtEnd else { throw .wire("group \(tag.number) is not closed", at: tag.offset) }
        let inner = try readTag()
        if inner.wireType == .endGroup {
          guard inner.number == tag.number else {
            throw .wire("group \(tag.number) closed as group \(inner.number)", at: inner.offset)
          }
          return
        }
        try skip(inner, depth: depth + 1)
      }
    case .endGroup:
      throw .wire("end of group \(tag.number) without a start", at: tag.offset)
    }
  }
}
