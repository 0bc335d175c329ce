import CNGHTTP2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// nghttp2's memory for one session, from small free lists: nghttp2 allocates about a dozen
/// blocks per proxied request (stream, outbound items, header copies, HPACK strings) and frees
/// them again moments later. With dozens of requests per read, glibc's per-thread cache
/// overflows and every one of them went through malloc's slow path.
///
/// Blocks up to 2 KiB come in six size classes; each keeps a bounded number of freed blocks
/// (64 of each class up to 512 bytes, enough for a connection's streams in flight, 8 of the
/// larger ones: at most about 90 KiB per connection), the rest goes back to malloc. Not
/// thread-safe: one session, one thread, like the `HTTP2Connection` that owns both.
final class NGHTTP2Allocator {
  /// Each block starts with this header (its usable size and class), keeping the payload
  /// 16-byte aligned as malloc's is.
  static let headerSize = 16
  static let classCount = 6
  /// Usable bytes of class `i`: 64 << i (64 ... 2048).
  static func classSize(_ index: Int) -> Int { 64 << index }
  static let oversized: UInt8 = 0xFF

  private let heads: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  private let counts: UnsafeMutablePointer<Int>

  init() {
    heads = .allocate(capacity: Self.classCount)
    heads.initialize(repeating: nil, count: Self.classCount)
    counts = .allocate(capacity: Self.classCount)
    counts.initialize(repeating: 0, count: Self.classCount)
  }

  deinit {
    for index in 0..<Self.classCount {
      var block = heads[index]
      while let current = block {
        block = current.load(as: UnsafeMutableRawPointer?.self)
        free(current)
      }
    }
    heads.deallocate()
    counts.deallocate()
  }

  /// How many freed blocks class `index` keeps.
  static func limit(_ index: Int) -> Int { index < 4 ? 64 : 8 }

  @inline(__always)
  static func classIndex(_ size: Int) -> Int {
    if size <= 64 { return 0 }
    // 65...128 -> 1, 129...256 -> 2, ...
    return Int.bitWidth - (size - 1).leadingZeroBitCount - 6
  }

  func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
    let index = Self.classIndex(size)
    let block: UnsafeMutableRawPointer
    if index < Self.classCount {
      if let cached = heads[index] {
        // A freed block of this class: its header still says so (the next link sat in the
        // size word; put the size back).
        heads[index] = cached.load(as: UnsafeMutableRawPointer?.self)
        counts[index] -= 1
        cached.storeBytes(of: Self.classSize(index), as: Int.self)
        return cached + Self.headerSize
      }
      guard let fresh = malloc(Self.headerSize + Self.classSize(index)) else { return nil }
      block = fresh
      block.storeBytes(of: Self.classSize(index), as: Int.self)
      block.storeBytes(of: UInt8(index), toByteOffset: 8, as: UInt8.self)
    } else {
      guard let fresh = malloc(Self.headerSize + size) else { return nil }
      block = fresh
      block.storeBytes(of: size, as: Int.self)
      block.storeBytes(of: Self.oversized, toByteOffset: 8, as: UInt8.self)
    }
    return block + Self.headerSize
  }

  func deallocate(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    let block = pointer - Self.headerSize
    let index = Int(block.load(fromByteOffset: 8, as: UInt8.self))
    guard index < Self.classCount, counts[index] < Self.limit(index) else {
      free(block)
      return
    }
    block.storeBytes(of: heads[index], as: UnsafeMutableRawPointer?.self)
    heads[index] = block
    counts[index] += 1
  }

  func allocateZeroed(count: Int, size: Int) -> UnsafeMutableRawPointer? {
    let (total, overflow) = count.multipliedReportingOverflow(by: size)
    guard !overflow, let pointer = allocate(total) else { return nil }
    pointer.initializeMemory(as: UInt8.self, repeating: 0, count: total)
    return pointer
  }

  func reallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let pointer else { return allocate(size) }
    let usable = (pointer - Self.headerSize).load(as: Int.self)
    if size <= usable { return pointer }
    guard let grown = allocate(size) else { return nil }
    grown.copyMemory(from: pointer, byteCount: usable)
    deallocate(pointer)
    return grown
  }

  /// The `nghttp2_mem` that routes a session's allocations here (valid while `self` lives).
  var mem: nghttp2_mem {
    nghttp2_mem(
      mem_user_data: Unmanaged.passUnretained(self).toOpaque(),
      malloc: { size, userData in
        Unmanaged<NGHTTP2Allocator>.fromOpaque(userData!)._withUnsafeGuaranteedRef { $0.allocate(size) }
      },
      free: { pointer, userData in
        Unmanaged<NGHTTP2Allocator>.fromOpaque(userData!)._withUnsafeGuaranteedRef { $0.deallocate(pointer) }
      },
      calloc: { count, size, userData in
        Unmanaged<NGHTTP2Allocator>.fromOpaque(userData!)._withUnsafeGuaranteedRef { $0.allocateZeroed(count: count, size: size) }
      },
      realloc: { pointer, size, userData in
        Unmanaged<NGHTTP2Allocator>.fromOpaque(userData!)._withUnsafeGuaranteedRef { $0.reallocate(pointer, size) }
      })
  }
}
