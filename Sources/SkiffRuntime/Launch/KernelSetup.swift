import CSkiffSys

#if canImport(Glibc)
import Glibc
#endif

/// Performs setup steps and process-security changes for real. Only `skiff-init` calls this,
/// in the container's own process after it has left the daemon's namespaces.
enum KernelSetup {
  static func errnoText(_ code: Int32 = errno) -> String {
    switch code {
    case EPERM: return "EPERM: operation not permitted"
    case ENOENT: return "ENOENT: no such file or directory"
    case EACCES: return "EACCES: permission denied"
    case EINVAL: return "EINVAL: invalid argument"
    case EBUSY: return "EBUSY: device or resource busy"
    default: return String(cString: strerror(code))
    }
  }

  static func perform(_ step: SetupStep, container: String) throws(RuntimeError) {
    switch step {
    case .mount(let source, let target, let type, let flags, let data):
      let rc = data.isEmpty
        ? Glibc.mount(source, target, type.isEmpty ? nil : type, flags.rawValue, nil)
        : data.withCString { Glibc.mount(source, target, type, flags.rawValue, $0) }
      if rc != 0 {
        throw RuntimeError(stage: "mount \(type.isEmpty ? source : type) on \(target) in container \(container)", errnoText())
      }
    case .makeDirectory(let path):
      try makeDirectories(path, container: container)
    case .makeFile(let path):
      let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
      if !parent.isEmpty { try makeDirectories(parent, container: container) }
      let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
      if fd < 0 && errno != EISDIR { throw RuntimeError(stage: "create \(path) in container \(container)", errnoText()) }
      if fd >= 0 { close(fd) }
    case .symlink(let target, let at):
      if Glibc.symlink(target, at) != 0 && errno != EEXIST {
        throw RuntimeError(stage: "symlink \(at) in container \(container)", errnoText())
      }
    case .pivotRoot(let root):
      guard chdir(root) == 0 else { throw RuntimeError(stage: "chdir \(root) in container \(container)", errnoText()) }
      // pivot_root(".", "."): the old root ends up on top of the new one, then is detached;
      // no put_old directory is needed (runc does the same).
      guard skiff_pivot_root(".", ".") == 0 else {
        throw RuntimeError(stage: "pivot_root in container \(container)", errnoText())
      }
      guard umount2(".", Int32(MNT_DETACH)) == 0 else {
        throw RuntimeError(stage: "detach old root in container \(container)", errnoText())
      }
      guard chdir("/") == 0 else { throw RuntimeError(stage: "chdir / in container \(container)", errnoText()) }
    case .setHostname(let name):
      guard skiff_sethostname(name) == 0 else {
        throw RuntimeError(stage: "sethostname \(name) in container \(container)", errnoText())
      }
    }
  }

