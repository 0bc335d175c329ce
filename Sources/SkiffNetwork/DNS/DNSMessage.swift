/// A DNS message (RFC 1035 §4) with its EDNS(0) OPT pseudo-record (RFC 6891)
/// lifted out of the additional section.
struct DNSMessage: Hashable, Sendable {
  var id: UInt16 = 0
  var isResponse = false
  var opcode: DNSOpcode = .query
  var isAuthoritative = false
  var isTruncated = false
  var recursionDesired = false
  var recursionAvailable = false
  var authenticData = false
  var checkingDisabled = false
  /// The full 12-bit code: the header's 4 bits plus the OPT record's upper 8.
  var responseCode: DNSResponseCode = .noError
  var questions: [DNSQuestion] = []
  var answers: [DNSResourceRecord] = []
  var authorities: [DNSResourceRecord] = []
  /// Additional records other than OPT.
  var additionals: [DNSResourceRecord] = []
  var edns: DNSEDNS? = nil
}

/// The fixed 12-byte header, readable even when the rest of a packet is not.
struct DNSHeader: Hashable, Sendable {
  static let size = 12

  var id: UInt16
  var flags: UInt16
  var questionCount: UInt16
  var answerCount: UInt16
  var authorityCount: UInt16
  var additionalCount: UInt16

  var isResponse: Bool { flags & 0x8000 != 0 }
  var opcode: DNSOpcode { DNSOpcode(rawValue: UInt8((flags >> 11) & 0xF)) }
  var recursionDesired: Bool { flags & 0x0100 != 0 }
}

struct DNSOpcode: RawRepresentable, Hashable, Sendable {
  var rawValue: UInt8
  init(rawValue: UInt8) { self.rawValue = rawValue & 0xF }

  static let query = DNSOpcode(rawValue: 0)
}

/// RCODE values (RFC 1035 §4.1.1, RFC 6891 §9 for BADVERS).
struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  var rawValue: UInt16
  init(rawValue: UInt16) { self.rawValue = rawValue & 0xFFF }

  static let noError = DNSResponseCode(rawValue: 0)
  static let formatError = DNSResponseCode(rawValue: 1)
  static let serverFailure = DNSResponseCode(rawValue: 2)
  static let nameError = DNSResponseCode(rawValue: 3)
  static let notImplemented = DNSResponseCode(rawValue: 4)
  static let refused = DNSResponseCode(rawValue: 5)
  static let badVersion = DNSResponseCode(rawValue: 16)

  /// The name `dig` prints (`NXDOMAIN`), or `RCODE<n>`.
  var description: String {
    switch rawValue {
    case 0: "NOERROR"
    case 1: "FORMERR"
    case 2: "SERVFAIL"
    case 3: "NXDOMAIN"
    case 4: "NOTIMP"
    case 5: "REFUSED"
    case 16: "BADVERS"
    default: "RCODE\(rawValue)"
    }
  }
}

/// RR TYPE / QTYPE values this server knows by name.
struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  var rawValue: UInt16
  init(rawValue: UInt16) { self.rawValue = rawValue }

  static let a = DNSRecordType(rawValue: 1)
  static let ns = DNSRecordType(rawValue: 2)
  static let cname = DNSRecordType(rawValue: 5)
  static let soa = DNSRecordType(rawValue: 6)
  static let ptr = DNSRecordType(rawValue: 12)
  static let mx = DNSRecordType(rawValue: 15)
  static let txt = DNSRecordType(rawValue: 16)
  static let aaaa = DNSRecordType(rawValue: 28)
  static let srv = DNSRecordType(rawValue: 33)
  static let opt = DNSRecordType(rawValue: 41)
  static let ixfr = DNSRecordType(rawValue: 251)
  static let axfr = DNSRecordType(rawValue: 252)
  static let any = DNSRecordType(rawValue: 255)

  /// The mnemonic `dig` prints, or `TYPE<n>` (RFC 3597).
  var description: String {
    switch rawValue {
    case 1: "A"
    case 2: "NS"
    case 5: "CNAME"
    case 6: "SOA"
    case 12: "PTR"
    case 15: "MX"
    case 16: "TXT"
    case 28: "AAAA"
    case 33: "SRV"
    case 41: "OPT"
    case 251: "IXFR"
    case 252: "AXFR"
    case 255: "ANY"
    default: "TYPE\(rawValue)"
    }
  }
}

/// CLASS values; only IN is served.
struct DNSClass: RawRepresentable, Hashable, Sendable {
  var rawValue: UInt16
  init(rawValue: UInt16) { self.rawValue = rawValue }

  static let internet = DNSClass(rawValue: 1)
  static let any = DNSClass(rawValue: 255)
}

struct DNSQuestion: Hashable, Sendable {
  var name: DNSName
  var type: DNSRecordType
  var recordClass: DNSClass = .internet
}

struct DNSResourceRecord: Hashable, Sendable {
  var name: DNSName
  var recordClass: DNSClass = .internet
  var ttl: UInt32
  var data: DNSRecordData

  var type: DNSRecordType { data.type }
}

/// RDATA of the types this server answers with; anything else stays raw.
enum DNSRecordData: Hashable, Sendable {
  /// A for IPv4, AAAA for IPv6.
  case address(IPAddress)
  case canonicalName(DNSName)
  case pointer(DNSName)
  case nameServer(DNSName)
  case service(DNSServiceLocation)
  case startOfAuthority(DNSStartOfAuthority)
  /// TXT: one or more character-strings of up to 255 bytes each.
  case text([[UInt8]])
  case unknown(DNSRecordType, [UInt8])

  var type: DNSRecordType {
    switch self {
    case .address(let address): address.isIPv4 ? .a : .aaaa
    case .canonicalName: .cname
    case .pointer: .ptr
    case .nameServer: .ns
    case .service: .srv
    case .startOfAuthority: .soa
    case .text: .txt
    case .unknown(let type, _): type
    }
  }
}

/// SRV RDATA (RFC 2782).
struct DNSServiceLocation: Hashable, Sendable {
  var priority: UInt16
  var weight: UInt16
  var port: UInt16
  var target: DNSName
}

/// SOA RDATA (RFC 1035 §3.3.13).
struct DNSStartOfAuthority: Hashable, Sendable {
  var primaryServer: DNSName
  var mailbox: DNSName
  var serial: UInt32
  var refresh: UInt32
  var retry: UInt32
  var expire: UInt32
  var minimumTTL: UInt32
}

/// The OPT pseudo-record's fields (RFC 6891 §6.1.3).
struct DNSEDNS: Hashable, Sendable {
  /// The requestor's UDP payload size; values under 512 mean 512.
  var udpPayloadSize: UInt16
  var version: UInt8 = 0
  /// DNSSEC OK.
  var dnssecOK = false
  /// Options, kept as their wire bytes (code, length, data ...).
  var options: [UInt8] = []
}
