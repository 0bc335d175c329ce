import SkiffMeshConfig
import Testing

@Suite struct LoadBalancerTests {
  let a = Endpoint(address: "10.244.0.1", port: 80)
  let b = Endpoint(address: "10.244.0.2", port: 80)
  let c = Endpoint(address: "10.244.0.3", port: 80)
  let now = ContinuousClock.now

  @Test func roundRobinStrictlyAlternatesBetweenTwo() {
    var balancer = EndpointBalancer(endpoints: [a, b], policy: .roundRobin)
    var random = SplitMix64(seed: 1)
    let picks = (0..<6).map { _ in balancer.pick(random: &random, now: now)! }
    #expect(picks == [a, b, a, b, a, b])
  }

  @Test func roundRobinKeepsItsPlaceAcrossEndpointUpdates() {
    var balancer = EndpointBalancer(endpoints: [a, b], policy: .roundRobin)
    var random = SplitMix64(seed: 1)
    #expect(balancer.pick(random: &random, now: now) == a)
    balancer.update(endpoints: [a, b, c])
    #expect(balancer.pick(random: &random, now: now) == b)
    #expect(balancer.pick(random: &random, now: now) == c)
    #expect(balancer.pick(random: &random, now: now) == a)
  }

  @Test func leastRequestPrefersTheIdleEndpoint() {
    var balancer = EndpointBalancer(endpoints: [a, b, c], policy: .leastRequest)
    var random = SplitMix64(seed: 1)
    // Three requests in flight spread over the three endpoints.
    let first = (0..<3).map { _ in balancer.pick(random: &random, now: now)! }
    #expect(Set(first) == [a, b, c])
    // b and c finish: the next two go to them, not to busy a.
    balancer.finished(b, outcome: .response(status: 200), now: now)
    balancer.finished(c, outcome: .response(status: 200), now: now)
    let next = (0..<2).map { _ in balancer.pick(random: &random, now: now)! }
    #expect(Set(next) == [b, c])
    #expect(balancer.active == [a: 1, b: 1, c: 1])
    // Sequential calls (each finished before the next) alternate.
    var sequential = EndpointBalancer(endpoints: [a, b], policy: .leastRequest)
    var seen: [Endpoint] = []
    for _ in 0..<4 {
      let pick = sequential.pick(random: &random, now: now)!
      seen.append(pick)
      sequential.finished(pick, outcome: .response(status: 200), now: now)
    }
    #expect(seen == [a, b, a, b])
  }

  @Test func randomIsSeededAndCoversEveryEndpoint() {
    var one = EndpointBalancer(endpoints: [a, b, c], policy: .random)
    var two = one
    var r1 = SplitMix64(seed: 42)
    var r2 = SplitMix64(seed: 42)
    let p1 = (0..<300).map { _ in one.pick(random: &r1, now: now)! }
    let p2 = (0..<300).map { _ in two.pick(random: &r2, now: now)! }
    #expect(p1 == p2)
    for endpoint in [a, b, c] {
      #expect((60...140).contains(p1.filter { $0 == endpoint }.count))
    }
  }

  @Test func retriesAvoidEndpointsAlreadyTried() {
    var balancer = EndpointBalancer(endpoints: [a, b], policy: .roundRobin)
    var random = SplitMix64(seed: 1)
    #expect(balancer.pick(excluding: [b], random: &random, now: now) == a)
    #expect(balancer.pick(excluding: [b], random: &random, now: now) == a)
    // Nothing else left: the tried endpoint is used again rather than failing.
    #expect(balancer.pick(excluding: [a, b], random: &random, now: now) != nil)
  }

  @Test func passthroughUsesTheOriginalDestination() throws {
    var router = try Router(snapshot: Walkthrough.snapshot(loadBalancer: .passthrough))
    let decision = router.route(Walkthrough.request(), to: Walkthrough.destination)
    #expect(decision.endpoint == Endpoint(address: "10.96.0.20", port: 8080))
  }
}

