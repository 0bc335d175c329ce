import GoCompat
import Testing

@Suite("Go durations and log lines")
struct GoDurationAndLogTests {
  @Test(
    arguments: [
      ("1s", Duration.seconds(1)), ("500ms", .milliseconds(500)), ("1m30s", .seconds(90)),
      ("1.5h", .seconds(5400)), ("0", .zero), ("2us", .microseconds(2)), ("-3s", .seconds(-3)),
      ("100ns", .nanoseconds(100)),
    ])
  func parses(_ text: String, _ expected: Duration) {
    #expect(GoDuration.parse(text) == expected)
  }

  @Test(arguments: ["", "5", "1x", "3650d", "s", ".s", "1.2.3s"])
  func rejects(_ text: String) {
    #expect(GoDuration.parse(text) == nil)
  }

  @Test(
    arguments: [
      (Duration.seconds(1), "1s"), (.milliseconds(1500), "1.5s"), (.seconds(120), "2m0s"),
      (.seconds(3600), "1h0m0s"), (.milliseconds(500), "500ms"), (.nanoseconds(1200), "1.2µs"),
      (.zero, "0s"), (.nanoseconds(1_234_567), "1.234567ms"), (.seconds(-1), "-1s"),
    ])
  func formats(_ duration: Duration, _ expected: String) {
    #expect(GoDuration.format(duration) == expected)
  }

  @Test func logPrefixIsGosStandardFlags() {
    let prefix = GoLog.prefix(at: 0)
    // "YYYY/MM/DD HH:MM:SS " in local time; the epoch is 1969/12/31 or 1970/01/01 by zone.
    #expect(prefix.count == 20)
    #expect(prefix.hasPrefix("1970/01/01 ") || prefix.hasPrefix("1969/12/31 "))
    let chars = Array(prefix)
    #expect(chars[4] == "/" && chars[7] == "/" && chars[10] == " " && chars[13] == ":" && chars[16] == ":")
    #expect(chars[19] == " ")
  }

  @Test func quotesLikeGo() {
    #expect(goQuote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"")
  }
}
