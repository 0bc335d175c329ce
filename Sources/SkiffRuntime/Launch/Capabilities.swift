/// Linux capabilities by name and number (linux/capability.h).
public enum Capabilities {
  public static let all: [(name: String, number: Int)] = [
    ("CAP_CHOWN", 0), ("CAP_DAC_OVERRIDE", 1), ("CAP_DAC_READ_SEARCH", 2), ("CAP_FOWNER", 3),
    ("CAP_FSETID", 4), ("CAP_KILL", 5), ("CAP_SETGID", 6), ("CAP_SETUID", 7), ("CAP_SETPCAP", 8),
    ("CAP_LINUX_IMMUTABLE", 9), ("CAP_NET_BIND_SERVICE", 10), ("CAP_NET_BROADCAST", 11),
    ("CAP_NET_ADMIN", 12), ("CAP_NET_RAW", 13), ("CAP_IPC_LOCK", 14), ("CAP_IPC_OWNER", 15),
    ("CAP_SYS_MODULE", 16), ("CAP_SYS_RAWIO", 17), ("CAP_SYS_CHROOT", 18), ("CAP_SYS_PTRACE", 19),
    ("CAP_SYS_PACCT", 20), ("CAP_SYS_ADMIN", 21), ("CAP_SYS_BOOT", 22), ("CAP_SYS_NICE", 23),
    ("CAP_SYS_RESOURCE", 24), ("CAP_SYS_TIME", 25), ("CAP_SYS_TTY_CONFIG", 26), ("CAP_MKNOD", 27),
    ("CAP_LEASE", 28), ("CAP_AUDIT_WRITE", 29), ("CAP_AUDIT_CONTROL", 30), ("CAP_SETFCAP", 31),
    ("CAP_MAC_OVERRIDE", 32), ("CAP_MAC_ADMIN", 33), ("CAP_SYSLOG", 34), ("CAP_WAKE_ALARM", 35),
    ("CAP_BLOCK_SUSPEND", 36), ("CAP_AUDIT_READ", 37), ("CAP_PERFMON", 38), ("CAP_BPF", 39),
    ("CAP_CHECKPOINT_RESTORE", 40),
  ]

  /// containerd's `defaultUnixCaps` and moby's default set (facts §9).
  public static let dockerDefault = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
  ]

  /// The number of `name`; accepts Kubernetes' spelling without the prefix (`NET_ADMIN`).
  public static func number(_ name: String) -> Int? {
    let full = name.uppercased().hasPrefix("CAP_") ? name.uppercased() : "CAP_" + name.uppercased()
    return all.first { $0.name == full }?.number
  }

  /// `NET_ADMIN` → `CAP_NET_ADMIN`.
  public static func canonical(_ name: String) -> String {
    name.uppercased().hasPrefix("CAP_") ? name.uppercased() : "CAP_" + name.uppercased()
  }

  /// A 64-bit mask of the named capabilities (unknown names are ignored).
  public static func mask(_ names: [String]) -> UInt64 {
    names.reduce(0) { mask, name in number(name).map { mask | (1 << UInt64($0)) } ?? mask }
  }

  /// The sets a container gets from Kubernetes' `securityContext`: Docker's default, then
  /// `drop` (`ALL` drops everything), then `add`; `privileged` gets all. A non-root user
  /// keeps only the bounding set, as runc does (its effective set is emptied by execve).
  public static func sets(add: [String], drop: [String], privileged: Bool, uid: UInt32) -> CapabilitySets {
    if privileged { return .all }
    var caps = dockerDefault
    let dropped = drop.map(canonical)
    if dropped.contains("CAP_ALL") {
      caps = []
    } else {
      caps.removeAll { dropped.contains($0) }
    }
    let added = add.map(canonical)
    if added.contains("CAP_ALL") {
      caps = all.map(\.name)
    } else {
      for cap in added where !caps.contains(cap) && number(cap) != nil { caps.append(cap) }
    }
    return CapabilitySets(bounding: caps, effective: caps, permitted: caps)
  }
}
