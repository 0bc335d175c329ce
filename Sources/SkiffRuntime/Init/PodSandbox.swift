import CSkiffSys

#if canImport(Glibc)
import Glibc
#endif

/// What `skiff-init sandbox` creates: a pod's shared namespaces, pinned by bind mounts so
/// they outlive any one container (Kubernetes' pause container does this job).
public struct SandboxSpec: Codable, Sendable, Equatable {
  /// The directory that receives one file per namespace (`net`, `uts`, `ipc`).
  public var namespaceDirectory: String
  public var namespaces: [String]
  public var hostname: String

  public init(namespaceDirectory: String, namespaces: [String] = ["net", "uts", "ipc"], hostname: String) {
    self.namespaceDirectory = namespaceDirectory
    self.namespaces = namespaces
    self.hostname = hostname
  }
}

public enum PodSandbox {
  /// Creates the namespaces (in this process), sets the hostname, brings up loopback, and
  /// pins each namespace at `<namespaceDirectory>/<type>`.
  public static func create(specPath: String) -> Int32 {
    do {
      let spec = try InitFiles.decode(SandboxSpec.self, from: specPath)
      try KernelSetup.unshare(spec.namespaces)
      if spec.namespaces.contains("uts") {
        try KernelSetup.perform(.setHostname(spec.hostname), container: "sandbox")
      }
      if spec.namespaces.contains("net") && skiff_link_up("lo") != 0 {
        throw RuntimeError(stage: "bring up lo in the pod network namespace", KernelSetup.errnoText())
      }
      try KernelSetup.makeDirectories(spec.namespaceDirectory, container: "sandbox")
      for type in spec.namespaces {
        let target = "\(spec.namespaceDirectory)/\(type)"
        try KernelSetup.perform(.makeFile(target), container: "sandbox")
        try KernelSetup.perform(
          .mount(source: "/proc/self/ns/\(type)", target: target, type: "", flags: .bind, data: ""), container: "sandbox")
      }
      return 0
    } catch {
      let text = "skiff-init sandbox: \(error)\n"
      InitFiles.writeAll(2, Array(text.utf8))
      return 1
    }
  }
}
