public import SkiffMeshConfig

/// Where a proxy stands with its config, as `istioctl proxy-status` shows it.
public enum SyncState: String, Sendable, Hashable {
  /// The last snapshot sent was ACKed.
  case synced = "SYNCED"
  /// A snapshot was sent and is not answered yet.
  case stale = "STALE"
  /// Nothing was sent yet.
  case notSent = "NOT SENT"
  /// The last snapshot sent was NACKed.
  case error = "ERROR"
}

/// The control plane's record of one proxy's config stream.
public struct ProxySyncStatus: Sendable, Equatable {
  public var proxy: ProxyIdentity
  public var socketPath: String
  /// Open config streams from this proxy (normally 0 or 1).
  public var streams: Int
  /// The version compiled for the proxy (what it should have).
  public var desiredVersion: String?
  public var sentVersion: String?
  public var sentNonce: String?
  public var sentAt: ContinuousClock.Instant?
  /// The last version the proxy ACKed.
  public var ackedVersion: String?
  public var ackedNonce: String?
  public var ackedAt: ContinuousClock.Instant?
  /// The last NACK: the version refused and the proxy's reason. Cleared by the next ACK.
  public var nackedVersion: String?
  public var nackError: String?

  public init(proxy: ProxyIdentity, socketPath: String) {
    self.proxy = proxy
    self.socketPath = socketPath
    streams = 0
  }

  /// SYNCED when the last response sent was ACKed, ERROR when it was NACKed, STALE when
  /// it is unanswered, NOT SENT when nothing was sent.
  public var state: SyncState {
    guard let sentNonce else { return .notSent }
    if ackedNonce == sentNonce { return .synced }
    if nackError != nil && nackedNonce == sentNonce { return .error }
    return .stale
  }

  /// The nonce of the refused response.
  public var nackedNonce: String?
}

extension Sequence where Element == ProxySyncStatus {
  /// `istioctl proxy-status` (≤ 1.26 layout): one snapshot carries every xDS type, so CDS,
  /// LDS, EDS and RDS share one state; ECDS is never sent.
  public func proxyStatusTable(controlPlane: String = "skiff", version: String = "skiff") -> String {
    let header = ["NAME", "CLUSTER", "CDS", "LDS", "EDS", "RDS", "ECDS", "ISTIOD", "VERSION"]
    let rows = sorted { $0.proxy < $1.proxy }.map { status -> [String] in
      let state = status.state.rawValue
      return [status.proxy.id, "Kubernetes", state, state, state, state, SyncState.notSent.rawValue, controlPlane, version]
    }
    let table = [header] + rows
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    return table.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 3)
      }.joined()
    }.joined(separator: "\n") + "\n"
  }
}
