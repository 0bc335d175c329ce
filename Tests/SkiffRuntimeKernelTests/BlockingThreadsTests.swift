import Dispatch
import SkiffRuntime
import Synchronization
import Testing

/// The pool that blocking calls (exit watchers, pipe reads) run on. Needs no root.
@Suite("blocking threads")
struct BlockingThreadsTests {
  /// Every running container holds one blocked thread for its exit watcher; the next start
  /// must not wait for one of them to finish. 24 jobs that each block until all 24 have
  /// started can only finish if each gets its own thread at once.
  @Test func jobsThatBlockOnEachOtherAllRunAtOnce() async throws {
    let count = 24
    let started = Counter()
    let release = DispatchSemaphore(value: 0)
    let finished = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<count {
        group.addTask {
          await onBlockingThread {
            if started.value.add(1, ordering: .relaxed).newValue == count {
              for _ in 0..<count { release.signal() }
            }
            // A pool that cannot grow at once never gets here for all of them.
            return release.wait(timeout: .now() + 20) == .success
          }
        }
      }
      var all: [Bool] = []
      for await result in group { all.append(result) }
      return all
    }
    #expect(finished.count == count)
    #expect(finished.allSatisfy { $0 }, "\(finished.filter { !$0 }.count) jobs never saw all \(count) start")
  }

  @Test func resultsComeBackToTheCaller() async {
    let values = await withTaskGroup(of: Int.self) { group in
      for i in 0..<100 { group.addTask { await onBlockingThread { i * 2 } } }
      var sum = 0
      for await value in group { sum += value }
      return sum
    }
    #expect(values == (0..<100).reduce(0) { $0 + $1 * 2 })
  }
}

private final class Counter: Sendable {
  let value = Atomic<Int>(0)
}
