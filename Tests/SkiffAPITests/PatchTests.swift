import SkiffAPI
import Testing

/// `kubectl apply` as a user runs it against an existing object: the file's object gets
/// its new last-applied annotation, the original comes from the live object's annotation,
/// and the patch is computed against the live object; the server then applies it.
struct KubectlApply {
  var patch: ThreeWayMerge.Patch
  var result: JSONValue

  init(file: JSONValue, live: JSONValue) throws {
    let modified = LastAppliedConfiguration.annotated(file)
    let original = try LastAppliedConfiguration.original(in: live)
    patch = try ThreeWayMerge.patch(original: original, modified: modified, current: live)
    let keys = MergeKeys.for(object: live)
    result = try PatchRequest.apply(
      contentType: patch.type.rawValue, body: Array(patch.json.utf8), to: live, keys: keys)
  }
}

/// A Deployment as the user writes it, with the namespace kubectl fills in.
func deploymentFile(image: String = "nginx:1.25", ports: [Int] = [80, 8080], env: [String] = ["A", "B"],
                    labels: JSONValue = ["app": "web"], containers extra: [JSONValue] = []) -> JSONValue {
  let web: JSONValue = [
    "name": "web", "image": .string(image),
    "ports": .array(ports.map { port -> JSONValue in ["containerPort": .int(Int64(port))] }),
    "env": .array(env.map { name -> JSONValue in ["name": .string(name), "value": .string("v-" + name)] }),
  ]
  return [
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": ["name": "web", "namespace": "default", "labels": labels],
    "spec": [
      "replicas": 2,
      "selector": ["matchLabels": ["app": "web"]],
      "template": [
        "metadata": ["labels": ["app": "web"]],
        "spec": ["containers": .array([web] + (extra.isEmpty ? [["name": "sidecar", "image": "busybox"]] : extra))],
      ],
    ],
  ]
}

/// What the cluster makes of a created Deployment: identity, defaults, a controller's
/// annotation and status.
func liveDeployment(from file: JSONValue) -> JSONValue {
  var live = LastAppliedConfiguration.annotated(file)
  live.setValue("6f0c4a0e-9d7c-4d55-8b1e-5b8a0c7d1e21", at: ["metadata", "uid"])
  live.setValue("1042", at: ["metadata", "resourceVersion"])
  live.setValue(1, at: ["metadata", "generation"])
  live.setValue("1", at: ["metadata", "annotations", "deployment.kubernetes.io/revision"])
  live.setValue(["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"]],
                at: ["spec", "strategy"])
  live.setValue(10, at: ["spec", "revisionHistoryLimit"])
  live.setValue("ClusterFirst", at: ["spec", "template", "spec", "dnsPolicy"])
  var containers = live.value(at: ["spec", "template", "spec", "containers"])!.arrayValue!
  for i in containers.indices {
    containers[i]["imagePullPolicy"] = "IfNotPresent"
    containers[i]["terminationMessagePath"] = "/dev/termination-log"
    if var ports = containers[i]["ports"]?.arrayValue {
      for p in ports.indices { ports[p]["protocol"] = "TCP" }
      containers[i]["ports"] = .array(ports)
    }
  }
  live.setValue(.array(containers), at: ["spec", "template", "spec", "containers"])
  live.setValue(["replicas": 2, "readyReplicas": 2,
                 "conditions": [["type": "Available", "status": "True"], ["type": "Progressing", "status": "True"]]],
                at: ["status"])
  return live
}

func lastApplied(_ file: JSONValue) -> String { JSONValue.string(LastAppliedConfiguration.value(for: file)).jsonString() }

