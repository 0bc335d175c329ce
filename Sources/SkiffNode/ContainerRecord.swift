import SkiffAPI
import SkiffRuntime

/// What the node knows about one container of a pod: its current process, restarts,
/// backoff, probe state, and the Kubernetes status it reports.
struct ContainerRecord: Sendable {
  var name: String
  var isInit: Bool
  /// A native sidecar: an init container with `restartPolicy: Always`.
  var isSidecar: Bool
  /// Added with `kubectl debug`: run once, never restarted, not part of readiness.
  var isEphemeral = false
  /// Restarts so far, as Kubernetes counts them: each start after the first.
  var restartCount = 0
  /// Starts so far (failed ones included): the next start after the first is a restart.
  var runs = 0
  /// The current process (host pid), when running.
  var pid: Int32?
  /// The current run's state directory.
  var directory: String?
  var cgroups: [String] = []
  var process: ProcessSpec?
  var startedAt: Timestamp?
  var imageID = ""
  var image: String
  var containerID: String?
  var state = ContainerState(waiting: ContainerStateWaiting(reason: "ContainerCreating"))
  var lastState: ContainerState?
  var ready = false
  /// The startup probe passed (or there is none).
  var started = false
  /// Not before this instant may the container start again (CrashLoopBackOff).
  var backoffUntil: ContinuousClock.Instant?
  var backoff: Duration = .zero
  var lastExitAt: ContinuousClock.Instant?
  /// Completed successfully (init containers, restartPolicy Never/OnFailure).
  var succeeded = false
  /// When the image was last resolved, for imagePullPolicy IfNotPresent.
  var pulled = false
  var imagePullFailures = 0
  /// Why the last pull failed (the ImagePullBackOff message repeats it).
  var pullError: String?
  var probeGeneration = 0

  var isRunning: Bool { pid != nil }

  var status: ContainerStatus {
    var s = ContainerStatus(name: name, image: image, imageID: imageID, state: state, ready: ready, restartCount: Int32(restartCount))
    s.lastState = lastState ?? ContainerState()
    s.containerID = containerID
    s.started = isRunning ? started : false
    return s
  }
}

/// The node's restart backoff (facts §10): 10 s doubling to 5 min, reset after 10 minutes
/// without a restart.
enum RestartBackoff {
  static let initial: Duration = .seconds(10)
  static let maximum: Duration = .seconds(300)
  static let reset: Duration = .seconds(600)

  static func next(_ current: Duration, lastExit: ContinuousClock.Instant?) -> Duration {
    if let lastExit, ContinuousClock.now - lastExit > reset { return initial }
    if current == .zero { return initial }
    return min(current * 2, maximum)
  }

  /// Go's duration text for the CrashLoopBackOff message (`10s`, `1m20s`, `5m0s`).
  static func text(_ d: Duration) -> String {
    let s = d.components.seconds
    if s < 60 { return "\(s)s" }
    return "\(s / 60)m\(s % 60)s"
  }
}
