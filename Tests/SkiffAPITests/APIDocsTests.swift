import Testing

@testable import SkiffAPI

/// `kubectl explain` prints the descriptions of the OpenAPI schemas, which come from the doc
/// comments of the API types (scripts/generate-api-docs). Every field of every served kind
/// must read as something, never "<no description>".
@Suite("API field descriptions")
struct APIDocsTests {
  let registry = SchemaRegistry(kinds: APIRegistry.kinds)

  /// `component.field` for every property of a component reachable from a kind that has no
  /// description.
  func undocumented() -> [String] {
    let reachable = registry.closure(of: Array(registry.kindComponents.values))
    var missing: [String] = []
    for (name, schema) in reachable {
      let short = name.split(separator: ".").last.map(String.init) ?? name
      if schema["description"]?.stringValue?.isEmpty != false { missing.append(short) }
      for (field, property) in schema["properties"]?.objectValue ?? [:]
      where property["description"]?.stringValue?.isEmpty != false {
        missing.append("\(short).\(field)")
      }
    }
    return missing.sorted()
  }

  @Test func everyTypeAndFieldOfTheServedKindsIsDescribed() {
    let missing = undocumented()
    #expect(missing.isEmpty, "no doc comment (run scripts/generate-api-docs after adding one): \(missing.joined(separator: ", "))")
  }

  @Test func aFieldThatRefersToATypeCarriesItsOwnDescriptionBesideTheReference() throws {
    let pod = try #require(registry.schemas["io.k8s.api.core.v1.Pod"])
    let spec = try #require(pod.at("properties.spec"))
    #expect(spec["allOf"]?.arrayValue?.first?["$ref"] == "#/components/schemas/io.k8s.api.core.v1.PodSpec")
    #expect(spec["description"]?.stringValue?.isEmpty == false)
    #expect(spec.componentReference == "io.k8s.api.core.v1.PodSpec")
    // The type's own description sits on its component; kubectl prints both.
    let podSpec = try #require(registry.schemas["io.k8s.api.core.v1.PodSpec"])
    #expect(podSpec["description"] == .string(try #require(APIDocs.type("PodSpec"))))
  }

  @Test func publishedTextStopsAtTheDeveloperNoteMarker() throws {
    // Lines after `/// ---` are for Skiff's developers; none of them may reach a description.
    for (key, text) in APIDocs.table {
      #expect(!text.contains("---"), "\(key): \(text)")
      #expect(!text.hasPrefix(" ") && !text.hasSuffix(" "), "\(key)")
    }
  }
}
