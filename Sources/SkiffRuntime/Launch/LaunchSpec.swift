/// Everything `skiff-init` needs to start one container, written by the daemon as JSON and
/// read by `skiff-init run`. Namespaces, mounts and security settings are data here, not
/// code: the setup steps walk these lists in order.
public struct LaunchSpec: Codable, Sendable, Equatable {
  /// The container's id (also its directory name under the run dir).
  public var id: String
  /// Existing namespaces to join, by kind (`net`, `uts`, `ipc`) and the file that pins them.
  public var joinNamespaces: [NamespacePath]
  /// Namespaces to create for this container (`mnt`, `pid`).
  public var newNamespaces: [String]
  public var hostname: String?
  public var rootfs: RootfsSpec
  /// Mounts made inside the new root before pivot_root, in order.
  public var mounts: [MountSpec]
  /// Host device nodes bind-mounted into the container's /dev.
  public var devices: [String]
  /// Paths hidden from the container (a file gets /dev/null, a directory an empty tmpfs).
  public var maskedPaths: [String]
  /// Paths made read-only.
  public var readonlyPaths: [String]
  public var process: ProcessSpec
  /// cgroup directories the container joins (one per v1 controller, or one v2 directory).
  public var cgroups: [String]
  /// The CRI-format log file the shim writes the container's stdout and stderr to.
  public var logPath: String
  /// Where the shim writes the container's exit status when it ends.
  public var exitPath: String
  /// The directory where the shim listens for `kubectl attach` (`attach.sock`); nil: no
  /// attaching.
  public var attachDirectory: String?

  public init(
    id: String, joinNamespaces: [NamespacePath] = [], newNamespaces: [String] = ["mnt", "pid"],
    hostname: String? = nil, rootfs: RootfsSpec, mounts: [MountSpec] = [], devices: [String] = [],
    maskedPaths: [String] = [], readonlyPaths: [String] = [], process: ProcessSpec, cgroups: [String] = [],
    logPath: String, exitPath: String
  ) {
    self.id = id
    self.joinNamespaces = joinNamespaces
    self.newNamespaces = newNamespaces
    self.hostname = hostname
    self.rootfs = rootfs
    self.mounts = mounts
    self.devices = devices
    self.maskedPaths = maskedPaths
    self.readonlyPaths = readonlyPaths
    self.process = process
    self.cgroups = cgroups
    self.logPath = logPath
    self.exitPath = exitPath
  }
}

/// A namespace to join: its kind (`net`, `uts`, `ipc`, `mnt`, `pid`) and a path to it
/// (`/run/skiff/pods/<uid>/ns/net` or `/proc/<pid>/ns/net`).
public struct NamespacePath: Codable, Sendable, Equatable {
  public var type: String
  public var path: String

  public init(type: String, path: String) {
    self.type = type
    self.path = path
  }
}

/// The container's root: an overlay of read-only image layers and a writable upper layer.
public struct RootfsSpec: Codable, Sendable, Equatable {
  /// Image layers, topmost first (overlayfs `lowerdir` order).
  public var lowerDirs: [String]
  public var upperDir: String
  public var workDir: String
  /// Where the overlay is mounted before pivot_root.
  public var mountPoint: String
  /// `readOnlyRootFilesystem`: the root is remounted read-only after setup.
  public var readOnly: Bool

  public init(lowerDirs: [String], upperDir: String, workDir: String, mountPoint: String, readOnly: Bool = false) {
    self.lowerDirs = lowerDirs
    self.upperDir = upperDir
    self.workDir = workDir
    self.mountPoint = mountPoint
    self.readOnly = readOnly
  }
}

/// One mount, as in the OCI runtime spec: `destination` inside the container, `type`
/// (`proc`, `tmpfs`, `bind`, ...), `source`, and options (`nosuid`, `ro`, `mode=755`, ...).
public struct MountSpec: Codable, Sendable, Equatable {
  public var destination: String
  public var type: String
  public var source: String
  public var options: [String]

  public init(destination: String, type: String, source: String, options: [String] = []) {
    self.destination = destination
    self.type = type
    self.source = source
    self.options = options
  }
}

