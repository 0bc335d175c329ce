import GoCompat
import Testing

@Suite("Go flag parsing")
struct GoFlagSetTests {
  func clientFlags() -> GoFlagSet {
    var flags = GoFlagSet(name: "greeter-client")
    flags.string("address", default: "localhost:8080", usage: "the address to connect to")
    flags.bool("insecure", usage: "connect without TLS")
    flags.int("repeat", default: 1, usage: "how many calls")
    flags.duration("timeout", default: .seconds(10), usage: "deadline of each call")
    return flags
  }

  @Test(
    "every spelling the Go flag package accepts",
    arguments: [
      ["--insecure=true", "--address=istio-grpc-server:8080", "--repeat=100"],
      ["-insecure=true", "-address=istio-grpc-server:8080", "-repeat=100"],
      ["--insecure", "--address", "istio-grpc-server:8080", "--repeat", "100"],
      ["-insecure", "-address", "istio-grpc-server:8080", "-repeat", "0x64"],
      ["--insecure=1", "--address=istio-grpc-server:8080", "--repeat=1_00"],
    ])
  func spellings(_ args: [String]) throws {
    let flags = try clientFlags().parse(args)
    #expect(flags.bool("insecure"))
    #expect(flags.string("address") == "istio-grpc-server:8080")
    #expect(flags.int("repeat") == 100)
    #expect(flags.arguments.isEmpty)
  }

  @Test func defaultsWhenAbsent() throws {
    let flags = try clientFlags().parse([])
    #expect(flags.string("address") == "localhost:8080")
    #expect(!flags.bool("insecure"))
    #expect(flags.int("repeat") == 1)
    #expect(flags.duration("timeout") == .seconds(10))
    #expect(!flags.isSet("address"))
  }

  @Test func parsingStopsAtFirstNonFlagAndAfterDoubleDash() throws {
    let a = try clientFlags().parse(["--repeat=2", "extra", "--insecure"])
    #expect(a.int("repeat") == 2)
    #expect(a.arguments == ["extra", "--insecure"])
    #expect(!a.bool("insecure"))
    let b = try clientFlags().parse(["--", "--repeat=2"])
    #expect(b.arguments == ["--repeat=2"])
    let c = try clientFlags().parse(["-", "x"])
    #expect(c.arguments == ["-", "x"])
  }

  @Test func boolTakesNoSeparateValue() throws {
    // Go: `-insecure false` sets insecure and leaves "false" as an argument.
    let flags = try clientFlags().parse(["-insecure", "false"])
    #expect(flags.bool("insecure"))
    #expect(flags.arguments == ["false"])
  }

  @Test(
    "Go's error messages",
    arguments: [
      (["--port=1"], "flag provided but not defined: -port"),
      (["--repeat"], "flag needs an argument: -repeat"),
      (["--repeat=abc"], "invalid value \"abc\" for flag -repeat: parse error"),
      (["--insecure=yes"], "invalid boolean value \"yes\" for -insecure: parse error"),
      (["--timeout=5"], "invalid value \"5\" for flag -timeout: parse error"),
      (["---x"], "bad flag syntax: ---x"),
      (["-=x"], "bad flag syntax: -=x"),
    ])
  func errors(_ args: [String], _ message: String) {
    #expect(throws: GoFlagSet.ParseError.invalid(message)) { try clientFlags().parse(args) }
  }

  @Test func helpIsRequestedUnlessDefined() {
    #expect(throws: GoFlagSet.ParseError.helpRequested) { try clientFlags().parse(["-h"]) }
    #expect(throws: GoFlagSet.ParseError.helpRequested) { try clientFlags().parse(["--help"]) }
  }

  @Test func usageLooksLikeGos() {
    var flags = GoFlagSet(name: "/bin/greeter-client")
    flags.string("address", default: "localhost:8080", usage: "the address to connect to")
    flags.bool("insecure", usage: "plaintext")
    flags.bool("v", usage: "verbose")
    flags.duration("timeout", default: .seconds(1), usage: "the `deadline` of a call")
    flags.int("repeat", usage: "calls")
    #expect(
      flags.usage() == """
        Usage of /bin/greeter-client:
          -address string
            \tthe address to connect to (default "localhost:8080")
          -insecure
            \tplaintext
          -repeat int
            \tcalls
          -timeout deadline
            \tthe deadline of a call (default 1s)
          -v\tverbose

        """)
    #expect(GoFlagSet(name: nil).usage() == "Usage:\n")
  }

  @Test func stringListRepeats() throws {
    var flags = GoFlagSet(name: nil)
    flags.stringList("rpc-header", usage: "headers")
    let parsed = try flags.parse(["-rpc-header", "a: 1", "-rpc-header=b: 2"])
    #expect(parsed.stringList("rpc-header") == ["a: 1", "b: 2"])
  }
}
