extension DNSMessage {
  /// The classic UDP limit without EDNS (RFC 1035 §4.2.1).
  static let classicUDPLimit = 512

  /// The wire form, names compressed (RFC 1035 §4.1.4).
  func serialized() -> [UInt8] {
    var writer = DNSMessageWriter()
    writer.write(self)
    return writer.bytes
  }

  /// The wire form cut to fit `limit` bytes, the way RFC 2181 §9 asks: first the
  /// additional records go (no TC needed, they are optional); if the answer still
  /// does not fit, TC is set and only the question (and OPT) are sent, so the
  /// client retries over TCP instead of using a partial RRset. The result never
  /// exceeds `limit` (at least 512).
  func serialized(limit: Int) -> (bytes: [UInt8], truncated: Bool) {
    let full = serialized()
    if full.count <= limit { return (full, false) }
    var trimmed = self
    trimmed.additionals = []
    let withoutAdditionals = trimmed.serialized()
    if withoutAdditionals.count <= limit { return (withoutAdditionals, false) }
    trimmed.answers = []
    trimmed.authorities = []
    trimmed.isTruncated = true
    let questionOnly = trimmed.serialized()
    if questionOnly.count <= limit { return (questionOnly, true) }
    // Only a query with very many questions gets here; the header alone always fits.
    trimmed.questions = []
    return (trimmed.serialized(), true)
  }
}

/// Writes messages, remembering where each name suffix was written so later
/// names can point at it. Matching is byte-exact, so case is kept as written.
struct DNSMessageWriter {
  private(set) var bytes: [UInt8] = []
  private var suffixOffsets: [[UInt8]: Int] = [:]

  /// Pointers have 14 bits of offset.
  private static let maxPointerOffset = 0x3FFF

  mutating func write(_ message: DNSMessage) {
    var flags: UInt16 = 0
    if message.isResponse { flags |= 0x8000 }
    flags |= UInt16(message.opcode.rawValue) << 11
    if message.isAuthoritative { flags |= 0x0400 }
    if message.isTruncated { flags |= 0x0200 }
    if message.recursionDesired { flags |= 0x0100 }
    if message.recursionAvailable { flags |= 0x0080 }
    if message.authenticData { flags |= 0x0020 }
    if message.checkingDisabled { flags |= 0x0010 }
    flags |= message.responseCode.rawValue & 0xF

    writeUInt16(message.id)
    writeUInt16(flags)
    writeUInt16(UInt16(clamping: message.questions.count))
    writeUInt16(UInt16(clamping: message.answers.count))
    writeUInt16(UInt16(clamping: message.authorities.count))
    writeUInt16(UInt16(clamping: message.additionals.count + (message.edns == nil ? 0 : 1)))

    for question in message.questions {
      writeName(question.name)
      writeUInt16(question.type.rawValue)
      writeUInt16(question.recordClass.rawValue)
    }
    for record in message.answers + message.authorities + message.additionals {
      write(record)
    }
    if let edns = message.edns {
      bytes.append(0)  // root owner name
      writeUInt16(DNSRecordType.opt.rawValue)
      writeUInt16(edns.udpPayloadSize)
      var ttl = UInt32(message.responseCode.rawValue >> 4) << 24
      ttl |= UInt32(edns.version) << 16
      if edns.dnssecOK { ttl |= 0x8000 }
      writeUInt32(ttl)
      writeUInt16(UInt16(clamping: edns.options.count))
      bytes.append(contentsOf: edns.options)
    }
  }

  mutating func write(_ record: DNSResourceRecord) {
    writeName(record.name)
    writeUInt16(record.type.rawValue)
    writeUInt16(record.recordClass.rawValue)
    writeUInt32(record.ttl)
    let lengthOffset = bytes.count
    writeUInt16(0)  // RDLENGTH, patched below
    switch record.data {
    case .address(let address):
      bytes.append(contentsOf: address.bytes)
    case .canonicalName(let name), .pointer(let name), .nameServer(let name):
      writeName(name)
    case .service(let location):
      writeUInt16(location.priority)
      writeUInt16(location.weight)
      writeUInt16(location.port)
      // RFC 2782: the target is never compressed (later names may still point into it).
      writeName(location.target, compress: false)
    case .startOfAuthority(let soa):
      writeName(soa.primaryServer)
      writeName(soa.mailbox)
      writeUInt32(soa.serial)
      writeUInt32(soa.refresh)
      writeUInt32(soa.retry)
      writeUInt32(soa.expire)
      writeUInt32(soa.minimumTTL)
    case .text(let strings):
      for string in strings {
        let cut = string.prefix(255)
        bytes.append(UInt8(cut.count))
        bytes.append(contentsOf: cut)
      }
    case .unknown(_, let data):
      bytes.append(contentsOf: data)
    }
    let length = UInt16(clamping: bytes.count - lengthOffset - 2)
    bytes[lengthOffset] = UInt8(length >> 8)
    bytes[lengthOffset + 1] = UInt8(truncatingIfNeeded: length)
  }

  mutating func writeName(_ name: DNSName, compress: Bool = true) {
    let wire = name.wire
    for start in name.labelOffsets {
      let suffix = Array(wire[start...])
      if compress, let target = suffixOffsets[suffix] {
        writeUInt16(0xC000 | UInt16(target))
        return
      }
      if bytes.count <= DNSMessageWriter.maxPointerOffset && suffixOffsets[suffix] == nil {
        suffixOffsets[suffix] = bytes.count
      }
      let length = Int(wire[start])
      bytes.append(contentsOf: wire[start..<(start + 1 + length)])
    }
    bytes.append(0)
  }

  private mutating func writeUInt16(_ value: UInt16) {
    bytes.append(UInt8(value >> 8))
    bytes.append(UInt8(truncatingIfNeeded: value))
  }

  private mutating func writeUInt32(_ value: UInt32) {
    writeUInt16(UInt16(value >> 16))
    writeUInt16(UInt16(truncatingIfNeeded: value))
  }
}
