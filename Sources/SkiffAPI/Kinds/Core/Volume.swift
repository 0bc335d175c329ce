/// A named volume that the containers of a pod can mount. It has a name and exactly one source, which decides
/// where its files come from; a volume given no source becomes an emptyDir.
/// On Skiff, only emptyDir, hostPath and configMap volumes can be mounted: a container that mounts a volume of
/// any other type does not start.
/// ---
/// The sources a single node runs are typed; the cloud and network ones are kept as JSON so manifests that name
/// them still decode. Validation accepts them all; PodSpec warnings name the JSON ones as unmountable.
public struct Volume: Codable, Sendable, Equatable {
  /// The name of the volume, by which the volumeMounts of containers refer to it. Required; it must be a DNS
  /// label (lowercase letters, digits and "-") and unique within the pod.
  @ZeroDefault public var name: String
  /// A file or directory of the node's own filesystem, made visible inside the pod. It gives the pod access to
  /// the host and is meant for system agents; use it with care. On Skiff, the path is on the machine that runs
  /// Skiff.
  public var hostPath: HostPathVolumeSource?
  /// A directory that is empty when the pod starts and is removed with the pod; the pod's containers can share
  /// files through it.
  public var emptyDir: EmptyDirVolumeSource?
  /// A Google Compute Engine persistent disk, attached to the node and mounted into the pod. Deprecated: the
  /// GCE persistent disk CSI driver replaces it. On Skiff, this source cannot be mounted: the API server warns
  /// when the pod is created, and a container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var gcePersistentDisk: JSONValue?
  /// An AWS Elastic Block Store volume, attached to the node and mounted into the pod. Deprecated: the EBS CSI
  /// driver replaces it. On Skiff, this source cannot be mounted: the API server warns when the pod is created,
  /// and a container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var awsElasticBlockStore: JSONValue?
  /// A directory filled with a clone of a git repository when the pod starts. Deprecated: clone the repository
  /// into an emptyDir from an init container instead. On Skiff, this source cannot be mounted: the API server
  /// warns when the pod is created, and a container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var gitRepo: JSONValue?
  /// A Secret of the pod's namespace, each of its keys a file in the volume. On Skiff, the files are written
  /// when a container starts and are not updated while it runs.
  public var secret: SecretVolumeSource?
  /// An NFS export, mounted from a file server for the lifetime of the pod. On Skiff, this source cannot be
  /// mounted: the API server warns when the pod is created, and a container that mounts the volume does not
  /// start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var nfs: JSONValue?
  /// An iSCSI disk, attached to the node and mounted into the pod. On Skiff, this source cannot be mounted: the
  /// API server warns when the pod is created, and a container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var iscsi: JSONValue?
  /// A GlusterFS volume, mounted from the Gluster servers. Deprecated and no longer functional in current
  /// Kubernetes. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var glusterfs: JSONValue?
  /// A PersistentVolumeClaim of the pod's namespace, whose bound volume the pod mounts. On Skiff,
  /// PersistentVolumeClaims are not served: a container that mounts this volume does not start.
  public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
  /// A Ceph RADOS block device, attached to the node and mounted into the pod. Deprecated and no longer
  /// functional in current Kubernetes. On Skiff, this source cannot be mounted: the API server warns when the
  /// pod is created, and a container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var rbd: JSONValue?
  /// A volume provided by a FlexVolume driver, an executable on the node. Deprecated: CSI drivers replace it.
  /// On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a container
  /// that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var flexVolume: JSONValue?
  /// An OpenStack Cinder volume, attached to the node and mounted into the pod. Deprecated: the Cinder CSI driver
  /// replaces it. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var cinder: JSONValue?
  /// A CephFS file system, mounted from the Ceph cluster. Deprecated and no longer functional in current
  /// Kubernetes. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var cephfs: JSONValue?
  /// A dataset of the Flocker storage orchestrator. Deprecated and no longer functional in current Kubernetes.
  /// On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a container
  /// that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var flocker: JSONValue?
  /// Files that hold facts about the pod itself, such as its labels, annotations and name, or the resource
  /// requests and limits of its containers. On Skiff, the files are written when a container starts and are
  /// not updated while it runs.
  public var downwardAPI: DownwardAPIVolumeSource?
  /// A Fibre Channel disk, attached to the node and mounted into the pod. On Skiff, this source cannot be
  /// mounted: the API server warns when the pod is created, and a container that mounts the volume does not
  /// start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var fc: JSONValue?
  /// An Azure Files share, mounted over SMB. Deprecated: the Azure Files CSI driver replaces it. On Skiff, this
  /// source cannot be mounted: the API server warns when the pod is created, and a container that mounts the
  /// volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var azureFile: JSONValue?
  /// A ConfigMap of the pod's namespace, each of its keys a file in the volume.
  public var configMap: ConfigMapVolumeSource?
  /// A vSphere VMDK disk, attached to the node and mounted into the pod. Deprecated: the vSphere CSI driver
  /// replaces it. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var vsphereVolume: JSONValue?
  /// A Quobyte volume, mounted from the Quobyte registry. Deprecated and no longer functional in current
  /// Kubernetes. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var quobyte: JSONValue?
  /// An Azure data disk, attached to the node and mounted into the pod. Deprecated: the Azure Disk CSI driver
  /// replaces it. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var azureDisk: JSONValue?
  /// A VMware Photon Controller persistent disk. Deprecated and no longer functional in current Kubernetes. On
  /// Skiff, this source cannot be mounted: the API server warns when the pod is created, and a container that
  /// mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var photonPersistentDisk: JSONValue?
  /// Several sources (ConfigMaps, Secrets, downward API files, service account tokens) combined into one
  /// directory. On Skiff, this source cannot be mounted: a container that mounts the volume does not start.
  public var projected: ProjectedVolumeSource?
  /// A Portworx volume, attached to the node and mounted into the pod. Deprecated: the Portworx CSI driver
  /// replaces it. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var portworxVolume: JSONValue?
  /// A ScaleIO volume. Deprecated and no longer functional in current Kubernetes. On Skiff, this source cannot
  /// be mounted: the API server warns when the pod is created, and a container that mounts the volume does not
  /// start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var scaleIO: JSONValue?
  /// A StorageOS volume. Deprecated and no longer functional in current Kubernetes. On Skiff, this source
  /// cannot be mounted: the API server warns when the pod is created, and a container that mounts the volume
  /// does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var storageos: JSONValue?
  /// A volume provided inline, for this pod only, by a CSI driver installed on the node. On Skiff, this source
  /// cannot be mounted: the API server warns when the pod is created, and a container that mounts the volume
  /// does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var csi: JSONValue?
  /// A generic ephemeral volume: a PersistentVolumeClaim made from a template for this pod alone, and deleted
  /// with it. On Skiff, this source cannot be mounted: the API server warns when the pod is created, and a
  /// container that mounts the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var ephemeral: JSONValue?
  /// The contents of a container image or OCI artifact, pulled by the node and mounted read-only. On Skiff,
  /// this source cannot be mounted: the API server warns when the pod is created, and a container that mounts
  /// the volume does not start.
  /// ---
  /// Kept as JSON: Skiff never reads it.
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

/// A file or directory of the node's filesystem, mounted into a pod.
public struct HostPathVolumeSource: Codable, Sendable, Equatable {
  /// The path on the node. Required; it must not contain "..". If it is a symbolic link, the link is followed.
  @ZeroDefault public var path: String
  /// What must be at the path before the volume is mounted: "" (the default: nothing is checked),
  /// "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice" or "BlockDevice". The two
  /// OrCreate types create an empty directory or file when nothing is there. On Skiff, only "DirectoryOrCreate"
  /// has an effect (it creates the directory); the other types are not checked.
  public var type: String?

