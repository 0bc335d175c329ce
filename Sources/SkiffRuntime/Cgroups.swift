#if canImport(Glibc)
import Glibc
#endif

/// Resource limits for containers through cgroups: v2 where it is the only hierarchy,
/// else v1 (this machine's hybrid layout: memory, cpu and pids controllers on v1). Each
/// container gets `skiff/<pod>/<container>` in every hierarchy it uses.
public struct Cgroups: Sendable {
  public enum Mode: Sendable, Equatable { case v1, v2, none }

  public let mode: Mode
  public let root: String

  public init(root: String = "/sys/fs/cgroup") {
    self.root = root
    if access(root + "/cgroup.controllers", F_OK) == 0 {
      mode = .v2
    } else if access(root + "/memory/memory.limit_in_bytes", F_OK) == 0 {
      mode = .v1
    } else {
      mode = .none
    }
  }

  static let v1Controllers = ["memory", "cpu", "pids"]

  /// The container's cgroup directories (to join and to clean up).
  public func directories(pod: String, container: String) -> [String] {
    switch mode {
    case .v2: return ["\(root)/skiff/\(pod)/\(container)"]
    case .v1: return Self.v1Controllers.map { "\(root)/\($0)/skiff/\(pod)/\(container)" }
    case .none: return []
    }
  }

  /// Creates the container's cgroups and sets its limits: memory in bytes, CPU in
  /// millicores (as a CFS quota over a 100 ms period).
  public func create(pod: String, container: String, memoryBytes: Int64?, cpuMillis: Int64?) throws(RuntimeError) -> [String] {
    let dirs = directories(pod: pod, container: container)
    for dir in dirs {
      try KernelSetup.makeDirectories(dir, container: container)
    }
    switch mode {
    case .v2:
      let dir = dirs[0]
      // Controllers must be enabled down the tree for the leaf to use them.
      enableV2Controllers(upTo: dir)
      if let memoryBytes { try write(dir + "/memory.max", String(memoryBytes)) }
      if let cpuMillis { try write(dir + "/cpu.max", "\(cpuMillis * 100) 100000") }
      try? write(dir + "/memory.swap.max", "0")
    case .v1:
      if let memoryBytes {
        try write("\(root)/memory/skiff/\(pod)/\(container)/memory.limit_in_bytes", String(memoryBytes))
        try? write("\(root)/memory/skiff/\(pod)/\(container)/memory.memsw.limit_in_bytes", String(memoryBytes))
      }
      if let cpuMillis {
        try write("\(root)/cpu/skiff/\(pod)/\(container)/cpu.cfs_period_us", "100000")
        try write("\(root)/cpu/skiff/\(pod)/\(container)/cpu.cfs_quota_us", String(cpuMillis * 100))
      }
    case .none:
      break
    }
    return dirs
  }

  func enableV2Controllers(upTo leaf: String) {
    var path = root
    for component in leaf.dropFirst(root.count).split(separator: "/").dropLast() {
      try? write(path + "/cgroup.subtree_control", "+memory +cpu +pids")
      path += "/" + component
    }
    try? write(path + "/cgroup.subtree_control", "+memory +cpu +pids")
  }

  /// Whether the kernel's OOM killer killed a process in the container's memory cgroup.
  public func oomKilled(pod: String, container: String) -> Bool {
    let file: String
    switch mode {
    case .v2: file = "\(root)/skiff/\(pod)/\(container)/memory.events"
    case .v1: file = "\(root)/memory/skiff/\(pod)/\(container)/memory.oom_control"
    case .none: return false
    }
    guard let bytes = try? InitFiles.read(file) else { return false }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 2, parts[0] == "oom_kill", let n = Int(parts[1]), n > 0 { return true }
    }
    return false
  }

  /// Removes a container's cgroups, or (with `container` nil) the pod's whole subtree. A
  /// cgroup can only go once its last process has; dying processes get a moment.
  public func remove(pod: String, container: String?) {
    for podDir in podDirectories(pod) {
      Self.removeCgroupTree(container.map { "\(podDir)/\($0)" } ?? podDir)
    }
  }

  /// Removes every cgroup Skiff made (`skiff down`).
  public func removeAll() {
    let tops: [String]
    switch mode {
    case .v2: tops = ["\(root)/skiff"]
    case .v1: tops = Self.v1Controllers.map { "\(root)/\($0)/skiff" }
    case .none: return
    }
    for top in tops { Self.removeCgroupTree(top) }
  }

  func podDirectories(_ pod: String) -> [String] {
    switch mode {
    case .v2: return ["\(root)/skiff/\(pod)"]
    case .v1: return Self.v1Controllers.map { "\(root)/\($0)/skiff/\(pod)" }
    case .none: return []
    }
  }

  /// rmdir depth-first (cgroupfs directories hold only control files, which go with them).
  static func removeCgroupTree(_ path: String) {
    guard access(path, F_OK) == 0 else { return }
    for child in ContainerRuntime.listDirectory(path) {
      let full = "\(path)/\(child)"
      if let dir = opendir(full) {
        closedir(dir)
        removeCgroupTree(full)
      }
    }
    for _ in 0..<20 {
      if rmdir(path) == 0 || errno == ENOENT { return }
      guard errno == EBUSY else { return }
      usleep(50_000)
    }
  }

  func write(_ path: String, _ value: String) throws(RuntimeError) {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw RuntimeError(stage: "write \(path)", KernelSetup.errnoText()) }
    defer { close(fd) }
    let bytes = Array(value.utf8)
    let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    if n < 0 { throw RuntimeError(stage: "write \(value) to \(path)", KernelSetup.errnoText()) }
  }
}
