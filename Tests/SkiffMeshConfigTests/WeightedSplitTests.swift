import SkiffMeshConfig
import Testing

@Suite struct WeightedSplitTests {
  @Test func ninetyTenOverOneHundredIsExactAndInterleaved() {
    var swrr = SmoothWeightedRoundRobin(weights: [90, 10])
    let picks = (0..<100).map { _ in swrr.next()! }
    #expect(picks.filter { $0 == 0 }.count == 90)
    #expect(picks.filter { $0 == 1 }.count == 10)
    // Interleaved: every block of ten calls has exactly one v2.
    for block in stride(from: 0, to: 100, by: 10) {
      #expect(picks[block..<block + 10].filter { $0 == 1 }.count == 1)
    }
  }

  @Test func weightsAreRelative() {
    var swrr = SmoothWeightedRoundRobin(weights: [60, 30])
    let picks = (0..<90).map { _ in swrr.next()! }
    #expect(picks.filter { $0 == 0 }.count == 60)
    #expect(picks.filter { $0 == 1 }.count == 30)
    // 2:1 in every window of three.
    for block in stride(from: 0, to: 90, by: 3) {
      #expect(picks[block..<block + 3].filter { $0 == 0 }.count == 2)
    }
  }

  @Test func zeroWeightIsNeverChosenAndAllZeroChoosesNothing() {
    var swrr = SmoothWeightedRoundRobin(weights: [0, 100])
    #expect((0..<50).allSatisfy { _ in swrr.next() == 1 })
    var none = SmoothWeightedRoundRobin(weights: [0, 0])
    #expect(none.next() == nil)
  }

  @Test func routerSplitsNinetyTenAcrossSubsets() throws {
    var router = try Router(snapshot: Walkthrough.snapshot(routes: Walkthrough.split(90, 10)))
    var counts: [String: Int] = [:]
    for _ in 0..<100 {
      let decision = router.route(Walkthrough.request(), to: Walkthrough.destination)
      let forward = try #require(decision.cluster)
      counts[forward, default: 0] += 1
      router.requestFinished(cluster: forward, endpoint: decision.endpoint!, outcome: .response(status: 200, grpcStatus: 0))
    }
    #expect(counts == [Walkthrough.subsetV1: 90, Walkthrough.subsetV2: 10])
  }

  @Test func aPushThatKeepsTheSplitKeepsItsSequence() throws {
    var router = try Router(snapshot: Walkthrough.snapshot(routes: Walkthrough.split(90, 10)))
    var counts: [String: Int] = [:]
    for call in 0..<100 {
      if call == 37 {
        // An unrelated change (an endpoint's labels) mid-sequence: same routes, new version.
        var next = Walkthrough.snapshot(routes: Walkthrough.split(90, 10))
        next.clusters[0].endpoints[0].labels["pod-template-hash"] = "abc"
        try router.update(to: next.versioned())
      }
      counts[router.route(Walkthrough.request(), to: Walkthrough.destination).cluster!, default: 0] += 1
    }
    #expect(counts == [Walkthrough.subsetV1: 90, Walkthrough.subsetV2: 10])
  }

  @Test func editToZeroHundredSendsEverythingToV2WithoutRestart() throws {
    var router = try Router(snapshot: Walkthrough.snapshot(routes: Walkthrough.split(90, 10)))
    _ = router.route(Walkthrough.request(), to: Walkthrough.destination)
    // The compiler drops zero-weight destinations; the router also never picks them.
    try router.update(to: Walkthrough.snapshot(routes: Walkthrough.split(0, 100)))
    for _ in 0..<50 {
      let decision = router.route(Walkthrough.request(), to: Walkthrough.destination)
      #expect(decision.endpoint == Walkthrough.v2)
    }
  }
}
