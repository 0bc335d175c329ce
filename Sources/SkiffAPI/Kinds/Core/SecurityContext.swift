/// Security settings for one container; where the pod's securityContext sets the same thing, the
/// container's value wins.
public struct SecurityContext: Codable, Sendable, Equatable {
  /// Linux capabilities to add to, or drop from, the runtime's default set.
  public var capabilities: Capabilities?
  /// Whether the container runs privileged, with almost all the powers of root on the node. Defaults to
  /// false. On Skiff, a privileged container gets every capability, no seccomp filter, an unmasked /proc
  /// and a writable /sys, but not the node's devices.
  public var privileged: Bool?
  /// The SELinux context to give the container; when unset, the runtime picks one. On Skiff, ignored.
  public var seLinuxOptions: SELinuxOptions?
  /// Settings for Windows containers; not allowed when spec.os.name is "linux". On Skiff, ignored.
  public var windowsOptions: JSONValue?
  /// The user ID the container's process runs as; defaults to the user named in the image. On Skiff, the
  /// image's user is not used: without a value here or in the pod's securityContext, the process runs
  /// as root (0).
  public var runAsUser: Int64?
  /// The primary group ID the container's process runs with; defaults to the runtime's choice. On Skiff,
  /// it defaults to 0.
  public var runAsGroup: Int64?
  /// When true, the node refuses to start the container as user 0, and it waits with
  /// "CreateContainerConfigError". On Skiff, the image's user is not known, so the container only starts
  /// with a non-zero runAsUser, set here or in the pod's securityContext.
  public var runAsNonRoot: Bool?
  /// Whether the container's root filesystem is mounted read-only; its volumes stay writable unless
  /// mounted read-only. Defaults to false.
  public var readOnlyRootFilesystem: Bool?
  /// Whether processes in the container may gain more privileges than their parent, as setuid programs
  /// do; false sets the no_new_privs flag on the container's process. It cannot be false for a
  /// privileged container or one that adds CAP_SYS_ADMIN.
  public var allowPrivilegeEscalation: Bool?
  /// How /proc is masked: "Default" (the runtime's usual masked and read-only paths) or "Unmasked"
  /// (nothing masked, which needs hostUsers false). On Skiff, ignored: only a privileged container gets
  /// an unmasked /proc.
  public var procMount: String?
  /// The seccomp filter for the container, in place of the pod's. On Skiff, "RuntimeDefault" applies
  /// Skiff's default filter, while "Localhost" profiles are not loaded: the container then runs without
  /// a filter, as with "Unconfined".
  public var seccompProfile: SeccompProfile?
  /// The AppArmor profile for the container, in place of the pod's. On Skiff, ignored.
  public var appArmorProfile: AppArmorProfile?

  public init() {}
}

/// Security settings for every container of a pod; a container's own securityContext wins where both
/// set the same thing.
public struct PodSecurityContext: Codable, Sendable, Equatable {
  /// The SELinux context to give the containers and the pod's volumes. On Skiff, ignored.
  public var seLinuxOptions: SELinuxOptions?
  /// Settings for Windows containers; not allowed when spec.os.name is "linux". On Skiff, ignored.
  public var windowsOptions: JSONValue?
  /// The user ID the containers run as unless they set their own; defaults to the user named in the
  /// image. On Skiff, the image's user is not used: the default is root (0).
  public var runAsUser: Int64?
  /// The primary group ID the containers run with unless they set their own. On Skiff, it defaults to 0.
  public var runAsGroup: Int64?
  /// When true, a container that would run as user 0 is not started, unless it overrides this. On
  /// Skiff, the image's user is not known, so containers only start with a non-zero runAsUser.
  public var runAsNonRoot: Bool?
  /// Further group IDs given to the first process of every container, besides its primary group.
  public var supplementalGroups: [Int64]?
  /// How the groups of a container's process are worked out: "Merge" (the default: also the groups the
  /// image's /etc/group gives the user) or "Strict" (only runAsGroup, fsGroup and supplementalGroups).
  /// On Skiff, the image's /etc/group is never read, so both behave like "Strict".
  public var supplementalGroupsPolicy: String?
  /// A group ID given to the processes of every container that also owns the pod's volumes that support
  /// it, their files made writable by the group. On Skiff, the group is given to the processes, but the
  /// ownership of volumes is not changed.
  public var fsGroup: Int64?
  /// Namespaced kernel parameters to set for the pod. On Skiff, they are not applied.
  public var sysctls: [Sysctl]?
  /// When the ownership of a volume is changed to fsGroup: "Always" (the default: on every mount) or
  /// "OnRootMismatch" (only when the volume's root does not match already). On Skiff, no effect: the
  /// ownership of volumes is never changed.
  public var fsGroupChangePolicy: String?
  /// The seccomp filter for the containers that do not choose their own. On Skiff, "RuntimeDefault"
  /// applies Skiff's default filter, and the other types leave the containers without a filter.
  public var seccompProfile: SeccompProfile?
  /// The AppArmor profile for the containers that do not choose their own. On Skiff, ignored.
  public var appArmorProfile: AppArmorProfile?
  /// How SELinux labels are applied to the pod's volumes: "MountOption" (through a mount option, where
  /// the volume allows it) or "Recursive" (every file relabelled). On Skiff, ignored.
  public var seLinuxChangePolicy: String?

  public init() {}
}

/// Linux capabilities to add to and drop from a container's default set.
public struct Capabilities: Codable, Sendable, Equatable {
  /// Capabilities to add, by name, such as "NET_ADMIN"; "ALL" adds every one.
  public var add: [String]?
  /// Capabilities to remove from the default set before add is applied; "ALL" removes every one.
  public var drop: [String]?

  public init(add: [String]? = nil, drop: [String]? = nil) {
    self.add = add
    self.drop = drop
  }
}

/// A seccomp profile: a filter on the system calls a container's processes may make.
public struct SeccompProfile: Codable, Sendable, Equatable {
  /// Which profile: "RuntimeDefault" (the container runtime's default filter), "Unconfined" (no filter)
  /// or "Localhost" (a profile file on the node). Required.
  @ZeroDefault public var type: String
  /// For type "Localhost" only, and then required: the path of the profile file, relative to the node's
  /// seccomp profile directory.
  public var localhostProfile: String?

  public init(type: String, localhostProfile: String? = nil) {
    self.type = type
    self.localhostProfile = localhostProfile
  }
}

/// An AppArmor profile to confine a container's processes with.
public struct AppArmorProfile: Codable, Sendable, Equatable {
  /// Which profile: "RuntimeDefault" (the container runtime's default), "Unconfined" (none) or
  /// "Localhost" (a profile loaded on the node). Required.
  @ZeroDefault public var type: String
  /// For type "Localhost" only, and then required: the name of the profile loaded on the node.
  public var localhostProfile: String?

  public init(type: String, localhostProfile: String? = nil) {
    self.type = type
    self.localhostProfile = localhostProfile
  }
}

/// SELinux labels to apply to a container.
public struct SELinuxOptions: Codable, Sendable, Equatable {
  /// The SELinux user label.
  public var user: String?
  /// The SELinux role label.
  public var role: String?
  /// The SELinux type label.
  public var type: String?
  /// The SELinux level label (multi-level or multi-category security).
  public var level: String?

  public init() {}
}

/// One kernel parameter to set for a pod.
public struct Sysctl: Codable, Sendable, Equatable {
  /// The parameter's name, such as "net.ipv4.ip_local_port_range". Required.
  @ZeroDefault public var name: String
  /// The value to set. Required.
  @ZeroDefault public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}
