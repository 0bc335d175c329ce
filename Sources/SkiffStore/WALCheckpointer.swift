import Dispatch
import Synchronization

/// Copies the write-ahead log back into the database on its own connection and thread, so
/// no write waits for it.
///
/// With SQLite's automatic checkpoint, the commit that crosses 1000 WAL pages runs the
/// checkpoint itself, two fsyncs included, while the store's lock is held: every write and
/// read queued behind it waited milliseconds (the p99 of creates rose from ~0.5 ms to
/// 3-15 ms in scripts/bench-api). A PASSIVE checkpoint from another connection runs beside
/// the writer, which keeps appending to the log; once it has caught up, the writer starts
/// the log over from the beginning. Durability is unchanged: commits are in the WAL either
/// way.
final class WALCheckpointer: Sendable {
  /// Commits between checkpoint requests (SQLite's default is ~1000 pages; a commit here
  /// writes a few).
  static let interval: Int64 = 250

  // @unchecked Sendable: the connection is only used by blocks on `queue`, which is serial.
  private final class Connection: @unchecked Sendable {
    let database: SQLiteDatabase
    init(_ database: SQLiteDatabase) { self.database = database }
  }

  private let connection: Connection
  private let queue = DispatchQueue(label: "skiff.store.checkpoint", qos: .utility)
  private let pending = Atomic<Bool>(false)

  init(path: String) throws {
    let database = try SQLiteDatabase(path: path)
    try database.execute("PRAGMA synchronous=NORMAL")
    connection = Connection(database)
  }

  /// Asks for a checkpoint; a request while one is waiting or running is dropped.
  func request() {
    guard pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
    queue.async {
      self.pending.store(false, ordering: .releasing)
      // PASSIVE never blocks the writer; what it cannot copy now, the next one does.
      try? self.connection.database.execute("PRAGMA wal_checkpoint(PASSIVE)")
    }
  }
}