@Suite struct OutlierDetectionTests {
  let a = Endpoint(address: "10.244.0.1", port: 80)
  let b = Endpoint(address: "10.244.0.2", port: 80)

  @Test func consecutive5xxEjectsForBaseTimeTimesEjections() {
    let start = ContinuousClock.now
    var balancer = EndpointBalancer(
      endpoints: [a, b], policy: .roundRobin,
      outlierDetection: OutlierDetectionPolicy(consecutive5xxErrors: 3, baseEjectionTime: .seconds(30), maxEjectionPercent: 50))
    var random = SplitMix64(seed: 1)
    let ejected1 = balancer.finished(a, outcome: .response(status: 503), now: start)
    #expect(!ejected1)
    let ejected2 = balancer.finished(a, outcome: .connectFailure, now: start)
    #expect(!ejected2)
    // A success in between resets the count.
    let ejected3 = balancer.finished(a, outcome: .response(status: 200), now: start)
    #expect(!ejected3)
    let ejected4 = balancer.finished(a, outcome: .response(status: 500), now: start)
    #expect(!ejected4)
    let ejected5 = balancer.finished(a, outcome: .reset, now: start)
    #expect(!ejected5)
    let ejected6 = balancer.finished(a, outcome: .response(status: 502), now: start)
    #expect(ejected6)
    #expect(balancer.isEjected(a, now: start))
    #expect((0..<4).allSatisfy { _ in balancer.pick(random: &random, now: start) == b })
    // Back after 30 s; a second ejection lasts 60 s.
    let later = start.advanced(by: .seconds(31))
    #expect(!balancer.isEjected(a, now: later))
    for _ in 0..<3 { balancer.finished(a, outcome: .response(status: 500), now: later) }
    #expect(balancer.isEjected(a, now: later.advanced(by: .seconds(59))))
    #expect(!balancer.isEjected(a, now: later.advanced(by: .seconds(61))))
  }

  @Test func maxEjectionPercentKeepsTheLastEndpointAndGatewayErrorsCount() {
    let now = ContinuousClock.now
    var balancer = EndpointBalancer(
      endpoints: [a, b], policy: .roundRobin,
      outlierDetection: OutlierDetectionPolicy(consecutive5xxErrors: 0, consecutiveGatewayErrors: 2, maxEjectionPercent: 10))
    var random = SplitMix64(seed: 1)
    balancer.finished(a, outcome: .response(status: 500), now: now)  // not a gateway error
    balancer.finished(a, outcome: .response(status: 500), now: now)
    #expect(!balancer.isEjected(a, now: now))
    balancer.finished(a, outcome: .response(status: 503), now: now)
    balancer.finished(a, outcome: .response(status: 504), now: now)
    #expect(balancer.isEjected(a, now: now))
    // 10 % of two endpoints: a second ejection is not allowed.
    balancer.finished(b, outcome: .response(status: 503), now: now)
    balancer.finished(b, outcome: .response(status: 503), now: now)
    #expect(!balancer.isEjected(b, now: now))
    #expect(balancer.pick(random: &random, now: now) == b)
  }

  @Test func everyEndpointEjectedIsNoHealthyUpstream() throws {
    let policy = OutlierDetectionPolicy(consecutive5xxErrors: 1, maxEjectionPercent: 100)
    var router = try Router(snapshot: Walkthrough.snapshot(outlier: policy, subsets: false))
    let now = ContinuousClock.now
    router.requestFinished(cluster: Walkthrough.all, endpoint: Walkthrough.v1, outcome: .response(status: 503), now: now)
    router.requestFinished(cluster: Walkthrough.all, endpoint: Walkthrough.v2, outcome: .response(status: 503), now: now)
    let reply = try #require(router.route(Walkthrough.request(), to: Walkthrough.destination, now: now).reply)
    #expect(reply.flag == .noHealthyUpstream)
    // Ejections survive a config push that keeps the cluster.
    try router.update(to: Walkthrough.snapshot(routes: nil, outlier: policy, subsets: true))
    #expect(router.isEjected(cluster: Walkthrough.all, endpoint: Walkthrough.v1, now: now))
  }
}

