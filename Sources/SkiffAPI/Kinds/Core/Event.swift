/// A report that something happened to an object, such as a pod being scheduled or a container failing to
/// start; kubectl get events and kubectl describe show them. A repeat of the same event raises its count
/// instead of adding another event. On Skiff, events are kept until they are deleted: they do not expire.
/// ---
/// core/v1 Event: its fields sit at the top level, not under a spec.
public struct Event: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"],
    hasStatus: false)

  /// The version of the API schema the object follows: "v1". The server sets it on every object it returns.
  public var apiVersion: String?
  /// The kind of object: "Event". The server sets it on every object it returns; it cannot be changed.
  public var kind: String?
  /// The event's name, namespace and the fields the server maintains. An event lives in the namespace of the
  /// object it is about ("default" for cluster-scoped objects).
  public var metadata: ObjectMeta
  /// The object the event is about. Required.
  public var involvedObject: ObjectReference
  /// A short CamelCase word for what happened, for programs to match, such as "Scheduled", "Pulled" or
  /// "BackOff".
  public var reason: String?
  /// A human-readable description of what happened.
  public var message: String?
  /// The component that reported the event, and the host it runs on.
  public var source: EventSource?
  /// When the event happened for the first time.
  public var firstTimestamp: Timestamp?
  /// When the event happened most recently.
  public var lastTimestamp: Timestamp?
  /// How many times the event has happened.
  public var count: Int32?
  /// How serious the event is: "Normal" or "Warning".
  public var type: String?
  /// When the event was first observed, with microsecond precision. Events written through the newer events API
  /// set it; when it is set, reportingComponent, reportingInstance, action and reason are required.
  public var eventTime: MicroTime?
  /// The repeats of an event written through the newer events API: how many there were so far, and when the
  /// last one was observed.
  public var series: EventSeries?
  /// What the reporting component did, or failed to do, to the object, such as "Binding" or "Pulling"; at most
  /// 128 characters.
  public var action: String?
  /// A second object the event concerns, if any.
  public var related: ObjectReference?
  /// The name of the component that emitted the event, such as "kubelet". On Skiff, its own events name
  /// "kubelet" (the node agent), "default-scheduler" or "skiff-controller-manager".
  public var reportingComponent: String?
  /// The ID of the instance of that component that emitted the event, such as its host name; at most 128
  /// characters.
  public var reportingInstance: String?

  public init(metadata: ObjectMeta = ObjectMeta(), involvedObject: ObjectReference = ObjectReference(),
              reason: String? = nil, message: String? = nil, type: String? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.involvedObject = involvedObject
    self.reason = reason
    self.message = message
    self.type = type
  }
}

/// The component that reported an event.
public struct EventSource: Codable, Sendable, Equatable {
  /// The name of the component, such as "kubelet" or "default-scheduler".
  public var component: String?
  /// The node the component runs on, when it runs on one.
  public var host: String?

  public init(component: String? = nil, host: String? = nil) {
    self.component = component
    self.host = host
  }
}

/// The repeats of an event that keeps happening, as the newer events API records them.
public struct EventSeries: Codable, Sendable, Equatable {
  /// How many times the event has happened so far.
  public var count: Int32?
  /// When the latest repeat was observed, with microsecond precision.
  public var lastObservedTime: MicroTime?

  public init(count: Int32? = nil, lastObservedTime: MicroTime? = nil) {
    self.count = count
    self.lastObservedTime = lastObservedTime
  }
}

extension Event {
  public mutating func setDefaults() {}
}
