import SkiffAPI
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The walkthrough's manifests, copied unchanged from the reference scenario.
private func walkthroughManifest(_ name: String) throws -> String {
  let here = String(#filePath)
  let directory = here[..<here.lastIndex(of: "/")!]
  let path = "\(directory)/Fixtures/walkthrough/\(name)"
  let file = try #require(fopen(path, "r"), "cannot open \(path)")
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  while true {
    let n = fread(&buffer, 1, buffer.count, file)
    if n <= 0 { break }
    bytes += buffer[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// The value of `k` in a one-line document `k: <scalar>`.
private func scalar(_ yaml: String) throws -> JSONValue? {
  try YAML.parseStream("k: \(yaml)\n").first?.value["k"]
}

private func parseError(_ yaml: String) -> YAMLError? {
  do {
    _ = try YAML.parseStream(yaml)
    return nil
  } catch {
    return error
  }
}

@Suite("YAML: walkthrough manifests")
struct YAMLWalkthroughTests {
  @Test func grpcServerHasTwoDeploymentsAndAServiceAndSkipsTheTrailingSeparator() throws {
    let documents = try YAML.parseStream(walkthroughManifest("istio-grpc-server.yaml"))
    #expect(documents.map { $0.value["kind"] } == ["Deployment", "Deployment", "Service"])
    #expect(documents.map(\.startLine) == [1, 40, 80])

    let v1 = documents[0].value
    #expect(v1.value(at: ["metadata", "name"]) == "istio-grpc-server-v1")
    #expect(v1.value(at: ["metadata", "labels"])?.objectValue?.keys == ["app", "version"])
    #expect(v1.value(at: ["spec", "replicas"]) == .int(1))
    let container = try #require(v1.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first)
    #expect(container.objectValue?.keys == [
      "args", "image", "imagePullPolicy", "livenessProbe", "name", "ports", "readinessProbe",
    ])
    #expect(container["args"] == ["--address=0.0.0.0:8080"])
    #expect(container["ports"] == [["containerPort": .int(8080)]])
    #expect(container.value(at: ["livenessProbe", "exec", "command"]) == ["/bin/grpc_health_probe", "-addr=:8080"])
    #expect(container.value(at: ["readinessProbe", "initialDelaySeconds"]) == .int(2))

    // The second Deployment indents its lists differently; the data is the same shape.
    let v2 = documents[1].value
    #expect(v2.value(at: ["metadata", "labels", "version"]) == "v2")
    #expect(v2.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["ports"]
      == [["containerPort": .int(8080)]])

    let service = documents[2].value
    #expect(service.value(at: ["spec", "ports"]) == [["name": "grpc-backend", "port": .int(8080), "protocol": "TCP"]])
    #expect(service.value(at: ["spec", "type"]) == "ClusterIP")
    #expect(documents.allSatisfy { $0.duplicateKeys.isEmpty })
  }

  @Test func grpcClientKeepsItsFlowSequenceCommand() throws {
    let documents = try YAML.parseStream(walkthroughManifest("istio-grpc-client.yaml"))
    #expect(documents.count == 2)
    #expect(documents[0].value.value(at: ["spec", "replicas"]) == .int(1))
    let container = documents[0].value.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first
    #expect(container?["command"] == ["/bin/sleep", "3650d"])
    #expect(container?["imagePullPolicy"] == "Always")
    #expect(documents[1].value.value(at: ["spec", "ports"])?.arrayValue?.first?["port"] == .int(8080))
    #expect(documents.map(\.startLine) == [1, 22])
  }

  @Test func destinationRuleSubsetVersionsAreStrings() throws {
    let documents = try YAML.parseStream(walkthroughManifest("dr-istio-grpc-server.yaml"))
    #expect(documents.count == 1)
    let rule = documents[0].value
    #expect(rule["apiVersion"] == "networking.istio.io/v1alpha3")
    #expect(rule.value(at: ["spec", "trafficPolicy", "loadBalancer", "simple"]) == "ROUND_ROBIN")
    #expect(rule.value(at: ["spec", "subsets"]) == [
      ["name": "v1", "labels": ["version": .string("v1")]],
      ["name": "v2", "labels": ["version": .string("v2")]],
    ])
  }

  @Test func virtualServiceWeightsAreIntegers() throws {
    let documents = try YAML.parseStream(walkthroughManifest("vs-istio-grpc-server.yaml"))
    #expect(documents.count == 1)
    let http = try #require(documents[0].value.value(at: ["spec", "http"])?.arrayValue?.first)
    #expect(documents[0].value.value(at: ["spec", "hosts"]) == ["istio-grpc-server"])
    #expect(http["match"] == [["port": .int(8080)]])
    let routes = try #require(http["route"]?.arrayValue)
    #expect(routes.map { $0["weight"] } == [.int(90), .int(10)])
    #expect(routes.map { $0.value(at: ["destination", "subset"]) } == ["v1", "v2"])
  }

  @Test func sourceMapLocatesFieldsByTheirKeys() throws {
    let server = try YAML.parseStream(walkthroughManifest("istio-grpc-server.yaml"))
    let v1 = server[0].sourceMap
    let port = "spec.template.spec.containers[0].ports[0].containerPort"
    #expect(v1.position(of: port) == SourcePosition(line: 33, column: 11))
    #expect(v1.valuePosition(of: port) == SourcePosition(line: 33, column: 26))
    #expect(v1.position(of: "spec.replicas") == SourcePosition(line: 9, column: 3))
    // An array item is located at its node: the container's first key.
    #expect(v1.position(of: "spec.template.spec.containers[0]") == SourcePosition(line: 21, column: 9))
    #expect(v1.position(of: "spec.template.spec.containers[0].args[0]") == SourcePosition(line: 22, column: 11))
    #expect(v1.position(of: "") == SourcePosition(line: 1, column: 1))
    // A path the text lacks falls back to its nearest written ancestor.
    #expect(v1.position(of: "spec.template.spec.containers[0].resources.limits") == SourcePosition(line: 21, column: 9))
    #expect(v1[port + ".nope"] == nil)

    // Lines count from the top of the file, not of the document.
    let v2 = server[1].sourceMap
    #expect(v2.position(of: port) == SourcePosition(line: 73, column: 15))
    #expect(v2.position(of: "metadata.name") == SourcePosition(line: 44, column: 3))
    #expect(server[2].sourceMap.position(of: "spec.ports[0].port") == SourcePosition(line: 90, column: 5))

    let vs = try YAML.parseStream(walkthroughManifest("vs-istio-grpc-server.yaml"))[0].sourceMap
    #expect(vs.position(of: "spec.http[0].route[0].weight") == SourcePosition(line: 15, column: 11))
    #expect(vs.position(of: "spec.http[0].route[1].destination.subset") == SourcePosition(line: 18, column: 13))
    #expect(vs.position(of: "spec.hosts[0]") == SourcePosition(line: 7, column: 7))

    let client = try YAML.parseStream(walkthroughManifest("istio-grpc-client.yaml"))[0].sourceMap
    #expect(client.position(of: "spec.template.spec.containers[0].command[1]") == SourcePosition(line: 20, column: 33))
  }
}