@Suite struct RetryPolicyTests {
  var random = SplitMix64(seed: 7)

  /// `shouldRetry` with a fixed seed.
  func decide(_ policy: RetryPolicy, attempt: Int, _ outcome: UpstreamOutcome) -> RetryDecision {
    var random = SplitMix64(seed: 7)
    return policy.shouldRetry(attempt: attempt, outcome: outcome, random: &random)
  }

  @Test func istioDefaultRetriesConnectFailuresAndUnavailableTwice() {
    let policy = RetryPolicy.istioDefault
    #expect(decide(policy, attempt: 1, .connectFailure).isRetry)
    #expect(decide(policy, attempt: 2, .connectFailure).isRetry)
    #expect(decide(policy, attempt: 3, .connectFailure) == .exhausted)  // → URX
    #expect(decide(policy, attempt: 1, .refusedStream).isRetry)
    #expect(decide(policy, attempt: 1, .response(status: 200, grpcStatus: 14)).isRetry)
    #expect(decide(policy, attempt: 1, .response(status: 200, grpcStatus: 1)).isRetry)
    #expect(decide(policy, attempt: 1, .response(status: 200, grpcStatus: 13)) == .done)
    #expect(decide(policy, attempt: 1, .response(status: 200, grpcStatus: 0)) == .done)
    #expect(decide(policy, attempt: 1, .response(status: 503)) == .done)
    #expect(decide(policy, attempt: 1, .reset) == .done)
  }

  @Test func conditions() {
    let fiveXX = RetryPolicy(attempts: 3, retryOn: [.fiveXX])
    #expect(fiveXX.isRetriable(.response(status: 500)))
    #expect(fiveXX.isRetriable(.reset))
    #expect(fiveXX.isRetriable(.timeout))
    #expect(fiveXX.isRetriable(.connectFailure))
    #expect(!fiveXX.isRetriable(.response(status: 404)))
    let gateway = RetryPolicy(attempts: 3, retryOn: [.gatewayError])
    #expect(gateway.isRetriable(.response(status: 503)))
    #expect(!gateway.isRetriable(.response(status: 500)))
    let codes = RetryPolicy(attempts: 1, retryOn: [.retriableStatusCodes, .retriable4xx], retriableStatusCodes: [429])
    #expect(codes.isRetriable(.response(status: 429)))
    #expect(codes.isRetriable(.response(status: 409)))
    #expect(!codes.isRetriable(.response(status: 503)))
    let grpc = RetryPolicy(attempts: 1, retryOn: [.deadlineExceeded, .resourceExhausted, .internal])
    #expect(grpc.isRetriable(.response(status: 200, grpcStatus: 4)))
    #expect(grpc.isRetriable(.response(status: 200, grpcStatus: 8)))
    #expect(grpc.isRetriable(.response(status: 200, grpcStatus: 13)))
    #expect(!grpc.isRetriable(.response(status: 200, grpcStatus: 14)))
    let none = RetryPolicy(attempts: 0, retryOn: [.fiveXX])
    #expect(decide(none, attempt: 1, .response(status: 500)) == .exhausted)
  }

  @Test mutating func backoffIsJitteredExponentialAndCapped() {
    let policy = RetryPolicy(attempts: 10, retryOn: [.reset], backoffBase: .milliseconds(25))
    for attempt in 1...10 {
      guard case .retry(let backoff) = policy.shouldRetry(attempt: attempt, outcome: .reset, random: &random) else {
        Issue.record("attempt \(attempt) should retry")
        continue
      }
      let ceiling = min(25 * ((1 << attempt) - 1), 250)
      #expect((0...Int64(ceiling)).contains(backoff.milliseconds))
    }
  }
}

extension RetryDecision {
  var isRetry: Bool {
    if case .retry = self { return true }
    return false
  }
}
