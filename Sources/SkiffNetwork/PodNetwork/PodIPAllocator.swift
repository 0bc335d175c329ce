import Synchronization

/// Pod IPs from the pod CIDR (10.244.0.0/16): .0.1 is the node, the rest go to pods. Which
/// addresses are taken is rebuilt from the pods' status at start-up (`reserve`), so the
/// allocation persists with the pods themselves.
public final class PodIPAllocator: Sendable {
  public static let base: UInt32 = 0x0AF4_0000  // 10.244.0.0
  public static let size: UInt32 = 1 << 16

  private struct State {
    var used: Set<UInt32> = []
    var next: UInt32 = 2
  }

  private let state = Mutex(State())

  public init() {}

  /// The next free address (after the last one handed out, so a released address is not
  /// reused at once).
  public func allocate() -> String? {
    state.withLock { state in
      for _ in 0..<(Self.size - 3) {
        let candidate = state.next
        state.next = state.next + 1 >= Self.size - 1 ? 2 : state.next + 1
        if !state.used.contains(candidate) {
          state.used.insert(candidate)
          return Self.format(Self.base + candidate)
        }
      }
      return nil
    }
  }

  /// Marks an address taken (a running pod's, found at start-up).
  public func reserve(_ address: String) {
    guard let value = Self.parse(address), value >= Self.base, value < Self.base + Self.size else { return }
    _ = state.withLock { $0.used.insert(value - Self.base) }
  }

  public func release(_ address: String) {
    guard let value = Self.parse(address), value >= Self.base else { return }
    _ = state.withLock { $0.used.remove(value - Self.base) }
  }

  static func parse(_ text: String) -> UInt32? {
    let parts = text.split(separator: ".")
    guard parts.count == 4 else { return nil }
    var value: UInt32 = 0
    for part in parts {
      guard let byte = UInt8(part) else { return nil }
      value = value << 8 | UInt32(byte)
    }
    return value
  }

  static func format(_ value: UInt32) -> String {
    "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
  }
}
