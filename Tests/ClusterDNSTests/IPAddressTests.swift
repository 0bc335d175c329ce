import Testing

@testable import SkiffNetwork

@Suite("IP addresses")
struct IPAddressTests {
  @Test(
    "parse and print as Kubernetes writes them",
    arguments: [
      ("10.244.0.5", "10.244.0.5"),
      ("0.0.0.0", "0.0.0.0"),
      ("255.255.255.255", "255.255.255.255"),
      ("fd00::5", "fd00::5"),
      ("FD00:0:0:0:0:0:0:5", "fd00::5"),
      ("::", "::"),
      ("::1", "::1"),
      ("1::", "1::"),
      ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
      ("2001:db8::0:1", "2001:db8::1"),
      ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
      ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"),
      ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ])
  func valid(_ text: String, _ printed: String) throws {
    let address = try #require(IPAddress(text))
    #expect(address.description == printed)
    #expect(IPAddress(bytes: address.bytes) == address)
  }

  @Test(
    "reject what Go's netip rejects",
    arguments: [
      "", "10.0.0", "10.0.0.1.2", "10.0.0.256", "010.0.0.1", "10..0.1", "10.0.0.1 ", "a.b.c.d",
      ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0",
      "1:", ":1", "::ffff:10.0.0.1:1", "g::1",
    ])
  func invalid(_ text: String) {
    #expect(IPAddress(text) == nil)
  }

  @Test("dashed labels for pod and endpoint names, and back")
  func dashed() {
    #expect(IPAddress("10.244.0.5")!.dashed == "10-244-0-5")
    #expect(IPAddress("fd00::5")!.dashed == "fd00--5")
    #expect(IPAddress(dashed: "10-244-0-5") == IPAddress("10.244.0.5"))
    #expect(IPAddress(dashed: "fd00--5") == IPAddress("fd00::5"))
    #expect(IPAddress(dashed: "10-244-0") == nil)
    #expect(IPAddress(dashed: "my-pod-name-x") == nil)
  }

  @Test("reverse names")
  func reverse() {
    #expect(IPAddress("10.96.0.1")!.reverseName.description == "1.0.96.10.in-addr.arpa.")
    #expect(
      IPAddress("2001:db8::567:89ab")!.reverseName.description
        == "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")
  }
}
