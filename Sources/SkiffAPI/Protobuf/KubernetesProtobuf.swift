/// Request bodies in Kubernetes protobuf (`Content-Type: application/vnd.kubernetes.protobuf`),
/// which client-go's typed clients send: `kubectl create namespace`, `create deployment`,
/// `create configmap`, `expose`, ...
///
/// A body is the magic `k8s\0` and a `runtime.Unknown` message {typeMeta(1){apiVersion(1),
/// kind(2)}, raw(2), contentEncoding(3), contentType(4)} whose `raw` is the object's own
/// message. Decoding turns it into the JSON object the Kubernetes API server would hold for
/// it, so the rest of Skiff sees what a JSON client would have sent.
public enum KubernetesProtobuf {
  /// The 4 bytes every Kubernetes protobuf body starts with.
  public static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

  /// The media type of Kubernetes protobuf bodies.
  public static let contentType = "application/vnd.kubernetes.protobuf"

  /// The object in `bytes` as JSON, `apiVersion` and `kind` first (from the envelope).
  ///
  /// Kinds: v1 Namespace, Pod, Service, ConfigMap, Secret, ServiceAccount, Endpoints, Event,
  /// Node; apps/v1 Deployment, ReplicaSet; the access reviews of `kubectl auth`; DeleteOptions
  /// and Status in any group version.
  /// Fields unknown to the schema are skipped, as Go's decoder skips them.
  public static func decode(_ bytes: some Collection<UInt8>) throws(KubernetesProtobufError) -> JSONValue {
    let body = Array(bytes)
    guard body.count >= 4, Array(body[0..<4]) == magic else {
      let head = body.prefix(4).map { byte in
        let hex = String(byte, radix: 16)
        return hex.count == 1 ? "0\(hex)" : hex
      }
      throw KubernetesProtobufError(
        reason: "not a Kubernetes protobuf body: it must start with the bytes 6b 38 73 00 (\"k8s\\0\"), "
          + "not \(head.isEmpty ? "nothing" : head.joined(separator: " "))",
        offset: 0)
    }
    let envelope = try Envelope(body, range: 4..<body.count)
    if !envelope.contentEncoding.isEmpty {
      throw KubernetesProtobufError(
        reason: "content encoding \"\(envelope.contentEncoding)\" of the protobuf envelope is not supported")
    }
    guard !envelope.kind.isEmpty else {
      throw KubernetesProtobufError(reason: "the protobuf envelope names no kind (typeMeta.kind is empty)")
    }
    guard let message = ProtobufSchema.root(apiVersion: envelope.apiVersion, kind: envelope.kind) else {
      throw KubernetesProtobufError(reason: "no protobuf schema for \(envelope.apiVersion)/\(envelope.kind)")
    }
    var decoder = ProtobufMessageDecoder(bytes: body)
    let members = try decoder.decode(message, range: envelope.raw)
    var object = JSONObject()
    object["apiVersion"] = .string(envelope.apiVersion)
    object["kind"] = .string(envelope.kind)
    for (key, value) in members { object[key] = value }
    return .object(object)
  }
}

/// `runtime.Unknown`, the envelope around every object.
struct Envelope {
  var apiVersion = ""
  var kind = ""
  /// The object's message, as a range of the body.
  var raw: Range<Int> = 0..<0
  var contentEncoding = ""
  var contentType = ""

  init(_ body: [UInt8], range: Range<Int>) throws(KubernetesProtobufError) {
    var reader = ProtobufReader(body, range: range)
    func text(_ range: Range<Int>) -> String { String(decoding: body[range], as: UTF8.self) }
    func located(_ error: KubernetesProtobufError, _ path: String) -> KubernetesProtobufError {
      var error = error
      error.fieldPath = path
      return error
    }
    raw = range.upperBound..<range.upperBound
    while !reader.isAtEnd {
      let tag = try reader.readTag()
      guard tag.wireType == .lengthDelimited, (1...4).contains(tag.number) else {
        do { try reader.skip(tag) } catch { throw located(error, "envelope") }
        continue
      }
      let value: Range<Int>
      do { value = try reader.readLengthDelimited() } catch { throw located(error, "envelope field \(tag.number)") }
      switch tag.number {
      case 1:
        var typeMeta = ProtobufReader(body, range: value)
        while !typeMeta.isAtEnd {
          do {
            let inner = try typeMeta.readTag()
            if inner.wireType == .lengthDelimited && (inner.number == 1 || inner.number == 2) {
              let field = try typeMeta.readLengthDelimited()
              if inner.number == 1 { apiVersion = text(field) } else { kind = text(field) }
            } else {
              try typeMeta.skip(inner)
            }
          } catch {
            throw located(error, "envelope typeMeta")
          }
        }
      case 2: raw = value
      case 3: contentEncoding = text(value)
      default: contentType = text(value)
      }
    }
  }
}
