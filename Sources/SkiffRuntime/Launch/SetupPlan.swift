/// One privileged step of preparing a container's filesystem. A plan is a list of these,
/// computed from a `LaunchSpec` without touching the kernel, so it can be tested as data;
/// `KernelSetup` performs it.
public enum SetupStep: Sendable, Equatable, CustomStringConvertible {
  /// `mount(source, target, type, flags, data)`.
  case mount(source: String, target: String, type: String, flags: MountFlags, data: String)
  case makeDirectory(String)
  /// Creates an empty file to bind-mount a file onto.
  case makeFile(String)
  case symlink(target: String, at: String)
  /// `pivot_root` into the directory, then detach the old root.
  case pivotRoot(String)
  case setHostname(String)

  public var description: String {
    switch self {
    case .mount(let source, let target, let type, let flags, let data):
      return "mount \(type) \(source) on \(target) [\(flags)]" + (data.isEmpty ? "" : " \(data)")
    case .makeDirectory(let path): return "mkdir \(path)"
    case .makeFile(let path): return "touch \(path)"
    case .symlink(let target, let at): return "ln -s \(target) \(at)"
    case .pivotRoot(let path): return "pivot_root \(path)"
    case .setHostname(let name): return "sethostname \(name)"
    }
  }
}

/// mount(2) flags by name.
public struct MountFlags: OptionSet, Sendable, Equatable, CustomStringConvertible {
  public let rawValue: UInt
  public init(rawValue: UInt) { self.rawValue = rawValue }

  public static let readOnly = MountFlags(rawValue: 1)  // MS_RDONLY
  public static let noSUID = MountFlags(rawValue: 2)
  public static let noDev = MountFlags(rawValue: 4)
  public static let noExec = MountFlags(rawValue: 8)
  public static let remount = MountFlags(rawValue: 32)
  public static let bind = MountFlags(rawValue: 4096)
  public static let recursive = MountFlags(rawValue: 16384)  // MS_REC
  public static let `private` = MountFlags(rawValue: 1 << 18)
  public static let relatime = MountFlags(rawValue: 1 << 21)
  public static let strictAtime = MountFlags(rawValue: 1 << 24)

  static let names: [(String, MountFlags)] = [
    ("ro", .readOnly), ("nosuid", .noSUID), ("nodev", .noDev), ("noexec", .noExec), ("remount", .remount),
    ("bind", .bind), ("rbind", [.bind, .recursive]), ("rprivate", [.private, .recursive]), ("private", .private),
    ("relatime", .relatime), ("strictatime", .strictAtime),
  ]

  /// Splits OCI mount options into flags and the remaining data string (`mode=755,size=65536k`).
  public static func parse(_ options: [String]) -> (MountFlags, String) {
    var flags: MountFlags = []
    var data: [String] = []
    for option in options {
      if let flag = names.first(where: { $0.0 == option })?.1 {
        flags.insert(flag)
      } else if option != "rw" {
        data.append(option)
      }
    }
    return (flags, data.joined(separator: ","))
  }

  public var description: String {
    let set = Self.names.filter { rawValue & $0.1.rawValue == $0.1.rawValue && $0.1.rawValue != 0 }.map(\.0)
    return set.isEmpty ? "rw" : set.joined(separator: ",")
  }
}

/// The mounts every container gets (containerd's defaults, facts §9) and the plan that
/// builds a container's root from a spec.
public enum SetupPlan {
  /// Default mounts, in order: /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys.
  public static let defaultMounts: [MountSpec] = [
    MountSpec(destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]),
    MountSpec(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
    MountSpec(destination: "/dev/pts", type: "devpts", source: "devpts",
              options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
    MountSpec(destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
    MountSpec(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
    MountSpec(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]),
  ]

  /// Device nodes bind-mounted from the host (the runtime-spec defaults).
  public static let defaultDevices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"]

  public static let defaultMaskedPaths = [
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
  ]

  public static let defaultReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

  /// Steps before pivot_root: private propagation, the overlay root, mounts, devices,
  /// /dev links. `fileSources` answers whether a bind source is a file (else a directory).
  public static func beforePivot(_ spec: LaunchSpec, isFile: (String) -> Bool) -> [SetupStep] {
    let root = spec.rootfs.mountPoint
    var steps: [SetupStep] = [
      .mount(source: "", target: "/", type: "", flags: [.private, .recursive], data: ""),
      .makeDirectory(root),
      .mount(
        source: "overlay", target: root, type: "overlay", flags: [],
        data: "lowerdir=\(spec.rootfs.lowerDirs.joined(separator: ":")),upperdir=\(spec.rootfs.upperDir),workdir=\(spec.rootfs.workDir)"),
    ]
    for mount in spec.mounts {
      let target = root + mount.destination
      var (flags, data) = MountFlags.parse(mount.options)
      let isBind = mount.type == "bind" || flags.contains(.bind)
      if isBind {
        flags.insert(.bind)
        steps.append(isFile(mount.source) ? .makeFile(target) : .makeDirectory(target))
        // A read-only bind takes a second, remounting step: the first mount ignores MS_RDONLY.
        let readOnly = flags.contains(.readOnly)
        flags.remove(.readOnly)
        steps.append(.mount(source: mount.source, target: target, type: "", flags: flags, data: ""))
        if readOnly {
          steps.append(.mount(source: "", target: target, type: "", flags: flags.union([.remount, .readOnly]), data: ""))
        }
      } else {
        steps.append(.makeDirectory(target))
        steps.append(.mount(source: mount.source, target: target, type: mount.type, flags: flags, data: data))
      }
    }
    for device in spec.devices {
      steps.append(.makeFile(root + device))
      steps.append(.mount(source: device, target: root + device, type: "", flags: .bind, data: ""))
    }
    steps += [
      .makeDirectory(root + "/dev"),
      .symlink(target: "/proc/self/fd", at: root + "/dev/fd"),
      .symlink(target: "/proc/self/fd/0", at: root + "/dev/stdin"),
      .symlink(target: "/proc/self/fd/1", at: root + "/dev/stdout"),
      .symlink(target: "/proc/self/fd/2", at: root + "/dev/stderr"),
      .symlink(target: "pts/ptmx", at: root + "/dev/ptmx"),
    ]
    return steps
  }

  /// Steps after pivot_root: masked and read-only paths, a read-only root, the hostname.
  public static func afterPivot(_ spec: LaunchSpec, isDirectory: (String) -> Bool, exists: (String) -> Bool) -> [SetupStep] {
    var steps: [SetupStep] = []
    for path in spec.maskedPaths where exists(path) {
      if isDirectory(path) {
        steps.append(.mount(source: "tmpfs", target: path, type: "tmpfs", flags: .readOnly, data: ""))
      } else {
        steps.append(.mount(source: "/dev/null", target: path, type: "", flags: .bind, data: ""))
      }
    }
    for path in spec.readonlyPaths where exists(path) {
      steps.append(.mount(source: path, target: path, type: "", flags: [.bind, .recursive], data: ""))
      steps.append(.mount(source: "", target: path, type: "", flags: [.bind, .recursive, .remount, .readOnly, .noSUID, .noDev, .noExec], data: ""))
    }
    if spec.rootfs.readOnly {
      steps.append(.mount(source: "", target: "/", type: "", flags: [.bind, .remount, .readOnly], data: ""))
    }
    if let hostname = spec.hostname { steps.append(.setHostname(hostname)) }
    return steps
  }
}
