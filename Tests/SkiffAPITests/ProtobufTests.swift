import Foundation
@testable import SkiffAPI
import Testing

@Suite("Kubernetes protobuf request bodies")
struct ProtobufTests {
  // MARK: - Bodies kubectl 1.32 sent

  /// `Fixtures/protobuf/kubectl-create-*.bin`: the bodies kubectl 1.32 POSTed for
  /// `kubectl create ...`; `*.expected.json`: what `kubectl create ... --dry-run=client -o json`
  /// prints for the same command (see the README there).
  static let kubectlBodies = [
    "namespace", "deployment", "deployment-two-containers", "configmap", "service-clusterip",
    "serviceaccount", "secret",
  ]

  @Test(arguments: kubectlBodies)
  func decodesWhatKubectlSends(_ name: String) throws {
    let body = try Data(contentsOf: Self.fixture("kubectl-create-\(name).bin"))
    let expected = try JSONValue(parsing: Array(try Data(contentsOf: Self.fixture("kubectl-create-\(name).expected.json"))))
    let decoded = try KubernetesProtobuf.decode(body)
    // kubectl 1.32 prints `creationTimestamp: null`; today's ObjectMeta tag is
    // `omitempty,omitzero`, so the zero time is left out, as newer API servers do.
    #expect(decoded == Self.withoutNullCreationTimestamps(expected), "\(decoded.jsonString())")
    #expect(decoded.objectValue?.keys.prefix(2) == ["apiVersion", "kind"])
  }

  /// Skiff's own strict decoder takes the result as it takes kubectl's JSON (Skiff serves no Secrets).
  @Test(arguments: kubectlBodies.filter { $0 != "secret" })
  func decodedBodiesAreSkiffObjects(_ name: String) throws {
    let decoded = try KubernetesProtobuf.decode(try Data(contentsOf: Self.fixture("kubectl-create-\(name).bin")))
    let (object, unknownFields) = try APIRegistry.decodeObject(decoded)
    #expect(unknownFields == [])
    #expect(type(of: object).resourceInfo.kind == decoded["kind"]?.stringValue)
  }

  @Test func kubectlDeploymentInDetail() throws {
    let decoded = try KubernetesProtobuf.decode(try Data(contentsOf: Self.fixture("kubectl-create-deployment.bin")))
    #expect(decoded.at("apiVersion") == "apps/v1")
    #expect(decoded.at("kind") == "Deployment")
    #expect(decoded.at("spec.replicas") == 2)
    #expect(decoded.at("spec.selector.matchLabels[app]") == "web")
    #expect(decoded.at("spec.template.metadata.labels[app]") == "web")
    #expect(decoded.at("spec.template.spec.containers[0].name") == "nginx")
    #expect(decoded.at("spec.template.spec.containers[0].image") == "nginx:1.27")
    #expect(decoded.at("spec.template.spec.containers[0].resources") == .object([:]))
    // Empty strings kubectl's Go marshaller wrote for every unset string are not kept.
    #expect(decoded.at("metadata.namespace") == nil)
    #expect(decoded.at("metadata.uid") == nil)
    #expect(decoded.at("spec.template.spec.restartPolicy") == nil)
  }

  // MARK: - Hand-built bodies