  public init(path: String, type: String? = nil) {
    self.path = path
    self.type = type
  }
}

/// A scratch directory for a pod: empty when the pod starts, and removed with the pod.
public struct EmptyDirVolumeSource: Codable, Sendable, Equatable {
  /// What stores the directory: "" (the default) for the node's disk, or "Memory" for a RAM-backed file system
  /// (tmpfs), whose files count toward the memory the containers use. On Skiff, "Memory" also gives a directory
  /// on the node's disk.
  public var medium: String?
  /// The most storage the directory may use, as a quantity such as "500Mi"; a pod that goes beyond it is
  /// evicted. Unset means no limit of its own. On Skiff, the limit is not enforced.
  public var sizeLimit: Quantity?

  public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
    self.medium = medium
    self.sizeLimit = sizeLimit
  }
}

/// One key of a ConfigMap or Secret and the file of the volume its value is written to.
public struct KeyToPath: Codable, Sendable, Equatable {
  /// The key whose value the file holds. Required.
  @ZeroDefault public var key: String
  /// The path of the file, relative to the volume's root. Required; it may not be absolute, contain "..", or
  /// start with "..".
  @ZeroDefault public var path: String
  /// The permission bits of this file, from 0 to 0777 (octal; JSON takes the decimal number, so 0400 is 256).
  /// Unset means the volume's defaultMode. On Skiff, file modes are ignored.
  public var mode: Int32?

