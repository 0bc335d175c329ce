#if canImport(Glibc)
import Glibc
#endif

/// A detached pthread of its own, for work that must not run on a shared pool: blocking
/// waits (`ChildProcesses`) or thread-local kernel state such as the network namespace a
/// socket is made in (port-forward's dial into a pod).
public enum DetachedThread {
  private final class Start {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }

  /// Runs `body` on a new detached thread; false if the system refused one.
  public static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
    let start = Unmanaged.passRetained(Start(body))
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    var thread = pthread_t()
    let rc = pthread_create(&thread, &attributes, { raw in
      Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue().body()
      return nil
    }, start.toOpaque())
    if rc != 0 { start.release() }
    return rc == 0
  }
}
