import SkiffAPI
import Testing

/// Every fixture goes through what the API server does with a manifest: decode strictly,
/// default, validate (then the webhook, for Istio kinds), encode. Valid ones must pass and
/// show the expected defaulted fields; invalid ones must fail with exactly the expected
/// messages.
@Suite("Kind fixtures")
struct KindFixtureTests {
  @Test("valid fixtures decode, default, validate and encode", arguments: Fixtures.valid)
  func valid(_ name: String) throws {
    let manifest = try #require(try Fixtures.json("\(name).json"))
    let expected = try #require(try Fixtures.json("\(name).expected.json"), "missing \(name).expected.json")
    let (object, unknown) = try APIRegistry.decodeObject(manifest)
    #expect(unknown == [])
    let old = try Fixtures.json("\(name).old.json").map { try APIRegistry.decodeObject($0).0.defaulted() }
    let defaulted = object.defaulted()
    #expect(defaulted.validationErrors(old: old).map(\.description) == [])
    #expect(defaulted.admissionFailure(old: old) == nil)
    let encoded = try defaulted.encodedJSON()
    for (path, value) in expected["fields"]?.objectValue ?? [:] {
      #expect(encoded.at(path) == value, "\(path)")
    }
    for path in expected["absent"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
      #expect(encoded.at(path) == nil, "\(path) should be absent")
    }
    if let warnings = expected["warnings"]?.arrayValue {
      #expect(defaulted.warnings() == warnings.compactMap(\.stringValue))
    }
    // Defaulting is idempotent and the encoding decodes back to the same object.
    #expect(try defaulted.defaulted().encodedJSON() == encoded)
    #expect(try APIRegistry.decodeObject(encoded).0.encodedJSON() == encoded)
  }

  @Test("invalid fixtures fail with Kubernetes' exact messages", arguments: Fixtures.invalid)
  func invalid(_ name: String) throws {
    let manifest = try #require(try Fixtures.json("\(name).json"))
    let expected = try #require(try Fixtures.json("\(name).expected.json"), "missing \(name).expected.json")
    if let decodeError = expected["decodeError"]?.stringValue {
      #expect(throws: (any Error).self) { try APIRegistry.decodeObject(manifest) }
      do {
        _ = try APIRegistry.decodeObject(manifest)
      } catch {
        #expect(error.description == decodeError)
      }
      return
    }
    let (object, unknown) = try APIRegistry.decodeObject(manifest)
    #expect(unknown == (expected["unknownFields"]?.arrayValue ?? []).compactMap(\.stringValue))
    let old = try Fixtures.json("\(name).old.json").map { try APIRegistry.decodeObject($0).0.defaulted() }
    let defaulted = object.defaulted()
    let errors = defaulted.validationErrors(old: old).map(\.description)
    #expect(errors == (expected["errors"]?.arrayValue ?? []).compactMap(\.stringValue))
    if let message = expected["status"]?.stringValue {
      #expect(defaulted.admissionFailure(old: old)?.message == message)
    }
    if let denial = expected["denial"]?.stringValue {
      #expect(defaulted.webhookDenial(old: old)?.message == denial)
    }
    if let warnings = expected["warnings"]?.arrayValue {
      #expect(defaulted.warnings() == warnings.compactMap(\.stringValue))
    }
  }
}
