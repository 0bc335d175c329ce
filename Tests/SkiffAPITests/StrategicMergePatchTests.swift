import SkiffAPI
import Testing

/// The schema of apimachinery's strategic patch tests (`MergeItem` in patch_test.go):
/// a recursive struct, unrolled a few levels deep.
let mergeItemKeys: MergeKeys = {
  var table: [String: PatchStrategy] = [:]
  func mergeItem(_ prefix: String, depth: Int) {
    let p = prefix.isEmpty ? "" : prefix + "."
    table[p + "mergingList"] = .merge(key: "name")
    table[p + "mergingIntList"] = .mergeScalars
    table[p + "mergeItemPtr"] = .merge(key: "name")
    table[p + "replacingItem"] = .replace
    table[p + "retainKeysMap"] = .retainKeys
    table[p + "retainKeysMap.mergingIntList"] = .mergeScalars
    table[p + "retainKeysMap.mergingList"] = .merge(key: "name")
    table[p + "retainKeysMergingList"] = .mergeRetainingKeys(key: "name")
    guard depth > 0 else { return }
    for list in ["mergingList", "nonMergingList", "mergeItemPtr", "retainKeysMergingList"] {
      mergeItem(p + list, depth: depth - 1)
    }
  }
  mergeItem("", depth: 3)
  return MergeKeys(table)
}()

/// Applies a strategic merge patch with the test schema.
func smp(_ patch: String, _ original: String) throws -> JSONValue {
  try StrategicMergePatch.apply(json(patch), to: json(original), keys: mergeItemKeys)
}

