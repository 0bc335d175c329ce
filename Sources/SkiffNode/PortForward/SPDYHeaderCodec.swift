import CZlib

/// SPDY/3 name/value header blocks (§2.6.10): a 32-bit count, then 32-bit-length-prefixed
/// names and values, the whole compressed by one zlib stream per direction that lives as long
/// as the connection (each block ends with a sync flush), primed with `SPDYDictionary`.
///
/// Not thread-safe: one decoder for the frames read, one encoder for the frames written, each
/// used in frame order by one owner.
final class SPDYHeaderDecoder {
  private let stream: ZlibStream
  /// Decompressed blocks larger than this are refused (a zlib bomb costs nothing to send).
  static let maxBlockBytes = 256 * 1024

  init() {
    stream = ZlibStream(deflating: false)
  }

  /// The headers of one block; names are lowercase by the spec, a value with several parts
  /// (NUL-separated) keeps them all.
  func decode(_ block: [UInt8]) throws(SPDYProtocolError) -> [(name: String, value: String)] {
    try Self.parse(try inflate(block))
  }

  func inflate(_ block: [UInt8]) throws(SPDYProtocolError) -> [UInt8] {
    var offset = 0
    var output: [UInt8] = []
    while true {
      let (status, consumed, produced) = stream.step(block, from: offset)
      offset += consumed
      output += produced
      if output.count > Self.maxBlockBytes {
        throw SPDYProtocolError(description: "header block inflates to more than \(Self.maxBlockBytes) bytes")
      }
      switch status {
      case Int32(SKIFF_Z_NEED_DICT):
        let wanted = stream.wantedDictionary
        guard wanted == SPDYDictionary.adler32 else {
          throw SPDYProtocolError(description: "header block wants an unknown dictionary (Adler-32 \(hex(wanted)))")
        }
        let set = stream.setDictionary(SPDYDictionary.bytes)
        guard set == Int32(SKIFF_Z_OK) else { throw SPDYProtocolError(description: "zlib refused the SPDY dictionary (\(set))") }
      case Int32(SKIFF_Z_OK):
        // Done when all input is in and the output had room to spare.
        if offset == block.count && produced.count < ZlibStream.chunk { return output }
      case Int32(SKIFF_Z_BUF_ERROR):
        // No progress possible: everything given has been inflated and flushed.
        guard offset == block.count else { throw SPDYProtocolError(description: "header block is truncated") }
        return output
      default:
        throw SPDYProtocolError(description: "header block does not inflate (zlib \(status))")
      }
    }
  }

  static func parse(_ bytes: [UInt8]) throws(SPDYProtocolError) -> [(name: String, value: String)] {
    guard bytes.count >= 4 else { throw SPDYProtocolError(description: "header block of \(bytes.count) bytes has no count") }
    let count = Int(bytes.read32(at: 0))
    var offset = 4
    func string(_ what: String) throws(SPDYProtocolError) -> String {
      guard bytes.count - offset >= 4 else { throw SPDYProtocolError(description: "header block ends inside a \(what) length") }
      let n = Int(bytes.read32(at: offset))
      offset += 4
      guard n <= bytes.count - offset else { throw SPDYProtocolError(description: "header \(what) of \(n) bytes overruns the block") }
      let text = String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
      offset += n
      return text
    }
    // Each pair takes at least 8 bytes, which bounds a hostile count.
    guard count <= (bytes.count - 4) / 8 else {
      throw SPDYProtocolError(description: "header block claims \(count) headers in \(bytes.count) bytes")
    }
    var headers: [(name: String, value: String)] = []
    for _ in 0..<count {
      let name = try string("name")
      let value = try string("value")
      guard !name.isEmpty else { throw SPDYProtocolError(description: "header block has an empty name") }
      headers.append((name, value))
    }
    return headers
  }
}

/// Compresses header blocks for the frames this side writes (with the SPDY dictionary, as
/// the spec asks; Go's reader accepts that and plain zlib alike).
final class SPDYHeaderEncoder {
  private let stream: ZlibStream

  init() {
    stream = ZlibStream(deflating: true)
    _ = stream.setDictionary(SPDYDictionary.bytes)
  }

  func encode(_ headers: [(name: String, value: String)]) -> [UInt8] {
    deflate(Self.serialize(headers))
  }

  static func serialize(_ headers: [(name: String, value: String)]) -> [UInt8] {
    var out: [UInt8] = []
    out.append32(UInt32(headers.count))
    for (name, value) in headers {
      let n = Array(name.lowercased().utf8), v = Array(value.utf8)
      out.append32(UInt32(n.count))
      out += n
      out.append32(UInt32(v.count))
      out += v
    }
    return out
  }

  func deflate(_ plain: [UInt8]) -> [UInt8] {
    var offset = 0
    var output: [UInt8] = []
    while true {
      let (_, consumed, produced) = stream.step(plain, from: offset)
      offset += consumed
      output += produced
      // A full output chunk may mean more is pending.
      if offset == plain.count && produced.count < ZlibStream.chunk { return output }
    }
  }
}

/// One zlib stream (the C side owns it; see Sources/CZlib/shim.h).
final class ZlibStream {
  static let chunk = 4096
  let deflating: Bool
  private let handle: UnsafeMutableRawPointer

  init(deflating: Bool) {
    self.deflating = deflating
    // Only out of memory makes this nil.
    handle = (deflating ? skiff_zlib_deflater(Int32(SKIFF_Z_DEFAULT_COMPRESSION)) : skiff_zlib_inflater())!
  }

  deinit {
    if deflating { skiff_zlib_deflater_free(handle) } else { skiff_zlib_inflater_free(handle) }
  }

  /// Feeds `input[from...]`; zlib's status, how many bytes it took, and what it produced.
  func step(_ input: [UInt8], from offset: Int) -> (status: Int32, consumed: Int, produced: [UInt8]) {
    var output = [UInt8](repeating: 0, count: Self.chunk)
    var consumed: UInt32 = 0, produced: UInt32 = 0
    let status = input.withUnsafeBufferPointer { all in
      output.withUnsafeMutableBufferPointer { out in
        skiff_zlib_step(
          handle, deflating ? 1 : 0, all.baseAddress.map { $0 + offset }, UInt32(all.count - offset), out.baseAddress,
          UInt32(out.count), &consumed, &produced)
      }
    }
    return (status, Int(consumed), Array(output[0..<Int(produced)]))
  }

  var wantedDictionary: UInt32 { UInt32(truncatingIfNeeded: skiff_zlib_wanted_dictionary(handle)) }

  func setDictionary(_ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBufferPointer { skiff_zlib_set_dictionary(handle, deflating ? 1 : 0, $0.baseAddress, UInt32($0.count)) }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