  public init(key: String, path: String, mode: Int32? = nil) {
    self.key = key
    self.path = path
    self.mode = mode
  }
}

/// A volume whose files are the keys of a Secret, one file per key, holding the decoded values.
public struct SecretVolumeSource: Codable, Sendable, Equatable {
  /// The name of the Secret, in the pod's namespace. Required.
  public var secretName: String?
  /// The keys to write and the files they go to. Unset means every key becomes a file named after it; when set,
  /// only the listed keys appear, and a listed key the Secret lacks is an error unless optional is true.
  public var items: [KeyToPath]?
  /// The permission bits of the files, from 0 to 0777 (octal; JSON takes the decimal number, so 0644 is 420).
  /// Defaults to 0644. An item's own mode takes precedence.
  public var defaultMode: Int32?
  /// Whether the pod may start when the Secret, or a key listed in items, does not exist. Defaults to false.
  public var optional: Bool?

  public init(secretName: String?) { self.secretName = secretName }
}

/// A volume whose files are the keys of a ConfigMap, one file per key. On Skiff, the files are written from the
/// ConfigMap's data each time a container starts (binaryData is left out) and are not updated while it runs.
public struct ConfigMapVolumeSource: Codable, Sendable, Equatable {
  /// The name of the ConfigMap, in the pod's namespace. Required.
  public var name: String?
  /// The keys to write and the files they go to. Unset means every key becomes a file named after it; when set,
  /// only the listed keys appear, and a listed key the ConfigMap lacks is an error unless optional is true. On
  /// Skiff, such a key is skipped.
  public var items: [KeyToPath]?
  /// The permission bits of the files, from 0 to 0777 (octal; JSON takes the decimal number, so 0644 is 420).
  /// Defaults to 0644. An item's own mode takes precedence. On Skiff, file modes are ignored.
  public var defaultMode: Int32?
  /// Whether the pod may start when the ConfigMap, or a key listed in items, does not exist; a missing
  /// ConfigMap then gives an empty directory. Defaults to false.
  public var optional: Bool?

  public init(name: String?) { self.name = name }
}

/// A volume backed by a PersistentVolumeClaim of the pod's namespace. On Skiff, PersistentVolumeClaims are not
/// served, so such a volume cannot be mounted.
public struct PersistentVolumeClaimVolumeSource: Codable, Sendable, Equatable {
  /// The name of the PersistentVolumeClaim. Required.
  @ZeroDefault public var claimName: String
  /// Whether the volume is mounted read-only in every container, whatever their volumeMounts say. Defaults to
  /// false.
  public var readOnly: Bool?

  public init(claimName: String, readOnly: Bool? = nil) {
    self.claimName = claimName
    self.readOnly = readOnly
  }
}

/// A volume of files that hold facts about the pod itself (downward API). On Skiff, such a volume cannot be
/// mounted.
public struct DownwardAPIVolumeSource: Codable, Sendable, Equatable {
  /// The files to create, each with the pod field or container resource it holds.
  public var items: [DownwardAPIVolumeFile]?
  /// The permission bits of the files, from 0 to 0777 (octal; JSON takes the decimal number, so 0644 is 420).
  /// Defaults to 0644. An item's own mode takes precedence.
  public var defaultMode: Int32?

  public init(items: [DownwardAPIVolumeFile]? = nil) { self.items = items }
}

/// One file of a downward API volume, and the pod field or container resource it holds.
public struct DownwardAPIVolumeFile: Codable, Sendable, Equatable {
  /// The path of the file, relative to the volume's root. Required; it may not be absolute, contain "..", or
  /// start with "..".
  @ZeroDefault public var path: String
  /// A field of the pod: "metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels" or
  /// "metadata.annotations". Exactly one of fieldRef and resourceFieldRef is required.
  public var fieldRef: ObjectFieldSelector?
  /// A resource limit or request of one of the pod's containers, such as "limits.cpu" or "requests.memory".
  /// Exactly one of fieldRef and resourceFieldRef is required.
  public var resourceFieldRef: ResourceFieldSelector?
  /// The permission bits of this file, from 0 to 0777 (octal; JSON takes the decimal number). Unset means the
  /// volume's defaultMode.
  public var mode: Int32?

