extension Node {
  /// Allocatable defaults to capacity.
  public mutating func setDefaults() {
    if status?.allocatable == nil, let capacity = status?.capacity { status?.allocatable = capacity }
  }
}
