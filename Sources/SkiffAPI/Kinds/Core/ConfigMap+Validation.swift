extension ConfigMap {
  /// `ValidateConfigMap` (keys, no key in both maps, at most 1 MiB), and on update
  /// `ValidateConfigMapUpdate` (nothing changes once `immutable` is set).
  public func validate(old: ConfigMap?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
      if old.immutable == true {
        let why = "field is immutable when `immutable` is set"
        if immutable != true { errs.append(.forbidden(FieldPath("immutable"), why)) }
        if (data ?? [:]) != (old.data ?? [:]) { errs.append(.forbidden(FieldPath("data"), why)) }
        if (binaryData ?? [:]) != (old.binaryData ?? [:]) { errs.append(.forbidden(FieldPath("binaryData"), why)) }
      }
    }
    errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    var size = 0
    for (key, value) in (data ?? [:]).sorted(by: { $0.key < $1.key }) {
      let p = FieldPath("data").key(key)
      for msg in Identifiers.configMapKey(key) { errs.append(.invalid(p, .string(key), msg)) }
      if binaryData?[key] != nil { errs.append(.invalid(p, .string(key), "duplicate of key present in binaryData")) }
      size += value.utf8.count
    }
    for (key, value) in (binaryData ?? [:]).sorted(by: { $0.key < $1.key }) {
      for msg in Identifiers.configMapKey(key) { errs.append(.invalid(FieldPath("binaryData").key(key), .string(key), msg)) }
      size += value.utf8.count * 3 / 4
    }
    if size > 1024 * 1024 { errs.append(.tooLong(FieldPath(""), maxBytes: 1024 * 1024)) }
    return errs
  }
}
