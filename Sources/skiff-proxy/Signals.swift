import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The write end of a pipe that the signal handler writes the signal number to (a handler may
/// only call async-signal-safe functions; `write` is one). Made before any handler is installed.
let signalPipe: [Int32] = {
  var fds: [Int32] = [-1, -1]
  _ = pipe(&fds)
  return fds
}()

/// Waits for one of some signals without Dispatch: a handler writes to a pipe, a thread of
/// NIO's pool reads it.
struct DispatchlessSignals: Sendable {
  let numbers: [Int32]

  init(_ numbers: [Int32]) {
    self.numbers = numbers
    _ = signalPipe
    for n in numbers {
      signal(n) { number in
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(signalPipe[1], &byte, 1)
      }
    }
  }

  func wait() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      NIOThreadPool.singleton.submit { _ in
        var byte: UInt8 = 0
        while read(signalPipe[0], &byte, 1) < 0 && errno == EINTR {}
        continuation.resume()
      }
    }
  }
}
