extension Secret {
  /// `ValidateSecret` (keys, at most 1 MiB, the keys each type requires) and on update
  /// `ValidateSecretUpdate` (the type never changes; nothing changes once `immutable` is set).
  public func validate(old: Secret?) -> [FieldError] {
    var errs: [FieldError] = []
    if let old {
      errs += metadata.validateUpdate(old: old.metadata)
      if (type ?? "") != (old.type ?? "") {
        errs.append(.invalid(FieldPath("type"), .string(type ?? ""), "field is immutable"))
      }
      if old.immutable == true {
        let why = "field is immutable when `immutable` is set"
        if immutable != true { errs.append(.forbidden(FieldPath("immutable"), why)) }
        if (data ?? [:]) != (old.data ?? [:]) { errs.append(.forbidden(FieldPath("data"), why)) }
      }
    }
    errs += metadata.validate(namespaced: true, name: .dnsSubdomain)
    let dataPath = FieldPath("data")
    var size = 0
    for (key, value) in (data ?? [:]).sorted(by: { $0.key < $1.key }) {
      for msg in Identifiers.configMapKey(key) { errs.append(.invalid(dataPath.key(key), .string(key), msg)) }
      size += (try? Base64.decode(value).count) ?? 0
    }
    if size > 1024 * 1024 { errs.append(.tooLong(dataPath, maxBytes: 1024 * 1024)) }
    let present = { (key: String) in !(self.value(key) ?? []).isEmpty }
    switch type ?? "" {
    case "kubernetes.io/service-account-token":
      if (metadata.annotations?["kubernetes.io/service-account.name"] ?? "").isEmpty {
        errs.append(.required(FieldPath("metadata").child("annotations").key("kubernetes.io/service-account.name"), ""))
      }
    case "kubernetes.io/dockercfg":
      if !present(".dockercfg") { errs.append(.required(dataPath.key(".dockercfg"), "")) }
    case "kubernetes.io/dockerconfigjson":
      if !present(".dockerconfigjson") { errs.append(.required(dataPath.key(".dockerconfigjson"), "")) }
    case "kubernetes.io/basic-auth":
      if !present("username") && !present("password") {
        errs.append(.required(dataPath.key("username"), "either username or password is required"))
      }
    case "kubernetes.io/ssh-auth":
      if !present("ssh-privatekey") { errs.append(.required(dataPath.key("ssh-privatekey"), "")) }
    case "kubernetes.io/tls":
      if data?["tls.crt"] == nil { errs.append(.required(dataPath.key("tls.crt"), "")) }
      if data?["tls.key"] == nil { errs.append(.required(dataPath.key("tls.key"), "")) }
    default:
      break
    }
    return errs
  }
}
