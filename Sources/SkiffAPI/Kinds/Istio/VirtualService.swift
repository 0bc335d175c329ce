/// An Istio VirtualService (networking.istio.io/v1): how requests for some hosts are
/// matched and routed, with weights, retries, timeouts, faults and mirrors.
public struct VirtualService: APIObject, Equatable {
  public static let resourceInfo = ResourceInfo(
    group: "networking.istio.io", version: "v1", servedVersions: ["v1", "v1beta1", "v1alpha3"],
    kind: "VirtualService", plural: "virtualservices", namespaced: true, shortNames: ["vs"],
    categories: ["istio-io", "networking-istio-io"])

  public var apiVersion: String?
  public var kind: String?
  public var metadata: ObjectMeta
  public var spec: VirtualServiceSpec?
  /// Free-form, as the CRD declares it.
  public var status: JSONValue?

  public init(metadata: ObjectMeta = ObjectMeta(), spec: VirtualServiceSpec? = nil) {
    self.apiVersion = Self.resourceInfo.apiVersion
    self.kind = Self.resourceInfo.kind
    self.metadata = metadata
    self.spec = spec
  }
}

public struct VirtualServiceSpec: Codable, Sendable, Equatable {
  public var exportTo: [String]?
  /// Gateways and sidecars the rules apply to; none means `mesh` (every sidecar).
  public var gateways: [String]?
  public var hosts: [String]?
  public var http: [HTTPRoute]?
  public var tcp: [TCPRoute]?
  public var tls: [TLSRoute]?

  public init(hosts: [String]?, http: [HTTPRoute]? = nil) {
    self.hosts = hosts
    self.http = http
  }
}

/// One HTTP rule: conditions, then where matching requests go and what is done to them.
public struct HTTPRoute: Codable, Sendable, Equatable {
  public var corsPolicy: CorsPolicy?
  public var delegate: Delegate?
  public var directResponse: HTTPDirectResponse?
  public var fault: HTTPFaultInjection?
  public var headers: Headers?
  public var match: [HTTPMatchRequest]?
  public var mirror: Destination?
  // The snake_case spelling is in the CRD schema too (deprecated, as is `mirrorPercent`).
  public var mirror_percent: UInt32?
  public var mirrorPercent: UInt32?
  public var mirrorPercentage: Percent?
  public var mirrors: [HTTPMirrorPolicy]?
  public var name: String?
  public var redirect: HTTPRedirect?
  public var retries: HTTPRetry?
  public var rewrite: HTTPRewrite?
  public var route: [HTTPRouteDestination]?
  public var timeout: String?

  public init(match: [HTTPMatchRequest]? = nil, route: [HTTPRouteDestination]? = nil) {
    self.match = match
    self.route = route
  }
}

/// Conditions of one match block; all must hold.
public struct HTTPMatchRequest: Codable, Sendable, Equatable {
  public var authority: StringMatch?
  public var gateways: [String]?
  public var headers: [String: StringMatch]?
  public var ignoreUriCase: Bool?
  public var method: StringMatch?
  public var name: String?
  public var port: UInt32?
  public var queryParams: [String: StringMatch]?
  public var scheme: StringMatch?
  public var sourceLabels: [String: String]?
  public var sourceNamespace: String?
  public var statPrefix: String?
  public var uri: StringMatch?
  public var withoutHeaders: [String: StringMatch]?

  public init(uri: StringMatch? = nil, port: UInt32? = nil, headers: [String: StringMatch]? = nil) {
    self.uri = uri
    self.port = port
    self.headers = headers
  }
}

public struct HTTPRouteDestination: Codable, Sendable, Equatable {
  public var destination: Destination?
  public var headers: Headers?
  /// Relative weight; a single destination takes all traffic whatever its weight.
  public var weight: Int32?

  public init(destination: Destination?, weight: Int32? = nil) {
    self.destination = destination
    self.weight = weight
  }
}

public struct Headers: Codable, Sendable, Equatable {
  public var request: HeaderOperations?
  public var response: HeaderOperations?

  public init(request: HeaderOperations? = nil, response: HeaderOperations? = nil) {
    self.request = request
    self.response = response
  }

  public struct HeaderOperations: Codable, Sendable, Equatable {
    public var add: [String: String]?
    public var remove: [String]?
    public var set: [String: String]?

