import SkiffAPI
import Testing

func json(_ text: String) -> JSONValue {
  do { return try JSONValue(parsing: text) } catch { fatalError("bad JSON in test: \(error.message): \(text)") }
}

/// The error message `body` throws, or nil.
func patchErrorMessage(_ body: () throws(PatchError) -> JSONValue) -> String? {
  do {
    _ = try body()
    return nil
  } catch {
    return error.message
  }
}

@Suite("JSON Patch (RFC 6902), as the API server's evanphx/json-patch v4 applies it")
struct JSONPatchTests {
  // RFC 6902 appendix A: document, patch, result.
  @Test(arguments: [
    ("A.1 add an object member", #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
    ("A.2 add an array element", #"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
    ("A.3 remove an object member", #"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
    ("A.4 remove an array element", #"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
    ("A.5 replace a value", #"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
    ("A.6 move a value", #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
     #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#, #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
    ("A.7 move an array element", #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
     #"{"foo":["all","cows","eat","grass"]}"#),
    ("A.8 test a value", #"{"baz":"qux","foo":["a",2,"c"]}"#, #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
     #"{"baz":"qux","foo":["a",2,"c"]}"#),
    ("A.10 add a nested member object", #"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
     #"{"foo":"bar","child":{"grandchild":{}}}"#),
    ("A.11 ignore unrecognized elements", #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
    ("A.14 ~ escape ordering", #"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
    ("A.16 add an array value", #"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, #"{"foo":["bar",["abc","def"]]}"#),
    // evanphx/json-patch v4 cases, Kubernetes' behaviour beyond the RFC.
    ("negative index appends", #"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/-1","value":"qux"}]"#, #"{"foo":["bar","baz","qux"]}"#),
    ("negative index removes from the end", #"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/-2"}]"#, #"{"foo":["bar","baz"]}"#),
    ("replace of a missing member adds it", #"{"metadata":{"labels":{}}}"#, #"[{"op":"replace","path":"/metadata/labels/tier","value":"web"}]"#,
     #"{"metadata":{"labels":{"tier":"web"}}}"#),
    ("add null", #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":null}]"#, #"{"baz":null,"foo":"bar"}"#),
    ("copy into an array", #"[{"foo":["bar","qux","baz"],"bar":["qux","baz"]}]"#, #"[{"op":"copy","from":"/0/foo/0","path":"/0/bar/0"}]"#,
     #"[{"foo":["bar","qux","baz"],"bar":["bar","qux","baz"]}]"#),
    ("copy an array into itself", #"{"foo":["bar"]}"#, #"[{"op":"copy","path":"/foo/0","from":"/foo"}]"#, #"{"foo":[["bar"],"bar"]}"#),
    ("test and replace the whole document", #"{"id":"0","parentID":"0"}"#,
     #"[{"op":"test","path":"","value":{"id":"0","parentID":"0"}},{"op":"replace","path":"","value":{"id":"7","originalID":"bar"}}]"#,
     #"{"id":"7","originalID":"bar"}"#),
    ("test null against a missing member", #"{"a":1}"#, #"[{"op":"test","path":"/b","value":null}]"#, #"{"a":1}"#),
    ("test null against a null member", #"{"foo":null}"#, #"[{"op":"test","path":"/foo","value":null}]"#, #"{"foo":null}"#),
    ("test without a value against a missing member", #"{"baz":[]}"#, #"[{"op":"test","path":"/foo"}]"#, #"{"baz":[]}"#),
    ("test an escaped key", #"{"baz/foo":"qux"}"#, #"[{"op":"test","path":"/baz~1foo","value":"qux"}]"#, #"{"baz/foo":"qux"}"#),
  ])
  func applies(_ name: String, _ document: String, _ patch: String, _ result: String) throws {
    #expect(try JSONPatch.apply(json(patch), to: json(document)) == json(result), "\(name)")
  }

  @Test func keepsMemberOrderOfTheDocument() throws {
    let result = try JSONPatch.apply(json(#"[{"op":"replace","path":"/spec/replicas","value":3}]"#),
                                     to: json(#"{"kind":"Deployment","spec":{"replicas":1,"paused":false},"status":{}}"#))
    #expect(result.jsonString() == #"{"kind":"Deployment","spec":{"replicas":3,"paused":false},"status":{}}"#)
  }

  // Failures, with the messages of evanphx/json-patch v4.
  @Test(arguments: [
    ("A.9 test a value: error", #"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#,
     "testing value /baz failed: test failed"),
    ("A.12 add to a nonexistent target", #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#,
     #"add operation does not apply: doc is missing path: "/baz/bat": missing value"#),
    ("A.13 invalid patch document (the last op member wins)", #"{"foo":"bar"}"#,
     #"[{"op":"add","path":"/baz","value":"qux","op":"remove"}]"#,
     "error in remove for path: '/baz': Unable to remove nonexistent key: baz: missing value"),
    ("A.15 strings and numbers differ", #"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#,
     "testing value /~01 failed: test failed"),
    ("remove a missing member", #"{"a":{"b":{"d":1}}}"#, #"[{"op":"remove","path":"/a/b/c"}]"#,
     "error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value"),
    ("move a missing member", #"{"a":{"b":{"d":1}}}"#, #"[{"op":"move","from":"/a/b/c","path":"/a/b/e"}]"#,
     "error in move for path: 'c': Unable to remove nonexistent key: c: missing value"),
    ("remove past the end", #"{"a":{"b":[1]}}"#, #"[{"op":"remove","path":"/a/b/1"}]"#,
     "error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index referenced"),
    ("no path", #"{"foo":"bar"}"#, #"[{"op":"add","pathz":"/baz","value":"qux"}]"#, "add operation failed to decode path: missing value"),
    ("add at the root", #"{"foo":"bar"}"#, #"[{"op":"add","path":"","value":"qux"}]"#,
     #"add operation does not apply: doc is missing path: "": missing value"#),
    ("replace past the end", #"{"foo":["bar","baz"]}"#, #"[{"op":"replace","path":"/foo/2","value":"bum"}]"#,
     "replace operation does not apply: doc is missing key: /foo/2: missing value"),
    ("add before the start", #"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/-4","value":"bum"}]"#,
     "error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index referenced"),
    ("replace under a missing member", #"{"name":{"foo":"bat"}}"#, #"[{"op":"replace","path":"/foo/bar","value":"baz"}]"#,
     "replace operation does not apply: doc is missing path: /foo/bar: missing value"),
    ("remove with -", #"{"foo":[]}"#, #"[{"op":"remove","path":"/foo/-"}]"#,
     #"error in remove for path: '/foo/-': strconv.Atoi: parsing "-": invalid syntax"#),
    ("unknown op", "{}", #"[{"op":null,"path":""}]"#, "Unexpected kind: unknown"),
    ("copy without from", "{}", #"[{"op":"copy","from":null}]"#, "copy operation failed to decode from: operation, missing from field: missing value"),
    ("copy past the end", #"{"foo":["bar"]}"#, #"[{"op":"copy","path":"/foo/2","from":"/foo/0"}]"#,
     "error while adding value during copy: Unable to access invalid index: 2: invalid index referenced"),
    ("move past the end", #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/4"}]"#,
     "error in move for path: '/foo/4': Unable to access invalid index: 4: invalid index referenced"),
    ("test a different item", #"{"baz":"qux","foo":["a",2,"c"]}"#,
     #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":"c"}]"#, "testing value /foo/1 failed: test failed"),
    ("test a missing member", #"{"baz":"qux"}"#, #"[{"op":"test","path":"/foo","value":42}]"#, "testing value /foo failed: test failed"),
    ("test null against an object", #"{"foo":{}}"#, #"[{"op":"test","path":"/foo","value":null}]"#, "testing value /foo failed: test failed"),
    ("test without a value against a list", #"{"foo":[]}"#, #"[{"op":"test","path":"/foo"}]"#, "testing value /foo failed: test failed"),
    ("replace the root with a scalar", #"{"a":1}"#, #"[{"op":"replace","path":"","value":5}]"#,
     "replace operation value must be object or array: %!w(<nil>)"),
  ])
  func fails(_ name: String, _ document: String, _ patch: String, _ message: String) {
    #expect(patchErrorMessage { () throws(PatchError) in try JSONPatch.apply(json(patch), to: json(document)) } == message, "\(name)")
  }

  @Test func aFailedOperationLeavesNothingHalfApplied() throws {
    let document = json(#"{"a":1}"#)
    #expect(throws: PatchError.self) {
      try JSONPatch.apply(json(#"[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}]"#), to: document)
    }
    #expect(document == json(#"{"a":1}"#))
  }

  @Test func copiesAreLimitedInSize() {
    let a48 = String(repeating: "A", count: 48)
    let a49 = String(repeating: "A", count: 49)
    let twoCopies = #"[{"op":"copy","path":"/foo/-","from":"/foo/1"},{"op":"copy","path":"/foo/-","from":"/foo/1"}]"#
    #expect((try? JSONPatch.apply(json(twoCopies), to: json(#"{"foo":["A","\#(a48)"]}"#), copySizeLimit: 100))
      == json(#"{"foo":["A","\#(a48)","\#(a48)","\#(a48)"]}"#))
    #expect(patchErrorMessage { () throws(PatchError) in
      try JSONPatch.apply(json(twoCopies), to: json(#"{"foo":["A","\#(a49)"]}"#), copySizeLimit: 100)
    } == "Unable to complete the copy, the accumulated size increase of copy is 102, exceeding the limit 100")
  }

  @Test func aPatchThatIsNotAListIsABadRequest() {
    do {
      _ = try JSONPatch.apply(json(#"{"op":"add"}"#), to: json("{}"))
      Issue.record("expected an error")
    } catch {
      #expect(error.code == .badRequest)
      #expect(error.message == "json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    }
  }
}
