/// A reference to another object, or to a part of it: the subject of an event, the pod behind an endpoint.
public struct ObjectReference: Codable, Sendable, Equatable {
  /// The kind of the object, such as "Pod".
  public var kind: String?
  /// The namespace of the object; empty for a cluster-scoped object.
  public var namespace: String?
  /// The name of the object.
  public var name: String?
  /// The UID of the object, which tells it apart from an earlier or later object of the same name.
  public var uid: String?
  /// The API version of the object's kind, such as "v1" or "apps/v1".
  public var apiVersion: String?
  /// The resourceVersion of the object at the time the reference was made, when that version matters.
  public var resourceVersion: String?
  /// A part of the object rather than the whole of it, such as "spec.containers{web}" (the container named
  /// "web" of a pod).
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
