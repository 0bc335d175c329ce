extension Namespace {
  /// `ValidateNamespace` (name a DNS label, finalizers qualified or standard); on update,
  /// only the metadata rules.
  public func validate(old: Namespace?) -> [FieldError] {
    if let old { return metadata.validateUpdate(old: old.metadata) }
    var errs = metadata.validate(namespaced: false, name: .dnsLabel)
    let path = FieldPath("spec").child("finalizers")
    for finalizer in spec?.finalizers ?? [] {
      for msg in Identifiers.labelKey(finalizer) { errs.append(.invalid(path, .string(finalizer), msg)) }
      errs += ObjectMeta.validateKubeFinalizerName(finalizer, path)
    }
    return errs
  }
}
