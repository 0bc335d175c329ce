@testable import SkiffNode
import Testing

@Suite("port-forward: SPDY/3.1 frames and header blocks as client-go writes them")
struct SPDYFramingTests {
  /// The two SYN_STREAMs of one kubectl port-forward connection (error, then data stream for
  /// port 8080, request 0), written by moby/spdystream's framer, the one client-go uses:
  /// header blocks compressed by one zlib stream primed with the SPDY/3 dictionary.
  static let clientErrorStream = bytes(
    "800300010000003e0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff")
  static let clientDataStream = bytes("800300010000001800000003000000000000c2aa19540e2512d60b000000ffff")

  static func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      out.append(UInt8(hex[index..<next], radix: 16)!)
      index = next
    }
    return out
  }

  static func adler32(_ data: [UInt8]) -> UInt32 {
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    return b << 16 | a
  }

  func frames(_ bytes: [UInt8]) throws -> [SPDYFrame] {
    var decoder = SPDYFrameDecoder()
    decoder.append(bytes)
    var out: [SPDYFrame] = []
    while let frame = try decoder.next() { out.append(frame) }
    return out
  }

  @Test func dictionaryIsTheOneClientsAskFor() {
    #expect(SPDYDictionary.bytes.count == 1423)
    #expect(Self.adler32(SPDYDictionary.bytes) == SPDYDictionary.adler32)
    // The DICTID in the client's zlib header (after 0x78 0xf9) names the same checksum.
    #expect(Array(Self.clientErrorStream[18..<24]) == [0x78, 0xF9, 0xE3, 0xC6, 0xA7, 0xC2])
  }

  @Test func decodesKubectlsStreamPair() throws {
    let all = try frames(Self.clientErrorStream + Self.clientDataStream)
    try #require(all.count == 2)
    let headers = SPDYHeaderDecoder()
    guard case .synStream(let errorID, 0, 0, false, false, let errorBlock) = all[0],
      case .synStream(let dataID, 0, 0, false, false, let dataBlock) = all[1]
    else {
      Issue.record("not two SYN_STREAMs: \(all)")
      return
    }
    #expect((errorID, dataID) == (1, 3))
    let first = try headers.decode(errorBlock)
    #expect(first.map(\.name) == ["streamtype", "port", "requestid"])
    #expect(first.map(\.value) == ["error", "8080", "0"])
    // The second block refers back to the first through the shared window.
    let second = try headers.decode(dataBlock)
    #expect(second.map(\.value) == ["data", "8080", "0"])
  }

  @Test func framesArriveInAnyPieces() throws {
    let wire = Self.clientErrorStream + SPDYFrame.ping(id: 7).encoded() + Self.clientDataStream
    var decoder = SPDYFrameDecoder()
    var seen: [SPDYFrame] = []
    for byte in wire {
      decoder.append([byte])
      while let frame = try decoder.next() { seen.append(frame) }
    }
    #expect(seen == (try frames(wire)))
    #expect(seen.count == 3)
  }

  @Test func everyFrameTypeRoundTrips() throws {
    let all: [SPDYFrame] = [
      .data(streamID: 3, fin: false, payload: Array("hello".utf8)),
      .data(streamID: 5, fin: true, payload: []),
      .synStream(streamID: 7, associatedTo: 0, priority: 2, fin: true, unidirectional: false, headerBlock: [1, 2, 3]),
      .synReply(streamID: 7, fin: false, headerBlock: [9]),
      .rstStream(streamID: 7, status: SPDYFrame.Status.cancel),
      .settings(clear: false, [.init(flags: 1, id: SPDYFrame.Setting.initialWindowSize, value: 1 << 20)]),
      .ping(id: 0xFFFF_FFFF),
      .goAway(lastGoodStreamID: 9, status: 0),
      .headers(streamID: 9, fin: true, headerBlock: []),
      .windowUpdate(streamID: 0, delta: 65536),
      .unknown(type: 0x42, flags: 0, payload: [0xAA]),
    ]
    #expect(try frames(all.flatMap { $0.encoded() }) == all)
    // The wire shape of a control frame: C bit, version 3, type, flags, 24-bit length.
    #expect(SPDYFrame.ping(id: 1).encoded() == [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1])
  }

  @Test func headerBlocksRoundTripThroughOneStream() throws {
    let encoder = SPDYHeaderEncoder()
    let decoder = SPDYHeaderDecoder()
    for round in 0..<5 {
      let headers = [(name: "streamtype", value: "data"), (name: "port", value: "\(8080 + round)"), (name: "requestid", value: "\(round)")]
      let decoded = try decoder.decode(encoder.encode(headers))
      #expect(decoded.map(\.name) == headers.map(\.name))
      #expect(decoded.map(\.value) == headers.map(\.value))
    }
    #expect(try decoder.decode(encoder.encode([])).isEmpty)
  }

  @Test func malformedFramesAreErrors() {
    func fails(_ bytes: [UInt8], _ words: String) {
      var decoder = SPDYFrameDecoder()
      decoder.append(bytes)
      #expect {
        _ = try decoder.next()
      } throws: { error in
        (error as? SPDYProtocolError)?.description.contains(words) == true
      }
    }
    // SPDY/2.
    fails([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1], "version 2")
    // RST_STREAM with 4 bytes instead of 8.
    fails([0x80, 0x03, 0x00, 0x03, 0, 0, 0, 4, 0, 0, 0, 1], "RST_STREAM")
    // SETTINGS claiming more entries than it holds.
    fails([0x80, 0x03, 0x00, 0x04, 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF], "SETTINGS")
    // SYN_STREAM shorter than its fixed part.
    fails([0x80, 0x03, 0x00, 0x01, 0, 0, 0, 2, 0, 1], "SYN_STREAM")
    // A 16 MiB frame.
    fails([0x00, 0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF], "larger than")
  }

  @Test func incompleteFramesWait() throws {
    var decoder = SPDYFrameDecoder()
    decoder.append(Array(Self.clientErrorStream.dropLast()))
    #expect(try decoder.next() == nil)
    decoder.append([Self.clientErrorStream.last!])
    #expect(try decoder.next() != nil)
  }

  @Test func malformedHeaderBlocksAreErrors() throws {
    // Not zlib at all.
    #expect(throws: SPDYProtocolError.self) { try SPDYHeaderDecoder().decode([0x01, 0x02, 0x03, 0x04]) }
    // zlib with a dictionary that is not SPDY's (DICTID 0x01020304).
    #expect {
      try SPDYHeaderDecoder().decode([0x78, 0xF9, 0x01, 0x02, 0x03, 0x04, 0x02, 0x00])
    } throws: { ($0 as? SPDYProtocolError)?.description.contains("unknown dictionary") == true }
    // A count of 2^32-1 headers in a few bytes, and a name overrunning the block.
    #expect(throws: SPDYProtocolError.self) { try SPDYHeaderDecoder.parse([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) }
    #expect(throws: SPDYProtocolError.self) { try SPDYHeaderDecoder.parse([0, 0, 0, 1, 0, 0, 0, 9, 0x61, 0, 0, 0, 0]) }
    #expect(throws: SPDYProtocolError.self) { try SPDYHeaderDecoder.parse([0, 0]) }
  }
}
