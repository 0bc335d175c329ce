@testable import SkiffAPI
import Testing

@Suite("Validation rules")
struct ValidationRuleTests {
  @Test(
    "image pull policy defaults from the tag",
    arguments: [
      ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
      ("registry.example.com:5000/team/app", "Always"), ("registry.example.com:5000/team/app:v2", "IfNotPresent"),
      ("app@sha256:0123", "IfNotPresent"), ("app:latest@sha256:0123", "Always"), ("", "IfNotPresent"),
    ])
  func pullPolicy(_ image: String, _ policy: String) {
    #expect(Container.defaultPullPolicy(image: image) == policy)
  }

  @Test(
    "IP addresses are checked as Kubernetes checks them",
    arguments: [
      ("10.244.0.5", nil), ("2001:db8::ffff", nil), ("::1", nil), ("fe80::1", nil),
      ("10.0.0.256", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
      ("1.2.3", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
      ("10.01.2.3", "must not have leading 0s"),
      ("::ffff:1.2.3.4", "must not be an IPv4-mapped IPv6 address"),
      ("2001:DB8::1", "must be in canonical form (\"2001:db8::1\")"),
      ("2001:db8:0:0:0:0:0:1", "must be in canonical form (\"2001:db8::1\")"),
      ("2001:0:0:1:0:0:0:1", "must be in canonical form (\"2001:0:0:1::1\")"),
      ("1:2:3:4:5:6:7:8:9", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
      ("1::2::3", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
    ] as [(String, String?)])
  func ipAddresses(_ text: String, _ problem: String?) {
    #expect(IPAddress.validate(text, "ip").first?.detail == problem)
  }

  @Test(
    "CIDRs are checked as Kubernetes checks them",
    arguments: [
      ("10.244.0.0/16", nil), ("fd00::/64", nil), ("10.244.0.0", "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"),
      ("10.244.0.0/33", "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"),
      ("10.244.1.0/16", "must not have bits set beyond the prefix length"), ("10.244.0.0/016", "must not have leading 0s in IP or prefix length"),
    ] as [(String, String?)])
  func cidrs(_ text: String, _ problem: String?) {
    #expect(IPAddress.validateCIDR(text, "cidr").first?.detail == problem)
  }

  @Test(
    "label keys are qualified names",
    arguments: [
      ("app", []), ("app.kubernetes.io/name", []), ("example.com/My_Key.1", []),
      ("/name", ["prefix part must be non-empty"]),
      ("a/b/c", ["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
      ("Example.com/x", ["prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]),
      (String(repeating: "a", count: 64), ["name part must be no more than 63 characters"]),
    ])
  func labelKeys(_ key: String, _ problems: [String]) {
    #expect(Identifiers.labelKey(key) == problems)
  }

  @Test(
    "port names follow IANA_SVC_NAME",
    arguments: [
      ("http", []), ("grpc-backend", []), ("h2c", []),
      ("http-envoy-prom-x", ["must be no more than 15 characters"]),
      ("a--b", ["must not contain consecutive hyphens"]),
      ("-web", ["must not begin or end with a hyphen"]),
      ("8080", ["must contain at least one letter (a-z)"]),
    ])
  func portNames(_ name: String, _ problems: [String]) {
    #expect(Identifiers.portName(name) == problems)
  }

  @Test(
    "Go durations parse as time.ParseDuration",
    arguments: [
      ("10s", 10_000_000_000), ("1.5s", 1_500_000_000), ("100ms", 100_000_000), ("1m30s", 90_000_000_000),
      ("2h", 7_200_000_000_000), ("0", 0), ("500us", 500_000), ("-1s", -1_000_000_000),
    ] as [(String, Int64)])
  func durations(_ text: String, _ nanoseconds: Int64) {
    #expect(GoDuration.parse(text) == nanoseconds)
  }

  @Test("bad durations do not parse", arguments: ["", "10", "s", "1x", "1.2.3s", "soon"])
  func badDurations(_ text: String) {
    #expect(GoDuration.parse(text) == nil)
  }

  @Test(
    "regexes are judged as Go's regexp package judges them",
    arguments: [
      ("/api/v[0-9]+/.*", nil), ("^(GET|POST)$", nil), ("(?i)jason", nil), ("(?P<ver>v[12])", nil), ("a{2,3}", nil),
      ("[[:alpha:]]+", nil), ("\\d+\\.\\d+", nil), ("x{", nil),
      ("[a-z", "error parsing regexp: missing closing ]: `[a-z`"),
      ("(abc", "error parsing regexp: missing closing ): `(abc`"),
      ("abc)", "error parsing regexp: unexpected ): `abc)`"),
      ("*a", "error parsing regexp: missing argument to repetition operator: `*`"),
      ("a**", "error parsing regexp: invalid nested repetition operator: `**`"),
      ("(?!x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"),
      ("(a)\\1", "error parsing regexp: invalid escape sequence: `\\1`"),
      ("[z-a]", "error parsing regexp: invalid character class range: `z-a`"),
      ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
      ("ab\\", "error parsing regexp: trailing backslash at end of expression: ``"),
    ] as [(String, String?)])
  func regexes(_ pattern: String, _ problem: String?) {
    #expect(RE2Syntax.check(pattern) == problem)
  }

  @Test("QoS classes follow requests and limits")
  func qos() {
    var spec = PodSpec(containers: [Container(name: "a", image: "x")])
    #expect(spec.qosClass == "BestEffort")
    spec.containers[0].resources = ResourceRequirements(requests: ["cpu": Quantity("100m")])
    #expect(spec.qosClass == "Burstable")
    spec.containers[0].resources = ResourceRequirements(limits: ["cpu": Quantity("1"), "memory": Quantity("1Gi")],
                                                        requests: ["cpu": Quantity("1"), "memory": Quantity("1Gi")])
    #expect(spec.qosClass == "Guaranteed")
  }

  @Test("micro times always carry six fraction digits")
  func microTime() throws {
    let t = MicroTime(Timestamp(seconds: 1_707_316_634))
    #expect(try JSONValueEncoder().encode(t) == "2024-02-07T14:37:14.000000Z")
  }

  @Test("Istio error lists print as go-multierror prints them")
  func multierror() {
    #expect(IstioError.one("a").text == "a")
    #expect(IstioError.list(["a"]).text == "1 error occurred:\n\t* a\n\n")
    #expect(IstioError.list(["a", "b"]).text == "2 errors occurred:\n\t* a\n\t* b\n\n")
    #expect(IstioValidation.join(.one("a"), .list(["b", "c"])) == .list(["a", "b", "c"]))
    #expect(IstioValidation.join(nil, .one("a")) == .one("a"))
  }

  @Test("validation collects every error instead of stopping at the first")
  func collectsAll() throws {
    var pod = Pod(metadata: ObjectMeta(name: "x"), spec: PodSpec(containers: [
      Container(name: "A", image: "i", ports: [ContainerPort(containerPort: 0), ContainerPort(containerPort: 70000)]),
    ]))
    pod.setDefaults()
    #expect(pod.validate(old: nil).map(\.description) == [
      "spec.containers[0].name: Invalid value: \"A\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      "spec.containers[0].ports[0].containerPort: Required value",
      "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    ])
  }
}
