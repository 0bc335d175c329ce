/// Decodes messages by their schema into the JSON the Kubernetes API server would write for
/// the same Go struct: members in struct order; a field left out when Go's `omitempty` or
/// `omitzero` would leave it out; fields absent from the wire written as Go's zero value
/// (`""`, `0`, `null`, `{}` for a struct) when the tag keeps them, so the result equals the
/// JSON body kubectl would have sent.
struct ProtobufMessageDecoder {
  let bytes: [UInt8]
  /// The JSON path of the field being decoded, for errors.
  private var path: [PathComponent] = []

  private enum PathComponent {
    case field(String)
    case index(Int)
  }

  init(bytes: [UInt8]) { self.bytes = bytes }

  /// The members of `message` read from `bytes[range]`.
  mutating func decode(_ message: ProtobufMessage, range: Range<Int>) throws(KubernetesProtobufError) -> JSONObject {
    var values = [JSONValue?](repeating: .none, count: message.fields.count)
    var lists: [Int: [JSONValue]] = [:]
    var maps: [Int: JSONObject] = [:]
    var reader = ProtobufReader(bytes, range: range)
    while !reader.isAtEnd {
      let tag: ProtobufReader.Tag
      do { tag = try reader.readTag() } catch { throw located(error) }
      guard let position = message.positions[tag.number] else {
        do { try reader.skip(tag) } catch { throw located(error) }
        continue
      }
      let field = message.fields[position]
      path.append(.field(field.name.isEmpty ? "(\(field.number))" : field.name))
      switch field.shape {
      case .single:
        values[position] = try readValue(field.value, tag, &reader)
      case .repeated:
        path.append(.index(lists[position, default: []].count))
        let packable = field.value == .int32 || field.value == .int64 || field.value == .bool || field.value == .double
        if packable && tag.wireType == .lengthDelimited {
          let packed: Range<Int>
          do { packed = try reader.readLengthDelimited() } catch { throw located(error) }
          var inner = ProtobufReader(bytes, range: packed)
          let elementWireType: ProtobufReader.WireType = field.value == .double ? .fixed64 : .varint
          while !inner.isAtEnd {
            let element = ProtobufReader.Tag(number: tag.number, wireType: elementWireType, offset: inner.offset)
            lists[position, default: []].append(try readValue(field.value, element, &inner))
          }
        } else {
          lists[position, default: []].append(try readValue(field.value, tag, &reader))
        }
        path.removeLast()
      case .map:
        let (key, value) = try readMapEntry(field.value, tag, &reader)
        maps[position, default: JSONObject()][key] = value
      }
      path.removeLast()
    }

    var object = JSONObject()
    for (position, field) in message.fields.enumerated() {
      let member: JSONValue?
      switch field.shape {
      case .single:
        if let value = values[position] {
          member = Self.keepsPresent(field, value) ? Optional.some(value) : Optional.none
        } else {
          member = try absentValue(field)
        }
      case .repeated:
        if let list = lists[position] { member = .array(list) } else { member = try absentValue(field) }
      case .map:
        if let map = maps[position] { member = .object(map) } else { member = try absentValue(field) }
      }
      guard let member else { continue }
      if field.options.contains(.inline) {
        for (key, value) in member.objectValue ?? JSONObject() { object[key] = value }
      } else {
        object[field.name] = member
      }
    }
    return object
  }

  // MARK: - Values

