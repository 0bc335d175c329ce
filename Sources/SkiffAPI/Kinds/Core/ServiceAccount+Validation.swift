extension ServiceAccount {
  /// `ValidateServiceAccount`: a DNS subdomain name.
  public func validate(old: ServiceAccount?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old { errs += metadata.validateUpdate(old: old.metadata) }
    errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    return errs
  }
}
