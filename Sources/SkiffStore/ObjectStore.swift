public import SkiffAPI
import Synchronization

/// Where an object lives: its resource (`deployments.apps`), namespace ("" when cluster
/// scoped) and name.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible {
  public var resource: GroupResource
  public var namespace: String
  public var name: String

  public init(_ resource: GroupResource, namespace: String, name: String) {
    self.resource = resource
    self.namespace = namespace
    self.name = name
  }

  public var description: String {
    namespace.isEmpty ? "\(resource)/\(name)" : "\(resource) \(namespace)/\(name)"
  }
}

/// An object as stored: its JSON (with `metadata.resourceVersion` set) and its revision.
public struct StoredObject: Sendable, Equatable {
  public let key: ObjectKey
  public let resourceVersion: Int64
  public let object: JSONValue
  /// `object` serialized, the bytes the store committed: responses (GET, LIST, watch
  /// events) send them as they are instead of encoding the object again for every reader,
  /// as the API server's serialization cache does.
  public let json: [UInt8]

  /// `json` is computed when not given.
  public init(key: ObjectKey, resourceVersion: Int64, object: JSONValue, json: [UInt8]? = nil) {
    self.key = key
    self.resourceVersion = resourceVersion
    self.object = object
    self.json = json ?? object.jsonBytes()
  }

  public static func == (a: StoredObject, b: StoredObject) -> Bool {
    a.key == b.key && a.resourceVersion == b.resourceVersion && a.object == b.object
  }
}

/// A change, as a watch delivers it (`ADDED`, `MODIFIED`, `DELETED`).
public struct WatchEvent: Sendable, Equatable {
  public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
  public var type: Kind
  /// The object after the change; for DELETED, its last state stamped with the delete's revision.
  public var object: StoredObject
  /// The object before the change (nil for ADDED, and for the oldest event of an object in
  /// history reloaded from disk). Watches with selectors need it to tell an object that
  /// stopped matching (DELETED) from one that never matched, as the watch cache's
  /// `prevObject` does.
  public var previous: StoredObject?

  public init(type: Kind, object: StoredObject, previous: StoredObject? = nil) {
    self.type = type
    self.object = object
    self.previous = previous
  }
}

/// Why a store operation was refused.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound(ObjectKey)
  case alreadyExists(ObjectKey)
  /// The caller's resourceVersion is not the stored one.
  case conflict(ObjectKey, expected: Int64, actual: Int64)
  /// A watch asked for history older than what is kept.
  case tooOld(requested: Int64, oldest: Int64)
  case storage(String)

  public var description: String {
    switch self {
    case .notFound(let key): return "\(key) not found"
    case .alreadyExists(let key): return "\(key) already exists"
    case .conflict(let key, let expected, let actual):
      return "\(key): the object has been modified (resourceVersion \(expected), stored \(actual)); please apply your changes to the latest version and try again"
    case .tooOld(let requested, let oldest): return "too old resource version: \(requested) (\(oldest))"
    case .storage(let message): return message
    }
  }
}

/// The object store: every object in memory for reads, every write in one SQLite
/// transaction (WAL mode) before it is acknowledged, and ordered watch streams.
///
/// Revisions (`resourceVersion`) are global and monotonic, as etcd's are. A write is
/// visible to readers and watchers only after it is committed, so an acknowledged write
/// survives a crash of the process.
public final class ObjectStore: Sendable {
  /// How many recent events are kept for watches that resume from a revision.
  public static let defaultHistory = 10_000

  private struct State {
    var objects = ObjectIndex()
    var revision: Int64 = 0
    var history: [WatchEvent] = []
    var historyStart = 0
    var watchers: [Int: Watcher] = [:]
    var nextWatcher = 0
  }

  private struct Watcher {
    var resource: GroupResource?
    var namespace: String?
    var continuation: AsyncStream<WatchEvent>.Continuation
  }

  // Safe to share: the database handle is only used inside `state.withLock`.
  private nonisolated(unsafe) let database: SQLiteDatabase
  private let state = Mutex(State())
  private let historyLimit: Int
  /// Nil for an in-memory store.
  private let checkpointer: WALCheckpointer?

