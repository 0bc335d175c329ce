import SkiffAPI

extension Describer {
  /// `genericDescriber`: what kubectl shows for kinds without a describer of their own
  /// (custom resources such as VirtualService and DestinationRule, Events): every field,
  /// keys sorted, with "smart" labels (`apiVersion` → `API Version`).
  func describeGeneric(_ object: JSONValue, info: ResourceInfo) throws -> String {
    let events = try self.events(for: object, kind: object.string("kind").isEmpty ? info.kind : object.string("kind"))
    var w = writer()
    nameAndNamespace(object, into: &w)
    w.labels("Labels", Self.metadataMap(object, "labels"))
    w.annotations("Annotations", Self.metadataMap(object, "annotations"))
    Self.unstructuredContent(
      object.objectValue ?? JSONObject(), level: 0, skipPrefix: "",
      skip: [".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"],
      into: &w)
    w.events(events)
    return w.finish()
  }

  /// `printUnstructuredContent`.
  static func unstructuredContent(_ content: JSONObject, level: Int, skipPrefix: String, skip: Set<String>, into w: inout DescribeWriter) {
    for field in content.keys.sorted() {
      let value = content[field]!
      let path = "\(skipPrefix).\(field)"
      if skip.contains(path) { continue }
      switch value {
      case .object(let nested):
        w.write(level, "\(smartLabel(field)):\n")
        unstructuredContent(nested, level: level + 1, skipPrefix: path, skip: skip, into: &w)
      case .array(let items):
        w.write(level, "\(smartLabel(field)):\n")
        for item in items {
          if case .object(let nested) = item {
            unstructuredContent(nested, level: level + 1, skipPrefix: path, skip: skip, into: &w)
          } else {
            w.write(level + 1, "\(item.goText)\n")
          }
        }
      default:
        w.write(level, "\(smartLabel(field)):\t\(value.goText)\n")
      }
    }
  }

  /// `smartLabelFor` (kubectl 1.32): camel case split into title-cased words, common
  /// acronyms upper-cased; fields with characters other than letters and `-` as they are.
  static func smartLabel(_ field: String) -> String {
    if field.unicodeScalars.contains(where: { !$0.properties.isAlphabetic && $0 != "-" }) { return field }
    let acronyms: Set<String> = ["API", "URL", "UID", "OSB", "GUID"]
    return camelCaseSplit(field).compactMap { part -> String? in
      if part == "_" { return nil }
      if acronyms.contains(part.uppercased()) { return part.uppercased() }
      return goTitle(part)
    }.joined(separator: " ")
  }

  /// fatih/camelcase `Split`: runs of lower, upper, digit and other characters, the last
  /// upper-case letter of a run moved to a following lower-case run (`PDFLoader` → `PDF`,
  /// `Loader`).
  static func camelCaseSplit(_ text: String) -> [String] {
    func cls(_ c: Character) -> Int {
      if c.isLowercase { return 1 }
      if c.isUppercase { return 2 }
      if c.isNumber { return 3 }
      return 4
    }
    var runs: [[Character]] = []
    var last = 0
    for c in text {
      let k = cls(c)
      if k == last, !runs.isEmpty { runs[runs.count - 1].append(c) } else { runs.append([c]) }
      last = k
    }
    var i = 0
    while i < runs.count - 1 {
      if let a = runs[i].first, let b = runs[i + 1].first, a.isUppercase, b.isLowercase {
        runs[i + 1].insert(runs[i].removeLast(), at: 0)
      }
      i += 1
    }
    return runs.filter { !$0.isEmpty }.map { String($0) }
  }

  /// Go's `strings.Title`: the first letter of each word upper-cased.
  static func goTitle(_ text: String) -> String {
    var out = ""
    var previousIsLetter = false
    for c in text {
      out += previousIsLetter ? String(c) : c.uppercased()
      previousIsLetter = c.isLetter || c.isNumber || c == "_" || c == "'"
    }
    return out
  }
}