  @Test func namespaceWithLabels() throws {
    let body = Wire.object("v1", "Namespace",
      Wire.message(1, Wire.string(1, "demo"), Wire.entry(11, "team", "a"), Wire.entry(11, "env", "dev")))
    let decoded = try KubernetesProtobuf.decode(body)
    #expect(decoded == [
      "apiVersion": "v1", "kind": "Namespace",
      "metadata": ["name": "demo", "labels": ["team": "a", "env": "dev"]],
      "spec": [:], "status": [:],
    ])
    #expect(decoded.objectValue?.keys == ["apiVersion", "kind", "metadata", "spec", "status"])
    #expect(decoded["metadata"]?["labels"]?.objectValue?.keys == ["team", "env"])
  }

  @Test func deploymentLikeKubectlCreateDeployment() throws {
    let labels = Wire.entry(11, "app", "web")
    let container = Wire.message(2, Wire.string(1, "nginx"), Wire.string(2, "nginx"), Wire.message(8))
    let spec = Wire.message(2,
      Wire.varint(1, 2),
      Wire.message(2, Wire.entry(1, "app", "web")),
      Wire.message(3, Wire.message(1, labels), Wire.message(2, container)),
      Wire.message(4))
    let decoded = try KubernetesProtobuf.decode(Wire.object("apps/v1", "Deployment",
      Wire.message(1, Wire.string(1, "web"), labels) + spec + Wire.message(3)))
    #expect(decoded == [
      "apiVersion": "apps/v1", "kind": "Deployment",
      "metadata": ["name": "web", "labels": ["app": "web"]],
      "spec": [
        "replicas": 2,
        "selector": ["matchLabels": ["app": "web"]],
        "template": [
          "metadata": ["labels": ["app": "web"]],
          "spec": ["containers": [["name": "nginx", "image": "nginx", "resources": [:]]]],
        ],
        "strategy": [:],
      ],
      "status": [:],
    ])
  }

  @Test func configMapWithDataAndBinaryData() throws {
    let decoded = try KubernetesProtobuf.decode(Wire.object("v1", "ConfigMap",
      Wire.message(1, Wire.string(1, "c"), Wire.string(3, "default"))
        + Wire.entry(2, "a", "b") + Wire.entry(2, "greeting", "hello")
        + Wire.message(3, Wire.string(1, "bin"), Wire.bytes(2, [0, 1, 2, 0xff]))))
    #expect(decoded == [
      "apiVersion": "v1", "kind": "ConfigMap",
      "metadata": ["name": "c", "namespace": "default"],
      "data": ["a": "b", "greeting": "hello"],
      "binaryData": ["bin": "AAEC/w=="],
    ])
  }

  @Test func serviceTargetPortsAsNumberAndName() throws {
    func port(_ name: String, _ number: Int64, _ target: [UInt8]) -> [UInt8] {
      Wire.message(1, Wire.string(1, name), Wire.string(2, "TCP"), Wire.varint(3, number), Wire.message(4, target))
    }
    let spec = Wire.message(2,
      port("http", 80, Wire.varint(1, 0) + Wire.varint(2, 8080)),
      port("https", 443, Wire.varint(1, 1) + Wire.string(3, "https")),
      Wire.entry(2, "app", "s"),
      Wire.string(4, "ClusterIP"))
    let decoded = try KubernetesProtobuf.decode(Wire.object("v1", "Service", Wire.message(1, Wire.string(1, "s")) + spec))
    #expect(decoded.at("spec.ports[0]") == ["name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080])
    #expect(decoded.at("spec.ports[1].targetPort") == "https")
    #expect(decoded.at("spec.selector") == ["app": "s"])
    #expect(decoded.at("spec.type") == "ClusterIP")
    // An absent (zero) IntOrString is written as Go writes it: 0.
    let bare = try KubernetesProtobuf.decode(Wire.object("v1", "Service", Wire.message(2, Wire.message(1, Wire.varint(3, 53)))))
    #expect(bare.at("spec.ports[0]") == ["port": 53, "targetPort": 0])
    #expect(bare.at("status") == ["loadBalancer": [:]])
  }

  @Test func podWithProbeQuantitiesAndTimes() throws {
    let probe = Wire.message(10,
      Wire.message(1, Wire.message(2, Wire.string(1, "/healthz"), Wire.message(2, Wire.varint(2, 8080)), Wire.string(4, "HTTP"))),
      Wire.varint(2, 0), Wire.varint(4, 5))
    let resources = Wire.message(8,
      Wire.message(1, Wire.string(1, "cpu"), Wire.message(2, Wire.string(1, "500m"))),
      Wire.message(1, Wire.string(1, "memory"), Wire.message(2, Wire.string(1, "64Mi"))),
      Wire.message(2, Wire.string(1, "cpu"), Wire.message(2, Wire.string(1, "250m"))))
    let container = Wire.message(2, Wire.string(1, "app"), Wire.string(2, "busybox"), resources, probe)
    let metadata = Wire.message(1,
      Wire.string(1, "p"),
      Wire.message(8, Wire.varint(1, 1_707_316_634), Wire.varint(2, 123_456_789)),
      Wire.message(9, Wire.varint(1, 1_707_316_700)),
      Wire.varint(10, 30))
    let status = Wire.message(3, Wire.string(1, "Running"), Wire.message(7, Wire.varint(1, 0)))
    let decoded = try KubernetesProtobuf.decode(Wire.object("v1", "Pod",
      metadata + Wire.message(2, container, Wire.varint(4, 0), Wire.varint(25, 0)) + status))

    // metav1.Time keeps whole seconds only, as Go's Time.Unmarshal does.
    #expect(decoded.at("metadata.creationTimestamp") == "2024-02-07T14:37:14Z")
    #expect(decoded.at("metadata.deletionTimestamp") == "2024-02-07T14:38:20Z")
    #expect(decoded.at("metadata.deletionGracePeriodSeconds") == 30)
    #expect(decoded.at("status.phase") == "Running")
    #expect(decoded.at("status.startTime") == "1970-01-01T00:00:00Z")
    let app = decoded.at("spec.containers[0]")
    #expect(app?.at("resources") == ["limits": ["cpu": "500m", "memory": "64Mi"], "requests": ["cpu": "250m"]])
    // ProbeHandler is embedded in Probe: httpGet is the probe's own member.
    #expect(app?.at("livenessProbe") == [
      "httpGet": ["path": "/healthz", "port": 8080, "scheme": "HTTP"],
      "periodSeconds": 5,
    ])
    // Pointers present on the wire are kept even when zero; plain omitempty zeros are not.
    #expect(decoded.at("spec.terminationGracePeriodSeconds") == 0)
    #expect(decoded.at("spec.priority") == 0)
    #expect(decoded.at("spec.containers[0].livenessProbe.initialDelaySeconds") == nil)
  }

  @Test func eventMicroTimeAndManagedFields() throws {
    let managed = Wire.message(17,
      Wire.string(1, "kubectl-create"), Wire.string(2, "Update"), Wire.string(3, "v1"),
      Wire.message(4, Wire.varint(1, 1_707_316_634)), Wire.string(6, "FieldsV1"),
      Wire.message(7, Wire.string(1, #"{"f:metadata":{"f:labels":{".":{}}}}"#)))
    let decoded = try KubernetesProtobuf.decode(Wire.object("v1", "Event",
      Wire.message(1, Wire.string(1, "e1"), managed)
        + Wire.message(2, Wire.string(1, "Pod"), Wire.string(3, "p"))
        + Wire.string(3, "Started")
        + Wire.message(10, Wire.varint(1, 1_707_316_634), Wire.varint(2, 123_456_789))
        + Wire.varint(8, 3)))
    #expect(decoded.at("eventTime") == "2024-02-07T14:37:14.123456Z")
    #expect(decoded.at("count") == 3)
    #expect(decoded.at("reason") == "Started")
    #expect(decoded.at("involvedObject") == ["kind": "Pod", "name": "p"])
    #expect(decoded.at("metadata.managedFields[0].time") == "2024-02-07T14:37:14Z")
    #expect(decoded.at("metadata.managedFields[0].fieldsV1") == ["f:metadata": ["f:labels": [".": [:]]]])
    // Event's Time fields have no omitempty: zero is null, as Go writes it.
    #expect(decoded.at("firstTimestamp") == .null)
    #expect(decoded.at("source") == [:])
  }

  @Test func secretDataIsBase64AndPackedIntegersDecode() throws {
    let secret = try KubernetesProtobuf.decode(Wire.object("v1", "Secret",
      Wire.message(1, Wire.string(1, "s")) + Wire.message(2, Wire.string(1, "k"), Wire.bytes(2, Array("v".utf8)))
        + Wire.string(3, "Opaque")))
    #expect(secret.at("data") == ["k": "dg=="])
    #expect(secret.at("type") == "Opaque")

    // supplementalGroups (repeated int64), once packed and once one element per tag.
    let packed = Wire.bytes(4, Wire.rawVarint(1000) + Wire.rawVarint(2000))
    let pod = try KubernetesProtobuf.decode(Wire.object("v1", "Pod",
      Wire.message(2, Wire.message(14, packed, Wire.varint(4, 3000), Wire.varint(2, -1)))))
    #expect(pod.at("spec.securityContext.supplementalGroups") == [1000, 2000, 3000])
    #expect(pod.at("spec.securityContext.runAsUser") == -1)
  }

  /// `kubectl auth can-i create pods -n demo` and `kubectl auth whoami` send these.
  @Test func accessReviewsOfKubectlAuth() throws {
    let attributes = Wire.string(1, "demo") + Wire.string(2, "create") + Wire.string(5, "pods")
    let review = try KubernetesProtobuf.decode(Wire.object(
      "authorization.k8s.io/v1", "SelfSubjectAccessReview", Wire.message(1) + Wire.message(2, Wire.message(1, attributes))))
    #expect(review.at("spec.resourceAttributes") == ["namespace": "demo", "verb": "create", "resource": "pods"])
    let rules = try KubernetesProtobuf.decode(Wire.object(
      "authorization.k8s.io/v1", "SelfSubjectRulesReview", Wire.message(2, Wire.string(1, "demo"))))
    #expect(rules.at("spec.namespace") == "demo")
    let whoami = try KubernetesProtobuf.decode(Wire.object("authentication.k8s.io/v1", "SelfSubjectReview", Wire.message(1)))
    #expect(whoami["kind"] == "SelfSubjectReview")
  }

  @Test func deleteOptionsInAnyGroupVersion() throws {
    for apiVersion in ["v1", "apps/v1", "meta.k8s.io/v1"] {
      let decoded = try KubernetesProtobuf.decode(Wire.object(apiVersion, "DeleteOptions",
        Wire.varint(1, 0) + Wire.string(4, "Foreground") + Wire.message(2, Wire.string(1, "uid-1"))))
      #expect(decoded == [
        "apiVersion": .string(apiVersion), "kind": "DeleteOptions",
        "gracePeriodSeconds": 0, "preconditions": ["uid": "uid-1"], "propagationPolicy": "Foreground",
      ])
    }
  }

  @Test func unknownFieldsAreSkipped() throws {
    let unknown = Wire.varint(99, 7) + Wire.string(100, "future") + Wire.fixed32(101) + Wire.fixed64(102)
      + Wire.group(103, Wire.varint(1, 1) + Wire.group(2, Wire.string(1, "x")))
    let body = Wire.object("v1", "Namespace",
      unknown + Wire.message(1, unknown, Wire.string(1, "demo"), unknown) + Wire.message(2, unknown), extra: unknown)
    let decoded = try KubernetesProtobuf.decode(body)
    #expect(decoded == ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "demo"], "spec": [:], "status": [:]])
  }

  // MARK: - Malformed bodies

  @Test func wrongMagic() {
    let error = #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode(Array(#"{"kind":"Pod"}"#.utf8)) }
    #expect(error?.description == #"not a Kubernetes protobuf body: it must start with the bytes 6b 38 73 00 ("k8s\0"), not 7b 22 6b 69 at byte 0"#)
    #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode([0x6b, 0x38]) }
  }

  @Test func truncatedVarint() {
    // metadata.generation's varint stops mid-way: its last byte still has the high bit set.
    let body = Wire.object("v1", "Namespace", Wire.message(1, Wire.string(1, "demo"), [7 << 3, 0x80, 0x80]))
    let error = #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode(body) }
    #expect(error?.reason == "malformed protobuf: truncated varint")
    #expect(error?.fieldPath == "metadata.generation")
    let at = Self.offset(of: [7 << 3, 0x80, 0x80], in: body) + 1
    #expect(error?.offset == at)
    #expect(error?.description == "malformed protobuf: truncated varint at byte \(at) in metadata.generation")
  }

  @Test func lengthBeyondEnd() {
    // A container image claims 50 bytes, 3 follow.
    let container = Wire.message(2, Wire.string(1, "app"), [2 << 3 | 2, 50] + Array("ngi".utf8))
    let body = Wire.object("apps/v1", "Deployment", Wire.message(2, Wire.message(3, Wire.message(2, container))))
    let error = #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode(body) }
    #expect(error?.fieldPath == "spec.template.spec.containers[0].image")
    #expect(error?.reason == "malformed protobuf: length 50 runs past the end of its message (3 bytes left)")
    #expect(error?.offset == Self.offset(of: [2 << 3 | 2, 50], in: body) + 1)
  }

  @Test func otherMalformedInput() {
    // Wrong wire type for a known field: metadata.name as a varint.
    let wrongType = Wire.object("v1", "Namespace", Wire.message(1, Wire.varint(1, 5)))
    let error = #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode(wrongType) }
    #expect(error?.fieldPath == "metadata.name")
    // A varint of eleven bytes, field number 0, wire type 7, an unclosed group, bad JSON in fieldsV1.
    for raw in [
      Wire.key(99, 0) + [UInt8](repeating: 0xff, count: 10) + [0x01],
      [0x00, 0x01], [0x0f], Array(Wire.group(99, []).dropLast(1)),
      Wire.message(1, Wire.message(17, Wire.message(7, Wire.string(1, "{nope")))),
    ] {
      #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode(Wire.object("v1", "Namespace", Array(raw))) }
    }
    // The envelope itself truncated.
    #expect(throws: KubernetesProtobufError.self) { try KubernetesProtobuf.decode(Array(Wire.object("v1", "Pod", []).dropLast(3))) }
    // Every prefix of a real body fails cleanly or decodes; none crashes.
    let full = Wire.object("v1", "Pod", Wire.message(1, Wire.string(1, "p"), Wire.entry(11, "a", "b")))
    for end in 0..<full.count { _ = try? KubernetesProtobuf.decode(full[0..<end]) }
  }

  @Test func unknownKindsAndEncodings() {
    let statefulSet = #expect(throws: KubernetesProtobufError.self) {
      try KubernetesProtobuf.decode(Wire.object("apps/v1", "StatefulSet", []))
    }
    #expect(statefulSet?.description == "no protobuf schema for apps/v1/StatefulSet")
    let gzip = #expect(throws: KubernetesProtobufError.self) {
      try KubernetesProtobuf.decode(Wire.object("v1", "Pod", [], extra: Wire.string(3, "gzip")))
    }
    #expect(gzip?.description == #"content encoding "gzip" of the protobuf envelope is not supported"#)
  }

  // MARK: - The schema tables

  @Test func schemaIsConsistent() {
    for (_, name) in ProtobufSchema.roots { #expect(ProtobufSchema.messages[name] != nil, "\(name)") }
    for (name, message) in ProtobufSchema.messages {
      #expect(Set(message.fields.map(\.number)).count == message.fields.count, "\(name): duplicate field numbers")
      #expect(Set(message.fields.map(\.name)).count == message.fields.count, "\(name): duplicate JSON names")
      for field in message.fields {
        if case .message(let target) = field.value { #expect(ProtobufSchema.messages[target] != nil, "\(name).\(field.name) -> \(target)") }
        #expect(field.options.contains(.inline) == field.name.isEmpty, "\(name).\(field.number)")
      }
    }
  }

  // MARK: - Helpers

  static func fixture(_ name: String) -> URL {
    Fixtures.directory.appendingPathComponent("protobuf").appendingPathComponent(name)
  }

  /// Where `needle` starts in `haystack`.
  static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle } ?? -1
  }

  static func withoutNullCreationTimestamps(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(var object):
      if object["creationTimestamp"] == .null { object["creationTimestamp"] = nil }
      for key in object.keys { object[key] = withoutNullCreationTimestamps(object[key]!) }
      return .object(object)
    case .array(let items):
      return .array(items.map(withoutNullCreationTimestamps))
    default:
      return value
    }
  }
}

