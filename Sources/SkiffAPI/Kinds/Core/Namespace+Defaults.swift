extension Namespace {
  /// The `kubernetes.io/metadata.name` label, phase `Active`, and the `kubernetes`
  /// finalizer the API server adds at create (the namespace controller removes it).
  public mutating func setDefaults() {
    if let name = metadata.name, !name.isEmpty {
      var labels = metadata.labels ?? [:]
      labels["kubernetes.io/metadata.name"] = name
      metadata.labels = labels
    }
    if spec?.finalizers == nil {
      var spec = spec ?? NamespaceSpec()
      spec.finalizers = ["kubernetes"]
      self.spec = spec
    }
    var status = status ?? NamespaceStatus()
    if status.phase?.isEmpty ?? true { status.phase = "Active" }
    self.status = status
  }
}
