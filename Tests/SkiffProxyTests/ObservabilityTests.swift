import Testing

@testable import SkiffProxy

@Suite struct ObservabilityTests {
  @Test func accessLogLineHasEnvoysDefaultFormat() {
    let entry = AccessLogEntry(
      startSeconds: 1_707_316_634, startMilliseconds: 7, method: "POST", path: "/helloworld.Greeter/SayHello",
      protocol: "HTTP/2", responseCode: 200, flags: [.upstreamConnectionFailure, .upstreamRetryLimitExceeded],
      responseCodeDetails: "via_upstream", upstreamTransportFailureReason: nil, bytesReceived: 12, bytesSent: 40,
      durationMilliseconds: 3, upstreamServiceTimeMilliseconds: 2, forwardedFor: nil, userAgent: "grpc-go/1.60",
      requestID: nil, authority: "istio-grpc-server:8080", upstreamHost: "10.244.0.7:8080",
      upstreamCluster: "outbound|8080||istio-grpc-server.grpc-sidecar.svc.cluster.local", upstreamLocalAddress: "10.244.0.5:40112",
      downstreamLocalAddress: "10.96.0.20:8080", downstreamRemoteAddress: "10.244.0.5:51234", routeName: "default")
    #expect(
      entry.line
        == "[2024-02-07T14:37:14.007Z] \"POST /helloworld.Greeter/SayHello HTTP/2\" 200 UF,URX via_upstream - \"-\" 12 40 3 2 \"-\" \"grpc-go/1.60\" \"-\" \"istio-grpc-server:8080\" \"10.244.0.7:8080\" outbound|8080||istio-grpc-server.grpc-sidecar.svc.cluster.local 10.244.0.5:40112 10.96.0.20:8080 10.244.0.5:51234 - default"
    )
  }

  @Test func prometheusTextHasClusterCountersAndHistogram() {
    let stats = ProxyStats()
    stats.upstreamConnectionOpened(cluster: "c")
    stats.requestFinished(cluster: "c", code: 200, grpcStatus: 0, flags: [], grpc: true, milliseconds: 0.7)
    stats.requestFinished(cluster: "c", code: 503, grpcStatus: nil, flags: .noHealthyUpstream, grpc: false, milliseconds: 0.1)
    let text = stats.prometheusText()
    #expect(text.contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"c\"} 2\n"))
    #expect(text.contains("envoy_cluster_upstream_rq{envoy_response_code=\"503\",envoy_cluster_name=\"c\"} 1\n"))
    #expect(text.contains("envoy_cluster_upstream_rq_xx{envoy_response_code_class=\"2\",envoy_cluster_name=\"c\"} 1\n"))
    #expect(text.contains("envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"c\",le=\"0.5\"} 1\n"))
    #expect(text.contains("envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"c\",le=\"1\"} 2\n"))
    #expect(text.contains("envoy_cluster_upstream_cx_active{envoy_cluster_name=\"c\"} 1\n"))
    #expect(text.contains("response_code=\"200\",grpc_response_status=\"0\",response_flags=\"-\"} 1\n"))
  }

  @Test func istioRequestsTotalCountsEachKindPerCluster() {
    let stats = ProxyStats()
    for _ in 0..<3 { stats.requestFinished(cluster: "b", code: 200, grpcStatus: 0, flags: [], grpc: true, milliseconds: 1) }
    stats.requestFinished(cluster: "b", code: 200, grpcStatus: 14, flags: [], grpc: true, milliseconds: 1)
    stats.requestFinished(cluster: "a", code: 503, grpcStatus: nil, flags: .upstreamConnectionFailure, grpc: false, milliseconds: 1)
    // Without a cluster (a local reply before routing) the series is "-", merged with a cluster of that name.
    stats.requestFinished(cluster: nil, code: 404, grpcStatus: nil, flags: .noRouteFound, grpc: false, milliseconds: 1)
    stats.requestFinished(cluster: "-", code: 404, grpcStatus: nil, flags: .noRouteFound, grpc: false, milliseconds: 1)
    let lines = stats.prometheusText().split(separator: "\n").filter { $0.hasPrefix("istio_requests_total{") }.map(String.init)
    #expect(lines.count == 4)
    #expect(
      lines.prefix(2) == [
        "istio_requests_total{reporter=\"source\",destination_cluster=\"-\",request_protocol=\"http\",response_code=\"404\",grpc_response_status=\"\",response_flags=\"NR\"} 2",
        "istio_requests_total{reporter=\"source\",destination_cluster=\"a\",request_protocol=\"http\",response_code=\"503\",grpc_response_status=\"\",response_flags=\"UF\"} 1",
      ])
    // Same cluster, code and flags: in either order.
    #expect(
      Set(lines.suffix(2)) == [
        "istio_requests_total{reporter=\"source\",destination_cluster=\"b\",request_protocol=\"grpc\",response_code=\"200\",grpc_response_status=\"0\",response_flags=\"-\"} 3",
        "istio_requests_total{reporter=\"source\",destination_cluster=\"b\",request_protocol=\"grpc\",response_code=\"200\",grpc_response_status=\"14\",response_flags=\"-\"} 1",
      ])
    #expect(stats.downstreamRequests == 7)
    #expect(stats.cluster("-")?.requests == 1 && stats.cluster("b")?.requests == 4)
  }

  @Test func retryOnParsesIstiosVocabulary() throws {
    let (conditions, codes) = try RetryPolicy.parseRetryOn("connect-failure,refused-stream,unavailable,cancelled,503").get()
    #expect(conditions.contains(.connectFailure))
    #expect(conditions.contains(.refusedStream))
    #expect(conditions.contains(.grpcUnavailable))
    #expect(conditions.contains(.grpcCancelled))
    #expect(codes == [503])
    let policy = RetryPolicy(attempts: 2, retryOn: conditions, retriableStatusCodes: codes)
    #expect(policy.retriesStatus(503))
    #expect(!policy.retriesStatus(500))
    #expect(policy.retriesGRPCStatus(14))
    #expect(!policy.retriesGRPCStatus(2))
    #expect(policy.retriesReset(.refusedStream))
    #expect(!policy.retriesReset(.internalError))
    #expect(throws: RetryOnError(name: "sometimes")) { try RetryPolicy.parseRetryOn("5xx,sometimes").get() }
  }

  @Test func grpcStatusMappingOfLocalReplies() {
    #expect(LocalReply.grpcStatus(forHTTPStatus: 503) == 14)
    #expect(LocalReply.grpcStatus(forHTTPStatus: 504) == 14)
    #expect(LocalReply.grpcStatus(forHTTPStatus: 404) == 12)
    #expect(LocalReply.grpcStatus(forHTTPStatus: 400) == 13)
    #expect(LocalReply.grpcStatus(forHTTPStatus: 418) == 2)
  }

  @Test func grpcTimeoutHeader() {
    #expect(ProxyStream.parseGRPCTimeout("100m") == .milliseconds(100))
    #expect(ProxyStream.parseGRPCTimeout("2S") == .seconds(2))
    #expect(ProxyStream.parseGRPCTimeout("1H") == .seconds(3600))
    #expect(ProxyStream.parseGRPCTimeout("abc") == nil)
  }
}
