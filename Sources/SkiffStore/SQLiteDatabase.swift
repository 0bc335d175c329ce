import CSQLite

/// A failed SQLite call: what was being done, and SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
  public var code: Int32
  public var message: String
  public var description: String { "sqlite: \(message) (code \(code))" }
}

/// One SQLite connection. Not thread-safe by itself: `ObjectStore` serialises all use.
final class SQLiteDatabase {
  private var handle: OpaquePointer?
  private var statements: [String: OpaquePointer] = [:]

  init(path: String) throws(SQLiteError) {
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &handle, flags, nil)
    guard rc == SQLITE_OK else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      sqlite3_close_v2(handle)
      throw SQLiteError(code: rc, message: "open \(path): \(message)")
    }
    sqlite3_busy_timeout(handle, 5000)
  }

  deinit {
    for statement in statements.values { sqlite3_finalize(statement) }
    sqlite3_close_v2(handle)
  }

  func error(_ rc: Int32, _ what: String) -> SQLiteError {
    SQLiteError(code: rc, message: "\(what): \(String(cString: sqlite3_errmsg(handle)))")
  }

  /// Runs one or more statements that return no rows.
  func execute(_ sql: String) throws(SQLiteError) {
    var message: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &message)
    if rc != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? "error"
      sqlite3_free(message)
      throw SQLiteError(code: rc, message: "\(sql.prefix(60)): \(text)")
    }
  }

  /// A value to bind to a `?` parameter.
  enum Value {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    case null
  }

  /// Runs a prepared (cached) statement with `values`, calling `row` for each result row.
  func query(_ sql: String, _ values: [Value] = [], row: (Row) throws -> Void = { _ in }) throws {
    let statement = try prepared(sql)
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    for (i, value) in values.enumerated() {
      let index = Int32(i + 1)
      let rc: Int32
      switch value {
      case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
      case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, csqlite_transient())
      case .blob(let b):
        rc = b.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), csqlite_transient()) }
      case .null: rc = sqlite3_bind_null(statement, index)
      }
      guard rc == SQLITE_OK else { throw error(rc, "bind \(sql.prefix(40))") }
    }
    while true {
      let rc = sqlite3_step(statement)
      if rc == SQLITE_DONE { return }
      guard rc == SQLITE_ROW else { throw error(rc, "step \(sql.prefix(40))") }
      try row(Row(statement: statement))
    }
  }

  private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
    if let cached = statements[sql] { return cached }
    var statement: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    guard rc == SQLITE_OK, let statement else { throw error(rc, "prepare \(sql.prefix(60))") }
    statements[sql] = statement
    return statement
  }

  /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  struct Row {
    let statement: OpaquePointer
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func text(_ column: Int32) -> String {
      guard let p = sqlite3_column_text(statement, column) else { return "" }
      return String(cString: p)
    }
    func blob(_ column: Int32) -> [UInt8] {
      let count = Int(sqlite3_column_bytes(statement, column))
      guard count > 0, let p = sqlite3_column_blob(statement, column) else { return [] }
      return Array(UnsafeRawBufferPointer(start: p, count: count))
    }
  }
}
