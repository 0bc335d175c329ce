/// Why a packet is not a well-formed DNS message; the server answers FORMERR
/// (or drops the packet when not even the header is there).
enum DNSParseError: Error, Hashable, Sendable {
  case shortHeader
  /// The packet ends inside a section.
  case truncated
  /// A label type other than a plain label or a pointer (RFC 6891 dropped the rest).
  case unsupportedLabelType
  /// A compression pointer that does not point strictly backwards (a possible loop).
  case badPointer
  case nameTooLong
  /// RDATA that does not match its type's layout or its RDLENGTH.
  case badRecordData(DNSRecordType)
  case misplacedOPT
  case duplicateOPT
}

extension DNSHeader {
  /// Reads the first 12 bytes; `nil` if the packet is shorter.
  init?(parsing bytes: [UInt8]) {
    var reader = DNSMessageReader(bytes)
    guard let header = try? reader.readHeader() else { return nil }
    self = header
  }
}

extension DNSMessage {
  /// Parses a whole message; bytes after the last counted record are ignored.
  init(parsing bytes: [UInt8]) throws(DNSParseError) {
    var reader = DNSMessageReader(bytes)
    let header = try reader.readHeader()
    self.init()
    id = header.id
    isResponse = header.isResponse
    opcode = header.opcode
    isAuthoritative = header.flags & 0x0400 != 0
    isTruncated = header.flags & 0x0200 != 0
    recursionDesired = header.recursionDesired
    recursionAvailable = header.flags & 0x0080 != 0
    authenticData = header.flags & 0x0020 != 0
    checkingDisabled = header.flags & 0x0010 != 0
    var code = header.flags & 0xF

    for _ in 0..<header.questionCount {
      let name = try reader.readName()
      let type = DNSRecordType(rawValue: try reader.readUInt16())
      let recordClass = DNSClass(rawValue: try reader.readUInt16())
      questions.append(DNSQuestion(name: name, type: type, recordClass: recordClass))
    }
    for _ in 0..<header.answerCount {
      guard case .record(let record) = try reader.readRecord() else { throw .misplacedOPT }
      answers.append(record)
    }
    for _ in 0..<header.authorityCount {
      guard case .record(let record) = try reader.readRecord() else { throw .misplacedOPT }
      authorities.append(record)
    }
    for _ in 0..<header.additionalCount {
      switch try reader.readRecord() {
      case .record(let record):
        additionals.append(record)
      case .opt(let opt, let extendedCode):
        guard edns == nil else { throw .duplicateOPT }
        edns = opt
        code |= UInt16(extendedCode) << 4
      }
    }
    responseCode = DNSResponseCode(rawValue: code)
  }
}

/// A cursor over a packet. Every read checks bounds and throws instead of trapping.
struct DNSMessageReader {
  private let bytes: [UInt8]
  private(set) var offset = 0

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  enum Record {
    case record(DNSResourceRecord)
    /// The OPT pseudo-record and the upper 8 bits of the response code it carries.
    case opt(DNSEDNS, UInt8)
  }

  mutating func readHeader() throws(DNSParseError) -> DNSHeader {
    guard bytes.count >= DNSHeader.size else { throw .shortHeader }
    return DNSHeader(
      id: try readUInt16(), flags: try readUInt16(), questionCount: try readUInt16(),
      answerCount: try readUInt16(), authorityCount: try readUInt16(),
      additionalCount: try readUInt16())
  }