@Suite("YAML: scalars, tags and keys")
struct YAMLScalarTests {
  @Test(
    arguments: [
      // YAML 1.1 booleans, in the cases go-yaml v2 accepts.
      ("yes", true as JSONValue), ("Yes", true), ("YES", true), ("no", false), ("No", false), ("on", true),
      ("ON", true), ("off", false), ("Off", false), ("y", true), ("N", false), ("true", true), ("False", false),
      ("yES", "yES"), ("oN", "oN"),
      // Null.
      ("~", nil), ("null", nil), ("Null", nil), ("NULL", nil), ("", nil), ("nULL", "nULL"),
      // Integers: bases, octal with a leading zero, underscores, signs.
      ("0x1F", 31), ("0X1f", 31), ("-0x1F", -31), ("010", 8), ("0o17", 15), ("0b101", 5), ("-0b101", -5),
      ("1_000", 1000), ("+12", 12), ("-7", -7), ("0", 0), ("9223372036854775807", .int(Int64.max)),
      ("-9223372036854775808", .int(Int64.min)), ("0x", "0x"), ("_1", "_1"),
      // Floats; integral values come out as integers, as Go's JSON encoder writes them.
      ("1e3", 1000), ("1.5", 1.5), ("-.5", -0.5), (".5", 0.5), ("1.", 1), ("6.02e+23", 6.02e23), ("08", 8),
      ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("1e999", "1e999"),
      // Strings: quoted scalars never resolve; timestamps, versions and words stay strings.
      ("\"quoted\"", "quoted"), ("'yes'", "yes"), ("\"1\"", "1"), ("\"8080\"", "8080"), ("\"\"", ""),
      ("'~'", "~"), ("2024-01-01", "2024-01-01"), ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
      ("1.0.0", "1.0.0"), ("v1", "v1"), ("3650d", "3650d"), ("<<", "<<"), ("1:20", "1:20"),
      // Tags.
      ("!!str 123", "123"), ("!!str true", "true"), ("!!int \"42\"", 42), ("!!float 1", 1), ("!!float 2.5", 2.5),
      ("!!bool \"yes\"", true), ("!!null ~", nil), ("!!null \"\"", nil), ("!Ref text", "text"), ("! 12", "12"),
      ("!!binary aGVsbG8=", "hello"), ("!!timestamp 2024-01-01", "2024-01-01"),
      // Block scalars.
      ("|\n  a\n  b\n", "a\nb\n"), ("|-\n  a\n  b", "a\nb"), (">\n  a\n  b\n", "a b\n"),
    ] as [(String, JSONValue)])
  func resolvesAsGoYAMLv2(_ yaml: String, _ expected: JSONValue) throws {
    #expect(try scalar(yaml) == expected, "k: \(yaml)")
  }