  /// Opens (creating if needed) the store at `path`; `":memory:"` for a throwaway store.
  public init(path: String, historyLimit: Int = ObjectStore.defaultHistory) throws {
    self.historyLimit = historyLimit
    database = try SQLiteDatabase(path: path)
    if path != ":memory:" {
      try database.execute("PRAGMA journal_mode=WAL")
      // Checkpoints run beside the writer (WALCheckpointer), never inside a commit.
      try database.execute("PRAGMA wal_autocheckpoint=0")
      checkpointer = try WALCheckpointer(path: path)
    } else {
      checkpointer = nil
    }
    // NORMAL in WAL mode: a committed transaction survives the process being killed;
    // only a power loss can drop the last commits.
    try database.execute("PRAGMA synchronous=NORMAL")
    try database.execute(
      """
      CREATE TABLE IF NOT EXISTS objects (
        resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        rv INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (resource, namespace, name));
      CREATE TABLE IF NOT EXISTS events (
        rv INTEGER PRIMARY KEY, type TEXT NOT NULL, resource TEXT NOT NULL,
        namespace TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS revision (id INTEGER PRIMARY KEY CHECK (id = 0), rv INTEGER NOT NULL);
      """)
    var loaded = State()
    try database.query("SELECT resource, namespace, name, rv, data FROM objects") { row in
      let key = ObjectKey(Self.resource(from: row.text(0)), namespace: row.text(1), name: row.text(2))
      let bytes = row.blob(4)
      let object = try JSONValue(parsing: bytes)
      loaded.objects[key] = StoredObject(key: key, resourceVersion: row.int(3), object: object, json: bytes)
    }
    try database.query("SELECT rv FROM revision WHERE id = 0") { row in loaded.revision = row.int(0) }
    try database.query(
      "SELECT rv, type, resource, namespace, name, data FROM events ORDER BY rv DESC LIMIT ?",
      [.int(Int64(historyLimit))]
    ) { row in
      let key = ObjectKey(Self.resource(from: row.text(2)), namespace: row.text(3), name: row.text(4))
      let bytes = row.blob(5)
      let object = StoredObject(key: key, resourceVersion: row.int(0), object: try JSONValue(parsing: bytes), json: bytes)
      loaded.history.append(WatchEvent(type: WatchEvent.Kind(rawValue: row.text(1)) ?? .modified, object: object))
    }
    loaded.history.reverse()
    // Each reloaded event's previous state is the one before it in the history, when kept.
    var last: [ObjectKey: StoredObject] = [:]
    for i in loaded.history.indices {
      let event = loaded.history[i]
      if event.type != .added { loaded.history[i].previous = last[event.object.key] }
      last[event.object.key] = event.type == .deleted ? nil : event.object
    }
    state.withLock { $0 = loaded }
  }

  static func resource(from text: String) -> GroupResource {
    guard let slash = text.firstIndex(of: "/") else { return GroupResource(group: "", resource: text) }
    return GroupResource(group: String(text[..<slash]), resource: String(text[text.index(after: slash)...]))
  }

  static func text(_ resource: GroupResource) -> String { "\(resource.group)/\(resource.resource)" }

  /// The newest committed revision.
  public var revision: Int64 { state.withLock { $0.revision } }

  public func get(_ key: ObjectKey) -> StoredObject? {
    state.withLock { $0.objects[key] }
  }

  /// Every object of `resource` (in `namespace` when given), sorted by namespace and name,
  /// and the revision the list is consistent with.
  public func list(_ resource: GroupResource, namespace: String? = nil) -> (items: [StoredObject], revision: Int64) {
    let (items, revision) = state.withLock { state in (state.objects.unsortedList(resource, namespace: namespace), state.revision) }
    return (ObjectIndex.sorted(items), revision)
  }

  /// Every object whose ownerReferences name the owner `uid` (any kind, any namespace).
  public func dependents(ofOwner uid: String) -> [StoredObject] {
    state.withLock { $0.objects.dependents(of: uid) }
  }

  /// Stores a new object. Fails with `alreadyExists` if the key is taken.
  @discardableResult
  public func create(_ key: ObjectKey, _ object: JSONValue) throws(StoreError) -> StoredObject {
    try write { state throws(StoreError) in
      if state.objects[key] != nil { throw .alreadyExists(key) }
      return (.added, object)
    }(key)
  }

  /// Replaces an object. With `expectedRevision`, fails with `conflict` unless it matches.
  @discardableResult
  public func update(_ key: ObjectKey, _ object: JSONValue, expectedRevision: Int64? = nil) throws(StoreError)
    -> StoredObject
  {
    try write { state throws(StoreError) in
      guard let current = state.objects[key] else { throw .notFound(key) }
      if let expectedRevision, expectedRevision != current.resourceVersion {
        throw .conflict(key, expected: expectedRevision, actual: current.resourceVersion)
      }
      return (.modified, object)
    }(key)
  }

  /// Reads the current object, lets `transform` compute its replacement, and writes it, all
  /// without another write in between. `transform` returning nil writes nothing.
  @discardableResult
  public func guaranteedUpdate(
    _ key: ObjectKey, _ transform: (StoredObject) throws -> JSONValue?
  ) throws -> StoredObject {
    try state.withLock { state in
      guard let current = state.objects[key] else { throw StoreError.notFound(key) }
      guard let replacement = try transform(current) else { return current }
      return try commit(&state, key: key, type: .modified, object: replacement)
    }
  }

