import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a handler on a signal instead of the default action (SIGTERM and SIGINT for graceful
/// shutdown, SIGUSR1/SIGUSR2 to flip health). Keep the returned sources alive.
func watchSignals(
  _ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void
) -> [any DispatchSourceSignal] {
  signals.map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { handler(number) }
    source.resume()
    return source
  }
}

/// The name Go prints for a signal in `cancellation received (signal: terminated)`.
func goSignalName(_ number: Int32) -> String {
  switch number {
  case SIGINT: return "interrupt"
  case SIGTERM: return "terminated"
  case SIGHUP: return "hangup"
  default: return "signal \(number)"
  }
}
