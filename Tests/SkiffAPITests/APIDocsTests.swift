import Foundation
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

  /// The generated table is what the comments say: the same check scripts/test runs.
  @Test func generatedTableMatchesTheDocComments() async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let script = root.appendingPathComponent("scripts/generate-api-docs")
    #expect(FileManager.default.isExecutableFile(atPath: script.path))
    // Off the test runner's cooperative threads: a blocked one stalls every other test.
    let (status, message) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int32, String), any Error>) in
      DispatchQueue.global().async {
        do {
          let process = Process()
          process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
          process.arguments = ["python3", script.path, "--check"]
          let errors = Pipe()
          process.standardError = errors
          try process.run()
          let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
          process.waitUntilExit()
          continuation.resume(returning: (process.terminationStatus, message))
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
    #expect(status == 0, "\(message)")
  }
}
