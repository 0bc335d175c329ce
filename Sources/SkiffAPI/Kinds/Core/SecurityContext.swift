/// A container's security settings (core/v1 `SecurityContext`).
public struct SecurityContext: Codable, Sendable, Equatable {
  public var capabilities: Capabilities?
  public var privileged: Bool?
  public var seLinuxOptions: SELinuxOptions?
  public var windowsOptions: JSONValue?
  public var runAsUser: Int64?
  public var runAsGroup: Int64?
  public var runAsNonRoot: Bool?
  public var readOnlyRootFilesystem: Bool?
  public var allowPrivilegeEscalation: Bool?
  public var procMount: String?
  public var seccompProfile: SeccompProfile?
  public var appArmorProfile: AppArmorProfile?

  public init() {}
}

/// The pod-wide security settings (core/v1 `PodSecurityContext`).
public struct PodSecurityContext: Codable, Sendable, Equatable {
  public var seLinuxOptions: SELinuxOptions?
  public var windowsOptions: JSONValue?
  public var runAsUser: Int64?
  public var runAsGroup: Int64?
  public var runAsNonRoot: Bool?
  public var supplementalGroups: [Int64]?
  public var supplementalGroupsPolicy: String?
  public var fsGroup: Int64?
  public var sysctls: [Sysctl]?
  public var fsGroupChangePolicy: String?
  public var seccompProfile: SeccompProfile?
  public var appArmorProfile: AppArmorProfile?
  public var seLinuxChangePolicy: String?

  public init() {}
}

public struct Capabilities: Codable, Sendable, Equatable {
  public var add: [String]?
  public var drop: [String]?

  public init(add: [String]? = nil, drop: [String]? = nil) {
    self.add = add
    self.drop = drop
  }
}

public struct SeccompProfile: Codable, Sendable, Equatable {
  /// `RuntimeDefault`, `Unconfined` or `Localhost`.
  @ZeroDefault public var type: String
  public var localhostProfile: String?

  public init(type: String, localhostProfile: String? = nil) {
    self.type = type
    self.localhostProfile = localhostProfile
  }
}

public struct AppArmorProfile: Codable, Sendable, Equatable {
  @ZeroDefault public var type: String
  public var localhostProfile: String?

  public init(type: String, localhostProfile: String? = nil) {
    self.type = type
    self.localhostProfile = localhostProfile
  }
}

public struct SELinuxOptions: Codable, Sendable, Equatable {
  public var user: String?
  public var role: String?
  public var type: String?
  public var level: String?

  public init() {}
}

public struct Sysctl: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  @ZeroDefault public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}
