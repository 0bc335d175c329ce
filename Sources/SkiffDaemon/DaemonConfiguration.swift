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
  /// The HTTPS port on 127.0.0.1 for kubectl (0: any free port).
  public var apiPort: Int

  public init(
    dataDirectory: String = "/var/lib/skiff", runDirectory: String = "/run/skiff", nodeNamespace: String = "skiff-node",
    controlPlaneOnly: Bool = false, apiPort: Int = 6443
  ) {
    self.apiPort = apiPort
    self.dataDirectory = dataDirectory
    self.runDirectory = runDirectory
    self.nodeNamespace = nodeNamespace
    self.controlPlaneOnly = controlPlaneOnly
  }

  public var socketPath: String { runDirectory + "/skiff.sock" }
  public var pidFile: String { runDirectory + "/skiff.pid" }
  /// The API's HTTPS address for kubectl (`https://127.0.0.1:6443`), written once it serves.
  public var apiAddressFile: String { runDirectory + "/api-address" }
  public var databasePath: String { dataDirectory + "/skiff.db" }
  public var logFile: String { dataDirectory + "/daemon.log" }
  public var imagesDirectory: String { dataDirectory + "/images" }
  /// The cluster CA, the API's certificate and the admin credentials kubectl uses.
  public var pkiDirectory: String { dataDirectory + "/pki" }
  /// One directory per pod with a sidecar, holding its mesh config socket.
  public var meshSocketDirectory: String { runDirectory + "/mesh" }
}
