import SkiffAPI
import Testing

/// Go's `base64.StdEncoding` and `RawURLEncoding`, as the API uses them ([]byte values,
/// continue tokens), with Go's error offsets.
@Suite struct Base64Tests {
  @Test func roundTripsInBothVariants() throws {
    for text in ["", "a", "ab", "abc", "abcd", "s3cr3t!", "\u{0}\u{ff}?>"] {
      let bytes = Array(text.utf8)
      #expect(try Base64.decode(Base64.encode(bytes)) == bytes)
      #expect(try Base64.decode(Base64.encode(bytes, .rawURL), .rawURL) == bytes)
    }
    #expect(Base64.encode(Array("s3cr3t!".utf8)) == "czNjcjN0IQ==")
    #expect(Base64.encode(Array("s3cr3t!".utf8), .rawURL) == "czNjcjN0IQ")
    #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
    #expect(Base64.encode([0xfb, 0xff], .rawURL) == "-_8")
  }

  @Test(arguments: [
    ("not base64!", 3), ("abc", 0), ("abcde===", 5), ("YQ=", 3), ("YQ==YQ==", 4), ("-_8=", 0),
  ])
  func standardDecodingFailsWhereGoFails(_ text: String, _ offset: Int) {
    #expect(throws: Base64.CorruptInput(offset: offset)) { try Base64.decode(text) }
  }

  @Test func rawURLRefusesPaddingAndTheStandardAlphabet() {
    #expect(throws: Base64.CorruptInput.self) { try Base64.decode("YQ==", .rawURL) }
    #expect(throws: Base64.CorruptInput(offset: 0)) { try Base64.decode("+/8", .rawURL) }
    #expect(throws: Base64.CorruptInput(offset: 4)) { try Base64.decode("YWJjZ", .rawURL) }
  }
}
