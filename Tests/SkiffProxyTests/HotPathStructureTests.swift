import NIOCore
import Testing

@testable import SkiffProxy

/// The small structures the forwarding hot path uses instead of dictionaries, strings and
/// arrays: they must behave as the general ones they replace.
@Suite struct HotPathStructureTests {
  final class Box {
    let n: Int
    init(_ n: Int) { self.n = n }
  }

  @Test func streamTableFindsInsertsAndRemovesLikeADictionary() {
    var table = StreamTable<Box>()
    var reference: [Int32: Int] = [:]
    // Ids as a connection sees them (odd, growing), with some streams living long enough for
    // newer ids to land on their slot (the overflow path) and the table to grow.
    var id: Int32 = 1
    for step in 0..<2000 {
      table.insert(Box(Int(id)), for: id)
      reference[id] = Int(id)
      if step % 3 != 0, let oldest = reference.keys.filter({ $0 % 7 != 0 }).min() {
        #expect(table.remove(oldest)?.n == Int(oldest))
        reference[oldest] = nil
      }
      id += 2
    }
    #expect(table.count == reference.count)
    for (key, value) in reference { #expect(table[key]?.n == value) }
    #expect(table[id] == nil)
    #expect(table.remove(id) == nil)
    #expect(table.sorted.map(\.id) == reference.keys.sorted())
    table.removeAll()
    #expect(table.isEmpty && table[1] == nil && table.sorted.isEmpty)
  }

  @Test func streamTableReplacesAValueForTheSameID() {
    var table = StreamTable<Box>()
    table.insert(Box(1), for: 5)
    table[5] = Box(2)
    #expect(table.count == 1 && table[5]?.n == 2)
    table[5] = nil
    #expect(table.count == 0 && table[5] == nil)
  }

  @Test func headerBlockReadsNumbersAndPrefixesAsStringsWould() {
    let block = HeaderBlock([
      (":status", "200"), ("grpc-status", "-1"), ("big", "99999999999999999999"), ("plus", "+7"), ("empty", ""),
      ("content-type", "application/grpc+proto"), ("accent", "application/grpc\u{301}"), ("bad", "1x"),
    ])
    for name in [":status", "grpc-status", "big", "plus", "empty", "bad", "missing"] {
      #expect(block.integer(name) == block[name].flatMap { Int($0) }, "\(name)")
    }
    for name in ["content-type", "accent", "empty", "missing"] {
      #expect(block.value(of: name, hasPrefix: "application/grpc") == (block[name]?.hasPrefix("application/grpc") ?? false), "\(name)")
    }
    #expect(block.value(of: ":status", hasPrefix: "2"))
    #expect(!block.value(of: ":status", hasPrefix: "1"))
  }

  @Test func headerBlockRoundTripsFieldsAndFlags() {
    var block = HeaderBlock(capacity: 8)
    block.add(name: "a", value: "1")
    block.add(name: "authorization", value: "secret", neverIndex: true)
    block.add(name: "a", value: "")
    #expect(block.count == 3)
    #expect(block.byteCount == "a1authorizationsecreta".utf8.count)
    #expect(block.pairs.map { "\($0.name)=\($0.value)" } == ["a=1", "authorization=secret", "a="])
    #expect(block.name(at: 1) == "authorization" && block.value(at: 1) == "secret")
    var flags: [Bool] = []
    block.forEachField { _, _, never in
      flags.append(never)
      return true
    }
    #expect(flags == [false, true, false])
    #expect(block != HeaderBlock([("a", "1")]))
    var copy = block
    copy.remove("a")
    #expect(copy.pairs.map(\.name) == ["authorization"] && block.count == 3)
    #expect(HeaderBlock([("a", "1")]) == HeaderBlock([("a", "1")]))
  }

  @Test func requestHeadReadsPseudoHeadersAndKeepsAssignedValues() {
    var head = RequestHead(headers: HeaderBlock([(":method", "POST"), (":path", "/a"), ("host", "h:1"), ("content-type", "application/grpc")]))
    #expect(head.method == "POST" && head.path == "/a" && head.authority == "h:1" && head.scheme == "" && head.isGRPC)
    head.path = "/b"
    #expect(head.path == "/b" && head.headers[":path"] == "/a")
  }

  @Test func outboundQueueHandsOutBytesInOrderAcrossBuffers() {
    var queue = OutboundQueue()
    for text in ["abc", "defg", "h"] { queue.append(ByteBuffer(string: text)) }
    var out = ""
    for limit in [2, 5, 1, 10] where !queue.isEmpty {
      out += String(buffer: queue.take(upTo: limit)) + "|"
    }
    #expect(out == "ab|c|d|efg|")
    #expect(String(buffer: queue.take(upTo: 9)) == "h" && queue.isEmpty)
  }

  @Test func replayBufferKeepsChunksInOrder() {
    var buffer = ReplayBuffer()
    #expect(buffer.isEmpty && buffer.count == 0)
    for text in ["a", "b", "c"] { buffer.append(ByteBuffer(string: text)) }
    var seen: [String] = []
    buffer.forEach { chunk, isLast in seen.append(String(buffer: chunk) + (isLast ? "!" : "")) }
    #expect(seen == ["a", "b", "c!"] && buffer.count == 3)
    buffer.removeAll()
    #expect(buffer.isEmpty)
  }

  @Test func headerBlockBuilderMakesTheSameBlockAsAddingFields() {
    var builder = HeaderBlockBuilder()
    defer { builder.deallocate() }
    let fields: [(String, String, Bool)] = [
      (":status", "200"), ("x-long", String(repeating: "v", count: 3000)), ("empty", ""), ("secret", "s"),
    ].enumerated().map { ($1.0, $1.1, $0 == 3) }
    for round in 0..<2 {
      builder.reset()
      var expected = HeaderBlock()
      for (name, value, never) in fields.dropFirst(round) {
        var name = name
        var value = value
        name.withUTF8 { n in
          value.withUTF8 { v in
            builder.add(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v), neverIndex: never)
          }
        }
        expected.add(name: name, value: value, neverIndex: never)
      }
      #expect(builder.build() == expected)
    }
  }

