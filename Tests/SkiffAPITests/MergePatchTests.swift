import SkiffAPI
import Testing

@Suite("JSON Merge Patch (RFC 7386)")
struct MergePatchTests {
  // RFC 7386 appendix A, every row: original, patch, result.
  @Test(arguments: [
    (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
    (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
    (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
    (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
    (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
    (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
    (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
    (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
    (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
    (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
    (#"{"a":"foo"}"#, "null", "null"),
    (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
    (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
    ("[1,2]", #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
    ("{}", #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
  ])
  func rfc7386Examples(_ original: String, _ patch: String, _ result: String) {
    #expect(MergePatch.apply(json(patch), to: json(original)) == json(result))
  }

  @Test func replacesListsAndKeepsOtherMembers() {
    let live = json(#"{"spec":{"http":[{"route":[{"weight":90},{"weight":10}]}],"hosts":["a"]},"status":{"x":1}}"#)
    let result = MergePatch.apply(json(#"{"spec":{"http":[{"route":[{"weight":100}]}]}}"#), to: live)
    #expect(result == json(#"{"spec":{"http":[{"route":[{"weight":100}]}],"hosts":["a"]},"status":{"x":1}}"#))
    #expect(result.jsonString() == #"{"spec":{"http":[{"route":[{"weight":100}]}],"hosts":["a"]},"status":{"x":1}}"#)
  }

  @Test func createsTheDiffAsEvanphxDoes() {
    let patch = MergePatch.create(from: json(#"{"a":1,"b":{"c":2,"d":3},"e":[1],"f":1.0}"#),
                                  to: json(#"{"a":1,"b":{"c":5},"e":[1,2],"f":1,"g":"new"}"#))
    #expect(patch.jsonString() == #"{"b":{"c":5,"d":null},"e":[1,2],"g":"new"}"#)
  }
}
