/// An event (core/v1 `Event`): something that happened to an object, as
/// `kubectl get events` and `describe` show it. Its fields sit at the top level.
public struct Event: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"],
    hasStatus: false)

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var involvedObject: ObjectReference
  public var reason: String?
  public var message: String?
  public var source: EventSource?
  public var firstTimestamp: Timestamp?
  public var lastTimestamp: Timestamp?
  public var count: Int32?
  /// `Normal` or `Warning`.
  public var type: String?
  public var eventTime: MicroTime?
  public var series: EventSeries?
  public var action: String?
  public var related: ObjectReference?
  public var reportingComponent: String?
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

public struct EventSource: Codable, Sendable, Equatable {
  public var component: String?
  public var host: String?

  public init(component: String? = nil, host: String? = nil) {
    self.component = component
    self.host = host
  }
}

public struct EventSeries: Codable, Sendable, Equatable {
  public var count: Int32?
  public var lastObservedTime: MicroTime?

  public init(count: Int32? = nil, lastObservedTime: MicroTime? = nil) {
    self.count = count
    self.lastObservedTime = lastObservedTime
  }
}

extension Event {
  public mutating func setDefaults() {}
}
