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

  /// Istio's webhook warnings, then what Skiff wants the user to know.
  public func warnings() -> [String] {
    var out = istioValidation().warning?.messages ?? []
    let gateways = spec?.gateways ?? []
    if !gateways.isEmpty && !gateways.contains("mesh") {
      out.append("spec.gateways: Skiff has no gateways; rules bound only to \(gateways.joined(separator: ", ")) apply to no traffic (add \"mesh\" for sidecars)")
    }
    if (spec?.hosts ?? []).isEmpty {
      out.append("spec.hosts: empty: this is a delegate VirtualService; it routes nothing unless another VirtualService delegates to it")
    }
    for (i, http) in (spec?.http ?? []).enumerated() {
      for (j, route) in (http.route ?? []).enumerated() {
        guard let subset = route.destination?.subset, !subset.isEmpty else { continue }
        out.append("spec.http[\(i)].route[\(j)].destination.subset: subset \"\(subset)\" of host \"\(route.destination?.host ?? "")\" "
          + "is looked up in DestinationRules only when requests arrive; if none defines it, requests fail with 503 (NC)")
      }
    }
    return out
  }
}