  mutating func readUInt8() throws(DNSParseError) -> UInt8 {
    guard offset < bytes.count else { throw .truncated }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func readUInt16() throws(DNSParseError) -> UInt16 {
    guard offset + 2 <= bytes.count else { throw .truncated }
    defer { offset += 2 }
    return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
  }

  mutating func readUInt32() throws(DNSParseError) -> UInt32 {
    let high = try readUInt16()
    return UInt32(high) << 16 | UInt32(try readUInt16())
  }

  mutating func readBytes(_ count: Int) throws(DNSParseError) -> [UInt8] {
    guard count >= 0, offset + count <= bytes.count else { throw .truncated }
    defer { offset += count }
    return Array(bytes[offset..<(offset + count)])
  }

  /// Reads a possibly compressed name (RFC 1035 §4.1.4).
  ///
  /// Each pointer must point before the start of the run of labels it ends,
  /// so the runs' starts strictly decrease and a loop is impossible.
  mutating func readName() throws(DNSParseError) -> DNSName {
    var wire: [UInt8] = []
    var position = offset
    var runStart = offset
    var resumeAt: Int? = nil
    while true {
      guard position < bytes.count else { throw .truncated }
      let length = Int(bytes[position])
      switch length & 0xC0 {
      case 0x00:
        if length == 0 {
          offset = resumeAt ?? position + 1
          return DNSName(trustedWire: wire)
        }
        guard position + 1 + length <= bytes.count else { throw .truncated }
        guard wire.count + 1 + length <= DNSName.maxWireLength else { throw .nameTooLong }
        wire.append(contentsOf: bytes[position..<(position + 1 + length)])
        position += 1 + length
      case 0xC0:
        guard position + 1 < bytes.count else { throw .truncated }
        let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
        guard target < runStart else { throw .badPointer }
        if resumeAt == nil { resumeAt = position + 2 }
        runStart = target
        position = target
      default:
        throw .unsupportedLabelType
      }
    }
  }

  mutating func readRecord() throws(DNSParseError) -> Record {
    let name = try readName()
    let type = DNSRecordType(rawValue: try readUInt16())
    let classOrSize = try readUInt16()
    let ttl = try readUInt32()
    let length = Int(try readUInt16())
    guard offset + length <= bytes.count else { throw .truncated }
    let end = offset + length

    if type == .opt {
      guard name.isRoot else { throw .badRecordData(.opt) }
      let options = try readBytes(length)
      // Options are (code, length, data) triples that must fill RDATA exactly.
      var index = 0
      while index < options.count {
        guard index + 4 <= options.count else { throw .badRecordData(.opt) }
        index += 4 + (Int(options[index + 2]) << 8 | Int(options[index + 3]))
      }
      guard index == options.count else { throw .badRecordData(.opt) }
      let edns = DNSEDNS(
        udpPayloadSize: classOrSize, version: UInt8(truncatingIfNeeded: ttl >> 16),
        dnssecOK: ttl & 0x8000 != 0, options: options)
      return .opt(edns, UInt8(truncatingIfNeeded: ttl >> 24))
    }

    let data: DNSRecordData
    switch type {
    case .a, .aaaa:
      guard length == (type == .a ? 4 : 16), let address = IPAddress(bytes: try readBytes(length))
      else { throw .badRecordData(type) }
      data = .address(address)
    case .cname:
      data = .canonicalName(try readName())
    case .ptr:
      data = .pointer(try readName())
    case .ns:
      data = .nameServer(try readName())
    case .srv:
      data = .service(
        DNSServiceLocation(
          priority: try readUInt16(), weight: try readUInt16(), port: try readUInt16(),
          target: try readName()))
    case .soa:
      data = .startOfAuthority(
        DNSStartOfAuthority(
          primaryServer: try readName(), mailbox: try readName(), serial: try readUInt32(),
          refresh: try readUInt32(), retry: try readUInt32(), expire: try readUInt32(),
          minimumTTL: try readUInt32()))
    case .txt:
      var strings: [[UInt8]] = []
      while offset < end {
        strings.append(try readBytes(Int(try readUInt8())))
      }
      data = .text(strings)
    default:
      data = .unknown(type, try readBytes(length))
    }
    guard offset == end else { throw .badRecordData(type) }
    return .record(
      DNSResourceRecord(name: name, recordClass: DNSClass(rawValue: classOrSize), ttl: ttl, data: data))
  }
}
