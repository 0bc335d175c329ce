import SkiffAPI
import Testing

@Suite("JSON values, parsing and Codable bridge")
struct JSONTests {
  @Test func parsesAndSerializesKeepingKeyOrder() throws {
    let text = #"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","labels":{"z":"1","a":"2"}},"n":[1,2.5,true,null,"x\n\u00e9"]}"#
    let value = try JSONValue(parsing: text)
    #expect(value["kind"] == "Pod")
    #expect(value.objectValue?.keys == ["kind", "apiVersion", "metadata", "n"])
    #expect(value.jsonString() == #"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","labels":{"z":"1","a":"2"}},"n":[1,2.5,true,null,"x\né"]}"#)
    #expect(try JSONValue(parsing: value.jsonString()) == value)
  }

  @Test func equalityIgnoresKeyOrder() throws {
    #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) == JSONValue(parsing: #"{"b":2,"a":1}"#))
  }

  @Test(
    arguments: [
      ("{", "unexpected end of JSON input"),
      ("{\"a\" 1}", "invalid character '1' after object key"),
      ("[1,]", "invalid character ']' looking for beginning of value"),
      ("x", "invalid character 'x' looking for beginning of value"),
      ("{} {}", "invalid character '{' after top-level value"),
      ("tru", "unexpected end of JSON input"),
    ])
  func syntaxErrorsAreWordedAsGo(_ text: String, _ message: String) {
    #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
    do {
      _ = try JSONValue(parsing: text)
    } catch {
      #expect(error.message == message)
    }
  }

  @Test func prettyPrintsWithIndent() throws {
    let value: JSONValue = ["a": [1, 2], "b": ["c": "d"], "e": [], "f": [:]]
    #expect(value.prettyJSONString(indent: 2) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"d\"\n  },\n  \"e\": [],\n  \"f\": {}\n}")
  }

  struct Port: Codable, Equatable {
    var name: String?
    var containerPort: Int32
  }

  struct Spec: Codable, Equatable {
    var replicas: Int32?
    var labels: [String: String]?
    var ports: [Port]?
  }

  @Test func strictDecodingListsUnknownFieldsByPath() throws {
    let json = try JSONValue(parsing: #"{"replicas":2,"foo":1,"ports":[{"containerPort":80,"bar":true}],"labels":{"x":"y"}}"#)
    let result = try JSONValueDecoder().decode(Spec.self, from: json)
    #expect(result.value.replicas == 2)
    #expect(result.value.labels == ["x": "y"])
    #expect(result.unknownFields == ["foo", "ports[0].bar"])
  }

  @Test func typeMismatchNamesThePath() throws {
    let json = try JSONValue(parsing: #"{"ports":[{"containerPort":"eighty"}]}"#)
    #expect(throws: JSONDecodeError(path: "ports[0].containerPort", message: "json: cannot unmarshal string into Go struct field ports[0].containerPort of type int32")) {
      try JSONValueDecoder().decode(Spec.self, from: json)
    }
  }

  @Test func encodingKeepsDeclarationOrderSortsMapsAndOmitsNil() throws {
    let spec = Spec(replicas: 3, labels: ["b": "2", "a": "1"], ports: [Port(name: nil, containerPort: 8080)])
    let json = try JSONValueEncoder().encode(spec)
    #expect(json.jsonString() == #"{"replicas":3,"labels":{"a":"1","b":"2"},"ports":[{"containerPort":8080}]}"#)
  }

  @Test func timestampsRoundTripRFC3339() throws {
    let t = try #require(Timestamp(rfc3339: "2024-02-07T14:37:14Z"))
    #expect(t.seconds == 1_707_316_634)
    #expect(t.rfc3339 == "2024-02-07T14:37:14Z")
    #expect(Timestamp(rfc3339: "2024-02-07T15:37:14+01:00") == t)
    #expect(Timestamp(rfc3339: "2024-02-07T14:37:14.5Z")?.microseconds == 500_000)
    #expect(Timestamp(rfc3339: "yesterday") == nil)
  }

  @Test func quantities() {
    #expect(Quantity("128Mi").bytes == 134_217_728)
    #expect(Quantity("500m").millis == 500)
    #expect(Quantity("2").millis == 2000)
    #expect(Quantity("1e3").value == 1000)
    #expect(Quantity("abc").value == nil)
  }

  @Test func fieldErrorsReadAsKubernetesWritesThem() {
    let e = FieldError.invalid("spec.template.spec.containers[0].ports[0].containerPort", 70000, "must be between 1 and 65535, inclusive")
    #expect(e.description == "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive")
    #expect(FieldError.required("metadata.name", "name or generateName is required").description == "metadata.name: Required value: name or generateName is required")
    #expect(FieldError.notSupported("spec.restartPolicy", "Sometimes", ["Always", "OnFailure", "Never"]).description == #"spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never""#)
  }
}
