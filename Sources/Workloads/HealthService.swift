public import GRPCCore
public import GreeterProto
import Synchronization
import SwiftProtobuf

/// The serving status of each service name, as `grpc.health.v1.Health` reports it.
///
/// `Check` answers from it and `Watch` streams every change to it. The greeter server marks ""
/// (the whole server) and `helloworld.Greeter` SERVING at start; SIGUSR1 / SIGUSR2 flip them.
public final class HealthStatusStore: Sendable {
  public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  private struct State {
    var statuses: [String: Status] = [:]
    var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
    var nextWatcher = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// Sets one service's status and notifies its watchers.
  public func set(_ status: Status, for service: String) {
    let toNotify = state.withLock { state -> [AsyncStream<Status>.Continuation] in
      state.statuses[service] = status
      return state.watchers.values.filter { $0.service == service }.map(\.continuation)
    }
    for continuation in toNotify { continuation.yield(status) }
  }

  /// Sets every known service to `status`.
  public func setAll(_ status: Status) {
    let services = state.withLock { Array($0.statuses.keys) }
    for service in services { set(status, for: service) }
  }

  /// The status of `service`, or nil when the service is unknown.
  public func status(for service: String) -> Status? {
    state.withLock { $0.statuses[service] }
  }

  /// A stream that starts with the current status (SERVICE_UNKNOWN when unknown) and then
  /// yields each change until the consumer stops.
  func watch(_ service: String) -> AsyncStream<Status> {
    let (stream, continuation) = AsyncStream<Status>.makeStream(bufferingPolicy: .bufferingNewest(16))
    let id = state.withLock { state -> Int in
      let id = state.nextWatcher
      state.nextWatcher += 1
      state.watchers[id] = (service, continuation)
      continuation.yield(state.statuses[service] ?? .serviceUnknown)
      return id
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Ends every watch stream (at shutdown, so in-flight Watch calls can finish).
  public func finishWatchers() {
    let all = state.withLock { state -> [AsyncStream<Status>.Continuation] in
      defer { state.watchers.removeAll() }
      return state.watchers.values.map(\.continuation)
    }
    for continuation in all { continuation.finish() }
  }
}

/// `grpc.health.v1.Health` over a `HealthStatusStore`, as grpc-go's health server behaves:
/// `Check` of an unknown service fails with NOT_FOUND `unknown service`; `Watch` of one
/// reports SERVICE_UNKNOWN and keeps the stream open.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
  let store: HealthStatusStore

  public init(store: HealthStatusStore) {
    self.store = store
  }

  public func check(
    request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = store.status(for: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service")
    }
    return .with { $0.status = status }
  }

  public func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    var last: HealthStatusStore.Status?
    for await status in store.watch(request.service) where status != last {
      last = status
      try await response.write(.with { $0.status = status })
    }
  }
}