  static func makeDirectories(_ path: String, container: String) throws(RuntimeError) {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw RuntimeError(stage: "mkdir \(current) in container \(container)", errnoText())
      }
    }
  }

  static func isFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// Joins the namespace pinned at `path`.
  static func join(_ namespace: NamespacePath) throws(RuntimeError) {
    let fd = open(namespace.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw RuntimeError(stage: "open \(namespace.type) namespace \(namespace.path)", errnoText()) }
    defer { close(fd) }
    guard skiff_setns(fd, 0) == 0 else {
      throw RuntimeError(stage: "join \(namespace.type) namespace \(namespace.path)", errnoText())
    }
  }

  static let namespaceFlags: [String: Int32] = [
    "mnt": 0x0002_0000, "uts": 0x0400_0000, "ipc": 0x0800_0000, "pid": 0x2000_0000, "net": 0x4000_0000,
    "cgroup": 0x0200_0000,
  ]

  static func unshare(_ types: [String]) throws(RuntimeError) {
    let flags = types.reduce(Int32(0)) { $0 | (namespaceFlags[$1] ?? 0) }
    guard flags == 0 || skiff_unshare(flags) == 0 else {
      throw RuntimeError(stage: "unshare \(types.joined(separator: ","))", errnoText())
    }
  }

  static func joinCgroups(_ directories: [String]) throws(RuntimeError) {
    for directory in directories {
      let path = directory + "/cgroup.procs"
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw RuntimeError(stage: "join cgroup \(directory)", errnoText()) }
      let text = "0\n"
      let n = write(fd, text, text.utf8.count)
      close(fd)
      if n < 0 { throw RuntimeError(stage: "join cgroup \(directory)", errnoText()) }
    }
  }

  static let rlimitNumbers: [String: Int32] = [
    "RLIMIT_CPU": 0, "RLIMIT_FSIZE": 1, "RLIMIT_DATA": 2, "RLIMIT_STACK": 3, "RLIMIT_CORE": 4,
    "RLIMIT_RSS": 5, "RLIMIT_NPROC": 6, "RLIMIT_NOFILE": 7, "RLIMIT_MEMLOCK": 8, "RLIMIT_AS": 9,
  ]

  /// Identity and privileges, in runc's order: rlimits, no_new_privs, bounding set, groups
  /// and ids (keeping capabilities across the uid change), capability sets, ambient set.
  /// Seccomp is loaded separately, last, right before execve.
  static func applyIdentity(_ process: ProcessSpec) throws(RuntimeError) {
    for limit in process.rlimits {
      guard let resource = rlimitNumbers[limit.type] else { continue }
      guard skiff_setrlimit(resource, limit.soft, limit.hard) == 0 else {
        throw RuntimeError(stage: "setrlimit \(limit.type)", errnoText())
      }
    }
    if process.noNewPrivileges {
      guard skiff_prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) == 0 else {
        throw RuntimeError(stage: "set no_new_privs", errnoText())
      }
    }
    let bounding = Capabilities.mask(process.capabilities.bounding)
    let last = Int(skiff_cap_last_cap())
    for cap in 0...last where bounding & (1 << UInt64(cap)) == 0 {
      if skiff_prctl(24 /* PR_CAPBSET_DROP */, UInt(cap), 0, 0, 0) != 0 && errno != EINVAL {
        throw RuntimeError(stage: "drop capability \(cap) from the bounding set", errnoText())
      }
    }
    _ = skiff_prctl(8 /* PR_SET_KEEPCAPS */, 1, 0, 0, 0)
    var groups = process.additionalGids.map { gid_t($0) }
    guard setgroups(groups.count, &groups) == 0 else { throw RuntimeError(stage: "setgroups", errnoText()) }
    guard setregid(process.gid, process.gid) == 0 else {
      throw RuntimeError(stage: "setgid \(process.gid)", errnoText())
    }
    guard setreuid(process.uid, process.uid) == 0 else {
      throw RuntimeError(stage: "setuid \(process.uid)", errnoText())
    }
    let caps = process.capabilities
    guard skiff_capset(Capabilities.mask(caps.effective), Capabilities.mask(caps.permitted), Capabilities.mask(caps.inheritable)) == 0 else {
      throw RuntimeError(stage: "set capabilities", errnoText())
    }
    for cap in caps.ambient {
      if let n = Capabilities.number(cap) {
        _ = skiff_prctl(47 /* PR_CAP_AMBIENT */, 2 /* RAISE */, UInt(n), 0, 0)
      }
    }
  }

  /// Finds `command` as execve needs it: a path as is, a bare name through `PATH` (the
  /// container's), as Go's exec.LookPath does for runc. The error reads like runc's.
  static func resolve(_ command: String, env: [String]) throws(RuntimeError) -> String {
    if command.contains("/") {
      var st = stat()
      if stat(command, &st) != 0 {
        throw RuntimeError(stage: "exec", "exec: \"\(command)\": stat \(command): \(String(cString: strerror(errno)).lowercased())")
      }
      if (st.st_mode & S_IFMT) == S_IFDIR {
        throw RuntimeError(stage: "exec", "exec: \"\(command)\": is a directory")
      }
      return command
    }
    let path = env.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
      ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(command)"
      var st = stat()
      if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR, access(candidate, X_OK) == 0 {
        return candidate
      }
    }
    throw RuntimeError(stage: "exec", "exec: \"\(command)\": executable file not found in $PATH")
  }

  /// execve with the spec's argv and environment; returns only on failure.
  static func exec(_ path: String, _ process: ProcessSpec) -> RuntimeError {
    var argv: [UnsafeMutablePointer<CChar>?] = process.args.map { strdup($0) } + [nil]
    var envp: [UnsafeMutablePointer<CChar>?] = process.env.map { strdup($0) } + [nil]
    execve(path, &argv, &envp)
    let code = errno
    let text = code == ENOEXEC ? "exec format error" : String(cString: strerror(code)).lowercased()
    return RuntimeError(stage: "exec", "exec: \"\(process.args.first ?? path)\": \(text)")
  }
}