    public init(add: [String: String]? = nil, remove: [String]? = nil, set: [String: String]? = nil) {
      self.add = add
      self.remove = remove
      self.set = set
    }
  }
}

public struct Delegate: Codable, Sendable, Equatable {
  public var name: String?
  public var namespace: String?
}

public struct HTTPDirectResponse: Codable, Sendable, Equatable {
  public var body: Body?
  public var status: UInt32?

  public struct Body: Codable, Sendable, Equatable {
    public var bytes: String?
    public var string: String?
  }
}

public struct HTTPRedirect: Codable, Sendable, Equatable {
  public var authority: String?
  public var derivePort: String?
  public var port: UInt32?
  public var prefixRewrite: String?
  public var redirectCode: UInt32?
  public var scheme: String?
  public var uri: String?
}

public struct HTTPRewrite: Codable, Sendable, Equatable {
  public var authority: String?
  public var uri: String?
  public var uriRegexRewrite: RegexRewrite?

  public struct RegexRewrite: Codable, Sendable, Equatable {
    public var match: String?
    public var rewrite: String?
  }
}

public struct HTTPRetry: Codable, Sendable, Equatable {
  public var attempts: Int32?
  public var backoff: String?
  public var perTryTimeout: String?
  public var retryIgnorePreviousHosts: Bool?
  /// Comma-separated Envoy retry conditions and status codes: `5xx,connect-failure,503`.
  public var retryOn: String?
  public var retryRemoteLocalities: Bool?

  public init(attempts: Int32?, perTryTimeout: String? = nil, retryOn: String? = nil) {
    self.attempts = attempts
    self.perTryTimeout = perTryTimeout
    self.retryOn = retryOn
  }
}

public struct HTTPFaultInjection: Codable, Sendable, Equatable {
  public var abort: Abort?
  public var delay: Delay?

  public init(abort: Abort? = nil, delay: Delay? = nil) {
    self.abort = abort
    self.delay = delay
  }

  public struct Abort: Codable, Sendable, Equatable {
    public var grpcStatus: String?
    public var http2Error: String?
    public var httpStatus: Int32?
    public var percentage: Percent?

    public init(httpStatus: Int32? = nil, grpcStatus: String? = nil, percentage: Percent? = nil) {
      self.httpStatus = httpStatus
      self.grpcStatus = grpcStatus
      self.percentage = percentage
    }
  }

  public struct Delay: Codable, Sendable, Equatable {
    public var exponentialDelay: String?
    public var fixedDelay: String?
    public var percent: Int32?
    public var percentage: Percent?

    public init(fixedDelay: String?, percentage: Percent? = nil) {
      self.fixedDelay = fixedDelay
      self.percentage = percentage
    }
  }
}

public struct HTTPMirrorPolicy: Codable, Sendable, Equatable {
  public var destination: Destination?
  public var percentage: Percent?
}

public struct CorsPolicy: Codable, Sendable, Equatable {
  public var allowCredentials: Bool?
  public var allowHeaders: [String]?
  public var allowMethods: [String]?
  public var allowOrigin: [String]?
  public var allowOrigins: [StringMatch]?
  public var exposeHeaders: [String]?
  public var maxAge: String?
  public var unmatchedPreflights: String?
}

public struct TCPRoute: Codable, Sendable, Equatable {
  public var match: [L4MatchAttributes]?
  public var route: [RouteDestination]?
}

public struct L4MatchAttributes: Codable, Sendable, Equatable {
  public var destinationSubnets: [String]?
  public var gateways: [String]?
  public var port: UInt32?
  public var sourceLabels: [String: String]?
  public var sourceNamespace: String?
  public var sourceSubnet: String?
}

public struct RouteDestination: Codable, Sendable, Equatable {
  public var destination: Destination?
  public var weight: Int32?
}

public struct TLSRoute: Codable, Sendable, Equatable {
  public var match: [TLSMatchAttributes]?
  public var route: [RouteDestination]?
}

public struct TLSMatchAttributes: Codable, Sendable, Equatable {
  public var destinationSubnets: [String]?
  public var gateways: [String]?
  public var port: UInt32?
  public var sniHosts: [String]?
  public var sourceLabels: [String: String]?
  public var sourceNamespace: String?
}
