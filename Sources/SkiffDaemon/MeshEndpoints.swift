import NIOHTTP1
import SkiffAPI
import SkiffAPIServer
import SkiffMesh
import SkiffMeshConfig

/// Skiff's mesh views on the API socket, for `skiff proxy-status` and `skiff proxy-config`
/// (istioctl's two commands): `/skiff/v1/proxy-status` (text table) and
/// `/skiff/v1/proxy-config/<namespace>/<pod>` (the proxy's snapshot as JSON).
struct MeshEndpoints: Sendable {
  let server: MeshConfigServer

  var routes: [String: @Sendable (HTTPRequest) async throws -> HTTPResponse] {
    let server = self.server
    return [
      "/skiff/v1/proxy-status": { _ in
        HTTPResponse(status: .ok, contentType: "text/plain", bytes: Array(server.proxyStatusTable().utf8))
      },
      "/skiff/v1/proxy-config/": { request in
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count == 5 else { throw Status.badRequest("use /skiff/v1/proxy-config/<namespace>/<pod>") }
        let proxy = ProxyIdentity(namespace: parts[3], name: parts[4])
        guard let snapshot = server.snapshot(for: proxy) else {
          throw Status(code: 404, reason: "NotFound",
            message: "proxy \(proxy) not found: the pod has no sidecar, or it is not running")
        }
        let json = try JSONValueEncoder().encode(snapshot.redacted())
        var body = json
        if let status = server.status(of: proxy) {
          body["syncStatus"] = .string(String(describing: status))
        }
        return HTTPResponse(status: .ok, contentType: "application/json", bytes: Array(body.prettyJSONString(indent: 2).utf8))
      },
    ]
  }
}
