/// Envoy's response flags (`%RESPONSE_FLAGS%`): why a request ended the way it did.
public struct ResponseFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let noHealthyUpstream = ResponseFlags(rawValue: 1 << 0)  // UH
  public static let upstreamRequestTimeout = ResponseFlags(rawValue: 1 << 1)  // UT
  public static let localReset = ResponseFlags(rawValue: 1 << 2)  // LR
  public static let upstreamRemoteReset = ResponseFlags(rawValue: 1 << 3)  // UR
  public static let upstreamConnectionFailure = ResponseFlags(rawValue: 1 << 4)  // UF
  public static let upstreamConnectionTermination = ResponseFlags(rawValue: 1 << 5)  // UC
  public static let upstreamOverflow = ResponseFlags(rawValue: 1 << 6)  // UO
  public static let noRouteFound = ResponseFlags(rawValue: 1 << 7)  // NR
  public static let downstreamConnectionTermination = ResponseFlags(rawValue: 1 << 8)  // DC
  public static let upstreamRetryLimitExceeded = ResponseFlags(rawValue: 1 << 9)  // URX
  public static let downstreamProtocolError = ResponseFlags(rawValue: 1 << 10)  // DPE
  public static let upstreamProtocolError = ResponseFlags(rawValue: 1 << 11)  // UPE
  public static let noClusterFound = ResponseFlags(rawValue: 1 << 12)  // NC
  public static let delayInjected = ResponseFlags(rawValue: 1 << 13)  // DI
  public static let faultInjected = ResponseFlags(rawValue: 1 << 14)  // FI

  /// Short names in Envoy's order (`UF,URX`).
  static let names: [(ResponseFlags, String)] = [
    (.noHealthyUpstream, "UH"), (.upstreamRequestTimeout, "UT"), (.localReset, "LR"),
    (.upstreamRemoteReset, "UR"), (.upstreamConnectionFailure, "UF"),
    (.upstreamConnectionTermination, "UC"), (.upstreamOverflow, "UO"), (.noRouteFound, "NR"),
    (.downstreamConnectionTermination, "DC"), (.upstreamRetryLimitExceeded, "URX"),
    (.downstreamProtocolError, "DPE"), (.upstreamProtocolError, "UPE"), (.noClusterFound, "NC"),
    (.delayInjected, "DI"), (.faultInjected, "FI"),
  ]

  /// `UF,URX`, or `-` when none.
  public var description: String {
    if isEmpty { return "-" }
    return Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
  }
}
