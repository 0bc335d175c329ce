import FoundationEssentials

// The wire and debug form of a snapshot: canonical JSON (sorted keys), which the config
// stream carries and `/config_dump` prints. FoundationEssentials' coders do not pull in ICU.

extension MeshSnapshot {
  /// The config stream's `type_url` for a snapshot encoded by `jsonBytes()`.
  public static let jsonTypeURL = "type.skiff.dev/skiff.mesh.v1.MeshSnapshot+json"

  /// Canonical JSON: keys sorted, so equal snapshots give equal bytes.
  public func jsonBytes(pretty: Bool = false) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain value types with string keys cannot fail.
    let data = try! encoder.encode(self)
    return [UInt8](data)
  }

  /// Decodes a snapshot from JSON; the error is `malformed` with the decoder's reason.
  public init(jsonBytes: some Collection<UInt8>) throws(MeshConfigError) {
    do {
      self = try JSONDecoder().decode(MeshSnapshot.self, from: Data(jsonBytes))
    } catch let error as DecodingError {
      throw MeshConfigError(.malformed, Self.describe(error))
    } catch {
      throw MeshConfigError(.malformed, String(describing: error))
    }
  }

  /// The content hash of everything but `version`: 16 hex digits of FNV-1a 64 over the
  /// canonical JSON.
  public var contentVersion: String {
    var unversioned = self
    unversioned.version = ""
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in unversioned.jsonBytes() {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The snapshot with `version` set to its content hash.
  public func versioned() -> MeshSnapshot {
    var copy = self
    copy.version = contentVersion
    return copy
  }

  private static func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return text.isEmpty ? "snapshot" : String(text.dropFirst(text.hasPrefix(".") ? 1 : 0))
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context)): missing field \"\(key.stringValue)\""
    case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
    case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
    case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
    @unknown default: return String(describing: error)
    }
  }
}
