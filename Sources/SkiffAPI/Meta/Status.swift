/// `meta.k8s.io/v1 Status`: what the API server answers on errors (and some successes),
/// and what kubectl renders as `Error from server (NotFound): pods "x" not found`.
public struct Status: Codable, Sendable, Equatable, Error {
  public var kind: String? = "Status"
  public var apiVersion: String? = "v1"
  public var metadata: ListMeta? = ListMeta()
  public var status: String?
  public var message: String?
  public var reason: String?
  public var details: StatusDetails?
  public var code: Int32?

  public init(code: Int32, reason: String, message: String, details: StatusDetails? = nil) {
    self.status = code < 400 ? "Success" : "Failure"
    self.code = code
    self.reason = reason.isEmpty ? nil : reason
    self.message = message
    self.details = details
  }

  /// `pods "x" not found` (404).
  public static func notFound(_ resource: GroupResource, _ name: String) -> Status {
    Status(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found",
           details: StatusDetails(name: name, group: resource.group, kind: resource.resource))
  }

  /// `deployments.apps "x" already exists` (409).
  public static func alreadyExists(_ resource: GroupResource, _ name: String) -> Status {
    Status(code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists",
           details: StatusDetails(name: name, group: resource.group, kind: resource.resource))
  }

  /// A write against a stale resourceVersion (409).
  public static func conflict(_ resource: GroupResource, _ name: String, _ why: String) -> Status {
    Status(code: 409, reason: "Conflict",
           message: "Operation cannot be fulfilled on \(resource) \"\(name)\": \(why)",
           details: StatusDetails(name: name, group: resource.group, kind: resource.resource))
  }

  /// `The Deployment "x" is invalid: <causes>` (422), with one cause per field error.
  public static func invalid(kind: String, group: String, name: String, _ errors: [FieldError]) -> Status {
    let causes = errors.map { StatusCause(reason: $0.kind.rawValue, message: $0.message, field: $0.field) }
    return Status(code: 422, reason: "Invalid",
                  message: "\(kind)\(group.isEmpty ? "" : ".\(group)") \"\(name)\" is invalid: \(errors.aggregateMessage)",
                  details: StatusDetails(name: name, group: group, kind: kind, causes: causes))
  }

  public static func badRequest(_ message: String) -> Status {
    Status(code: 400, reason: "BadRequest", message: message)
  }

  public static func methodNotAllowed(_ message: String) -> Status {
    Status(code: 405, reason: "MethodNotAllowed", message: message)
  }

  public static func internalError(_ message: String) -> Status {
    Status(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
  }

  /// The requested watch history is gone (410).
  public static func gone(_ message: String) -> Status {
    Status(code: 410, reason: "Expired", message: message)
  }

  public static func success() -> Status {
    Status(code: 200, reason: "", message: "")
  }
}

public struct StatusDetails: Codable, Sendable, Equatable {
  public var name: String?
  public var group: String?
  public var kind: String?
  public var uid: String?
  public var causes: [StatusCause]?
  public var retryAfterSeconds: Int32?

  public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause]? = nil) {
    self.name = name
    self.group = group?.isEmpty == true ? nil : group
    self.kind = kind
    self.causes = causes
  }
}

public struct StatusCause: Codable, Sendable, Equatable {
  public var reason: String?
  public var message: String?
  public var field: String?

  public init(reason: String?, message: String?, field: String?) {
    self.reason = reason
    self.message = message
    self.field = field
  }
}

/// A resource named with its group, as errors name it: `pods`, `deployments.apps`,
/// `virtualservices.networking.istio.io`.
public struct GroupResource: Sendable, Hashable, CustomStringConvertible {
  public var group: String
  public var resource: String

  public init(group: String, resource: String) {
    self.group = group
    self.resource = resource
  }

  public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }
}

extension Status: CustomStringConvertible {
  /// What `kubectl` prints for a failed request: the message, and the HTTP code and reason
  /// (`Pod "x" is invalid: [...] (422 Invalid)`).
  public var description: String {
    var text = message ?? status ?? "unknown error"
    if let code {
      text += " (\(code)\(reason.map { " " + $0 } ?? ""))"
    }
    return text
  }
}
