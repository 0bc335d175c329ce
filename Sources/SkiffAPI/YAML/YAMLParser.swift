import CYAML

extension YAML {
  /// Parses a YAML stream (a manifest file: documents separated by `---`) into JSON
  /// documents, as `kubectl apply -f` reads one.
  ///
  /// - Scalars resolve by YAML 1.1 rules as go-yaml v2 resolves them: `true`/`yes`/`on`/`y`
  ///   (and their `True`/`TRUE` forms) are booleans, `~`/`null`/empty are null, `010` is 8,
  ///   `0x1F` 31, `1_000` 1000, `1e3` a float; quoted and block scalars are strings; tags
  ///   (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!binary`, `!!timestamp`) are
  ///   checked and honoured, other tags ignored.
  /// - Numbers become what Go's JSON encoder would write: a float with an integral value
  ///   (`1e3`, `5.0`) is an integer; `.inf` and `.nan` are errors, as JSON has no such numbers.
  /// - Anchors, aliases and merge keys (`<<: *defaults`) are expanded; keys that are not
  ///   strings become strings (`1: a` → `"1"`, `on: x` → `"true"`), as sigs.k8s.io/yaml does.
  /// - Documents that are empty or null (a trailing `---`, only comments) are skipped, as
  ///   kubectl skips them.
  /// - Duplicate keys do not fail the parse: each document lists them in ``YAMLDocument/duplicateKeys``.
  ///
  /// - Throws: ``YAMLError`` for text libyaml rejects (`yaml: line 5, column 12: mapping
  ///   values are not allowed in this context`) and for values JSON cannot hold. Lines are
  ///   counted from the start of the stream, not of the document (go-yaml, fed one document
  ///   at a time by kubectl, counts from the document).
  public static func parseStream(_ text: String) throws(YAMLError) -> [YAMLDocument] {
    try parseStream(bytes: Array(text.utf8))
  }

  /// Parses a YAML stream given as bytes (UTF-8, or UTF-16 with a byte order mark).
  public static func parseStream(bytes: [UInt8]) throws(YAMLError) -> [YAMLDocument] {
    let parser = try LibYAMLEventParser(bytes)
    var documents: [YAMLDocument] = []
    while true {
      switch try parser.next() {
      case .streamStart, .documentEnd:
        continue
      case .streamEnd:
        return documents
      case .documentStart(let position):
        if let document = try readDocument(parser, startLine: position.line) {
          documents.append(document)
        }
      default:
        // libyaml only produces nodes between document start and end.
        continue
      }
    }
  }

  /// Reads one document's events up to its end and converts it; nil for an empty document.
  private static func readDocument(_ parser: LibYAMLEventParser, startLine: Int) throws(YAMLError) -> YAMLDocument? {
    var tree = YAMLNodeTreeBuilder()
    loop: while true {
      switch try parser.next() {
      case .scalar(let text, let anchor, let tag, let plain, let position):
        tree.scalar(text, tag: tag, plain: plain, anchor: anchor, at: position)
      case .alias(let name, let position):
        try tree.alias(name, at: position)
      case .sequenceStart(let anchor, let position):
        try tree.startCollection(mapping: false, anchor: anchor, at: position)
      case .mappingStart(let anchor, let position):
        try tree.startCollection(mapping: true, anchor: anchor, at: position)
      case .sequenceEnd, .mappingEnd:
        tree.endCollection()
      case .documentEnd, .streamEnd, .streamStart, .documentStart:
        break loop
      }
    }
    guard let root = tree.root else { return nil }
    var converter = YAMLToJSON(nodes: tree.nodes)
    let value = try converter.convert(root: root)
    if value.isNull { return nil }
    return YAMLDocument(
      value: value, sourceMap: converter.sourceMap, duplicateKeys: converter.duplicateKeys, startLine: startLine)
  }
}