  @Test(
    arguments: [
      (".inf", "yaml: line 1, column 4: json: unsupported value: +Inf"),
      ("-.Inf", "yaml: line 1, column 4: json: unsupported value: -Inf"),
      (".nan", "yaml: line 1, column 4: json: unsupported value: NaN"),
      ("!!int abc", "yaml: line 1, column 4: cannot decode !!str `abc` as a !!int"),
      ("!!bool 1", "yaml: line 1, column 4: cannot decode !!int `1` as a !!bool"),
      ("!!null x", "yaml: line 1, column 4: cannot decode !!str `x` as a !!null"),
      ("!!timestamp 2023-02-30", "yaml: line 1, column 4: cannot decode !!str `2023-02-30` as a !!timestamp"),
      ("!!binary \"not base64!\"", "yaml: line 1, column 4: !!binary value contains invalid base64 data"),
    ])
  func valuesJSONCannotHoldOrTagsTheyDoNotFitAreErrors(_ yaml: String, _ message: String) {
    #expect(parseError("k: \(yaml)\n")?.description == message)
  }

  @Test func nonStringKeysBecomeStringsAsSigsYAMLMakesThem() throws {
    let document = try #require(try YAML.parseStream("1: a\nyes: b\n1.5: c\n0x10: d\n2024-01-01: e\n1e3: f\n\"2\": g\n").first)
    #expect(document.value.objectValue?.keys == ["1", "true", "1.5", "16", "2024-01-01", "1000", "2"])
    #expect(document.sourceMap.position(of: "true") == SourcePosition(line: 2, column: 1))

    #expect(parseError("a: 1\n~: b\n")?.description == "yaml: line 2, column 1: unsupported map key: null cannot be a JSON object key")
    #expect(parseError("? [a, b]\n: c\n")?.code == .unsupportedValue)
  }
}

