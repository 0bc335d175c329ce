/// A reference to another object (core/v1 `ObjectReference`): an event's subject, an
/// endpoint's pod.
public struct ObjectReference: Codable, Sendable, Equatable {
  public var kind: String?
  public var namespace: String?
  public var name: String?
  public var uid: String?
  public var apiVersion: String?
  public var resourceVersion: String?
  /// A part of the object: `spec.containers{web}`.
  public var fieldPath: String?

  public init(kind: String? = nil, namespace: String? = nil, name: String? = nil, uid: String? = nil,
              apiVersion: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
    self.uid = uid
    self.apiVersion = apiVersion
    self.resourceVersion = resourceVersion
    self.fieldPath = fieldPath
  }
}

extension ObjectReference: ZeroWhenAbsent {
  static var zeroValue: ObjectReference { ObjectReference() }
}
