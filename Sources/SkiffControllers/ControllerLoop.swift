public import Logging
public import SkiffAPI
public import SkiffStore
import Synchronization

/// A level-triggered controller, as in kubernetes `pkg/controller`: changes to watched
/// resources enqueue keys; `reconcile` brings one key's world to its desired state from
/// what it observes now. A periodic resync enqueues everything again, so a missed event or a
/// failed reconcile heals itself.
public protocol Reconciler: Sendable {
  /// For logs and events.
  var name: String { get }
  /// The resources to watch, and for a change, the keys to reconcile.
  var triggers: [(resource: GroupResource, keys: @Sendable (WatchEvent) -> [ObjectKey])] { get }
  /// Every key worth reconciling at a resync.
  func allKeys() -> [ObjectKey]
  func reconcile(_ key: ObjectKey) async throws
}

/// A de-duplicating work queue: a key waiting to be processed is queued once however many
/// events name it.
final class WorkQueue: Sendable {
  private struct State {
    var order: [ObjectKey] = []
    var queued: Set<ObjectKey> = []
    var waiter: CheckedContinuation<ObjectKey?, Never>?
    var closed = false
  }

  private let state = Mutex(State())

  func add(_ key: ObjectKey) {
    let waiter = state.withLock { state -> CheckedContinuation<ObjectKey?, Never>? in
      guard !state.closed else { return nil }
      if let waiter = state.waiter {
        state.waiter = nil
        return waiter
      }
      if state.queued.insert(key).inserted { state.order.append(key) }
      return nil
    }
    waiter?.resume(returning: key)
  }

  func next() async -> ObjectKey? {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { state -> ObjectKey?? in
        if state.closed { return .some(nil) }
        if !state.order.isEmpty {
          let key = state.order.removeFirst()
          state.queued.remove(key)
          return .some(key)
        }
        state.waiter = continuation
        return .none
      }
      if case .some(let key) = ready { continuation.resume(returning: key) }
    }
  }

  func close() {
    let waiter = state.withLock { state -> CheckedContinuation<ObjectKey?, Never>? in
      state.closed = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(returning: nil)
  }
}

/// Runs a reconciler: watches, queue, one worker, resync, retries with backoff.
public struct ControllerLoop: Sendable {
  let reconciler: any Reconciler
  let store: ObjectStore
  let logger: Logger
  let resync: Duration

  public init(_ reconciler: any Reconciler, store: ObjectStore, logger: Logger, resync: Duration = .seconds(30)) {
    self.reconciler = reconciler
    self.store = store
    self.logger = logger
    self.resync = resync
  }

  /// Runs until cancelled.
  public func run() async {
    let queue = WorkQueue()
    await withTaskGroup(of: Void.self) { group in
      for trigger in reconciler.triggers {
        group.addTask {
          guard let events = try? store.watch(trigger.resource) else { return }
          for await event in events {
            for key in trigger.keys(event) { queue.add(key) }
          }
        }
      }
      group.addTask {
        while !Task.isCancelled {
          for key in reconciler.allKeys() { queue.add(key) }
          try? await Task.sleep(for: resync)
        }
      }
      group.addTask {
        var failures: [ObjectKey: Int] = [:]
        while let key = await queue.next() {
          if Task.isCancelled { break }
          do {
            try await reconciler.reconcile(key)
            failures[key] = nil
          } catch {
            let count = (failures[key] ?? 0) + 1
            failures[key] = count
            if count <= 3 || count % 10 == 0 {
              logger.warning("\(reconciler.name): reconcile \(key) failed (attempt \(count)): \(error)")
            }
            // Requeue with backoff: 50 ms doubling to 5 s; the resync is the safety net.
            let delay = Duration.milliseconds(min(5000, 50 << min(count, 7)))
            Task {
              try? await Task.sleep(for: delay)
              queue.add(key)
            }
          }
        }
      }
      await withTaskCancellationHandler {
        await group.waitForAll()
      } onCancel: {
        // The worker waits on the queue, which knows nothing of cancellation.
        queue.close()
      }
    }
  }
}

extension WatchEvent {
  /// The key of the changed object itself.
  public var key: ObjectKey { object.key }

  /// Keys of the changed object's owners of `kind` (by name, in the same namespace).
  public func ownerKeys(kind: String, resource: GroupResource) -> [ObjectKey] {
    let refs = object.object.value(at: ["metadata", "ownerReferences"])?.arrayValue ?? []
    return refs.compactMap { ref in
      guard ref["kind"]?.stringValue == kind, let name = ref["name"]?.stringValue else { return nil }
      return ObjectKey(resource, namespace: object.key.namespace, name: name)
    }
  }
}
