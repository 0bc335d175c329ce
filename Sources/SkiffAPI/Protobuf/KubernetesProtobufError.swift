/// A request body in Kubernetes protobuf that cannot be decoded: not the `k8s\0` envelope,
/// a kind Skiff has no protobuf schema for, or malformed wire data. The description says
/// what is wrong, at which byte of the body and in which field
/// (`malformed protobuf: truncated varint at byte 57 in spec.template.spec.containers[0].image`,
/// `no protobuf schema for apps/v1/StatefulSet`).
public struct KubernetesProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, without the position.
  public var reason: String
  /// The byte offset in the body (counting the 4-byte magic), when the error is at a byte.
  public var offset: Int?
  /// The JSON path of the field being read (`metadata.labels[app]`), nil outside any field.
  public var fieldPath: String?

  public init(reason: String, offset: Int? = nil, fieldPath: String? = nil) {
    self.reason = reason
    self.offset = offset
    self.fieldPath = fieldPath
  }

  public var description: String {
    var text = reason
    if let offset { text += " at byte \(offset)" }
    if let fieldPath, !fieldPath.isEmpty { text += " in \(fieldPath)" }
    return text
  }

  /// Malformed wire data at `offset`; the decoder adds the field path.
  static func wire(_ reason: String, at offset: Int) -> KubernetesProtobufError {
    KubernetesProtobufError(reason: "malformed protobuf: \(reason)", offset: offset)
  }
}
