/// What the API server and the CLI do to objects whose kind they only know at run time
/// (`any APIObject`): default, validate, admit, encode.
extension APIObject {
  /// The kind's resource information, from an instance.
  public var resourceInfo: ResourceInfo { Self.resourceInfo }

  /// A copy with Kubernetes' defaults filled in.
  public func defaulted() -> Self {
    var copy = self
    copy.setDefaults()
    return copy
  }

  /// Validation against the stored object `old` when it is of the same kind (an update),
  /// else as a create.
  public func validationErrors(old: (any APIObject)?) -> [FieldError] {
    validate(old: old as? Self)
  }

  /// What the API server answers when it refuses the object, in its order: field
  /// validation (422 `Invalid`), then validating webhooks (400, Istio's
  /// `validation.istio.io`). Nil when the object may be stored.
  public func admissionFailure(old: (any APIObject)?) -> Status? {
    let errors = validationErrors(old: old)
    if !errors.isEmpty {
      return Status.invalid(kind: Self.resourceInfo.kind, group: Self.resourceInfo.group,
                            name: metadata.name ?? metadata.generateName ?? "", errors)
    }
    return webhookDenial(old: old)?.status
  }

  /// The webhook's refusal, for kinds a webhook checks.
  public func webhookDenial(old: (any APIObject)?) -> AdmissionDenial? {
    guard let checked = self as? any WebhookValidated else { return nil }
    func deny<W: WebhookValidated>(_ object: W) -> AdmissionDenial? {
      object.webhookDenial(old: old as? W).map { AdmissionDenial(webhook: W.webhookName, reason: $0) }
    }
    return deny(checked)
  }

  /// The object as JSON in field order (`apiVersion`, `kind`, `metadata`, `spec`, `status`),
  /// with `apiVersion` and `kind` filled in from the kind when absent.
  public func encodedJSON() throws -> JSONValue {
    var copy = self
    if copy.apiVersion?.isEmpty ?? true { copy.apiVersion = Self.resourceInfo.apiVersion }
    if copy.kind?.isEmpty ?? true { copy.kind = Self.resourceInfo.kind }
    return try JSONValueEncoder().encode(copy)
  }

  /// The object in another served version of its kind (its stored version when nil). The
  /// kinds here have one schema across their versions (Istio's CRDs declare no conversion),
  /// so only `apiVersion` and `kind` change. Nil when the version is not served.
  public func converted(to apiVersion: String? = nil) -> Self? {
    let target = apiVersion ?? Self.resourceInfo.apiVersion
    guard Self.resourceInfo.serves(apiVersion: target) else { return nil }
    var copy = self
    copy.apiVersion = target
    copy.kind = Self.resourceInfo.kind
    return copy
  }
}
