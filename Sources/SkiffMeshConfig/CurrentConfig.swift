import Synchronization

/// The proxy's current configuration: a value swapped atomically as good snapshots arrive,
/// read without blocking the writer for longer than a copy. `generation` counts swaps.
public final class CurrentConfig<Value: Sendable>: Sendable {
  private let state: Mutex<(value: Value, generation: UInt64)>

  public init(_ initial: Value) {
    state = Mutex((initial, 0))
  }

  /// The value now in force.
  public var value: Value { state.withLock { $0.value } }

  /// How many times the value was replaced.
  public var generation: UInt64 { state.withLock { $0.generation } }

  /// Replaces the value; returns the one it replaced.
  @discardableResult
  public func swap(_ new: Value) -> Value {
    state.withLock { state in
      let old = state.value
      state = (new, state.generation + 1)
      return old
    }
  }
}