@Suite("kubectl apply: three-way merge patches and their results")
struct PatchTests {
  @Test func editingTheFileSendsOnlyTheChangesAndKeepsWhatOthersSet() throws {
    let v1 = deploymentFile()
    var live = liveDeployment(from: v1)
    // Another actor (`kubectl label deploy web team=blue`) labels the live object.
    live.setValue("blue", at: ["metadata", "labels", "team"])

    // The user changes the image, removes env B and port 8080, and adds a label.
    let v2 = deploymentFile(image: "nginx:1.27", ports: [80], env: ["A"], labels: ["app": "web", "tier": "frontend"])
    let apply = try KubectlApply(file: v2, live: live)

    #expect(apply.patch.type == .strategicMerge)
    #expect(apply.patch.json == #"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"#
      + lastApplied(v2) + #"},"labels":{"tier":"frontend"}},"#
      + #""spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"#
      + #""containers":[{"$setElementOrder/env":[{"name":"A"}],"$setElementOrder/ports":[{"containerPort":80}],"#
      + #""env":[{"$patch":"delete","name":"B"}],"image":"nginx:1.27","name":"web","#
      + #""ports":[{"$patch":"delete","containerPort":8080}]}]}}}}"#)

    let result = apply.result
    #expect(result.value(at: ["metadata", "labels"]) == ["app": "web", "team": "blue", "tier": "frontend"])
    #expect(result.value(at: ["metadata", "annotations", "deployment.kubernetes.io/revision"]) == "1")
    #expect(result.value(at: ["metadata", "annotations", LastAppliedConfiguration.annotation])
      == .string(LastAppliedConfiguration.value(for: v2)))
    let web = result.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first
    #expect(web?["image"] == "nginx:1.27")
    #expect(web?["ports"] == [["containerPort": 80, "protocol": "TCP"]])
    #expect(web?["env"] == [["name": "A", "value": "v-A"]])
    #expect(web?["imagePullPolicy"] == "IfNotPresent")
    #expect(result.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.map { $0["name"] } == ["web", "sidecar"])
    // Defaults and status the server and controllers set are untouched.
    #expect(result.value(at: ["spec", "strategy", "rollingUpdate", "maxSurge"]) == "25%")
    #expect(result.value(at: ["spec", "revisionHistoryLimit"]) == 10)
    #expect(result["status"] == live["status"])
    #expect(result.value(at: ["metadata", "uid"]) == live.value(at: ["metadata", "uid"]))
  }

  @Test func reapplyingTheSameFileIsUnchanged() throws {
    let v2 = deploymentFile(image: "nginx:1.27", ports: [80], env: ["A"])
    var live = liveDeployment(from: deploymentFile())
    live.setValue("blue", at: ["metadata", "labels", "team"])
    let first = try KubectlApply(file: v2, live: live)
    #expect(!first.patch.isEmpty)

    let second = try KubectlApply(file: v2, live: first.result)
    #expect(second.patch.isEmpty)
    #expect(second.patch.json == "{}")
    #expect(second.result == first.result)
  }

  @Test func applyingTheCreatedFileAgainIsUnchanged() throws {
    let file = deploymentFile()
    #expect(try KubectlApply(file: file, live: liveDeployment(from: file)).patch.json == "{}")
  }

  @Test func removingAFieldFromTheFileDeletesIt() throws {
    var v1 = deploymentFile()
    v1.setValue(["a": "b"], at: ["spec", "template", "spec", "nodeSelector"])
    let live = liveDeployment(from: v1)
    let apply = try KubectlApply(file: deploymentFile(), live: live)
    #expect(apply.patch.patch.value(at: ["spec", "template", "spec", "nodeSelector"]) == .null)
    #expect(apply.result.value(at: ["spec", "template", "spec", "nodeSelector"]) == nil)
    // A field the server defaulted is not in the last-applied configuration: it stays.
    #expect(apply.result.value(at: ["spec", "template", "spec", "dnsPolicy"]) == "ClusterFirst")
  }

  @Test func aNewContainerLandsWhereTheFileHasItAndInjectedOnesStay() throws {
    let v1 = deploymentFile()
    var live = liveDeployment(from: v1)
    // An admission webhook injected a sidecar that is in no file.
    var containers = live.value(at: ["spec", "template", "spec", "containers"])!.arrayValue!
    containers.append(["name": "istio-proxy", "image": "skiff-proxy"])
    live.setValue(.array(containers), at: ["spec", "template", "spec", "containers"])

    let v2 = deploymentFile(containers: [["name": "logger", "image": "busybox"], ["name": "sidecar", "image": "busybox"]])
    let apply = try KubectlApply(file: v2, live: live)
    #expect(apply.patch.patch.value(at: ["spec", "template", "spec", "$setElementOrder/containers"])
      == [["name": "web"], ["name": "logger"], ["name": "sidecar"]])
    #expect(apply.patch.patch.value(at: ["spec", "template", "spec", "containers"]) == [["name": "logger", "image": "busybox"]])
    #expect(apply.result.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.map { $0["name"] }
      == ["web", "logger", "sidecar", "istio-proxy"])
  }

  @Test func reorderingContainersIsSentAsAnOrderOnly() throws {
    let v1 = deploymentFile()
    let live = liveDeployment(from: v1)
    var v2 = v1
    let containers = v1.value(at: ["spec", "template", "spec", "containers"])!.arrayValue!
    v2.setValue(.array(containers.reversed()), at: ["spec", "template", "spec", "containers"])
    let apply = try KubectlApply(file: v2, live: live)
    #expect(apply.patch.patch.value(at: ["spec", "template", "spec"])
      == ["$setElementOrder/containers": [["name": "sidecar"], ["name": "web"]]])
    #expect(apply.result.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.map { $0["name"] } == ["sidecar", "web"])
  }

  @Test func changingTheStrategyTypeClearsTheDefaultedRollingUpdate() throws {
    let v1 = deploymentFile()
    var v2 = v1
    v2.setValue(["type": "Recreate"], at: ["spec", "strategy"])
    let apply = try KubectlApply(file: v2, live: liveDeployment(from: v1))
    #expect(apply.patch.patch.value(at: ["spec", "strategy"]) == ["$retainKeys": ["type"], "type": "Recreate"])
    #expect(apply.result.value(at: ["spec", "strategy"]) == ["type": "Recreate"])
  }

  @Test func finalizersAndOwnerReferencesMergeAsSets() throws {
    var v1 = deploymentFile()
    v1.setValue(["example.com/a", "example.com/b"], at: ["metadata", "finalizers"])
    var live = liveDeployment(from: v1)
    live.setValue(["example.com/a", "example.com/b", "example.com/controller"], at: ["metadata", "finalizers"])
    var v2 = v1
    v2.setValue(["example.com/a"], at: ["metadata", "finalizers"])
    let apply = try KubectlApply(file: v2, live: live)
    #expect(apply.patch.patch.value(at: ["metadata", "$deleteFromPrimitiveList/finalizers"]) == ["example.com/b"])
    #expect(apply.patch.patch.value(at: ["metadata", "$setElementOrder/finalizers"]) == ["example.com/a"])
    #expect(apply.result.value(at: ["metadata", "finalizers"]) == ["example.com/a", "example.com/controller"])
  }

  // The walkthrough's VirtualService: a custom resource, patched with a JSON merge patch.
  static let virtualService90to10 = json(#"""
    {"apiVersion":"networking.istio.io/v1alpha3","kind":"VirtualService",
     "metadata":{"name":"vs-istio-grpc-server","namespace":"default"},
     "spec":{"hosts":["istio-grpc-server"],"gateways":["mesh"],"http":[{"match":[{"port":8080}],"route":[
       {"destination":{"host":"istio-grpc-server","subset":"v1"},"weight":90},
       {"destination":{"host":"istio-grpc-server","subset":"v2"},"weight":10}]}]}}
    """#)

  @Test func virtualServiceWeightsMoveWithAJSONMergePatch() throws {
    let v1 = Self.virtualService90to10
    var live = LastAppliedConfiguration.annotated(v1)
    live.setValue("3f1e", at: ["metadata", "uid"])
    live.setValue("77", at: ["metadata", "resourceVersion"])
    live.setValue("canary", at: ["metadata", "labels", "rollout"])
    live.setValue(["observedGeneration": 1], at: ["status"])

    var v2 = v1
    v2.setValue(json(#"""
      [{"match":[{"port":8080}],"route":[
        {"destination":{"host":"istio-grpc-server","subset":"v1"},"weight":0},
        {"destination":{"host":"istio-grpc-server","subset":"v2"},"weight":100}]}]
      """#), at: ["spec", "http"])
    v2.setValue(nil, at: ["spec", "gateways"])

    let apply = try KubectlApply(file: v2, live: live)
    #expect(apply.patch.type == .merge)
    #expect(apply.patch.json == #"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"#
      + lastApplied(v2) + #"}},"spec":{"gateways":null,"http":[{"match":[{"port":8080}],"route":["#
      + #"{"destination":{"host":"istio-grpc-server","subset":"v1"},"weight":0},"#
      + #"{"destination":{"host":"istio-grpc-server","subset":"v2"},"weight":100}]}]}}"#)
    let routes = apply.result.value(at: ["spec", "http"])?.arrayValue?.first?["route"]?.arrayValue
    #expect(routes?.map { $0["weight"] } == [0, 100])
    #expect(apply.result.value(at: ["spec", "gateways"]) == nil)
    #expect(apply.result.value(at: ["spec", "hosts"]) == ["istio-grpc-server"])
    #expect(apply.result.value(at: ["metadata", "labels", "rollout"]) == "canary")
    #expect(apply.result["status"] == ["observedGeneration": 1])

    #expect(try KubectlApply(file: v2, live: apply.result).patch.json == "{}")
  }

  @Test func aJSONMergePatchRefusesToRenameTheObject() {
    let v1 = Self.virtualService90to10
    var live = LastAppliedConfiguration.annotated(v1)
    live.setValue("other", at: ["metadata", "name"])
    #expect(throws: PatchError(.preconditionFailed, "At least one of apiVersion, kind and name was changed")) {
      try KubectlApply(file: v1, live: live)
    }
  }

  @Test func theLastAppliedAnnotationIsWhatKubectlWrites() throws {
    let service = json(#"""
      {"apiVersion":"v1","kind":"Service","metadata":{"name":"greeter","namespace":"default",
       "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"stale","note":"a<b & c>d"}},
       "spec":{"selector":{"app":"greeter"},"ports":[{"name":"grpc","port":50051,"targetPort":50051}]}}
      """#)
    #expect(LastAppliedConfiguration.value(for: service) == #"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":"#
      + #"{"note":"a\u003cb \u0026 c\u003ed"},"name":"greeter","namespace":"default"},"spec":{"ports":[{"name":"grpc","#
      + #""port":50051,"targetPort":50051}],"selector":{"app":"greeter"}}}"# + "\n")

    // Numbers and escapes as Go's encoding/json writes them.
    let odd = json(#"{"kind":"ConfigMap","data":{"s":"\b\f\u2028\t"},"x":[1e-7,1.5,1e21,100000000.0,-2.5e-3,7]}"#)
    #expect(LastAppliedConfiguration.value(for: odd)
      == #"{"data":{"s":"\b\f\u2028\t"},"kind":"ConfigMap","metadata":{"annotations":{}},"x":[1e-7,1.5,1e+21,100000000,-0.0025,7]}"# + "\n")

    var bare = service
    bare.setValue(nil, at: ["metadata", "annotations"])
    #expect(LastAppliedConfiguration.value(for: bare).hasPrefix(#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name""#))

    let created = LastAppliedConfiguration.annotated(bare)
    #expect(try LastAppliedConfiguration.original(in: created)?.value(at: ["metadata", "annotations"]) == [:])
    #expect(try LastAppliedConfiguration.original(in: bare) == nil)
  }

  @Test func applyingWithoutAnAnnotationKeepsEverythingLive() throws {
    // An object created by `kubectl create`: no last-applied configuration, so nothing
    // can be known to be removed from the file.
    var live = liveDeployment(from: deploymentFile())
    live.setValue(nil, at: ["metadata", "annotations", LastAppliedConfiguration.annotation])
    let apply = try KubectlApply(file: deploymentFile(ports: [80], env: ["A"]), live: live)
    let web = apply.result.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first
    #expect(web?["ports"]?.arrayValue?.count == 2)
    #expect(web?["env"]?.arrayValue?.count == 2)
    #expect(apply.result.value(at: ["metadata", "annotations", LastAppliedConfiguration.annotation]) != nil)
  }
}

@Suite("PATCH requests as the API server answers them")
struct PatchRequestTests {
  let deployment = liveDeployment(from: deploymentFile())
  var deploymentKeys: MergeKeys? { MergeKeys.for(object: deployment) }

  func failure(_ contentType: String, _ body: String, to object: JSONValue, keys: MergeKeys?) -> PatchError? {
    do {
      _ = try PatchRequest.apply(contentType: contentType, body: Array(body.utf8), to: object, keys: keys)
      return nil
    } catch {
      return error
    }
  }

  @Test func strategicMergePatchOnACustomResourceIs415() {
    let error = failure("application/strategic-merge-patch+json", #"{"spec":{}}"#,
                        to: PatchTests.virtualService90to10, keys: MergeKeys.for(object: PatchTests.virtualService90to10))
    #expect(error?.status.code == 415)
    #expect(error?.status.reason == "UnsupportedMediaType")
    #expect(error?.status.message == "the body of the request was in an unknown format - accepted media types include: "
      + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
    #expect(throws: PatchError.self) { try StrategicMergePatch.apply(json("{}"), to: PatchTests.virtualService90to10) }
  }

  @Test func anUnknownContentTypeListsTheBuiltinTypes() {
    #expect(failure("application/json", "{}", to: deployment, keys: deploymentKeys)?.status.message
      == "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
      + "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml")
  }

  @Test func scaleWithAStrategicMergePatch() throws {
    let result = try PatchRequest.apply(contentType: "application/strategic-merge-patch+json; charset=utf-8",
                                        body: Array(#"{"spec":{"replicas":5}}"#.utf8), to: deployment, keys: deploymentKeys)
    #expect(result.value(at: ["spec", "replicas"]) == 5)
    #expect(result.value(at: ["spec", "template"]) == deployment.value(at: ["spec", "template"]))
  }

  @Test func aJSONPatchThatDoesNotApplyIs422WithTheGenericMessage() {
    let error = failure("application/json-patch+json", #"[{"op":"replace","path":"/spec/template/spec/containers/5/image","value":"x"}]"#,
                        to: deployment, keys: deploymentKeys)
    #expect(error?.code == .invalid)
    #expect(error?.message == "replace operation does not apply: doc is missing path: /spec/template/spec/containers/5/image: missing value")
    #expect(error?.status.code == 422)
    #expect(error?.status.reason == "Invalid")
    #expect(error?.status.message == "the server rejected our request due to an error in our request")
  }

  @Test(arguments: [
    ("application/json-patch+json", "{not json", "invalid JSON patch"),
    ("application/json-patch+json", #"{"op":"add"}"#,
     "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"),
    ("application/json-patch+json", #"[{"op":1}]"#,
     "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string"),
    ("application/merge-patch+json", "null", "Invalid JSON Patch"),
    ("application/merge-patch+json", "[1]", "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ("application/strategic-merge-patch+json", #""x""#, "json: cannot unmarshal string into Go value of type map[string]interface {}"),
    ("application/strategic-merge-patch+json", #"{"$retainKeys":"x"}"#, "invalid patch format of retainKeys"),
  ])
  func malformedPatchesAre400(_ contentType: String, _ body: String, _ message: String) {
    let error = failure(contentType, body, to: deployment, keys: deploymentKeys)
    #expect(error?.status.code == 400)
    #expect(error?.status.reason == "BadRequest")
    #expect(error?.status.message == message)
  }

  @Test func tooManyOperationsIs413() {
    let body = "[" + Array(repeating: #"{"op":"test","path":"/kind","value":"Deployment"}"#, count: 10001).joined(separator: ",") + "]"
    let status = failure("application/json-patch+json", body, to: deployment, keys: deploymentKeys)?.status
    #expect(status?.code == 413)
    #expect(status?.message == "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001")
  }

  @Test func aContainerWithoutItsNameIsAnInternalError() {
    let status = failure("application/strategic-merge-patch+json", #"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#,
                         to: deployment, keys: deploymentKeys)?.status
    #expect(status?.code == 500)
    #expect(status?.reason == nil)
    #expect(status?.message == "map: map[image:x] does not contain declared merge key: name")
  }
}