  @Test func nghttp2AllocatorReusesBlocksAndKeepsContents() throws {
    #expect([1, 64, 65, 128, 129, 2048, 2049].map(NGHTTP2Allocator.classIndex) == [0, 0, 1, 1, 2, 5, 6])
    let allocator = NGHTTP2Allocator()
    let first = try #require(allocator.allocate(100))
    allocator.deallocate(first)
    #expect(allocator.allocate(120) == first)  // same class: the freed block comes back
    let grown = try #require(allocator.reallocate(first, 10))  // fits: stays
    #expect(grown == first)
    grown.storeBytes(of: 0xABCD, as: Int.self)
    let moved = try #require(allocator.reallocate(grown, 5000))
    #expect(moved.load(as: Int.self) == 0xABCD)
    allocator.deallocate(moved)
    let dirty = try #require(allocator.allocate(64))
    dirty.initializeMemory(as: UInt8.self, repeating: 0xFF, count: 64)
    allocator.deallocate(dirty)
    let zeroed = try #require(allocator.allocateZeroed(count: 16, size: 4))
    #expect(zeroed == dirty && UnsafeRawBufferPointer(start: zeroed, count: 64).allSatisfy { $0 == 0 })
    #expect(allocator.allocateZeroed(count: Int.max, size: 2) == nil)
    allocator.deallocate(zeroed)
  }

  @Test func headerBlockCopiesAreIndependentAndGrow() {
    var first = HeaderBlock(capacity: 4)
    first.add(name: "a", value: "1")
    var second = first
    second.add(name: "b", value: String(repeating: "x", count: 500))
    first.add(name: "c", value: "3")
    #expect(first.pairs.map(\.name) == ["a", "c"])
    #expect(second.pairs.map(\.name) == ["a", "b"] && second["b"]?.count == 500)
    var empty = HeaderBlock()
    #expect(empty.isEmpty && empty == HeaderBlock() && empty["a"] == nil && empty.byteCount == 0)
    empty.remove("a")
    #expect(empty.isEmpty)
  }

  @Test func roundRobinDeciderTakesEndpointsInTurnWithTheRoutesSettings() {
    let endpoints = [Endpoint(host: "10.0.0.1", port: 80), Endpoint(host: "10.0.0.2", port: 80)]
    let decider = RoundRobinDecider(cluster: "c", endpoints: endpoints, timeout: .seconds(3), retry: .none)
    let head = RequestHead(headers: HeaderBlock([(":method", "GET"), (":path", "/")]))
    let info = DownstreamConnectionInfo(remoteAddress: nil, localAddress: nil, originalDestination: nil)
    var picked: [Endpoint] = []
    for _ in 0..<4 {
      guard case .forward(let route) = decider.decide(head, connection: info) else { Issue.record("no route"); return }
      #expect(route.cluster == "c" && route.timeout == .seconds(3) && route.retry == .none)
      picked.append(route.endpoint)
    }
    #expect(picked == endpoints + endpoints)
    guard case .localReply(let reply) = RoundRobinDecider(endpoints: []).decide(head, connection: info) else {
      Issue.record("expected a local reply")
      return
    }
    #expect(reply.status == 503)
  }

  @Test func actionBatchHandsOutEventsAndLeavesWritesAndClose() {
    var batch = ActionBatch()
    batch.append(.write(ByteBuffer(string: "x")))
    batch.append(.dataFlushed(streamID: 1, count: 3))
    batch.append(.streamClosed(streamID: 1, code: .noError))
    batch.append(.close(nil))
    var events: [String] = []
    for index in 0..<batch.count {
      if let action = batch.takeEvent(index) { events.append("\(action)") }
    }
    #expect(events.count == 2 && events[0].hasPrefix("dataFlushed") && events[1].hasPrefix("streamClosed"))
    #expect(batch.isWrite(0) && batch.remaining.count == 2)
    #expect(batch.takeEvent(1) == nil && batch.take(3) != nil && batch.remaining.count == 1)
  }

  @Test func streamTableRecyclesOnlyValuesNoOneElseHolds() {
    var table = StreamTable<Box>()
    let held = Box(3)
    table.insert(Box(1), for: 1)
    table.insert(held, for: 3)
    var recycled: [Int] = []
    table.removeAll { recycled.append($0.n) }
    #expect(recycled == [1] && table.isEmpty && table[1] == nil)
    table.insert(Box(5), for: 5)
    #expect(table[5]?.n == 5 && table.count == 1)
  }
}