@Suite("Strategic merge patch (apimachinery strategicpatch)")
struct StrategicMergePatchTests {
  // apimachinery patch_test.go, customStrategicMergePatchTestCaseData and
  // customStrategicMergePatchRawTestCases: original, two-way patch, result.
  @Test(arguments: [
    ("unique scalars when merging lists", #"{"mergingIntList":[1,2]}"#, #"{"mergingIntList":[2,3]}"#, #"{"mergingIntList":[1,2,3]}"#),
    ("delete map from nested map", #"{"simpleMap":{"key1":1,"key2":1}}"#, #"{"simpleMap":{"$patch":"delete"}}"#, #"{"simpleMap":{}}"#),
    ("delete all items from merging list", #"{"mergingList":[{"name":1},{"name":2}]}"#, #"{"mergingList":[{"$patch":"replace"}]}"#,
     #"{"mergingList":[]}"#),
    ("delete all keys from map", #"{"name":1,"value":1}"#, #"{"$patch":"replace"}"#, "{}"),
    ("add key and delete all keys from map", #"{"name":1,"value":1}"#, #"{"other":"a","$patch":"replace"}"#, #"{"other":"a"}"#),
    ("delete all duplicate entries in a merging list",
     #"{"mergingList":[{"name":1},{"name":1},{"name":2,"value":"a"},{"name":3},{"name":3}]}"#,
     #"{"mergingList":[{"name":1,"$patch":"delete"},{"name":3,"$patch":"delete"}]}"#, #"{"mergingList":[{"name":2,"value":"a"}]}"#),
    ("retainKeys map can delete a field when no retainKeys directive present", #"{"retainKeysMap":{"name":"foo","value":"a"}}"#,
     #"{"retainKeysMap":{"value":null}}"#, #"{"retainKeysMap":{"name":"foo"}}"#),
    ("retainKeys list can change a field", #"{"retainKeysMergingList":[{"name":"bar"},{"name":"foo","value":"a"}]}"#,
     #"{"retainKeysMergingList":[{"name":"foo","value":"b"}]}"#, #"{"retainKeysMergingList":[{"name":"bar"},{"name":"foo","value":"b"}]}"#),
    ("preserve the order from the patch in a merging list",
     #"{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}"#,
     #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"other":"x"}]}"#,
     #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"value":"b","other":"x"}]}"#),
    ("preserve the order from the patch in a merging list 2",
     #"{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}"#,
     #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#,
     #"{"mergingList":[{"name":2,"value":"b"},{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#),
    ("preserve the order from the patch in a merging int list", #"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[3,1]}"#,
     #"{"mergingIntList":[2,3,1]}"#),
    ("$setElementOrder contains item that is not present in the list to be merged",
     #"{"mergingList":[{"name":1},{"name":3}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":3},{"name":2},{"name":1}],"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}"#,
     #"{"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}"#),
    ("$setElementOrder of an int list", #"{"mergingIntList":[1,3]}"#, #"{"$setElementOrder/mergingIntList":[3,2,1]}"#,
     #"{"mergingIntList":[3,1]}"#),
    ("$deleteFromPrimitiveList of a missing item", #"{"mergingIntList":[1,2]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
     #"{"mergingIntList":[1,2]}"#),
    ("$deleteFromPrimitiveList on a missing list", #"{"foo":["bar"]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
     #"{"foo":["bar"]}"#),
    ("$deleteFromPrimitiveList with merge strategy", #"{"mergingIntList":[1,2,3]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[2]}"#,
     #"{"mergingIntList":[1,3]}"#),
    ("$deleteFromPrimitiveList without merge strategy", #"{"nonMergingIntList":[1,2,3]}"#,
     #"{"$deleteFromPrimitiveList/nonMergingIntList":[2]}"#, #"{"nonMergingIntList":[1,3]}"#),
    ("lists without a merge key are replaced", #"{"nonMergingList":[{"name":1,"value":1},{"name":2}]}"#,
     #"{"nonMergingList":[{"name":1}]}"#, #"{"nonMergingList":[{"name":1}]}"#),
    ("null deletes", #"{"name":"a","simpleMap":{"k":"v","l":"w"}}"#, #"{"name":null,"simpleMap":{"l":null}}"#, #"{"simpleMap":{"k":"v"}}"#),
    ("replace strategy on a map", #"{"replacingItem":{"a":1,"b":2}}"#, #"{"replacingItem":{"c":3}}"#, #"{"replacingItem":{"c":3}}"#),
    ("$retainKeys clears other fields", #"{"retainKeysMap":{"name":"a","value":"b","other":"c"}}"#,
     #"{"retainKeysMap":{"$retainKeys":["name","other"],"other":"d"}}"#, #"{"retainKeysMap":{"name":"a","other":"d"}}"#),
  ])
  func applies(_ name: String, _ original: String, _ patch: String, _ result: String) throws {
    #expect(try smp(patch, original) == json(result), "\(name)")
  }

  @Test(arguments: [
    ("order in $setElementOrder and patch list must match", #"{"mergingList":[{"name":1},{"name":3},{"name":2}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":1},{"name":2},{"name":3}],"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}"#,
     "The order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n",
     PatchError.Code.internalError),
    ("missing merge key", #"{"mergingList":[{"name":1,"value":"a"}]}"#, #"{"mergingList":[{"value":"b"}]}"#,
     "map: map[value:b] does not contain declared merge key: name", .internalError),
    ("unknown $patch", #"{"simpleMap":{"a":"b"}}"#, #"{"simpleMap":{"$patch":"explode"}}"#,
     "unknown patch type: explode in map: map[$patch:explode]", .internalError),
    ("bad $retainKeys", #"{"retainKeysMap":{"name":"a"}}"#, #"{"retainKeysMap":{"$retainKeys":["name"],"value":"x"}}"#,
     "invalid patch format of retainKeys", .badRequest),
    ("bad $deleteFromPrimitiveList", #"{"mergingIntList":[1]}"#, #"{"$deleteFromPrimitiveList":[1]}"#,
     "invalid patch format of primitive list", .badRequest),
    ("lists of lists", #"{"mergingIntList":[[1]]}"#, #"{"mergingIntList":[[2]]}"#, "lists of lists are not supported", .invalid),
  ])
  func fails(_ name: String, _ original: String, _ patch: String, _ message: String, _ code: PatchError.Code) {
    do {
      _ = try StrategicMergePatch.apply(json(patch), to: json(original), keys: mergeItemKeys)
      Issue.record("\(name): expected an error")
    } catch {
      #expect(error.message == message, "\(name)")
      #expect(error.code == code, "\(name)")
    }
  }

  // apimachinery strategicMergePatchRawTestCases: original, modified, current, the
  // three-way patch kubectl computes and the object after the server applies it.
  @Test(arguments: [
    ("nested patch merge with empty list",
     #"{"name":"hi"}"#,
     #"{"name":"hi","mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]}"#,
     #"{"name":"hi","mergingList":[{"name":"hello2"}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":"hello"},{"name":"doesntexist"}],"mergingList":[{"name":"hello"}]}"#,
     #"{"name":"hi","mergingList":[{"name":"hello"},{"name":"hello2"}]}"#),
    ("delete items in lists of scalars",
     #"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[1,2]}"#, #"{"mergingIntList":[1,2,3,4]}"#,
     #"{"$setElementOrder/mergingIntList":[1,2],"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
     #"{"mergingIntList":[1,2,4]}"#),
    ("merge lists of scalars",
     #"{"mergingIntList":[1,2]}"#, #"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[1,2,4]}"#,
     #"{"$setElementOrder/mergingIntList":[1,2,3],"mergingIntList":[3]}"#,
     #"{"mergingIntList":[1,2,3,4]}"#),
    ("add map and delete map from merging list",
     #"{"mergingList":[{"name":1},{"name":2}]}"#,
     #"{"mergingList":[{"name":2},{"name":3}]}"#,
     #"{"mergingList":[{"name":1},{"name":2,"other":"b"},{"name":4,"other":"c"}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":2},{"name":3}],"mergingList":[{"name":3},{"name":1,"$patch":"delete"}]}"#,
     #"{"mergingList":[{"name":2,"other":"b"},{"name":4,"other":"c"},{"name":3}]}"#),
    ("add map and delete map from merging list with conflict",
     #"{"mergingList":[{"name":1},{"name":2}]}"#,
     #"{"mergingList":[{"name":2},{"name":3}]}"#,
     #"{"mergingList":[{"name":1,"other":"a"},{"name":4,"other":"c"}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":2},{"name":3}],"mergingList":[{"name":2},{"name":3},{"name":1,"$patch":"delete"}]}"#,
     #"{"mergingList":[{"name":4,"other":"c"},{"name":2},{"name":3}]}"#),
    ("set elements order in a list with server-only items",
     #"{"mergingList":[{"name":1},{"name":3,"value":3},{"name":4,"value":4},{"name":2,"value":2}]}"#,
     #"{"mergingList":[{"name":4,"value":4},{"name":2,"value":2},{"name":3,"value":3},{"name":1}]}"#,
     #"{"mergingList":[{"name":1,"other":"a"},{"name":3,"value":3},{"name":4,"value":4},{"name":2,"value":2},{"name":9}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":4},{"name":2},{"name":3},{"name":1}]}"#,
     #"{"mergingList":[{"name":4,"value":4},{"name":2,"value":2},{"name":3,"value":3},{"name":1,"other":"a"},{"name":9}]}"#),
    ("retainKeys map should clear defaulted field",
     "{}", #"{"retainKeysMap":{"other":"bar"}}"#, #"{"retainKeysMap":{"value":"foo"}}"#,
     #"{"retainKeysMap":{"$retainKeys":["other"],"other":"bar"}}"#,
     #"{"retainKeysMap":{"other":"bar"}}"#),
    ("retainKeys map should clear defaulted field with conflict (discriminated union)",
     "{}", #"{"retainKeysMap":{"name":"type2","other":"bar"}}"#, #"{"retainKeysMap":{"name":"type1","value":"foo"}}"#,
     #"{"retainKeysMap":{"$retainKeys":["name","other"],"name":"type2","other":"bar"}}"#,
     #"{"retainKeysMap":{"name":"type2","other":"bar"}}"#),
    ("delete and reorder in one list, reorder in another",
     #"{"mergingList":[{"name":"a","value":"a"},{"name":"b","value":"b"}],"mergeItemPtr":[{"name":"c","value":"c"},{"name":"d","value":"d"}]}"#,
     #"{"mergingList":[{"name":"b","value":"b"}],"mergeItemPtr":[{"name":"d","value":"d"},{"name":"c","value":"c"}]}"#,
     #"{"mergingList":[{"name":"a","value":"a"},{"name":"b","value":"b"}],"mergeItemPtr":[{"name":"c","value":"c"},{"name":"d","value":"d"}]}"#,
     #"{"$setElementOrder/mergingList":[{"name":"b"}],"$setElementOrder/mergeItemPtr":[{"name":"d"},{"name":"c"}],"mergingList":[{"$patch":"delete","name":"a"}]}"#,
     #"{"mergingList":[{"name":"b","value":"b"}],"mergeItemPtr":[{"name":"d","value":"d"},{"name":"c","value":"c"}]}"#),
    ("add duplicate field to map in merging int list: nothing to do",
     #"{"mergingIntList":[1,2]}"#, #"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[1,2,3]}"#, "{}", #"{"mergingIntList":[1,2,3]}"#),
  ])
  func threeWay(_ name: String, _ original: String, _ modified: String, _ current: String, _ patch: String, _ result: String) throws {
    let computed = try ThreeWayMerge.patch(original: json(original), modified: json(modified), current: json(current), keys: mergeItemKeys)
    #expect(computed.type == .strategicMerge)
    #expect(computed.patch == json(patch), "\(name): \(computed.json)")
    let applied = try StrategicMergePatch.apply(computed.patch, to: json(current), keys: mergeItemKeys)
    #expect(applied == json(result), "\(name): \(applied.jsonString())")
  }

  @Test func twoWayPatchCarriesDeletionsAndOrder() throws {
    let patch = try StrategicMergePatch.create(
      from: json(#"{"mergingList":[{"name":1},{"name":2}],"simpleMap":{"a":"b"}}"#),
      to: json(#"{"mergingList":[{"name":2},{"name":3}]}"#), keys: mergeItemKeys)
    #expect(patch.jsonString()
      == #"{"$setElementOrder/mergingList":[{"name":2},{"name":3}],"mergingList":[{"name":3},{"$patch":"delete","name":1}],"simpleMap":null}"#)
  }
}

@Suite("Merge keys of the built-in kinds")
struct MergeKeysTests {
  @Test func podTemplatesInsideWorkloadsMergeLikePods() {
    for (apiVersion, kind, prefix) in [("v1", "Pod", "spec"), ("apps/v1", "Deployment", "spec.template.spec"),
                                       ("apps/v1", "ReplicaSet", "spec.template.spec"), ("apps/v1", "StatefulSet", "spec.template.spec"),
                                       ("batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec"), ("v1", "PodTemplate", "template.spec")] {
      let keys = MergeKeys.for(apiVersion: apiVersion, kind: kind)
      #expect(keys?.strategy(at: prefix + ".containers") == .merge(key: "name"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".initContainers") == .merge(key: "name"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".containers.ports") == .merge(key: "containerPort"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".containers.env") == .merge(key: "name"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".containers.volumeMounts") == .merge(key: "mountPath"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".volumes") == .mergeRetainingKeys(key: "name"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".imagePullSecrets") == .merge(key: "name"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".hostAliases") == .merge(key: "ip"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".topologySpreadConstraints") == .merge(key: "topologyKey"), "\(kind)")
      #expect(keys?.strategy(at: prefix + ".tolerations") == nil, "\(kind)")
      #expect(keys?.strategy(at: prefix + ".readinessGates") == nil, "\(kind)")
      #expect(keys?.strategy(at: "metadata.ownerReferences") == .merge(key: "uid"), "\(kind)")
      #expect(keys?.strategy(at: "metadata.finalizers") == .mergeScalars, "\(kind)")
    }
  }

  @Test func otherBuiltinFields() {
    #expect(MergeKeys.for(apiVersion: "v1", kind: "Service")?.strategy(at: "spec.ports") == .merge(key: "port"))
    #expect(MergeKeys.for(apiVersion: "v1", kind: "Endpoints")?.strategy(at: "subsets") == nil)
    #expect(MergeKeys.for(apiVersion: "v1", kind: "Pod")?.strategy(at: "status.conditions") == .merge(key: "type"))
    #expect(MergeKeys.for(apiVersion: "apps/v1", kind: "Deployment")?.strategy(at: "spec.strategy") == .retainKeys)
    #expect(MergeKeys.for(apiVersion: "v1", kind: "ServiceAccount")?.strategy(at: "secrets") == .merge(key: "name"))
    #expect(MergeKeys.for(apiVersion: "v1", kind: "ConfigMap")?.table.map(\.path) == ["metadata.finalizers", "metadata.ownerReferences"])
  }

  @Test func customResourcesHaveNone() {
    #expect(MergeKeys.for(apiVersion: "networking.istio.io/v1", kind: "VirtualService") == nil)
    #expect(MergeKeys.for(apiVersion: "networking.istio.io/v1beta1", kind: "DestinationRule") == nil)
    // A kind named like a built-in one in another group is a custom resource too.
    #expect(MergeKeys.for(apiVersion: "serving.knative.dev/v1", kind: "Service") == nil)
    #expect(MergeKeys.for(object: json(#"{"apiVersion":"apps/v1","kind":"Deployment"}"#)) != nil)
  }
}
