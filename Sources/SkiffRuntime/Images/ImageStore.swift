import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// An image as `scripts/build-images` leaves it in the data dir: a content-addressed root
/// filesystem and its configuration.
public struct ImageConfig: Codable, Sendable, Equatable {
  /// The references this image answers to, without tags (`skiff/greeter`,
  /// `registry.cn-hangzhou.aliyuncs.com/aliacs-app-catalog/istio-grpc-server`).
  public var references: [String]
  public var entrypoint: [String]
  public var cmd: [String]
  public var env: [String]
  public var workingDir: String
  /// Size of the root filesystem in bytes.
  public var size: Int64

  public init(references: [String], entrypoint: [String], cmd: [String], env: [String] = [], workingDir: String = "/", size: Int64 = 0) {
    self.references = references
    self.entrypoint = entrypoint
    self.cmd = cmd
    self.env = env
    self.workingDir = workingDir
    self.size = size
  }
}

/// A resolved image: its digest, root filesystem directory and configuration.
public struct ResolvedImage: Sendable, Equatable {
  /// `sha256:<hex>`.
  public var digest: String
  public var rootfs: String
  public var config: ImageConfig

  public init(digest: String, rootfs: String, config: ImageConfig) {
    self.digest = digest
    self.rootfs = rootfs
    self.config = config
  }
}

/// The local image store: "pulling" an image is resolving its reference here, since Skiff
/// has no registry and no network. `index.json` maps each reference to a digest;
/// `blobs/<hex>/rootfs` and `blobs/<hex>/config.json` hold the image.
public struct ImageStore: Sendable {
  public let directory: String

  public init(directory: String) {
    self.directory = directory
  }

  /// Why a reference does not resolve, worded for the pod's `ErrImagePull` message.
  public struct NotFound: Error, Sendable, CustomStringConvertible {
    public var reference: String
    public var known: [String]
    public var description: String {
      let list = known.isEmpty ? "none (run scripts/build-images)" : known.joined(separator: ", ")
      return "image \"\(reference)\" not found in Skiff's local image store: no registry is reachable from this cluster; known images: \(list)"
    }
  }

  /// `registry/x:tag` → `registry/x`; `x@sha256:...` → `x`; `busybox` → `docker.io/library/busybox`.
  public static func normalize(_ reference: String) -> String {
    var name = Substring(reference)
    if let at = name.firstIndex(of: "@") { name = name[..<at] }
    if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
    let first = name.split(separator: "/").first.map(String.init) ?? ""
    let hasRegistry = first.contains(".") || first.contains(":") || first == "localhost"
    if !hasRegistry && !name.contains("/") && name != "scratch" { return "docker.io/library/\(name)" }
    return String(name)
  }

  /// The tag a reference asks for (`latest` when none), for imagePullPolicy defaults.
  public static func tag(of reference: String) -> String? {
    if reference.contains("@") { return nil }
    if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
      return String(reference[reference.index(after: colon)...])
    }
    return "latest"
  }

  func readIndex() -> [String: String] {
    guard let bytes = try? InitFiles.read(directory + "/index.json"), let json = try? JSONValue(parsing: bytes),
      let refs = json["references"]?.objectValue
    else { return [:] }
    var out: [String: String] = [:]
    for (k, v) in refs { if let s = v.stringValue { out[k] = s } }
    return out
  }

  /// Resolves `reference` (any tag) to an image.
  public func resolve(_ reference: String) throws(NotFound) -> ResolvedImage {
    let index = readIndex()
    let name = Self.normalize(reference)
    guard let digest = index[name] ?? index[reference] else {
      throw NotFound(reference: reference, known: index.keys.sorted())
    }
    let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    let blob = "\(directory)/blobs/\(hex)"
    guard let config = try? InitFiles.decode(ImageConfig.self, from: blob + "/config.json") else {
      throw NotFound(reference: reference, known: index.keys.sorted())
    }
    return ResolvedImage(digest: "sha256:\(hex)", rootfs: blob + "/rootfs", config: config)
  }

  /// Every image, with the references it answers to (for `skiff images`).
  public func list() -> [ResolvedImage] {
    var byDigest: [String: ResolvedImage] = [:]
    for (_, digest) in readIndex() where byDigest[digest] == nil {
      let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
      if let config = try? InitFiles.decode(ImageConfig.self, from: "\(directory)/blobs/\(hex)/config.json") {
        byDigest[digest] = ResolvedImage(digest: "sha256:\(hex)", rootfs: "\(directory)/blobs/\(hex)/rootfs", config: config)
      }
    }
    return byDigest.values.sorted { ($0.config.references.first ?? "") < ($1.config.references.first ?? "") }
  }
}
