public import SkiffAPI

/// What a write is doing, as admission plugins see it.
public enum AdmissionOperation: String, Sendable {
  case create = "CREATE"
  case update = "UPDATE"
}

/// A mutating and validating admission step (sidecar injection, ClusterIP allocation),
/// run after defaulting and before validation, as Kubernetes runs admission webhooks.
public protocol AdmissionPlugin: Sendable {
  /// Changes `object` (or leaves it), or throws a `Status` to refuse the write.
  func admit(
    _ object: inout any APIObject, operation: AdmissionOperation, old: (any APIObject)?,
    registry: ObjectRegistry
  ) throws(Status)
}
