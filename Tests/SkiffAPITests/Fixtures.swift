import Foundation
import SkiffAPI

/// The manifests under `Fixtures/`: `valid-*.json` and `invalid-*.json`, each with a
/// `*.expected.json` beside it saying what a user must see, and optionally a `*.old.json`
/// (the stored object, making the case an update).
enum Fixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func names(prefix: String) -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") && !$0.contains(".expected.") && !$0.contains(".old.") }
      .map { String($0.dropLast(".json".count)) }
      .sorted()
  }

  static var valid: [String] { names(prefix: "valid-") }
  static var invalid: [String] { names(prefix: "invalid-") }

  static func json(_ file: String) throws -> JSONValue? {
    let url = directory.appendingPathComponent(file)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    return try JSONValue(parsing: Array(try Data(contentsOf: url)))
  }
}

extension JSONValue {
  /// The value at a field path like `spec.template.spec.containers[0].ports[0].protocol`;
  /// a key in brackets (`labels[kubernetes.io/metadata.name]`) is a map key.
  func at(_ path: String) -> JSONValue? {
    var current: JSONValue? = self
    var i = path.startIndex
    while i < path.endIndex, let value = current {
      if path[i] == "." {
        i = path.index(after: i)
        continue
      }
      if path[i] == "[" {
        let close = path[i...].firstIndex(of: "]")!
        let inner = String(path[path.index(after: i)..<close])
        if let index = Int(inner), case .array(let items) = value {
          current = index < items.count ? items[index] : nil
        } else {
          current = value[inner]
        }
        i = path.index(after: close)
        continue
      }
      let end = path[i...].firstIndex { $0 == "." || $0 == "[" } ?? path.endIndex
      current = value[String(path[i..<end])]
      i = end
    }
    return current
  }
}