/// Protobuf wire bytes built by hand, as Go's generated marshallers write them.
enum Wire {
  static func rawVarint(_ value: UInt64) -> [UInt8] {
    var value = value
    var out: [UInt8] = []
    while value >= 0x80 {
      out.append(UInt8(value & 0x7f) | 0x80)
      value >>= 7
    }
    out.append(UInt8(value))
    return out
  }

  static func key(_ number: Int, _ wireType: UInt64) -> [UInt8] { rawVarint(UInt64(number) << 3 | wireType) }
  static func varint(_ number: Int, _ value: Int64) -> [UInt8] { key(number, 0) + rawVarint(UInt64(bitPattern: value)) }
  static func bytes(_ number: Int, _ payload: [UInt8]) -> [UInt8] { key(number, 2) + rawVarint(UInt64(payload.count)) + payload }
  static func string(_ number: Int, _ text: String) -> [UInt8] { bytes(number, Array(text.utf8)) }
  static func message(_ number: Int, _ parts: [UInt8]...) -> [UInt8] { bytes(number, parts.flatMap { $0 }) }
  static func entry(_ number: Int, _ key: String, _ value: String) -> [UInt8] { message(number, string(1, key), string(2, value)) }
  static func fixed32(_ number: Int) -> [UInt8] { key(number, 5) + [1, 2, 3, 4] }
  static func fixed64(_ number: Int) -> [UInt8] { key(number, 1) + [1, 2, 3, 4, 5, 6, 7, 8] }
  static func group(_ number: Int, _ body: [UInt8]) -> [UInt8] { key(number, 3) + body + key(number, 4) }

  /// `k8s\0` and a runtime.Unknown holding `raw` (and `extra` envelope fields).
  static func object(_ apiVersion: String, _ kind: String, _ raw: [UInt8], extra: [UInt8] = []) -> [UInt8] {
    KubernetesProtobuf.magic
      + message(1, string(1, apiVersion), string(2, kind)) + bytes(2, raw) + extra + string(4, "application/vnd.kubernetes.protobuf")
  }
}
