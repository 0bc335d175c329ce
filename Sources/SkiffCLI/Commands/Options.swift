public import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// Where the cluster lives: the daemon's run directory holds its API socket.
public struct ClusterOptions: ParsableArguments {
  @Option(name: .long, help: "Runtime directory of the cluster (API socket, pid file); default $SKIFF_RUN_DIR or /run/skiff.")
  public var runDir: String?

  @Option(name: .long, help: "State directory of the cluster (database, images, logs); default $SKIFF_DATA_DIR or /var/lib/skiff.")
  public var dataDir: String?

  public init() {}

  public var runDirectory: String {
    runDir ?? ProcessEnvironment.value("SKIFF_RUN_DIR") ?? "/run/skiff"
  }

  public var dataDirectory: String {
    dataDir ?? ProcessEnvironment.value("SKIFF_DATA_DIR") ?? "/var/lib/skiff"
  }

  public var client: APIClient { APIClient(socketPath: runDirectory + "/skiff.sock") }
}

/// `-n/--namespace` and `-A/--all-namespaces`, as kubectl takes them.
public struct NamespaceOptions: ParsableArguments {
  @Option(name: [.short, .long], help: "The namespace for this request.")
  public var namespace: String?

  public init() {}

  public var effective: String { namespace ?? "default" }
}

enum ProcessEnvironment {
  static func value(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    let value = String(cString: raw)
    return value.isEmpty ? nil : value
  }
}

/// Writes to standard output / error without buffering surprises.
enum Console {
  static func out(_ text: String) {
    writeAll(1, text)
  }

  static func err(_ text: String) {
    writeAll(2, text)
  }

  private static func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n <= 0 {
        if errno == EINTR { continue }
        return
      }
      bytes = bytes.dropFirst(n)
    }
  }
}
