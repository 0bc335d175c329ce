extension Endpoints {
  /// Endpoint ports default to TCP.
  public mutating func setDefaults() {
    guard var subsets else { return }
    for i in subsets.indices {
      guard var ports = subsets[i].ports else { continue }
      for j in ports.indices where ports[j].protocol?.isEmpty ?? true { ports[j].protocol = "TCP" }
      subsets[i].ports = ports
    }
    self.subsets = subsets
  }
}