@Suite("YAML: anchors, aliases and merge keys")
struct YAMLAliasTests {
  static let text = """
    base: &base
      image: nginx
      ports:
      - 80
      labels: &labels
        app: web
    other:
      <<: *base
      image: custom
    list:
    - *labels
    - <<: [*labels, {tier: front, app: ignored}]
      extra: 1
    - &item {x: 1}
    - *item

    """

  @Test func aliasesAndMergesExpand() throws {
    let document = try #require(try YAML.parseStream(Self.text).first)
    let value = document.value
    #expect(value["other"] == ["image": "custom", "ports": [80], "labels": ["app": "web"]])
    // Merged members take the place of `<<`; keys written in the mapping win wherever they are.
    #expect(value["other"]?.objectValue?.keys == ["ports", "labels", "image"])
    #expect(value["list"] == [
      ["app": "web"],
      ["app": "web", "tier": "front", "extra": 1],
      ["x": 1],
      ["x": 1],
    ])
    #expect(document.duplicateKeys.isEmpty)
  }

  @Test func aliasedContentIsLocatedWhereItIsWritten() throws {
    let map = try #require(try YAML.parseStream(Self.text).first).sourceMap
    #expect(map.position(of: "other.image") == SourcePosition(line: 9, column: 3))
    #expect(map.position(of: "other.ports") == SourcePosition(line: 3, column: 3))
    #expect(map.position(of: "other.ports[0]") == SourcePosition(line: 4, column: 5))
    #expect(map.position(of: "list[0]") == SourcePosition(line: 11, column: 3))
    #expect(map.position(of: "list[0].app") == SourcePosition(line: 6, column: 5))
    #expect(map.position(of: "list[1].tier") == SourcePosition(line: 12, column: 18))
  }

  @Test func badAliasesAreErrors() {
    #expect(parseError("a: *nope\n")?.description == "yaml: line 1, column 4: unknown anchor 'nope' referenced")
    #expect(parseError("a: &a\n  b: *a\n")?.description == "yaml: line 2, column 6: anchor 'a' value contains itself")
    #expect(parseError("a: &a\n  <<: *a\n")?.code == .anchor)
    #expect(
      parseError("a: &s 1\nb:\n  <<: *s\n")?.description
        == "yaml: line 3, column 7: map merge requires map or sequence of maps as the value")
  }

  @Test func aliasBombsAreRefused() {
    // Each level holds ten aliases of the one before: 10^9 nodes from 100 lines.
    var text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1...9 {
      let aliases = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
      text += "l\(level): &l\(level) [\(aliases)]\n"
    }
    let error = parseError(text)
    #expect(error?.code == .limit)
    #expect(error?.problem == "document contains excessive aliasing")
  }
}

