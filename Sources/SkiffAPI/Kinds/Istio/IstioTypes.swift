// Types shared by DestinationRule and VirtualService (istio/api `networking/v1alpha3`).
// Istio objects are custom resources: the API server stores and returns them as JSON maps,
// so their keys come back sorted. Fields are declared in alphabetical order to match.

/// `exact`, `prefix` or `regex` (RE2, whole-value match).
public struct StringMatch: Codable, Sendable, Equatable {
  public var exact: String?
  public var prefix: String?
  public var regex: String?

  public init(exact: String? = nil, prefix: String? = nil, regex: String? = nil) {
    self.exact = exact
    self.prefix = prefix
    self.regex = regex
  }
}

/// A service port by number.
public struct PortSelector: Codable, Sendable, Equatable {
  public var number: UInt32?

  public init(number: UInt32?) { self.number = number }
}

/// A percentage in [0, 100] with fractions.
public struct Percent: Codable, Sendable, Equatable {
  public var value: Double?

  public init(value: Double?) { self.value = value }
}

/// Where traffic goes: a service host (short names expand with the namespace of the
/// rule), an optional DestinationRule subset and port.
public struct Destination: Codable, Sendable, Equatable {
  public var host: String?
  public var port: PortSelector?
  public var subset: String?

  public init(host: String?, subset: String? = nil, port: UInt32? = nil) {
    self.host = host
    self.subset = subset
    self.port = port.map { PortSelector(number: $0) }
  }
}

/// `workloadSelector` of a DestinationRule.
public struct WorkloadSelector: Codable, Sendable, Equatable {
  public var matchLabels: [String: String]?

  public init(matchLabels: [String: String]? = nil) { self.matchLabels = matchLabels }
}
