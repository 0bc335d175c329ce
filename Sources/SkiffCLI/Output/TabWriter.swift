/// Go's `text/tabwriter`, which kubectl prints through: text arrives in tab-terminated
/// cells, and each column *block* (a run of consecutive lines that all have a cell in that
/// column) is as wide as its widest cell plus the padding. The text after a line's last
/// tab is not part of a column. A port of the Go algorithm (`format`/`writeLines`), left
/// alignment and a space pad character only, which is all kubectl uses.
///
/// - describe (`tabbedString`): minwidth 0, tabwidth 8, padding 2.
/// - tables (`printers.GetNewTabWriter`): minwidth 6, tabwidth 4, padding 3.
struct TabWriter {
  private struct Cell {
    var text: String
    var width: Int
    /// Terminated by a tab (part of a column), not by the end of the line.
    var tabTerminated: Bool
  }

  var minWidth: Int
  var padding: Int
  /// cli-runtime's `RememberWidths`: a column never gets narrower than it was in an
  /// earlier flush (watch output stays aligned as it streams).
  var rememberWidths = false
  private var rememberedWidths: [Int] = []

  private var lines: [[Cell]] = [[]]
  private var current = ""
  private var output = ""

  init(minWidth: Int, padding: Int) {
    self.minWidth = minWidth
    self.padding = padding
  }

  /// describe's settings.
  static func describe() -> TabWriter { TabWriter(minWidth: 0, padding: 2) }

  /// kubectl's table printer settings (`printers.GetNewTabWriter`).
  static func table() -> TabWriter {
    var writer = TabWriter(minWidth: 6, padding: 3)
    writer.rememberWidths = true
    return writer
  }

  mutating func write(_ text: String) {
    for ch in text {
      switch ch {
      case "\t", "\u{0B}":
        terminateCell(tab: true)
      case "\n", "\u{0C}":
        terminateCell(tab: false)
        lines.append([])
        // A line without tabs cannot belong to a column block: everything before it is final.
        if ch == "\u{0C}" || lines[lines.count - 2].count == 1 { flushLines() }
      default:
        current.append(ch)
      }
    }
  }

  /// Formats what was written so far and returns all the output.
  mutating func flush() -> String {
    if !current.isEmpty { terminateCell(tab: false) }
    flushLines()
    let text = output
    output = ""
    return text
  }

  private mutating func terminateCell(tab: Bool) {
    lines[lines.count - 1].append(Cell(text: current, width: current.unicodeScalars.count, tabTerminated: tab))
    current = ""
  }

  private mutating func flushLines() {
    // The last line is still open (it has no newline yet) unless it is empty.
    var widths: [Int] = []
    format(&widths, 0, lines.count)
    lines = [[]]
  }

  private mutating func format(_ widths: inout [Int], _ start: Int, _ end: Int) {
    var line0 = start
    let column = widths.count
    var this = start
    while this < end {
      if column >= lines[this].count - 1 {
        this += 1
        continue
      }
      // A cell in this column: print the lines before the block, then size the block.
      writeLines(widths, line0, this)
      line0 = this
      var width = minWidth
      while this < end {
        let line = lines[this]
        if column >= line.count - 1 { break }
        width = max(width, line[column].width + padding)
        this += 1
      }
      if rememberWidths {
        if column < rememberedWidths.count {
          width = max(width, rememberedWidths[column])
          rememberedWidths[column] = width
        } else {
          rememberedWidths.append(width)
        }
      }
      widths.append(width)
      format(&widths, line0, this)
      widths.removeLast()
      line0 = this
    }
    writeLines(widths, line0, end)
  }

  private mutating func writeLines(_ widths: [Int], _ start: Int, _ end: Int) {
    guard start < end else { return }
    for i in start..<end {
      for (j, cell) in lines[i].enumerated() {
        output += cell.text
        if j < widths.count {
          output += String(repeating: " ", count: max(0, widths[j] - cell.width))
        }
      }
      if i + 1 < lines.count { output += "\n" }
    }
  }
}
