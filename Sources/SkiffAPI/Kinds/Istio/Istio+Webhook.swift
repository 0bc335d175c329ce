extension DestinationRule: WebhookValidated {
  public static let webhookName = "validation.istio.io"

  public func webhookDenial(old: DestinationRule?) -> String? {
    istioValidation().error.map { "configuration is invalid: \($0.text)" }
  }

  public func warnings() -> [String] { istioValidation().warning?.messages ?? [] }
}

extension VirtualService: WebhookValidated {
  public static let webhookName = "validation.istio.io"

  public func webhookDenial(old: VirtualService?) -> String? {
    istioValidation().error.map { "configuration is invalid: \($0.text)" }
  }

  /// Istio's webhook warnings, then what Skiff wants the user to know. (A subset no
  /// DestinationRule defines is not warned about here: Istio accepts it, the order of applies
  /// is free, and `skiff proxy-config` / the 503 `NC` in the access log show it.)
  public func warnings() -> [String] {
    var out = istioValidation().warning?.messages ?? []
    let gateways = spec?.gateways ?? []
    if !gateways.isEmpty && !gateways.contains("mesh") {
      out.append("spec.gateways: Skiff has no gateways; rules bound only to \(gateways.joined(separator: ", ")) apply to no traffic (add \"mesh\" for sidecars)")
    }
    if (spec?.hosts ?? []).isEmpty {
      out.append("spec.hosts: empty: this is a delegate VirtualService; it routes nothing unless another VirtualService delegates to it")
    }
    return out
  }
}
