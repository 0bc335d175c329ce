/// A health check that the node runs against a container: one handler (exec, httpGet, tcpSocket or
/// grpc), with its timing and thresholds.
public struct Probe: Codable, Sendable, Equatable {
  /// Runs a command inside the container; exit status 0 counts as success.
  public var exec: ExecAction?
  /// Sends an HTTP GET request; a response status from 200 to 399 counts as success.
  public var httpGet: HTTPGetAction?
  /// Opens a TCP connection; the check succeeds when the connection is made.
  public var tcpSocket: TCPSocketAction?
  /// Asks the container's gRPC health service (grpc.health.v1) about its status; the check succeeds when
  /// it answers SERVING.
  public var grpc: GRPCAction?
  /// Seconds to wait after the container has started before the first check. Defaults to 0.
  public var initialDelaySeconds: Int32?
  /// Seconds after which a check that has not answered counts as failed. Defaults to 1, the least it can
  /// be.
  public var timeoutSeconds: Int32?
  /// Seconds between checks. Defaults to 10, and the least it can be is 1.
  public var periodSeconds: Int32?
  /// How many successes in a row make the probe pass again after it has failed. Defaults to 1, and must
  /// be 1 for liveness and startup probes.
  public var successThreshold: Int32?
  /// How many failures in a row make the probe fail: the container is then restarted (liveness and
  /// startup probes) or marked not ready (readiness probes). Defaults to 3.
  public var failureThreshold: Int32?
  /// Seconds the container gets to stop after SIGTERM when this liveness or startup probe fails, in
  /// place of the pod's terminationGracePeriodSeconds. Must be positive; not allowed on readiness
  /// probes.
  public var terminationGracePeriodSeconds: Int64?

  public init(exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil,
              grpc: GRPCAction? = nil) {
    self.exec = exec
    self.httpGet = httpGet
    self.tcpSocket = tcpSocket
    self.grpc = grpc
  }
}

/// A command run inside a container.
public struct ExecAction: Codable, Sendable, Equatable {
  /// The command and its arguments, run directly rather than through a shell, with the container's
  /// filesystem, user and environment; for shell syntax, run a shell such as ["sh", "-c", "..."].
  /// Required.
  public var command: [String]?

  public init(command: [String]) { self.command = command }
}

/// An HTTP GET request to a port of a container.
public struct HTTPGetAction: Codable, Sendable, Equatable {
  /// The path to request. Defaults to "/".
  public var path: String?
  /// The port to connect to, by number (1 to 65535) or by the name of one of the container's ports.
  /// Required.
  @ZeroDefault public var port: IntOrString
  /// The host to connect to; defaults to the pod's IP address. On Skiff, it must be an IPv4 address: a
  /// host name is not resolved, and the check fails.
  public var host: String?
  /// The scheme to use: "HTTP" (the default) or "HTTPS", in which case the certificate is not
  /// verified. On Skiff, the request is always sent as plain HTTP.
  public var scheme: String?
  /// Extra headers to send with the request. On Skiff, a Host header given here is sent besides the
  /// usual one instead of replacing it.
  public var httpHeaders: [HTTPHeader]?

  public init(port: IntOrString, path: String? = nil, host: String? = nil, scheme: String? = nil) {
    self.port = port
    self.path = path
    self.host = host
    self.scheme = scheme
  }
}

/// One header of an HTTP probe request.
public struct HTTPHeader: Codable, Sendable, Equatable {
  /// The header's name; names differing only in case are the same header. Required.
  @ZeroDefault public var name: String
  /// The header's value. Required.
  @ZeroDefault public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// A TCP connection to a port of a container.
public struct TCPSocketAction: Codable, Sendable, Equatable {
  /// The port to connect to, by number (1 to 65535) or by the name of one of the container's ports.
  /// Required.
  @ZeroDefault public var port: IntOrString
  /// The host to connect to; defaults to the pod's IP address. On Skiff, it must be an IPv4 address: a
  /// host name is not resolved, and the check fails.
  public var host: String?

  public init(port: IntOrString, host: String? = nil) {
    self.port = port
    self.host = host
  }
}

/// A gRPC health check against a port of a container.
public struct GRPCAction: Codable, Sendable, Equatable {
  /// The port number of the gRPC server, from 1 to 65535. Required.
  @ZeroDefault public var port: Int32
  /// The service name to ask about in the health check request; empty asks about the server as a
  /// whole.
  public var service: String?

  public init(port: Int32, service: String? = nil) {
    self.port = port
    self.service = service
  }
}

/// A pause, as a lifecycle hook action.
public struct SleepAction: Codable, Sendable, Equatable {
  /// How many seconds to sleep; not negative and not more than the pod's terminationGracePeriodSeconds.
  /// Required.
  @ZeroDefault public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }
}

/// Actions to take at two points in a container's life: right after it starts and before it is
/// stopped.
public struct Lifecycle: Codable, Sendable, Equatable {
  /// Runs right after the container is created; if it fails, the container is killed and then restarted
  /// as the restart policy allows. On Skiff, the hook is not run.
  public var postStart: LifecycleHandler?
  /// Runs before the container is stopped, whether the pod is deleted or a probe has failed; the grace
  /// period runs meanwhile, and the stop signal follows once the hook completes. On Skiff, the hook is
  /// not run: containers get SIGTERM at once.
  public var preStop: LifecycleHandler?
  /// The signal that stops the container, such as "SIGTERM" or "SIGUSR1"; defaults to the image's
  /// STOPSIGNAL, or else SIGTERM, and requires spec.os.name to be set. On Skiff, ignored: containers
  /// are always stopped with SIGTERM.
  public var stopSignal: String?

  public init(postStart: LifecycleHandler? = nil, preStop: LifecycleHandler? = nil) {
    self.postStart = postStart
    self.preStop = preStop
  }
}

/// The action of a lifecycle hook; exactly one of exec, httpGet, tcpSocket and sleep is set.
public struct LifecycleHandler: Codable, Sendable, Equatable {
  /// Runs a command inside the container.
  public var exec: ExecAction?
  /// Sends an HTTP GET request to the container.
  public var httpGet: HTTPGetAction?
  /// Deprecated: a TCP connection is not a supported hook action, and the field is only kept for
  /// compatibility.
  public var tcpSocket: TCPSocketAction?
  /// Pauses for a number of seconds, typically so that a preStop hook delays the container's shutdown.
  public var sleep: SleepAction?

  public init(exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil,
              sleep: SleepAction? = nil) {
    self.exec = exec
    self.httpGet = httpGet
    self.tcpSocket = tcpSocket
    self.sleep = sleep
  }
}
