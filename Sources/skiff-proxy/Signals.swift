import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Waits for one of some signals without Dispatch: the signals are blocked in every thread and
/// a dedicated thread takes them with `sigwait`.
struct DispatchlessSignals: Sendable {
  let numbers: [Int32]

  init(_ numbers: [Int32]) {
    self.numbers = numbers
    var set = sigset_t()
    sigemptyset(&set)
    for n in numbers { sigaddset(&set, n) }
    // Threads started later inherit the mask: make this before any other thread.
    pthread_sigmask(SIG_BLOCK, &set, nil)
  }

  func wait() async {
    let numbers = numbers
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      NIOThreadPool.singleton.submit { _ in
        var set = sigset_t()
        sigemptyset(&set)
        for n in numbers { sigaddset(&set, n) }
        var received: Int32 = 0
        sigwait(&set, &received)
        continuation.resume()
      }
    }
  }
}
