/// How a container's main process ended, written by its shim to the container's exit file
/// and read by the node agent (also after a daemon restart).
public struct ExitRecord: Codable, Sendable, Equatable {
  /// The exit code; 128+N for a process killed by signal N, as Kubernetes reports it.
  public var exitCode: Int32
  /// The signal that killed it, if one did.
  public var signal: Int32?
  /// RFC 3339 time of the exit.
  public var finishedAt: String
  /// Set when the process never started: the reason is Kubernetes' `StartError`.
  public var startError: String?

  public init(exitCode: Int32, signal: Int32? = nil, finishedAt: String, startError: String? = nil) {
    self.exitCode = exitCode
    self.signal = signal
    self.finishedAt = finishedAt
    self.startError = startError
  }
}

/// What `skiff-init run` tells the daemon on fd 3 once the container has started (or not).
public struct StartReport: Codable, Sendable, Equatable {
  /// The container's main process, as the host sees it.
  public var pid: Int32?
  public var error: String?
}
