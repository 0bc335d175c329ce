public import SkiffAPI
public import SkiffStore
import Synchronization

/// Records Kubernetes Events (`kubectl get events`, `describe`): one Event per distinct
/// (object, type, reason, message, source), its count and lastTimestamp bumped when the
/// same thing happens again, as client-go's event correlator does.
public final class EventRecorder: Sendable {
  let registry: ObjectRegistry
  let component: String
  let host: String
  private let seen = Mutex<[String: String]>([:])

  public init(registry: ObjectRegistry, component: String, host: String = "") {
    self.registry = registry
    self.component = component
    self.host = host
  }

  /// Records `reason`/`message` about `object`. `type` is Normal or Warning; `fieldPath`
  /// names a container (`spec.containers{app}`).
  public func record<T: APIObject>(_ object: T, type: String = "Normal", reason: String, message: String, fieldPath: String? = nil) {
    let info = T.resourceInfo
    let reference = ObjectReference(
      kind: info.kind, namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid,
      apiVersion: info.apiVersion, resourceVersion: object.metadata.resourceVersion, fieldPath: fieldPath)
    record(reference, type: type, reason: reason, message: message)
  }

  public func record(_ involved: ObjectReference, type: String, reason: String, message: String) {
    let namespace = involved.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    let dedupeKey = [involved.uid ?? "", involved.fieldPath ?? "", type, reason, message].joined(separator: "\u{1}")
    let now = Timestamp.now().wholeSeconds
    if let existing = seen.withLock({ $0[dedupeKey] }) {
      let updated = try? registry.modify(Event.self, namespace: namespace, name: existing) { event in
        event.count = (event.count ?? 1) + 1
        event.lastTimestamp = now
      }
      if updated != nil { return }
    }
    let name = "\(involved.name ?? "object").\(String(UInt64(now.seconds) * 1_000_000_000 + UInt64.random(in: 0..<1_000_000_000), radix: 16))"
    var event = Event(metadata: ObjectMeta(name: name, namespace: namespace), involvedObject: involved)
    event.reason = reason
    event.message = message
    event.type = type
    event.source = EventSource(component: component, host: host.isEmpty ? nil : host)
    event.firstTimestamp = now
    event.lastTimestamp = now
    event.count = 1
    event.reportingComponent = component
    event.reportingInstance = host.isEmpty ? component : host
    if (try? registry.create(event)) != nil {
      seen.withLock { $0[dedupeKey] = name }
    }
  }
}
