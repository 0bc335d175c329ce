// Hand-written coding so the JSON reads like the Istio/Envoy fields it stands for
// (`{"prefix":"/api"}`, `{"weightedClusters":[...]}`) rather than Swift's `_0` form.

extension StringMatcher {
  private enum CodingKeys: String, CodingKey { case exact, prefix, regex }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let value = try container.decodeIfPresent(String.self, forKey: .exact) {
      self = .exact(value)
    } else if let value = try container.decodeIfPresent(String.self, forKey: .prefix) {
      self = .prefix(value)
    } else if let value = try container.decodeIfPresent(String.self, forKey: .regex) {
      self = .regex(value)
    } else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "string match needs exact, prefix or regex"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .exact(let value): try container.encode(value, forKey: .exact)
    case .prefix(let value): try container.encode(value, forKey: .prefix)
    case .regex(let value): try container.encode(value, forKey: .regex)
    }
  }
}

extension RouteAction {
  private enum CodingKeys: String, CodingKey { case weightedClusters, directResponse, redirect }
  private struct Reply: Codable { var status: Int; var body: String? }
  private struct Redirect: Codable { var status: Int; var location: String }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if let clusters = try container.decodeIfPresent([WeightedCluster].self, forKey: .weightedClusters) {
      self = .weightedClusters(clusters)
    } else if let reply = try container.decodeIfPresent(Reply.self, forKey: .directResponse) {
      self = .directResponse(status: reply.status, body: reply.body)
    } else if let redirect = try container.decodeIfPresent(Redirect.self, forKey: .redirect) {
      self = .redirect(status: redirect.status, location: redirect.location)
    } else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "route action needs weightedClusters, directResponse or redirect"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .weightedClusters(let clusters): try container.encode(clusters, forKey: .weightedClusters)
    case .directResponse(let status, let body): try container.encode(Reply(status: status, body: body), forKey: .directResponse)
    case .redirect(let status, let location):
      try container.encode(Redirect(status: status, location: location), forKey: .redirect)
    }
  }
}
