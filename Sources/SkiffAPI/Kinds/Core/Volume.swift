/// A pod volume (core/v1 `Volume`): a name and exactly one source. The sources a single
/// node runs are typed; the cloud and network ones are kept as JSON so manifests that name
/// them still decode (validation then says they are not supported here).
public struct Volume: Codable, Sendable, Equatable {
  @ZeroDefault public var name: String
  public var hostPath: HostPathVolumeSource?
  public var emptyDir: EmptyDirVolumeSource?
  public var gcePersistentDisk: JSONValue?
  public var awsElasticBlockStore: JSONValue?
  public var gitRepo: JSONValue?
  public var secret: SecretVolumeSource?
  public var nfs: JSONValue?
  public var iscsi: JSONValue?
  public var glusterfs: JSONValue?
  public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
  public var rbd: JSONValue?
  public var flexVolume: JSONValue?
  public var cinder: JSONValue?
  public var cephfs: JSONValue?
  public var flocker: JSONValue?
  public var downwardAPI: DownwardAPIVolumeSource?
  public var fc: JSONValue?
  public var azureFile: JSONValue?
  public var configMap: ConfigMapVolumeSource?
  public var vsphereVolume: JSONValue?
  public var quobyte: JSONValue?
  public var azureDisk: JSONValue?
  public var photonPersistentDisk: JSONValue?
  public var projected: ProjectedVolumeSource?
  public var portworxVolume: JSONValue?
  public var scaleIO: JSONValue?
  public var storageos: JSONValue?
  public var csi: JSONValue?
  public var ephemeral: JSONValue?
  public var image: JSONValue?

  public init(name: String) { self.name = name }

  public init(name: String, emptyDir: EmptyDirVolumeSource) {
    self.name = name
    self.emptyDir = emptyDir
  }

  /// The names of the sources that are set, in Kubernetes' order.
  var sourceNames: [String] {
    let sources: [(String, Bool)] = [
      ("emptyDir", emptyDir != nil), ("hostPath", hostPath != nil), ("gitRepo", gitRepo != nil),
      ("gcePersistentDisk", gcePersistentDisk != nil), ("awsElasticBlockStore", awsElasticBlockStore != nil),
      ("secret", secret != nil), ("nfs", nfs != nil), ("iscsi", iscsi != nil), ("glusterfs", glusterfs != nil),
      ("flocker", flocker != nil), ("persistentVolumeClaim", persistentVolumeClaim != nil), ("rbd", rbd != nil),
      ("cinder", cinder != nil), ("cephFS", cephfs != nil), ("quobyte", quobyte != nil),
      ("downwarAPI", downwardAPI != nil), ("fc", fc != nil), ("flexVolume", flexVolume != nil),
      ("configMap", configMap != nil), ("azureFile", azureFile != nil), ("vsphereVolume", vsphereVolume != nil),
      ("photonPersistentDisk", photonPersistentDisk != nil), ("portworxVolume", portworxVolume != nil),
      ("azureDisk", azureDisk != nil), ("storageos", storageos != nil), ("projected", projected != nil),
      ("scaleIO", scaleIO != nil), ("csi", csi != nil), ("ephemeral", ephemeral != nil), ("image", image != nil),
    ]
    return sources.filter(\.1).map(\.0)
  }
}

public struct HostPathVolumeSource: Codable, Sendable, Equatable {
  @ZeroDefault public var path: String
  public var type: String?

  public init(path: String, type: String? = nil) {
    self.path = path
    self.type = type
  }
}

public struct EmptyDirVolumeSource: Codable, Sendable, Equatable {
  public var medium: String?
  public var sizeLimit: Quantity?

  public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
    self.medium = medium
    self.sizeLimit = sizeLimit
  }
}

public struct KeyToPath: Codable, Sendable, Equatable {
  @ZeroDefault public var key: String
  @ZeroDefault public var path: String
  public var mode: Int32?

  public init(key: String, path: String, mode: Int32? = nil) {
    self.key = key
    self.path = path
    self.mode = mode
  }
}

public struct SecretVolumeSource: Codable, Sendable, Equatable {
  public var secretName: String?
  public var items: [KeyToPath]?
  public var defaultMode: Int32?
  public var optional: Bool?

  public init(secretName: String?) { self.secretName = secretName }
}

public struct ConfigMapVolumeSource: Codable, Sendable, Equatable {
  public var name: String?
  public var items: [KeyToPath]?
  public var defaultMode: Int32?
  public var optional: Bool?

  public init(name: String?) { self.name = name }
}

public struct PersistentVolumeClaimVolumeSource: Codable, Sendable, Equatable {
  @ZeroDefault public var claimName: String
  public var readOnly: Bool?

  public init(claimName: String, readOnly: Bool? = nil) {
    self.claimName = claimName
    self.readOnly = readOnly
  }
}

public struct DownwardAPIVolumeSource: Codable, Sendable, Equatable {
  public var items: [DownwardAPIVolumeFile]?
  public var defaultMode: Int32?

  public init(items: [DownwardAPIVolumeFile]? = nil) { self.items = items }
}

public struct DownwardAPIVolumeFile: Codable, Sendable, Equatable {
  @ZeroDefault public var path: String
  public var fieldRef: ObjectFieldSelector?
  public var resourceFieldRef: ResourceFieldSelector?
  public var mode: Int32?

  public init(path: String, fieldRef: ObjectFieldSelector? = nil, resourceFieldRef: ResourceFieldSelector? = nil) {
    self.path = path
    self.fieldRef = fieldRef
    self.resourceFieldRef = resourceFieldRef
  }
}

public struct ProjectedVolumeSource: Codable, Sendable, Equatable {
  public var sources: [VolumeProjection]?
  public var defaultMode: Int32?

  public init(sources: [VolumeProjection]? = nil) { self.sources = sources }
}

public struct VolumeProjection: Codable, Sendable, Equatable {
  public var secret: SecretProjection?
  public var downwardAPI: DownwardAPIProjection?
  public var configMap: ConfigMapProjection?
  public var serviceAccountToken: ServiceAccountTokenProjection?
  public var clusterTrustBundle: JSONValue?
  public var podCertificate: JSONValue?

  public init() {}
}

public struct SecretProjection: Codable, Sendable, Equatable {
  public var name: String?
  public var items: [KeyToPath]?
  public var optional: Bool?

  public init(name: String?) { self.name = name }
}

public struct ConfigMapProjection: Codable, Sendable, Equatable {
  public var name: String?
  public var items: [KeyToPath]?
  public var optional: Bool?

  public init(name: String?) { self.name = name }
}

public struct DownwardAPIProjection: Codable, Sendable, Equatable {
  public var items: [DownwardAPIVolumeFile]?

  public init(items: [DownwardAPIVolumeFile]? = nil) { self.items = items }
}

public struct ServiceAccountTokenProjection: Codable, Sendable, Equatable {
  public var audience: String?
  public var expirationSeconds: Int64?
  @ZeroDefault public var path: String

  public init(path: String, audience: String? = nil, expirationSeconds: Int64? = nil) {
    self.path = path
    self.audience = audience
    self.expirationSeconds = expirationSeconds
  }
}