  public init(path: String, fieldRef: ObjectFieldSelector? = nil, resourceFieldRef: ResourceFieldSelector? = nil) {
    self.path = path
    self.fieldRef = fieldRef
    self.resourceFieldRef = resourceFieldRef
  }
}

/// A volume that combines several sources (ConfigMaps, Secrets, downward API files, service account tokens) in
/// one directory. On Skiff, such a volume cannot be mounted.
public struct ProjectedVolumeSource: Codable, Sendable, Equatable {
  /// The sources to combine. No two of their files may have the same path.
  public var sources: [VolumeProjection]?
  /// The permission bits of the files, from 0 to 0777 (octal; JSON takes the decimal number, so 0644 is 420).
  /// Defaults to 0644. An item's own mode takes precedence.
  public var defaultMode: Int32?

  public init(sources: [VolumeProjection]? = nil) { self.sources = sources }
}

/// One source of a projected volume. Exactly one of its fields is set.
public struct VolumeProjection: Codable, Sendable, Equatable {
  /// Keys of a Secret, written as files.
  public var secret: SecretProjection?
  /// Facts about the pod, written as files.
  public var downwardAPI: DownwardAPIProjection?
  /// Keys of a ConfigMap, written as files.
  public var configMap: ConfigMapProjection?
  /// A token of the pod's service account, written as a file and renewed before it expires.
  public var serviceAccountToken: ServiceAccountTokenProjection?
  /// The certificates of ClusterTrustBundle objects, picked by name or by signer and labels, written as one PEM
  /// file.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var clusterTrustBundle: JSONValue?
  /// A private key and a certificate for the pod, issued by the named signer, written as files.
  /// ---
  /// Kept as JSON: Skiff never reads it.
  public var podCertificate: JSONValue?

  public init() {}
}

/// The keys of a Secret to add to a projected volume.
public struct SecretProjection: Codable, Sendable, Equatable {
  /// The name of the Secret, in the pod's namespace. Required.
  public var name: String?
  /// The keys to write and the files they go to. Unset means every key becomes a file named after it; when set,
  /// only the listed keys appear, and a listed key the Secret lacks is an error unless optional is true.
  public var items: [KeyToPath]?
  /// Whether the pod may start when the Secret, or a key listed in items, does not exist. Defaults to false.
  public var optional: Bool?

  public init(name: String?) { self.name = name }
}

/// The keys of a ConfigMap to add to a projected volume.
public struct ConfigMapProjection: Codable, Sendable, Equatable {
  /// The name of the ConfigMap, in the pod's namespace. Required.
  public var name: String?
  /// The keys to write and the files they go to. Unset means every key becomes a file named after it; when set,
  /// only the listed keys appear, and a listed key the ConfigMap lacks is an error unless optional is true.
  public var items: [KeyToPath]?
  /// Whether the pod may start when the ConfigMap, or a key listed in items, does not exist. Defaults to false.
  public var optional: Bool?

  public init(name: String?) { self.name = name }
}

/// Downward API files to add to a projected volume.
public struct DownwardAPIProjection: Codable, Sendable, Equatable {
  /// The files to create, each with the pod field or container resource it holds.
  public var items: [DownwardAPIVolumeFile]?

  public init(items: [DownwardAPIVolumeFile]? = nil) { self.items = items }
}

/// A token of the pod's service account, written to a file of a projected volume. The node renews the token
/// before it expires.
public struct ServiceAccountTokenProjection: Codable, Sendable, Equatable {
  /// The audience the token is issued for: a receiver must reject a token whose audience is not its own.
  /// Defaults to the API server's own audience.
  public var audience: String?
  /// How long each token is valid, in seconds: at least 600 (ten minutes) and at most 2^32. Defaults to 3600.
  public var expirationSeconds: Int64?
  /// The path of the token's file, relative to the volume's root. Required; it may not be absolute or contain
  /// "..".
  @ZeroDefault public var path: String

  public init(path: String, audience: String? = nil, expirationSeconds: Int64? = nil) {
    self.path = path
    self.audience = audience
    self.expirationSeconds = expirationSeconds
  }
}
