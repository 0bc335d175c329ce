extension DestinationRule {
  /// Istio's CRDs declare no defaults and its webhook changes nothing.
  public mutating func setDefaults() {}
}

extension VirtualService {
  /// Istio's CRDs declare no defaults and its webhook changes nothing.
  public mutating func setDefaults() {}
}
