// Types shared by DestinationRule and VirtualService (istio/api `networking/v1alpha3`).
// Istio objects are custom resources: the API server stores and returns them as JSON maps,
// so their keys come back sorted. Fields are declared in alphabetical order to match.

/// A condition on a string value, such as a URI or a header: set exactly one of exact,
/// prefix or regex.
/// ---
/// `exact`, `prefix` or `regex` (RE2, whole-value match).
public struct StringMatch: Codable, Sendable, Equatable {
  /// Matches a value equal to this string.
  public var exact: String?
  /// Matches a value that starts with this string, which must not be empty.
  public var prefix: String?
  /// Matches a value that this RE2 regular expression matches as a whole, not just in part,
  /// as in "/api/v[0-9]+/.*". At most 1024 characters, and not empty.
  public var regex: String?

  public init(exact: String? = nil, prefix: String? = nil, regex: String? = nil) {
    self.exact = exact
    self.prefix = prefix
    self.regex = regex
  }
}

/// A service port by number.
public struct PortSelector: Codable, Sendable, Equatable {
  /// The port number, 1 to 65535.
  public var number: UInt32?

  public init(number: UInt32?) { self.number = number }
}

/// A percentage from 0 to 100 that may have a fractional part, such as 0.5.
public struct Percent: Codable, Sendable, Equatable {
  /// The percentage, for example 12.5 for one request in eight.
  public var value: Double?

  public init(value: Double?) { self.value = value }
}

/// Where traffic goes: a service host (short names expand with the namespace of the
/// rule), an optional DestinationRule subset and port.
public struct Destination: Codable, Sendable, Equatable {
  /// The service to send traffic to. A short name such as "reviews" means that service in the
  /// namespace of the VirtualService; full names such as "reviews.prod.svc.cluster.local" are
  /// taken as written. Required. On Skiff, only Kubernetes Services can receive traffic:
  /// requests to any other host get 503 responses, and TCP connections are refused.
  public var host: String?
  /// The port of the destination service. Needed only when the service has more than one port.
  public var port: PortSelector?
  /// Name of a subset defined by the DestinationRule for the host; traffic then goes only to
  /// that subset's endpoints. Requests to a subset that no rule defines get 503 responses.
  public var subset: String?

  public init(host: String?, subset: String? = nil, port: UInt32? = nil) {
    self.host = host
    self.subset = subset
    self.port = port.map { PortSelector(number: $0) }
  }
}

/// Selects the pods whose sidecars a DestinationRule applies to, by their labels.
/// ---
/// `workloadSelector` of a DestinationRule.
public struct WorkloadSelector: Codable, Sendable, Equatable {
  /// Labels a pod must all carry for the rule to apply to its sidecar; only pods in the rule's
  /// namespace are selected. Keys must not be empty, and neither keys nor values may hold "*".
  public var matchLabels: [String: String]?

  public init(matchLabels: [String: String]? = nil) { self.matchLabels = matchLabels }
}
