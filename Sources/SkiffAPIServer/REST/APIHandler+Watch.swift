import NIOHTTP1
import SkiffAPI
import SkiffStore

extension APIHandler {
  /// `?watch=true`: a chunked stream of `{"type":"ADDED","object":{...}}` lines.
  ///
  /// Without `resourceVersion` (or with "0") the stream starts with an ADDED event per
  /// existing object, as Kubernetes' watch cache does; with one, it replays what changed
  /// after it, or sends an ERROR event with `410 Expired` when that history is gone.
  /// With label or field selectors an object that stops matching is sent as DELETED and one
  /// that starts matching as ADDED.
  func watch(_ context: RequestContext) throws -> HTTPResponse {
    let (labels, fields) = try context.selectors()
    let namespace = context.namespace.isEmpty ? nil : context.namespace
    let requested = context.request.queryValue("resourceVersion").flatMap { $0.isEmpty || $0 == "0" ? nil : Int64($0) }
    let timeout = context.request.queryValue("timeoutSeconds").flatMap(Int.init)
    let table = context.wantsTable
    let includeObject = context.request.queryValue("includeObject") ?? "Metadata"
    let info = context.info
    let store = registry.store

    var initial: [StoredObject] = []
    let events: AsyncStream<WatchEvent>
    var expired: Status?
    if let requested {
      do {
        events = try store.watch(info.groupResource, namespace: info.namespaced ? namespace : nil, fromRevision: requested)
      } catch {
        expired = Status.gone(error.description)
        events = AsyncStream { $0.finish() }
      }
    } else {
      // List and subscribe at one revision, so nothing falls between the two.
      let (items, revision) = registry.list(info, namespace: namespace, labels: labels, fields: fields)
      initial = items
      events = (try? store.watch(info.groupResource, namespace: info.namespaced ? namespace : nil, fromRevision: revision))
        ?? AsyncStream { $0.finish() }
    }

    let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
    let producer = Task {
      var sentColumns = false
      func line(_ type: String, _ object: JSONValue) -> [UInt8] {
        var body = context.versioned(object)
        if table {
          body = TablePrinters.table(
            for: [object], info: info, revision: nil, now: Timestamp.now(), includeObject: includeObject,
            withColumns: !sentColumns)
          sentColumns = true
        }
        let event: JSONValue = ["type": .string(type), "object": body]
        return event.jsonBytes() + [0x0a]
      }
      // The stored bytes spliced in: one encoding per write, however many watchers.
      func line(_ type: String, _ stored: StoredObject) -> [UInt8] {
        if table { return line(type, stored.object) }
        return Array(#"{"type":""#.utf8) + Array(type.utf8) + Array(#"","object":"#.utf8) + context.encoded(stored)
          + Array("}\n".utf8)
      }
      if let expired {
        let status = (try? JSONValueEncoder().encode(expired)) ?? .null
        continuation.yield((["type": "ERROR", "object": status] as JSONValue).jsonBytes() + [0x0a])
        continuation.finish()
        return
      }
      for item in initial {
        continuation.yield(line("ADDED", item))
      }
      if table && initial.isEmpty {
        // kubectl get -w prints the header from the first Table; send the columns now.
        // A Table with no rows: kubectl prints every event it gets, bookmarks too.
        let columns = TablePrinters.table(
          for: [], info: info, revision: store.revision, now: Timestamp.now(), includeObject: includeObject)
        sentColumns = true
        continuation.yield((["type": "BOOKMARK", "object": columns] as JSONValue).jsonBytes() + [0x0a])
      }
      let deadline = timeout.map { ContinuousClock.now + .seconds($0) }
      let matches = { (object: JSONValue) in labels.matches(object: object) && (fields?.matches(object) ?? true) }
      for await event in events {
        if Task.isCancelled { break }
        if let deadline, ContinuousClock.now > deadline { break }
        if let (type, object) = Self.visibleEvent(event, matches: matches) {
          continuation.yield(line(type, object))
        }
      }
      continuation.finish()
    }
    continuation.onTermination = { _ in producer.cancel() }
    if let timeout {
      Task {
        try? await Task.sleep(for: .seconds(timeout))
        continuation.finish()
      }
    }
    return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: .stream(stream))
  }

  /// What a watcher with selectors sees of one change, as the watch cache's
  /// `convertToWatchEvent` decides it from the object before and after: ADDED when it starts
  /// matching, MODIFIED while it matches, DELETED (with its last matching content at this
  /// event's revision) when it stops matching or goes, nothing otherwise.
  static func visibleEvent(_ event: WatchEvent, matches: (JSONValue) -> Bool) -> (type: String, object: StoredObject)? {
    let current = event.type != .deleted && matches(event.object.object)
    let before: Bool
    switch event.type {
    case .added: before = false
    case .deleted: before = matches(event.previous?.object ?? event.object.object)
    // History reloaded from disk may not know the previous state: pass the change through.
    case .modified: before = event.previous.map { matches($0.object) } ?? current
    }
    switch (current, before) {
    case (true, false): return ("ADDED", event.object)
    case (true, true): return ("MODIFIED", event.object)
    case (false, true):
      if event.type == .deleted { return ("DELETED", event.object) }
      var last = event.previous?.object ?? event.object.object
      last.setValue(.string(String(event.object.resourceVersion)), at: ["metadata", "resourceVersion"])
      return ("DELETED", StoredObject(key: event.object.key, resourceVersion: event.object.resourceVersion, object: last))
    case (false, false): return nil
    }
  }
}
