public import SkiffAPI

/// Renders a `meta.k8s.io/v1 Table` the way kubectl prints it: upper-cased headers,
/// columns padded to their widest cell plus 3 spaces (Go's tabwriter with minwidth 6,
/// padding 3), the last column unpadded, wide-only columns only with `-o wide`.
public struct TableRenderer {
  public var wide: Bool
  public var namePrefix: String?
  public var showNamespace: Bool
  public var showHeaders: Bool

  public init(wide: Bool = false, namePrefix: String? = nil, showNamespace: Bool = false, showHeaders: Bool = true) {
    self.wide = wide
    self.namePrefix = namePrefix
    self.showNamespace = showNamespace
    self.showHeaders = showHeaders
  }

  /// The rows as text cells (header first when shown).
  public func cells(_ table: JSONValue, columns: [JSONValue]? = nil) -> [[String]] {
    let definitions = columns ?? table["columnDefinitions"]?.arrayValue ?? []
    let shown = definitions.enumerated().filter { wide || ($0.element["priority"]?.intValue ?? 0) == 0 }
    var out: [[String]] = []
    if showHeaders {
      var header = shown.map { ($0.element["name"]?.stringValue ?? "").uppercased() }
      if showNamespace { header.insert("NAMESPACE", at: 0) }
      out.append(header)
    }
    for row in table["rows"]?.arrayValue ?? [] {
      let cells = row["cells"]?.arrayValue ?? []
      var line: [String] = shown.map { index, definition in
        let text = index < cells.count ? Self.text(cells[index]) : ""
        if index == 0, let namePrefix, definition["format"]?.stringValue == "name" { return namePrefix + text }
        return text
      }
      if showNamespace {
        line.insert(row.value(at: ["object", "metadata", "namespace"])?.stringValue ?? "", at: 0)
      }
      out.append(line)
    }
    return out
  }

  static func text(_ cell: JSONValue) -> String {
    switch cell {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .double(let d): return JSONValue.formatDouble(d)
    case .bool(let b): return String(b)
    case .null: return ""
    default: return cell.jsonString()
    }
  }

  /// Aligns rows into columns as Go's tabwriter does for kubectl.
  public static func align(_ rows: [[String]], widths given: [Int]? = nil) -> String {
    guard !rows.isEmpty else { return "" }
    let widths = given ?? columnWidths(rows)
    var out = ""
    for row in rows {
      var line = ""
      for (i, cell) in row.enumerated() {
        if i == row.count - 1 {
          line += cell
        } else {
          line += cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
        }
      }
      out += line + "\n"
    }
    return out
  }

  public static func columnWidths(_ rows: [[String]]) -> [Int] {
    let count = rows.map(\.count).max() ?? 0
    return (0..<count).map { i in max(6, (rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0) + 3) }
  }
}