/// A libyaml event, copied out of libyaml's memory so the event can be freed at once.
enum YAMLEvent {
  case streamStart, streamEnd
  case documentStart(SourcePosition)
  case documentEnd
  case alias(String, SourcePosition)
  case scalar(String, anchor: String?, tag: String?, plain: Bool, SourcePosition)
  /// Collection tags are not kept: go-yaml ignores them when it decodes into `interface{}`.
  case sequenceStart(anchor: String?, SourcePosition)
  case sequenceEnd
  case mappingStart(anchor: String?, SourcePosition)
  case mappingEnd
}

/// Owns a libyaml parser and the input it reads. libyaml keeps a pointer to the input, so
/// the bytes live in memory this object allocates and frees; `deinit` releases both on
/// every path, errors included.
final class LibYAMLEventParser {
  private let parser: UnsafeMutablePointer<yaml_parser_t>
  private let input: UnsafeMutableBufferPointer<UInt8>

  init(_ bytes: [UInt8]) throws(YAMLError) {
    parser = .allocate(capacity: 1)
    input = .allocate(capacity: max(bytes.count, 1))
    _ = input.initialize(from: bytes)
    guard yaml_parser_initialize(parser) == 1 else {
      parser.deallocate()
      input.deallocate()
      throw YAMLError(.syntax, "cannot initialize libyaml's parser: out of memory")
    }
    yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
  }

  deinit {
    yaml_parser_delete(parser)
    parser.deallocate()
    input.deallocate()
  }

  func next() throws(YAMLError) -> YAMLEvent {
    var event = yaml_event_t()
    guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
    defer { yaml_event_delete(&event) }
    let position = SourcePosition(event.start_mark)
    switch event.type {
    case YAML_STREAM_START_EVENT: return .streamStart
    case YAML_STREAM_END_EVENT: return .streamEnd
    case YAML_DOCUMENT_START_EVENT: return .documentStart(position)
    case YAML_DOCUMENT_END_EVENT: return .documentEnd
    case YAML_ALIAS_EVENT: return .alias(Self.string(event.data.alias.anchor) ?? "", position)
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text =
        scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
      return .scalar(
        text, anchor: Self.string(scalar.anchor), tag: Self.string(scalar.tag), plain: scalar.plain_implicit != 0,
        position)
    case YAML_SEQUENCE_START_EVENT:
      return .sequenceStart(anchor: Self.string(event.data.sequence_start.anchor), position)
    case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      return .mappingStart(anchor: Self.string(event.data.mapping_start.anchor), position)
    case YAML_MAPPING_END_EVENT: return .mappingEnd
    default: return .streamEnd  // YAML_NO_EVENT: libyaml sends it only after the stream ended.
    }
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  /// The parser's error as go-yaml words it (libyaml's problem text), with the position of
  /// the problem; 1-based, where go-yaml reports parser (not scanner) errors a line early.
  private func error() -> YAMLError {
    let p = parser.pointee
    let problem = p.problem.map { String(cString: $0) } ?? "unknown problem parsing YAML content"
    let context = p.context.map { String(cString: $0) }
    switch p.error {
    case YAML_MEMORY_ERROR:
      return YAMLError(.syntax, "out of memory")
    case YAML_READER_ERROR:
      // The reader reports a byte offset (bad UTF-8, control characters), not a mark.
      var problemText = problem
      if p.problem_value != -1 {
        let hex = String(p.problem_value, radix: 16, uppercase: true)
        problemText += " #" + (hex.count < 2 ? "0" + hex : hex)
      }
      return YAMLError(.syntax, problemText, at: position(ofOffset: p.problem_offset))
    default:
      return YAMLError(
        .syntax, problem, at: SourcePosition(p.problem_mark), context: context,
        contextPosition: context == nil ? nil : SourcePosition(p.context_mark))
    }
  }

  /// Line and column of a byte offset in the input, counting columns in Unicode scalars
  /// as libyaml's marks do.
  private func position(ofOffset offset: Int) -> SourcePosition {
    var line = 1
    var column = 1
    for byte in input.prefix(min(offset, input.count)) {
      if byte == 0x0a {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return SourcePosition(line: line, column: column)
  }
}

extension SourcePosition {
  /// libyaml's 0-based mark as a 1-based position.
  init(_ mark: yaml_mark_t) {
    self.init(line: mark.line + 1, column: mark.column + 1)
  }
}
