/// A health check (core/v1 `Probe`): one handler (`exec`, `httpGet`, `tcpSocket`, `grpc`)
/// and its timing.
public struct Probe: Codable, Sendable, Equatable {
  public var exec: ExecAction?
  public var httpGet: HTTPGetAction?
  public var tcpSocket: TCPSocketAction?
  public var grpc: GRPCAction?
  public var initialDelaySeconds: Int32?
  public var timeoutSeconds: Int32?
  public var periodSeconds: Int32?
  public var successThreshold: Int32?
  public var failureThreshold: Int32?
  public var terminationGracePeriodSeconds: Int64?

  public init(exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil,
              grpc: GRPCAction? = nil) {
    self.exec = exec
    self.httpGet = httpGet
    self.tcpSocket = tcpSocket
    self.grpc = grpc
  }
}

public struct ExecAction: Codable, Sendable, Equatable {
  public var command: [String]?

  public init(command: [String]) { self.command = command }
}

public struct HTTPGetAction: Codable, Sendable, Equatable {
  public var path: String?
  @ZeroDefault public var port: IntOrString
  public var host: String?
  public var scheme: String?
  public var httpHeaders: [HTTPHeader]?

  public init(port: IntOrString, path: String? = nil, host: String? = nil, scheme: String? = nil) {
    self.port = port
    self.path = path
    self.host = host
    self.scheme = scheme
  }
}

public struct HTTPHeader: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  @ZeroDefault public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

public struct TCPSocketAction: Codable, Sendable, Equatable {
  @ZeroDefault public var port: IntOrString
  public var host: String?

  public init(port: IntOrString, host: String? = nil) {
    self.port = port
    self.host = host
  }
}

public struct GRPCAction: Codable, Sendable, Equatable {
  @ZeroDefault public var port: Int32
  public var service: String?

  public init(port: Int32, service: String? = nil) {
    self.port = port
    self.service = service
  }
}

public struct SleepAction: Codable, Sendable, Equatable {
  @ZeroDefault public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }
}

/// `postStart` / `preStop` hooks.
public struct Lifecycle: Codable, Sendable, Equatable {
  public var postStart: LifecycleHandler?
  public var preStop: LifecycleHandler?
  public var stopSignal: String?

  public init(postStart: LifecycleHandler? = nil, preStop: LifecycleHandler? = nil) {
    self.postStart = postStart
    self.preStop = preStop
  }
}

public struct LifecycleHandler: Codable, Sendable, Equatable {
  public var exec: ExecAction?
  public var httpGet: HTTPGetAction?
  public var tcpSocket: TCPSocketAction?
  public var sleep: SleepAction?

  public init(exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil,
              sleep: SleepAction? = nil) {
    self.exec = exec
    self.httpGet = httpGet
    self.tcpSocket = tcpSocket
    self.sleep = sleep
  }
}
