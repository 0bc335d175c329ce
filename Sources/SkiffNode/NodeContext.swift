public import Logging
import SkiffAPI
public import SkiffControllers
public import SkiffNetwork
public import SkiffRuntime
public import SkiffStore

/// What every pod worker shares: the registry, the runtime, the network, images, paths.
public struct NodeContext: Sendable {
  public var nodeName: String
  public var registry: ObjectRegistry
  public var runtime: ContainerRuntime
  public var network: NodeNetwork?
  public var ipam: PodIPAllocator
  public var images: ImageStore
  public var paths: PodPaths
  public var cgroups: Cgroups
  public var events: EventRecorder
  /// Records as `default-scheduler` (the Scheduled event).
  public var scheduler: EventRecorder
  public var logger: Logger
  public var prober: Prober
  /// The mesh's hooks for pods with a sidecar, when the mesh runs.
  public var sidecars: (any SidecarHooks)?

  public init(
    nodeName: String, registry: ObjectRegistry, runtime: ContainerRuntime, network: NodeNetwork?, ipam: PodIPAllocator,
    images: ImageStore, paths: PodPaths, cgroups: Cgroups, events: EventRecorder, logger: Logger
  ) {
    self.nodeName = nodeName
    self.registry = registry
    self.runtime = runtime
    self.network = network
    self.ipam = ipam
    self.images = images
    self.paths = paths
    self.cgroups = cgroups
    self.events = events
    self.scheduler = EventRecorder(registry: registry, component: "default-scheduler")
    self.logger = logger
    self.prober = Prober(runtime: runtime)
  }
}