@Suite("YAML: documents and errors")
struct YAMLDocumentTests {
  @Test func duplicateKeysAreReportedWithBothPositions() throws {
    let text = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 1
        selector: {}
        replicas: 3
      ---
      kind: Service
      kind: Service
      metadata: {name: a, name: b}

      """
    let documents = try YAML.parseStream(text)
    #expect(documents.count == 2)
    let first = documents[0]
    #expect(first.duplicateKeys == [
      YAMLDuplicateKey(
        path: "spec.replicas", key: "replicas", position: SourcePosition(line: 8, column: 3),
        firstPosition: SourcePosition(line: 6, column: 3))
    ])
    #expect(first.duplicateKeys.map(\.description) == [#"line 8: mapping key "replicas" already defined at line 6"#])
    // The last value is kept, in the first one's place, and located at the last.
    #expect(first.value["spec"] == ["replicas": 3, "selector": [:]])
    #expect(first.value["spec"]?.objectValue?.keys == ["replicas", "selector"])
    #expect(first.sourceMap.position(of: "spec.replicas") == SourcePosition(line: 8, column: 3))

    #expect(documents[1].duplicateKeys.map(\.description) == [
      #"line 11: mapping key "kind" already defined at line 10"#,
      #"line 12: mapping key "name" already defined at line 12"#,
    ])
    #expect(documents[1].duplicateKeys.map(\.path) == ["kind", "metadata.name"])
    #expect(documents[1].duplicateKeys.last?.position == SourcePosition(line: 12, column: 21))
  }

  @Test func duplicatesInAnAliasedMappingAreReportedOnce() throws {
    let document = try #require(try YAML.parseStream("a: &a {x: 1, x: 2}\nb: *a\nc: *a\n").first)
    #expect(document.duplicateKeys.map(\.path) == ["a.x"])
    #expect(document.value["c"] == ["x": 2])
  }

  @Test(
    arguments: [
      (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n",
        "yaml: line 5, column 12: mapping values are not allowed in this context"
      ),
      ("a:\n  b: 1\n c: 2\n", "yaml: line 3, column 2: did not find expected key"),
      ("a: [1, 2\nb: 3\n", "yaml: line 2, column 2: did not find expected ',' or ']'"),
      ("a: 1\n\tb: 2\n", "yaml: line 2, column 1: found a tab character that violates indentation"),
      ("a: \"open\nb: 1\n", "yaml: line 3, column 1: found unexpected end of stream"),
      ("ok: 1\n---\na: \u{1}\n", "yaml: line 3, column 4: control characters are not allowed #01"),
    ])
  func syntaxErrorsNameLineColumnAndLibYAMLsProblem(_ text: String, _ message: String) {
    let error = parseError(text)
    #expect(error?.code == .syntax)
    #expect(error?.description == message)
  }

  @Test func syntaxErrorsKeepLibYAMLsContext() throws {
    let error = try #require(parseError("a: [1, 2\nb: 3\n"))
    #expect(error.problem == "did not find expected ',' or ']'")
    #expect(error.position == SourcePosition(line: 2, column: 2))
    #expect(error.context == "while parsing a flow sequence")
    #expect(error.contextPosition == SourcePosition(line: 1, column: 4))
  }

  @Test func emptyAndNullDocumentsAreSkipped() throws {
    #expect(try YAML.parseStream("").isEmpty)
    #expect(try YAML.parseStream("# only a comment\n").isEmpty)
    #expect(try YAML.parseStream("---\n---\n").isEmpty)
    let documents = try YAML.parseStream("---\n# nothing\n---\nkind: A\n---\n---\nnull\n---\n~\n--- >-\n  folded\n...\n")
    #expect(documents.map(\.value) == [["kind": "A"], "folded"])
    #expect(documents.map(\.startLine) == [3, 10])
  }

  @Test func bytesMayBeUTF16WithAByteOrderMark() throws {
    var bytes: [UInt8] = [0xFF, 0xFE]
    for unit in "kind: Pod\n".utf16 { bytes += [UInt8(unit & 0xff), UInt8(unit >> 8)] }
    #expect(try YAML.parseStream(bytes: bytes).first?.value == ["kind": "Pod"])
    #expect(throws: YAMLError.self) { try YAML.parseStream(bytes: [0x61, 0x3a, 0x20, 0xC3, 0x28, 0x0a]) }
  }

  @Test func deepNestingIsRefused() {
    let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
    #expect(parseError(text)?.problem == "exceeded max depth of 512")
  }
}

@Suite("YAML: emitting as kubectl prints")
struct YAMLEmitterTests {
  static let deployment: JSONValue = [
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": [
      "name": "web",
      "labels": ["app": "web", "version": "1.0"],
      "annotations": [
        "note": "line one\nline two\n",
        "enabled": "true",
        "port": "8080",
        "empty": "",
        "description": "A deliberately long annotation value that goes past the eighty column limit of the emitter",
      ],
      "creationTimestamp": "2024-02-07T14:37:14Z",
    ],
    "spec": [
      "replicas": 2,
      "selector": ["matchLabels": ["app": "web"]],
      "template": [
        "metadata": ["labels": ["app": "web"]],
        "spec": [
          "containers": [
            [
              "name": "web",
              "image": "nginx:1.25",
              "args": ["--port=8080", "*", "a: b"],
              "ports": [["containerPort": 8080, "protocol": "TCP"]],
              "env": [["name": "DEBUG", "value": "yes"], ["name": "RATIO", "value": "0.25"]],
              "resources": [:],
              "volumeMounts": [],
            ]
          ],
          "terminationGracePeriodSeconds": 30,
          "nodeName": nil,
        ],
      ],
    ],
    "status": ["availableReplicas": 2, "ratio": 0.25, "big": 1_234_567.5],
  ]

  @Test func deploymentPrintsLikeKubectlGetOYAML() throws {
    let expected = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels:
          app: web
          version: "1.0"
        annotations:
          note: |
            line one
            line two
          enabled: "true"
          port: "8080"
          empty: ""
          description: A deliberately long annotation value that goes past the eighty column
            limit of the emitter
        creationTimestamp: "2024-02-07T14:37:14Z"
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: nginx:1.25
              args:
              - --port=8080
              - '*'
              - 'a: b'
              ports:
              - containerPort: 8080
                protocol: TCP
              env:
              - name: DEBUG
                value: "yes"
              - name: RATIO
                value: "0.25"
              resources: {}
              volumeMounts: []
            terminationGracePeriodSeconds: 30
            nodeName: null
      status:
        availableReplicas: 2
        ratio: 0.25
        big: 1.2345675e+06

      """
    #expect(try YAML.emit(Self.deployment) == expected)
    #expect(try YAML.parseStream(expected).first?.value == Self.deployment)
  }

