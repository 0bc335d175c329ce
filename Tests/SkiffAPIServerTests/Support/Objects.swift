import SkiffAPI

/// Request bodies as a client would send them.
enum Objects {
  static func json(_ text: String) -> JSONValue {
    do {
      return try JSONValue(parsing: text)
    } catch {
      fatalError("bad test JSON: \(error): \(text)")
    }
  }

  static func labelsJSON(_ labels: [String: String]) -> String {
    JSONValue.object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })).jsonString()
  }

  static func configMap(_ name: String, namespace: String? = nil, labels: [String: String] = [:], data: [String: String] = ["k": "v"]) -> JSONValue {
    let ns = namespace.map { #","namespace":"\#($0)""# } ?? ""
    let dataJSON = JSONValue.object(JSONObject(data.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })).jsonString()
    return json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"\#(ns),"labels":\#(labelsJSON(labels))},"data":\#(dataJSON)}"#)
  }

  static func pod(_ name: String, labels: [String: String] = [:], image: String = "busybox:1.36", extraSpec: String = "") -> JSONValue {
    json(#"""
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":\#(labelsJSON(labels))},
       "spec":{"containers":[{"name":"app","image":"\#(image)"}]\#(extraSpec)}}
      """#)
  }

  static func deployment(
    _ name: String, replicas: Int = 3, image: String = "greeter:v1", strategy: String = ""
  ) -> JSONValue {
    json(#"""
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)"},
       "spec":{"replicas":\#(replicas),"selector":{"matchLabels":{"app":"\#(name)"}},\#(strategy)
         "template":{"metadata":{"labels":{"app":"\#(name)"}},
           "spec":{"containers":[{"name":"app","image":"\#(image)"}]}}}}
      """#)
  }

  static func virtualService(_ name: String, host: String) -> JSONValue {
    json(#"""
      {"apiVersion":"networking.istio.io/v1alpha3","kind":"VirtualService","metadata":{"name":"\#(name)"},
       "spec":{"hosts":["\#(host)"],"http":[{"route":[{"destination":{"host":"\#(host)"}}]}]}}
      """#)
  }

  static func destinationRule(_ name: String, host: String) -> JSONValue {
    json(#"""
      {"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"\#(name)"},
       "spec":{"host":"\#(host)","trafficPolicy":{"loadBalancer":{"simple":"ROUND_ROBIN"}}}}
      """#)
  }
}

extension JSONValue {
  /// `metadata.name`.
  var name: String? { value(at: ["metadata", "name"])?.stringValue }
  /// `metadata.resourceVersion`.
  var resourceVersion: String? { value(at: ["metadata", "resourceVersion"])?.stringValue }
  /// `metadata.name` of each of `items`.
  var itemNames: [String] { (self["items"]?.arrayValue ?? []).compactMap(\.name) }
  func at(_ path: String) -> JSONValue? { value(at: path.split(separator: ".").map(String.init)) }
}