/// The process to run and the identity and limits it runs with.
public struct ProcessSpec: Codable, Sendable, Equatable {
  public var args: [String]
  public var env: [String]
  public var cwd: String
  public var uid: UInt32
  public var gid: UInt32
  public var additionalGids: [UInt32]
  public var capabilities: CapabilitySets
  public var noNewPrivileges: Bool
  /// nil: no filter (`Unconfined`).
  public var seccomp: SeccompSpec?
  /// Allocate a terminal for the process (`tty: true`).
  public var terminal: Bool
  public var rlimits: [RLimit]
  /// Keep the process's stdin open for attached clients (`stdin: true`); otherwise it reads
  /// /dev/null.
  public var openStdin: Bool?
  /// Close that stdin when the first attached client leaves (`stdinOnce: true`).
  public var stdinOnce: Bool?

  public init(
    args: [String], env: [String] = [], cwd: String = "/", uid: UInt32 = 0, gid: UInt32 = 0,
    additionalGids: [UInt32] = [], capabilities: CapabilitySets = .dockerDefault, noNewPrivileges: Bool = false,
    seccomp: SeccompSpec? = nil, terminal: Bool = false, rlimits: [RLimit] = [], openStdin: Bool? = nil,
    stdinOnce: Bool? = nil
  ) {
    self.args = args
    self.env = env
    self.cwd = cwd
    self.uid = uid
    self.gid = gid
    self.additionalGids = additionalGids
    self.capabilities = capabilities
    self.noNewPrivileges = noNewPrivileges
    self.seccomp = seccomp
    self.terminal = terminal
    self.rlimits = rlimits
    self.openStdin = openStdin
    self.stdinOnce = stdinOnce
  }
}

public struct RLimit: Codable, Sendable, Equatable {
  public var type: String
  public var soft: UInt64
  public var hard: UInt64

  public init(type: String, soft: UInt64, hard: UInt64) {
    self.type = type
    self.soft = soft
    self.hard = hard
  }
}

/// The five capability sets, by name (`CAP_NET_BIND_SERVICE`).
public struct CapabilitySets: Codable, Sendable, Equatable {
  public var bounding: [String]
  public var effective: [String]
  public var permitted: [String]
  public var inheritable: [String]
  public var ambient: [String]

  public init(bounding: [String], effective: [String], permitted: [String], inheritable: [String] = [], ambient: [String] = []) {
    self.bounding = bounding
    self.effective = effective
    self.permitted = permitted
    self.inheritable = inheritable
    self.ambient = ambient
  }

  /// Docker's and containerd's default: the same 14 capabilities in bounding, effective and
  /// permitted.
  public static var dockerDefault: CapabilitySets {
    let caps = Capabilities.dockerDefault
    return CapabilitySets(bounding: caps, effective: caps, permitted: caps)
  }

  /// Every capability (`privileged: true`).
  public static var all: CapabilitySets {
    let caps = Capabilities.all.map(\.name)
    return CapabilitySets(bounding: caps, effective: caps, permitted: caps, inheritable: caps)
  }
}

/// A seccomp filter: the default action and the syscalls allowed.
public struct SeccompSpec: Codable, Sendable, Equatable {
  /// Allowed syscalls by name; names this kernel/libseccomp do not know are skipped.
  public var allow: [String]
  /// The errno every other syscall fails with (EPERM, as Docker).
  public var defaultErrno: Int32
  /// Syscalls answered with a specific errno instead (clone3 → ENOSYS so glibc falls back).
  public var errnoOverrides: [String: Int32]
  /// `socket` is allowed except for these address families (AF_VSOCK).
  public var deniedSocketFamilies: [Int32]
  /// `personality` is allowed only with these values.
  public var allowedPersonalities: [UInt64]

  public init(
    allow: [String], defaultErrno: Int32, errnoOverrides: [String: Int32] = [:], deniedSocketFamilies: [Int32] = [],
    allowedPersonalities: [UInt64] = []
  ) {
    self.allow = allow
    self.defaultErrno = defaultErrno
    self.errnoOverrides = errnoOverrides
    self.deniedSocketFamilies = deniedSocketFamilies
    self.allowedPersonalities = allowedPersonalities
  }
}
