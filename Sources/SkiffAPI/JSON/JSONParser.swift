/// A JSON text that does not parse. `message` is worded as Go's encoding/json words it
/// (`invalid character 'x' looking for beginning of value`), `offset` is the byte offset.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var offset: Int
  public var description: String { message }
}

extension JSONValue {
  /// Parses a complete JSON text (RFC 8259). Trailing non-space content is an error.
  public init(parsing bytes: some Collection<UInt8>) throws(JSONSyntaxError) {
    var parser = JSONParser(Array(bytes))
    self = try parser.parseDocument()
  }

  /// Parses a complete JSON text from a string.
  public init(parsing text: String) throws(JSONSyntaxError) {
    try self.init(parsing: Array(text.utf8))
  }
}

struct JSONParser {
  let bytes: [UInt8]
  var index = 0
  var depth = 0
  static let maxDepth = 512

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
    skipSpace()
    let value = try parseValue()
    skipSpace()
    if index < bytes.count {
      throw error("invalid character \(describe(bytes[index])) after top-level value")
    }
    return value
  }

  func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }

  func describe(_ byte: UInt8) -> String {
    switch byte {
    case UInt8(ascii: "'"): return "'\\''"
    case UInt8(ascii: "\""): return "'\"'"
    case 0x20...0x7e: return "'\(Character(UnicodeScalar(byte)))'"
    default: return "'\\x\(String(byte, radix: 16))'"
    }
  }

  mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0a, 0x0d, 0x09: index += 1
      default: return
      }
    }
  }

  mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard index < bytes.count else { throw error("unexpected end of JSON input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("invalid character \(describe(bytes[index])) looking for beginning of value")
    }
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
    let text = literal.withUTF8Buffer { Array($0) }
    for expected in text {
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      guard bytes[index] == expected else {
        throw error("invalid character \(describe(bytes[index])) in literal \(literal) (expecting '\(Character(UnicodeScalar(expected)))')")
      }
      index += 1
    }
  }

  mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > Self.maxDepth { throw error("exceeded max depth of \(Self.maxDepth)") }
  }

  mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    index += 1
    var object = JSONObject()
    skipSpace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(object)
    }
    while true {
      skipSpace()
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("invalid character \(describe(bytes[index])) looking for beginning of object key string")
      }
      let key = try parseString()
      skipSpace()
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      guard bytes[index] == UInt8(ascii: ":") else {
        throw error("invalid character \(describe(bytes[index])) after object key")
      }
      index += 1
      skipSpace()
      object[key] = try parseValue()
      skipSpace()
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"):
        index += 1
        return .object(object)
      default: throw error("invalid character \(describe(bytes[index])) after object key:value pair")
      }
    }
  }

  mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    index += 1
    var array: [JSONValue] = []
    skipSpace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(array)
    }
    while true {
      skipSpace()
      array.append(try parseValue())
      skipSpace()
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"):
        index += 1
        return .array(array)
      default: throw error("invalid character \(describe(bytes[index])) after array element")
      }
    }
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    index += 1
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let b = bytes[index]
      if b == UInt8(ascii: "\"") {
        let s = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return s
      }
      if b == UInt8(ascii: "\\") || b < 0x20 { break }
      index += 1
    }
    var out = Array(bytes[start..<index])
    while index < bytes.count {
      let b = bytes[index]
      switch b {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw error("unexpected end of JSON input") }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5c)
        case UInt8(ascii: "/"): out.append(0x2f)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try parseHex4()
          if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          {
            index += 2
            let low = try parseHex4()
            if (0xDC00..<0xE000).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              out.append(contentsOf: Array("\u{FFFD}".utf8))
              scalar = low
            }
          }
          let unicode = UnicodeScalar(scalar) ?? "\u{FFFD}"
          out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
          index -= 1
          throw error("invalid character \(describe(e)) in string escape code")
        }
      default:
        if b < 0x20 { throw error("invalid character \(describe(b)) in string literal") }
        out.append(b)
        index += 1
      }
    }
    throw error("unexpected end of JSON input")
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard index < bytes.count else { throw error("unexpected end of JSON input") }
      let b = bytes[index]
      let digit: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
      default: throw error("invalid character \(describe(b)) in \\u hexadecimal character escape")
      }
      value = value * 16 + digit
      index += 1
    }
    return value
  }

  mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
    guard isDigit(index) else {
      if index < bytes.count { throw error("invalid character \(describe(bytes[index])) in numeric literal") }
      throw error("unexpected end of JSON input")
    }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while isDigit(index) { index += 1 }
    }
    var isInteger = true
    if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard isDigit(index) else { throw error("invalid character after decimal point in numeric literal") }
      while isDigit(index) { index += 1 }
    }
    if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
      isInteger = false
      index += 1
      if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
      guard isDigit(index) else { throw error("invalid character in exponent of numeric literal") }
      while isDigit(index) { index += 1 }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isInteger, let i = Int64(text) { return .int(i) }
    guard let d = Double(text) else { throw error("invalid number \(text)") }
    return .double(d)
  }
}
