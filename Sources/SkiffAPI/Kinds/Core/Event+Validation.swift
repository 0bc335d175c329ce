extension Event {
  /// core/v1 events get only Kubernetes' legacy checks (`legacyValidateEvent`), then the
  /// generic metadata checks every object passes (name required, a valid path segment).
  public func validate(old: Event?) -> [FieldError] {
    var errs: [FieldError] = []
    let namespace = metadata.namespace ?? ""
    let involvedNamespace = involvedObject.namespace ?? ""
    if eventTime == nil {
      if involvedNamespace.isEmpty {
        if !namespace.isEmpty && namespace != "default" {
          errs.append(.invalid(FieldPath("involvedObject").child("namespace"), .string(involvedNamespace), "does not match event.namespace"))
        }
      } else if namespace != involvedNamespace {
        errs.append(.invalid(FieldPath("involvedObject").child("namespace"), .string(involvedNamespace), "does not match event.namespace"))
      }
    } else {
      if involvedNamespace.isEmpty && namespace != "default" && namespace != "kube-system" {
        errs.append(.invalid(FieldPath("involvedObject").child("namespace"), .string(involvedNamespace), "does not match event.namespace"))
      }
      let controller = reportingComponent ?? ""
      if controller.isEmpty { errs.append(.required(FieldPath("reportingController"))) }
      for msg in Identifiers.labelKey(controller) { errs.append(.invalid(FieldPath("reportingController"), .string(controller), msg)) }
      let instance = reportingInstance ?? ""
      if instance.isEmpty { errs.append(.required(FieldPath("reportingInstance"))) }
      if instance.utf8.count > 128 { errs.append(.invalid(FieldPath("reportingInstance"), "", "can have at most 128 characters")) }
      let action = self.action ?? ""
      if action.isEmpty { errs.append(.required(FieldPath("action"))) }
      if action.utf8.count > 128 { errs.append(.invalid(FieldPath("action"), "", "can have at most 128 characters")) }
      let reason = self.reason ?? ""
      if reason.isEmpty { errs.append(.required(FieldPath("reason"))) }
      if reason.utf8.count > 128 { errs.append(.invalid(FieldPath("reason"), "", "can have at most 128 characters")) }
      if (message ?? "").utf8.count > 1024 { errs.append(.invalid(FieldPath("message"), "", "can have at most 1024 characters")) }
    }
    for msg in Identifiers.dns1123Subdomain(namespace) where !namespace.isEmpty {
      errs.append(.invalid(FieldPath("namespace"), .string(namespace), msg))
    }
    guard errs.isEmpty else { return errs }
    if let old { return metadata.validateUpdate(old: old.metadata) }
    return metadata.validate(namespaced: true, name: .pathSegment)
  }
}
