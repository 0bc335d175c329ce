public import SkiffAPI

/// The `pod-template-hash` of a Deployment's pod template, shaped as Kubernetes' (facts §4):
/// a 32-bit FNV-1a over the template, its decimal digits mapped into the 27-character safe
/// alphabet (`546d9876c4`). Kubernetes hashes a go-spew dump of Go structs, which cannot be
/// reproduced here; this hashes the template's canonical JSON (sorted keys) instead, so equal
/// templates give equal hashes and any change gives a new one.
public enum PodTemplateHash {
  public static func compute(_ template: PodTemplateSpec, collisionCount: Int32? = nil) -> String {
    let json = (try? JSONValueEncoder().encode(template)) ?? .null
    var bytes = canonicalBytes(json)
    if let collisionCount {
      let c = UInt32(bitPattern: collisionCount)
      bytes += [UInt8(c & 0xff), UInt8((c >> 8) & 0xff), UInt8((c >> 16) & 0xff), UInt8(c >> 24), 0, 0, 0, 0]
    }
    return safeEncode(String(fnv1a32(bytes)))
  }

  static func fnv1a32(_ bytes: [UInt8]) -> UInt32 {
    var hash: UInt32 = 2_166_136_261
    for b in bytes {
      hash ^= UInt32(b)
      hash = hash &* 16_777_619
    }
    return hash
  }

  /// apimachinery `rand.SafeEncodeString`: each character's code, modulo 27, picks a letter.
  static func safeEncode(_ text: String) -> String {
    let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    return String(text.utf8.map { alphabet[Int($0) % alphabet.count] })
  }

  /// JSON with every object's keys sorted, so the bytes depend only on the content.
  static func canonicalBytes(_ value: JSONValue) -> [UInt8] {
    switch value {
    case .object(let object):
      var out: [UInt8] = [0x7b]
      for (i, key) in object.keys.sorted().enumerated() {
        if i > 0 { out.append(0x2c) }
        out += JSONValue.string(key).jsonBytes()
        out.append(0x3a)
        out += canonicalBytes(object[key]!)
      }
      out.append(0x7d)
      return out
    case .array(let items):
      var out: [UInt8] = [0x5b]
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(0x2c) }
        out += canonicalBytes(item)
      }
      out.append(0x5d)
      return out
    default:
      return value.jsonBytes()
    }
  }
}
