/// Skiff's YAML codec, built on libyaml the way Kubernetes builds on go-yaml through
/// sigs.k8s.io/yaml: a YAML stream becomes one `JSONValue` per document (scalars resolved
/// by YAML 1.1 rules, as go-yaml v2 resolves them) and `JSONValue`s print as
/// `kubectl get -o yaml` prints objects.
///
/// - Parsing: ``parseStream(_:)`` and ``parseStream(bytes:)`` (in `YAMLParser.swift`).
/// - Printing: ``emit(_:)`` and ``emitStream(_:)`` (in `YAMLEmitter.swift`).
public enum YAML {}

/// One non-empty document of a YAML stream, converted to JSON.
public struct YAMLDocument: Sendable, Equatable {
  /// The document as JSON: objects keep the order of the YAML mapping's keys.
  public var value: JSONValue
  /// Where each JSON path of `value` was written in the YAML text.
  public var sourceMap: SourceMap
  /// Keys written twice in one mapping, in the order they were found. The value is the
  /// last one written (as go-yaml's non-strict decoding keeps it); a strict consumer
  /// (`kubectl apply`'s field validation) rejects the document when this is not empty.
  public var duplicateKeys: [YAMLDuplicateKey]
  /// The 1-based line where the document starts: its `---` marker, or its first node when
  /// the marker is implicit.
  public var startLine: Int

  public init(value: JSONValue, sourceMap: SourceMap, duplicateKeys: [YAMLDuplicateKey] = [], startLine: Int) {
    self.value = value
    self.sourceMap = sourceMap
    self.duplicateKeys = duplicateKeys
    self.startLine = startLine
  }
}

/// A key that a mapping holds more than once:
/// `line 9: mapping key "replicas" already defined at line 7`.
public struct YAMLDuplicateKey: Sendable, Hashable, CustomStringConvertible {
  /// The member's JSON path (`spec.replicas`), in `fieldPath(_:)` notation.
  public var path: String
  /// The key as a JSON object key (`replicas`; `1` for `1:`).
  public var key: String
  /// Where the repeated key is written.
  public var position: SourcePosition
  /// Where the key is first written in the same mapping.
  public var firstPosition: SourcePosition

  public init(path: String, key: String, position: SourcePosition, firstPosition: SourcePosition) {
    self.path = path
    self.key = key
    self.position = position
    self.firstPosition = firstPosition
  }

  /// go-yaml v3's wording (the one kubectl's strict decoding shows), with the line of the repeat.
  public var description: String {
    "line \(position.line): mapping key \(goQuoted(key)) already defined at line \(firstPosition.line)"
  }
}

/// A YAML text that cannot become JSON documents, or a value that cannot be printed.
///
/// `description` reads like go-yaml's errors, with the column added:
/// `yaml: line 5, column 12: mapping values are not allowed in this context`.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure this is.
  public enum Code: String, Sendable {
    /// libyaml rejected the text (reader, scanner or parser error).
    case syntax
    /// An alias names an anchor not defined before it in the same document
    /// (`unknown anchor 'x' referenced`), or one whose node contains the alias
    /// (`anchor 'x' value contains itself`).
    case anchor
    /// The document nests deeper than 512 levels, or its aliases expand to far more nodes
    /// than it holds (`document contains excessive aliasing`, go-yaml's guard against
    /// "billion laughs").
    case limit
    /// A value JSON cannot hold: `.inf`/`.nan` (`json: unsupported value: +Inf`), a null or
    /// collection used as a mapping key, a merge (`<<`) of something that is not a mapping.
    case unsupportedValue
    /// An explicit tag the scalar does not fit: ``cannot decode !!str `abc` as a !!int``.
    case tagMismatch
    /// libyaml's emitter failed.
    case emitter
  }

  public var code: Code
  /// The problem without its location: libyaml's text for syntax errors
  /// (`mapping values are not allowed in this context`), go-yaml's or Go's JSON encoder's for
  /// the others.
  public var problem: String
  /// Where the problem is, when it has a place in the text.
  public var position: SourcePosition?
  /// libyaml's context for syntax errors (`while parsing a block mapping`) and where that
  /// context started; useful for an unclosed bracket or quote.
  public var context: String?
  public var contextPosition: SourcePosition?

  public init(
    _ code: Code, _ problem: String, at position: SourcePosition? = nil, context: String? = nil,
    contextPosition: SourcePosition? = nil
  ) {
    self.code = code
    self.problem = problem
    self.position = position
    self.context = context
    self.contextPosition = contextPosition
  }

  public var description: String {
    guard let position else { return "yaml: \(problem)" }
    return "yaml: line \(position.line), column \(position.column): \(problem)"
  }
}

/// A string as Go's `%q` prints it, for messages worded as Go programs word them.
public func goQuoted(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7f {
        let hex = String(scalar.value, radix: 16)
        out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out + "\""
}
