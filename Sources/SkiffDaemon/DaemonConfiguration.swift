/// Where a Skiff cluster keeps its state and its runtime files.
public struct DaemonConfiguration: Sendable {
  /// Durable state: the object database, images, container layers, logs (`/var/lib/skiff`).
  public var dataDirectory: String
  /// Runtime files: the API socket, pinned namespaces, the pid file (`/run/skiff`).
  public var runDirectory: String
  /// The name of the node network namespace (`skiff-node`); tests use their own.
  public var nodeNamespace: String
  /// Run without the node (no containers, no network): the control plane alone.
  public var controlPlaneOnly: Bool

  public init(
    dataDirectory: String = "/var/lib/skiff", runDirectory: String = "/run/skiff", nodeNamespace: String = "skiff-node",
    controlPlaneOnly: Bool = false
  ) {
    self.dataDirectory = dataDirectory
    self.runDirectory = runDirectory
    self.nodeNamespace = nodeNamespace
    self.controlPlaneOnly = controlPlaneOnly
  }

  public var socketPath: String { runDirectory + "/skiff.sock" }
  public var pidFile: String { runDirectory + "/skiff.pid" }
  public var databasePath: String { dataDirectory + "/skiff.db" }
  public var logFile: String { dataDirectory + "/daemon.log" }
  public var imagesDirectory: String { dataDirectory + "/images" }
  /// One directory per pod with a sidecar, holding its mesh config socket.
  public var meshSocketDirectory: String { runDirectory + "/mesh" }
}
