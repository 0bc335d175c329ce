import CYAML

extension YAML {
  /// Prints a value as `kubectl get -o yaml` prints an object: block style, 2-space
  /// indent, sequence items at their key's indent (`containers:\n- name: x`), long plain
  /// strings folded at 80 columns, through libyaml's emitter as go-yaml v2 prints through
  /// its port of it. Keys keep the `JSONValue`'s order (kubectl sorts them; sort the object
  /// first for that).
  ///
  /// Strings are quoted only when they must be, so the text reads back as the same value:
  /// a string that would resolve to something else (`"true"`, `"8080"`, `""`, `"null"`,
  /// `"2024-01-01"`, `"1:20"`) is double-quoted; one with characters YAML gives meaning to
  /// (`'*'`, `'a: b'`) single-quoted by libyaml; one with line breaks a literal block (`|`).
  /// Numbers print as go-yaml prints Go's: integers in decimal, other floats in Go's shortest
  /// `%g` form (`0.5`, `1e-07`, `1.2345675e+06`); infinities and NaN as `.inf`/`.nan`.
  ///
  /// The text ends with a line break.
  public static func emit(_ value: JSONValue) throws(YAMLError) -> String {
    try emitStream([value])
  }

  /// Prints documents one after another, each after the first introduced by `---`; an
  /// empty list prints as an empty string.
  public static func emitStream(_ documents: [JSONValue]) throws(YAMLError) -> String {
    guard !documents.isEmpty else { return "" }
    let emitter = try LibYAMLEmitter()
    try emitter.emit { yaml_stream_start_event_initialize(&$0, YAML_UTF8_ENCODING) }
    for (index, document) in documents.enumerated() {
      let implicit: Int32 = index == 0 ? 1 : 0
      try emitter.emit { yaml_document_start_event_initialize(&$0, nil, nil, nil, implicit) }
      try emitter.node(document)
      try emitter.emit { yaml_document_end_event_initialize(&$0, 1) }
    }
    try emitter.emit { yaml_stream_end_event_initialize(&$0) }
    return emitter.text
  }
}

/// Owns a libyaml emitter that writes into a Swift buffer. `deinit` deletes the emitter
/// on every path; libyaml frees each event it is given, on success and on failure.
final class LibYAMLEmitter {
  /// Where the emitter's write handler appends; passed to C as an unretained pointer,
  /// valid because the emitter that holds it is this object's and dies with it.
  private final class Output {
    var bytes: [UInt8] = []
  }

  private let emitter: UnsafeMutablePointer<yaml_emitter_t>
  private let output = Output()

  init() throws(YAMLError) {
    emitter = .allocate(capacity: 1)
    guard yaml_emitter_initialize(emitter) == 1 else {
      emitter.deallocate()
      throw YAMLError(.emitter, "cannot initialize libyaml's emitter: out of memory")
    }
    yaml_emitter_set_unicode(emitter, 1)
    yaml_emitter_set_indent(emitter, 2)
    // go-yaml v2 keeps libyaml's default width (80), so kubectl folds long plain strings.
    yaml_emitter_set_output(
      emitter,
      { data, buffer, size in
        guard let data, let buffer else { return 0 }
        let output = Unmanaged<Output>.fromOpaque(data).takeUnretainedValue()
        output.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
        return 1
      },
      Unmanaged.passUnretained(output).toOpaque())
  }

  deinit {
    yaml_emitter_delete(emitter)
    emitter.deallocate()
  }

  var text: String { String(decoding: output.bytes, as: UTF8.self) }

  /// Builds an event with `initialize` and hands it to the emitter.
  func emit(_ initialize: (inout yaml_event_t) -> Int32) throws(YAMLError) {
    var event = yaml_event_t()
    guard initialize(&event) == 1 else {
      throw YAMLError(.emitter, "cannot create a YAML event: out of memory")
    }
    guard yaml_emitter_emit(emitter, &event) == 1 else {
      let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown problem emitting YAML"
      throw YAMLError(.emitter, problem)
    }
  }

  func node(_ value: JSONValue) throws(YAMLError) {
    switch value {
    case .null: try scalar("null", style: YAML_PLAIN_SCALAR_STYLE)
    case .bool(let b): try scalar(b ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE)
    case .int(let i): try scalar(String(i), style: YAML_PLAIN_SCALAR_STYLE)
    case .double(let d): try scalar(Self.number(d), style: YAML_PLAIN_SCALAR_STYLE)
    case .string(let s): try scalar(s, style: Self.style(of: s))
    case .array(let items):
      try emit { yaml_sequence_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE) }
      for item in items { try node(item) }
      try emit { yaml_sequence_end_event_initialize(&$0) }
    case .object(let object):
      try emit { yaml_mapping_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) }
      for (key, member) in object {
        try scalar(key, style: Self.style(of: key))
        try node(member)
      }
      try emit { yaml_mapping_end_event_initialize(&$0) }
    }
  }

  private func scalar(_ text: String, style: yaml_scalar_style_t) throws(YAMLError) {
    // A NUL-terminated copy: libyaml wants a non-null pointer even for "".
    let bytes = Array(text.utf8) + [0]
    try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) in
      try emit {
        yaml_scalar_event_initialize(&$0, nil, nil, buffer.baseAddress, Int32(buffer.count - 1), 1, 1, style)
      }
    }
  }

  /// go-yaml v2's choice (`encode.go`, `stringv`): a literal block for text with line breaks,
  /// double quotes for text that would read back as another type (or as a YAML 1.1 base-60
  /// number), plain otherwise; libyaml falls back to single quotes (or double, for a block
  /// it cannot write) when the text cannot be plain.
  static func style(of s: String) -> yaml_scalar_style_t {
    if s.contains("\n") { return YAML_LITERAL_SCALAR_STYLE }
    // A plain `<<` key would read back as a merge key; go-yaml prints it plain, which loses it.
    if s == "<<" { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
    let (kind, _) = ScalarResolver.implicit(s)
    if kind != .str || ScalarResolver.isBase60Float(s) { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
    return YAML_PLAIN_SCALAR_STYLE
  }

  /// A JSON number as kubectl prints it: Go's JSON encoder writes the number, go-yaml reads
  /// it back (an integral value as an integer) and prints it.
  static func number(_ d: Double) -> String {
    if d.isFinite && d.rounded() == d {
      if let i = Int64(exactly: d) { return String(i) }
      if let u = UInt64(exactly: d) { return String(u) }
    }
    return goFormatFloat(d)
  }
}