  /// Removes an object; with `expectedRevision`, only if it is unchanged.
  @discardableResult
  public func delete(_ key: ObjectKey, expectedRevision: Int64? = nil) throws(StoreError) -> StoredObject {
    try write { state throws(StoreError) in
      guard let current = state.objects[key] else { throw .notFound(key) }
      if let expectedRevision, expectedRevision != current.resourceVersion {
        throw .conflict(key, expected: expectedRevision, actual: current.resourceVersion)
      }
      return (.deleted, current.object)
    }(key)
  }

  private func write(
    _ decide: @escaping (inout State) throws(StoreError) -> (WatchEvent.Kind, JSONValue)
  ) -> (ObjectKey) throws(StoreError) -> StoredObject {
    { key throws(StoreError) in
      do {
        return try self.state.withLock { state in
          let (type, object) = try decide(&state)
          return try self.commit(&state, key: key, type: type, object: object)
        }
      } catch let error as StoreError {
        throw error
      } catch {
        throw .storage(String(describing: error))
      }
    }
  }

  /// Persists one change in a transaction, then applies it in memory and tells watchers.
  private func commit(_ state: inout State, key: ObjectKey, type: WatchEvent.Kind, object: JSONValue) throws
    -> StoredObject
  {
    let revision = state.revision + 1
    var stamped = object
    stamped.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
    let data = stamped.jsonBytes()
    let resource = Self.text(key.resource)
    try database.transaction {
      if type == .deleted {
        try database.query(
          "DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?",
          [.text(resource), .text(key.namespace), .text(key.name)])
      } else {
        try database.query(
          "INSERT OR REPLACE INTO objects (resource, namespace, name, rv, data) VALUES (?, ?, ?, ?, ?)",
          [.text(resource), .text(key.namespace), .text(key.name), .int(revision), .blob(data)])
      }
      try database.query(
        "INSERT INTO events (rv, type, resource, namespace, name, data) VALUES (?, ?, ?, ?, ?, ?)",
        [.int(revision), .text(type.rawValue), .text(resource), .text(key.namespace), .text(key.name), .blob(data)])
      try database.query("INSERT OR REPLACE INTO revision (id, rv) VALUES (0, ?)", [.int(revision)])
      if revision % 1000 == 0 {
        try database.query("DELETE FROM events WHERE rv <= ?", [.int(revision - Int64(historyLimit))])
      }
    }
    state.revision = revision
    if revision % WALCheckpointer.interval == 0 { checkpointer?.request() }
    let stored = StoredObject(key: key, resourceVersion: revision, object: stamped, json: data)
    let previous = state.objects[key]
    if type == .deleted {
      state.objects[key] = nil
    } else {
      state.objects[key] = stored
    }
    let event = WatchEvent(type: type, object: stored, previous: previous)
    state.history.append(event)
    if state.history.count - state.historyStart > historyLimit {
      state.historyStart += 1
      if state.historyStart > historyLimit {
        state.history.removeFirst(state.historyStart)
        state.historyStart = 0
      }
    }
    for watcher in state.watchers.values where Self.matches(event, watcher.resource, watcher.namespace) {
      watcher.continuation.yield(event)
    }
    return stored
  }

  static func matches(_ event: WatchEvent, _ resource: GroupResource?, _ namespace: String?) -> Bool {
    (resource == nil || event.object.key.resource == resource)
      && (namespace == nil || event.object.key.namespace == namespace)
  }

  /// Events for `resource` (all when nil) in `namespace` (all when nil), in revision order.
  ///
  /// With `fromRevision`, the stream first replays every kept event after that revision;
  /// a revision older than the kept history fails with `tooOld` (HTTP 410 Gone). Without
  /// it, the stream starts with the next change. Ends when the consumer stops iterating.
  public func watch(
    _ resource: GroupResource?, namespace: String? = nil, fromRevision: Int64? = nil
  ) throws(StoreError) -> AsyncStream<WatchEvent> {
    let (stream, continuation) = AsyncStream<WatchEvent>.makeStream()
    let result: Result<Int, StoreError> = state.withLock { state in
      if let fromRevision, fromRevision < state.revision {
        let kept = state.history[state.historyStart...]
        let oldest = kept.first?.object.resourceVersion ?? state.revision + 1
        if fromRevision < oldest - 1 {
          // The watch cache's wording: the oldest revision a watch can still start from.
          return .failure(.tooOld(requested: fromRevision, oldest: oldest - 1))
        }
        for event in kept where event.object.resourceVersion > fromRevision
          && Self.matches(event, resource, namespace)
        {
          continuation.yield(event)
        }
      }
      let id = state.nextWatcher
      state.nextWatcher += 1
      state.watchers[id] = Watcher(resource: resource, namespace: namespace, continuation: continuation)
      return .success(id)
    }
    let id = try result.get()
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Ends every watch stream (at shutdown).
  public func closeWatches() {
    let all = state.withLock { state -> [AsyncStream<WatchEvent>.Continuation] in
      defer { state.watchers.removeAll() }
      return state.watchers.values.map(\.continuation)
    }
    for continuation in all { continuation.finish() }
  }
}
