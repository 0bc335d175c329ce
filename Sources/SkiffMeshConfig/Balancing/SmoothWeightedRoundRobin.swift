/// Smooth weighted round robin (nginx's): each pick adds every item's weight to its
/// running score, takes the highest score and subtracts the total from it. Over any
/// `sum(weights)` consecutive picks each item is chosen exactly `weight` times, and the
/// choices are spread out (90/10 gives nine v1 for each v2, not 90 then 10).
/// Weights are relative; zero-weight items are never chosen.
public struct SmoothWeightedRoundRobin: Sendable, Equatable {
  public let weights: [UInt32]
  private var current: [Int64]
  private let total: Int64

  public init(weights: [UInt32]) {
    self.weights = weights
    current = Array(repeating: 0, count: weights.count)
    total = weights.reduce(0) { $0 + Int64($1) }
  }

  /// The index of the next item, or nil when every weight is zero.
  public mutating func next() -> Int? {
    guard total > 0 else { return nil }
    var best = -1
    for index in weights.indices where weights[index] > 0 {
      current[index] += Int64(weights[index])
      if best < 0 || current[index] > current[best] { best = index }
    }
    current[best] -= total
    return best
  }
}