  private mutating func readValue(
    _ value: ProtobufField.Value, _ tag: ProtobufReader.Tag, _ reader: inout ProtobufReader
  ) throws(KubernetesProtobufError) -> JSONValue {
    do throws(KubernetesProtobufError) {
      switch value {
      case .int32:
        try expect(.varint, tag)
        return .int(Int64(Int32(truncatingIfNeeded: try reader.readVarint())))
      case .int64:
        try expect(.varint, tag)
        return .int(Int64(bitPattern: try reader.readVarint()))
      case .bool:
        try expect(.varint, tag)
        return .bool(try reader.readVarint() != 0)
      case .double:
        try expect(.fixed64, tag)
        return .double(Double(bitPattern: try reader.readFixed64()))
      case .string:
        try expect(.lengthDelimited, tag)
        return .string(String(decoding: bytes[try reader.readLengthDelimited()], as: UTF8.self))
      case .bytes:
        try expect(.lengthDelimited, tag)
        return .string(Base64.encode(bytes[try reader.readLengthDelimited()]))
      case .message(let name):
        try expect(.lengthDelimited, tag)
        let range = try reader.readLengthDelimited()
        guard let message = ProtobufSchema.messages[name] else {
          throw KubernetesProtobufError(reason: "no protobuf schema for message \(name)")
        }
        return .object(try decode(message, range: range))
      case .intOrString, .quantity, .time, .microTime, .rawJSON:
        try expect(.lengthDelimited, tag)
        return try readWellKnown(value, try reader.readLengthDelimited())
      }
    } catch {
      throw located(error)
    }
  }

  private func expect(_ wireType: ProtobufReader.WireType, _ tag: ProtobufReader.Tag) throws(KubernetesProtobufError) {
    guard tag.wireType == wireType else {
      throw .wire("field \(tag.number) has wire type \(tag.wireType.rawValue), expected \(wireType.rawValue)", at: tag.offset)
    }
  }

  /// A `map<string, V>` entry: {key(1), value(2)}; a missing part is its zero value.
  private mutating func readMapEntry(
    _ value: ProtobufField.Value, _ tag: ProtobufReader.Tag, _ reader: inout ProtobufReader
  ) throws(KubernetesProtobufError) -> (String, JSONValue) {
    let range: Range<Int>
    do {
      try expect(.lengthDelimited, tag)
      range = try reader.readLengthDelimited()
    } catch {
      throw located(error)
    }
    var entry = ProtobufReader(bytes, range: range)
    var key = ""
    var entryValue: JSONValue?
    while !entry.isAtEnd {
      let inner: ProtobufReader.Tag
      do { inner = try entry.readTag() } catch { throw located(error) }
      switch inner.number {
      case 1:
        let keyValue = try readValue(.string, inner, &entry)
        key = keyValue.stringValue ?? ""
      case 2:
        entryValue = try readValue(value, inner, &entry)
      default:
        do { try entry.skip(inner) } catch { throw located(error) }
      }
    }
    if let entryValue { return (key, entryValue) }
    let zero = ProtobufField(2, "", value, .single, [])
    return (key, try absentValue(zero) ?? JSONValue.null)
  }

  /// `IntOrString`, `Quantity`, `Time`, `MicroTime` and raw JSON, which Go writes in JSON
  /// by hand rather than as their protobuf fields.
  private mutating func readWellKnown(_ value: ProtobufField.Value, _ range: Range<Int>) throws(KubernetesProtobufError) -> JSONValue {
    var numbers: [Int: UInt64] = [:]
    var texts: [Int: Range<Int>] = [:]
    var reader = ProtobufReader(bytes, range: range)
    while !reader.isAtEnd {
      let tag = try reader.readTag()
      switch tag.wireType {
      case .varint: numbers[tag.number] = try reader.readVarint()
      case .lengthDelimited: texts[tag.number] = try reader.readLengthDelimited()
      default: try reader.skip(tag)
      }
    }
    func text(_ number: Int) -> String { texts[number].map { String(decoding: bytes[$0], as: UTF8.self) } ?? "" }

    switch value {
    case .intOrString:
      switch numbers[1] ?? 0 {
      case 0: return .int(Int64(Int32(truncatingIfNeeded: numbers[2] ?? 0)))
      case 1: return .string(text(3))
      case let other:
        throw KubernetesProtobufError(reason: "IntOrString type \(other) is neither 0 (int) nor 1 (string)", offset: range.lowerBound)
      }
    case .quantity:
      return .string(texts[1] == nil ? "0" : text(1))
    case .time, .microTime:
      // Go's Time.Unmarshal: no bytes is the zero time (null); Time keeps whole seconds only.
      guard !range.isEmpty else { return .null }
      var seconds = Int64(bitPattern: numbers[1] ?? 0)
      var nanos = Int64(Int32(truncatingIfNeeded: numbers[2] ?? 0))
      if nanos < 0 || nanos >= 1_000_000_000 {
        seconds = seconds &+ nanos / 1_000_000_000 - (nanos < 0 ? 1 : 0)
        nanos = (nanos % 1_000_000_000 + 1_000_000_000) % 1_000_000_000
      }
      // Years 0 to 9999, the range Go's Time.MarshalJSON accepts.
      guard (-62_167_219_200...253_402_300_799).contains(seconds) else {
        throw KubernetesProtobufError(reason: "time \(seconds) seconds is outside the years 0 to 9999", offset: range.lowerBound)
      }
      if value == .time { return .string(Timestamp(seconds: seconds).rfc3339) }
      return .string(Timestamp(seconds: seconds, microseconds: Int32(nanos / 1000)).rfc3339Micro)
    default:
      guard let raw = texts[1] else { return .null }
      do {
        return try JSONValue(parsing: bytes[raw])
      } catch {
        throw KubernetesProtobufError(reason: "embedded JSON does not parse: \(error.message)", offset: raw.lowerBound + error.offset)
      }
    }
  }

