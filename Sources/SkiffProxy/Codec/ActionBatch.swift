/// The `HTTP2Connection.Action`s recorded by one call (`receive`, `flush`), in order. The owner
/// takes them out one by one (moved, not copied: no reference counting per payload) and gives
/// the emptied batch back (`HTTP2Connection.recycle`), so its storage serves the next call.
struct ActionBatch {
  private var items: [HTTP2Connection.Action?] = []

  var isEmpty: Bool { items.isEmpty }
  var count: Int { items.count }

  mutating func append(_ action: consuming HTTP2Connection.Action) { items.append(.some(action)) }

  var last: HTTP2Connection.Action? { items.last ?? nil }

  mutating func replaceLast(with action: HTTP2Connection.Action) { items[items.count - 1] = action }

  /// The action at `index`, moved out (nil once taken).
  mutating func take(_ index: Int) -> HTTP2Connection.Action? { items[index].take() }

  /// The action at `index`, moved out, unless it is a `.write` or a `.close` (or taken).
  mutating func takeEvent(_ index: Int) -> HTTP2Connection.Action? {
    switch items[index] {
    case nil, .write?, .close?: return nil
    default: return items[index].take()
    }
  }

  /// Whether the action at `index` is still there and is a `.write`.
  func isWrite(_ index: Int) -> Bool {
    if case .write? = items[index] { return true }
    return false
  }

  /// The actions not taken yet, as an array (tests and the `[Action]` API).
  var remaining: [HTTP2Connection.Action] { items.compactMap { $0 } }

  mutating func removeAll() { items.removeAll(keepingCapacity: true) }
}
