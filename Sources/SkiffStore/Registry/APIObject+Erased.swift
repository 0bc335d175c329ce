public import SkiffAPI

extension APIObject {
  /// Strictly decodes this kind from JSON: the object and the paths of unknown members.
  public static func decode(from json: JSONValue) throws(JSONDecodeError) -> (Self, unknownFields: [String]) {
    let result = try JSONValueDecoder().decode(Self.self, from: json)
    return (result.value, result.unknownFields)
  }

  /// The object as stored and served: JSON in declaration order.
  var storedJSON: JSONValue {
    // Encoding plain Codable structs into JSONValue does not fail.
    (try? encodedJSON()) ?? .object(JSONObject())
  }

  /// `validate(old:)` for an old object of unknown static type.
  public func validate(erasedOld old: (any APIObject)?) -> [FieldError] {
    validate(old: old as? Self)
  }
}

