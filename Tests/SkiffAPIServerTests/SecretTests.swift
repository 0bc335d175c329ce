import NIOHTTP1
import SkiffAPI
import Testing

/// Secrets through the API, as `kubectl create secret` and manifests send them.
@Suite("secrets")
struct SecretTests {
  let secrets = "/api/v1/namespaces/default/secrets"

  @Test func stringDataIsEncodedIntoDataAndNeverReturned() async throws {
    try await TestCluster.with { cluster in
      let body = Objects.json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"user":"b2xk"},"stringData":{"user":"admin","password":"s3cr3t!"}}"#)
      let created = try await cluster.client.post(secrets, body)
      #expect(created.status == 201)
      #expect(created.json["data"] == ["user": "YWRtaW4=", "password": "czNjcjN0IQ=="])
      #expect(created.json["stringData"] == nil)
      #expect(created.json["type"] == "Opaque")
      let read = try await cluster.client.get("\(secrets)/db")
      #expect(read.json["data"] == created.json["data"])

      let table = try await cluster.client.get(secrets, headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
      #expect(table.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Type", "Data", "Age"])
      #expect(table.json["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.prefix(3) == ["db", "Opaque", 2])
    }
  }

  @Test func badBase64AndTypeChangesAreRefusedAsTheApiserverRefusesThem() async throws {
    try await TestCluster.with { cluster in
      let bad = try await cluster.client.post(
        secrets, Objects.json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad"},"data":{"k":"not base64!"}}"#))
      #expect(bad.status == 400)
      #expect(bad.json["message"] == #"Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3"#)
      let binary = try await cluster.client.post(
        "/api/v1/namespaces/default/configmaps",
        Objects.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bin"},"binaryData":{"k":"abc"}}"#))
      #expect(binary.status == 400)
      #expect(binary.json["message"]?.stringValue?.hasSuffix("illegal base64 data at input byte 0") == true)

      #expect(try await cluster.client.post(secrets, Objects.json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}"#)).status == 201)
      let retyped = try await cluster.client.request(
        .PATCH, "\(secrets)/s", body: Array(#"{"type":"kubernetes.io/tls","data":{"tls.crt":"eA==","tls.key":"eA=="}}"#.utf8),
        headers: [("Content-Type", "application/merge-patch+json")])
      #expect(retyped.status == 422)
      #expect(retyped.json["message"] == #"Secret "s" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable"#)
    }
  }
}
