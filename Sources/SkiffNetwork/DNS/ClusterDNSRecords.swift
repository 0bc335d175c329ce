import Synchronization

/// The snapshot the DNS server currently answers from, swapped as a whole.
///
/// The lock guards only a reference swap: a query copies the snapshot (a few
/// retains) and resolves without holding it, and a replacement is built
/// before the lock is taken.
public final class ClusterDNSRecords: Sendable {
  private let current: Mutex<ClusterDNSSnapshot>

  /// Starts with `snapshot` (by default an empty zone: every service is NXDOMAIN).
  public init(_ snapshot: ClusterDNSSnapshot = ClusterDNSSnapshot()) {
    current = Mutex(snapshot)
  }

  /// The snapshot queries are answered from right now.
  public var snapshot: ClusterDNSSnapshot {
    current.withLock { $0 }
  }

  /// Makes `snapshot` the one every following query sees.
  public func replace(with snapshot: ClusterDNSSnapshot) {
    let previous = current.withLock { current in
      let previous = current
      current = snapshot
      return previous
    }
    // The old dictionaries are freed here, after the lock is released.
    _ = previous
  }
}