  // MARK: - Go's JSON rules

  /// Whether a value read from the wire is written: `omitempty` drops zero scalars, empty
  /// strings and bytes unless the Go field is a pointer; `omitzero` drops the zero Time.
  private static func keepsPresent(_ field: ProtobufField, _ value: JSONValue) -> Bool {
    if field.options.contains(.omitZero) && value.isNull { return false }
    guard field.options.contains(.omitEmpty), !field.options.contains(.pointer) else { return true }
    switch (field.value, value) {
    case (.string, .string(let s)), (.bytes, .string(let s)): return !s.isEmpty
    case (.int32, .int(let i)), (.int64, .int(let i)): return i != 0
    case (.bool, .bool(let b)): return b
    case (.double, .double(let d)): return d != 0
    default: return true
    }
  }

  /// What Go writes for a field the wire did not carry, nil when it leaves the field out.
  private mutating func absentValue(_ field: ProtobufField) throws(KubernetesProtobufError) -> JSONValue? {
    // (`Optional.none` throughout: a bare `nil` here could become `JSONValue.null`.)
    let omitEmpty = field.options.contains(.omitEmpty)
    func unlessOmitEmpty(_ zero: JSONValue) -> JSONValue? { omitEmpty ? Optional.none : Optional.some(zero) }
    if field.options.contains(.omitZero) { return Optional.none }
    if field.shape != .single || field.options.contains(.pointer) { return unlessOmitEmpty(.null) }
    switch field.value {
    case .string: return unlessOmitEmpty(.string(""))
    case .int32, .int64: return unlessOmitEmpty(.int(0))
    case .bool: return unlessOmitEmpty(.bool(false))
    case .double: return unlessOmitEmpty(.double(0))
    case .bytes: return unlessOmitEmpty(.null)
    case .intOrString: return .some(.int(0))
    case .quantity: return .some(.string("0"))
    case .time, .microTime, .rawJSON: return .some(.null)
    case .message(let name):
      // A Go struct is never empty to omitempty: it is written with its own zero fields.
      guard let message = ProtobufSchema.messages[name] else {
        throw KubernetesProtobufError(reason: "no protobuf schema for message \(name)")
      }
      return .some(.object(try decode(message, range: 0..<0)))
    }
  }

  // MARK: - Errors

  /// `error` with the current field path, unless a deeper field already named itself.
  private func located(_ error: KubernetesProtobufError) -> KubernetesProtobufError {
    guard error.fieldPath == nil else { return error }
    var error = error
    var text = ""
    for component in path {
      switch component {
      case .field(let name): text += text.isEmpty ? name : ".\(name)"
      case .index(let i): text += "[\(i)]"
      }
    }
    error.fieldPath = text
    return error
  }
}
