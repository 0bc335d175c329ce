import CSeccomp

/// Loads a `SeccompSpec` into the kernel for the calling thread (and its future children)
/// through libseccomp. Called as the last step before execve.
enum SeccompFilter {
  /// Namespace flags `clone` may not carry without CAP_SYS_ADMIN.
  static let namespaceFlags: UInt64 = 0x0002_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000
    | 0x4000_0000 | 0x0200_0000  // NEWNS NEWUTS NEWIPC NEWUSER NEWPID NEWNET NEWCGROUP

  static func load(_ spec: SeccompSpec) throws(RuntimeError) {
    guard let context = seccomp_init(cseccomp_act_errno(UInt16(spec.defaultErrno))) else {
      throw RuntimeError(stage: "seccomp", "seccomp_init failed")
    }
    defer { seccomp_release(context) }
    // Only syscalls that exist here: libseccomp resolves names for the native architecture.
    func number(_ name: String) -> Int32? {
      let n = seccomp_syscall_resolve_name(name)
      return n == __NR_SCMP_ERROR ? nil : n
    }
    let allow = cseccomp_act_allow()
    for name in spec.allow where name != "socket" && name != "personality" && name != "clone" {
      guard let n = number(name) else { continue }
      if spec.errnoOverrides[name] != nil { continue }
      let rc = cseccomp_rule_add0(context, allow, n)
      if rc != 0 { throw RuntimeError(stage: "seccomp", "allow \(name): \(String(cString: strerror(-rc)))") }
    }
    for (name, errnoValue) in spec.errnoOverrides {
      guard let n = number(name) else { continue }
      _ = cseccomp_rule_add0(context, cseccomp_act_errno(UInt16(errnoValue)), n)
    }
    if let clone = number("clone") {
      if spec.allow.contains("clone") {
        _ = cseccomp_rule_add0(context, allow, clone)
      } else {
        // clone(flags, ...) with no namespace flag set.
        _ = cseccomp_rule_add1(context, allow, clone, 0, Int32(SCMP_CMP_MASKED_EQ.rawValue), namespaceFlags, 0)
      }
    }
    if let socketCall = number("socket") {
      if spec.deniedSocketFamilies.isEmpty {
        _ = cseccomp_rule_add0(context, allow, socketCall)
      } else {
        for family in spec.deniedSocketFamilies {
          _ = cseccomp_rule_add1(context, cseccomp_act_errno(97 /* EAFNOSUPPORT */), socketCall, 0,
                                 Int32(SCMP_CMP_EQ.rawValue), UInt64(family), 0)
        }
        // Everything else: allowed. libseccomp orders the more specific rules first.
        let denied = Set(spec.deniedSocketFamilies)
        _ = denied
        _ = cseccomp_rule_add1(context, allow, socketCall, 0, Int32(SCMP_CMP_NE.rawValue), UInt64(spec.deniedSocketFamilies[0]), 0)
      }
    }
    if let personality = number("personality") {
      for value in spec.allowedPersonalities {
        _ = cseccomp_rule_add1(context, allow, personality, 0, Int32(SCMP_CMP_EQ.rawValue), value, 0)
      }
    }
    let rc = seccomp_load(context)
    if rc != 0 { throw RuntimeError(stage: "seccomp", "load filter: \(String(cString: strerror(-rc)))") }
  }
}

#if canImport(Glibc)
import Glibc
#endif
