/// Kubernetes' label checks for clients (kubectl validates label values before sending).
public enum LabelValidation {
  /// The messages a label value earns (`IsValidLabelValue`), none for a good value.
  public static func valueErrors(_ value: String) -> [String] { Identifiers.labelValue(value) }

  /// The messages a label key earns (`IsQualifiedName`), none for a good key.
  public static func keyErrors(_ key: String) -> [String] { Identifiers.labelKey(key) }
}
