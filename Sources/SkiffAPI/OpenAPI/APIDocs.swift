/// The descriptions of the API types and their fields that the OpenAPI documents carry and
/// `kubectl explain` prints. They are the `///` doc comments of the Swift types, extracted by
/// `scripts/generate-api-docs` into `APIDocs+Generated.swift` (Kubernetes does the same with
/// its Go doc comments).
enum APIDocs {
  /// `Type` and `Type.field` to text.
  static let table: [String: String] = {
    var table: [String: String] = [:]
    for line in generated.split(separator: "\n") {
      guard let tab = line.firstIndex(of: "\t") else { continue }
      table[String(line[..<tab])] = String(line[line.index(after: tab)...]).replacingEscapes()
    }
    return table
  }()

  /// The description of a Swift type.
  static func type(_ name: String) -> String? { table[name] }

  /// The description of the JSON field `field` of the Swift type `type`.
  static func field(_ field: String, of type: String) -> String? { table[type + "." + field] }
}

extension String {
  /// `\n` and `\\` as the generator escapes them.
  fileprivate func replacingEscapes() -> String {
    guard contains("\\") else { return self }
    var out = ""
    var escaped = false
    for c in self {
      if escaped {
        out.append(c == "n" ? "\n" : c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else {
        out.append(c)
      }
    }
    return out
  }
}