  @Test func streamsSeparateDocumentsWithMarkers() throws {
    #expect(try YAML.emitStream([["a": 1], ["b": [1, 2]]]) == "a: 1\n---\nb:\n- 1\n- 2\n")
    #expect(try YAML.emitStream([]) == "")
    #expect(try YAML.emit([:]) == "{}\n")
  }

  static let trickyStrings: [String] = [
    "true", "yes", "Yes", "y", "n", "on", "OFF", "null", "~", "", " ", "8080", "-1", "+1", "1e3", "0x1F", "010",
    "1_000", ".5", ".inf", "-.inf", ".nan", "1:20", "2024-01-01", "2001-12-14 21:59:43.10", "1.0", "1.0.0",
    "*", "&a", "!tag", "- item", "-", "?", ":", "a: b", "a #b", "# hash", "key:", "[1]", "{a: 1}", "'single'",
    "\"double\"", "line1\nline2", "trailing newline\n", "two newlines\n\n", "\nleading newline", "trailing space ",
    "  leading", " \n space line", "tab\there", "unicode é ✓ 日本", "<<", "@at", "`tick", "%percent", "|", ">",
    "0b101", "0o17", "=", "---", "...", "\u{1}control", "\u{7f}", "crlf\r\n", "\u{2028}sep",
    String(repeating: "long words that need folding ", count: 6),
    String(repeating: "x", count: 200),
  ]

  @Test(arguments: trickyStrings)
  func stringsRoundTripAsValuesAndKeys(_ s: String) throws {
    let value: JSONValue = ["value": .string(s), "list": [.string(s)], "map": [s: 1]]
    let text = try YAML.emit(value)
    #expect(try YAML.parseStream(text).first?.value == value, "\(text)")
  }

  @Test func numbersRoundTrip() throws {
    let numbers: [JSONValue] = [
      0, -1, .int(Int64.max), .int(Int64.min), 0.1, -2.5, 1e-7, 1_234_567.5, 1e300, 6.02e23, true, false, nil,
    ]
    let text = try YAML.emit(.array(numbers))
    #expect(text.hasPrefix("- 0\n- -1\n- 9223372036854775807\n- -9223372036854775808\n- 0.1\n- -2.5\n- 1e-07\n"))
    #expect(try YAML.parseStream(text).first?.value == .array(numbers))
    #expect(try YAML.emit([.double(.infinity), .double(-.infinity), .double(.nan)]) == "- .inf\n- -.inf\n- .nan\n")
  }
}
