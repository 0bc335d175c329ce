/// The `kubectl.kubernetes.io/last-applied-configuration` annotation of client-side
/// apply: the configuration applied last, stored on the object so the next apply can
/// tell fields removed from the file from fields set by others (kubectl `pkg/util/apply.go`).
public enum LastAppliedConfiguration {
  /// The annotation's name.
  public static let annotation = "kubectl.kubernetes.io/last-applied-configuration"

  /// The annotation's value for a configuration, byte for byte as kubectl writes it
  /// (`GetModifiedConfiguration`): the object without this annotation, with
  /// `metadata.annotations` present (`{}` when it held nothing else), as compact JSON with
  /// keys sorted (Go's `json.Marshal` of a map) and a trailing newline (`json.Encoder`).
  public static func value(for configuration: JSONValue) -> String {
    configurationWithoutAnnotation(configuration).goJSONString() + "\n"
  }

  /// The configuration with the annotation set to ``value(for:)``: what kubectl creates
  /// and what it passes as `modified` to the three-way merge.
  public static func annotated(_ configuration: JSONValue) -> JSONValue {
    var object = configurationWithoutAnnotation(configuration)
    var annotations = object.value(at: ["metadata", "annotations"])?.objectValue ?? JSONObject()
    annotations[annotation] = .string(value(for: configuration))
    object.setValue(.object(annotations), at: ["metadata", "annotations"])
    return object
  }

  /// The configuration recorded on a live object, nil when it has none (then kubectl
  /// warns and applies as if nothing had been applied before).
  ///
  /// - Throws: ``PatchError`` `.badRequest` ("invalid JSON document") when the annotation is
  ///   not a JSON object, as apimachinery rejects it.
  public static func original(in object: JSONValue) throws(PatchError) -> JSONValue? {
    guard let text = object.value(at: ["metadata", "annotations", annotation])?.stringValue, !text.isEmpty else {
      return nil
    }
    guard let value = try? JSONValue(parsing: text), value.objectValue != nil else { throw .badJSONDoc }
    return value
  }

  static func configurationWithoutAnnotation(_ configuration: JSONValue) -> JSONValue {
    var object = configuration
    var annotations = object.value(at: ["metadata", "annotations"])?.objectValue ?? JSONObject()
    annotations[annotation] = nil
    object.setValue(.object(annotations), at: ["metadata", "annotations"])
    return object
  }
}
