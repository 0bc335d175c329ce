@testable import SkiffCLI
import SkiffTestSupport
import Testing

/// The Go text/tabwriter port against Go's own documented examples and kubectl's layouts.
@Suite struct TabWriterTests {
  @Test func goDocumentationExample() {
    // text/tabwriter ExampleWriter_Init: minwidth 5, padding 1.
    var w = TabWriter(minWidth: 5, padding: 1)
    w.write("a\tb\tc\td\t.\n")
    w.write("123\t12345\t1234567\t123456789\t.\n")
    #expect(w.flush() == "a    b     c       d         .\n123  12345 1234567 123456789 .\n")
  }

  @Test func columnBlocksEndWhereALineHasNoCellInTheColumn() {
    // The package documentation's example: b and cccc are in different column blocks.
    var w = TabWriter(minWidth: 0, padding: 1)
    w.write("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n")
    #expect(w.flush() == "aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n")
  }

  @Test func aLineWithoutTabsSeparatesBlocks() {
    var w = TabWriter.describe()
    w.write("Name:\tx\nNamespace:\tdefault\nPod Template:\n  Labels:\tapp=x\n\tversion=v1\n")
    #expect(w.flush() == "Name:       x\nNamespace:  default\nPod Template:\n  Labels:  app=x\n           version=v1\n")
  }

  @Test func trailingTextIsNotPadded() {
    var w = TabWriter.describe()
    w.write("IP:\t\nIPs:\t<none>\nEvents:\t<none>")
    #expect(w.flush() == "IP:      \nIPs:     <none>\nEvents:  <none>")
  }

  @Test func tableWriterRemembersWidthsAcrossFlushes() {
    var w = TabWriter.table()
    w.write("LAST SEEN\tTYPE\tMESSAGE\n")
    #expect(w.flush() == "LAST SEEN   TYPE   MESSAGE\n")
    w.write("3s\tNormal\tok\n")
    #expect(w.flush() == "3s          Normal   ok\n")
  }
}
