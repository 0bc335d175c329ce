/// The result of a request that returns no object: mostly an error, such as a missing or invalid object, which
/// kubectl prints as "Error from server"; some successful deletes return one too.
/// ---
/// meta.k8s.io/v1 Status; kubectl renders it as: Error from server (NotFound): pods "x" not found.
public struct Status: Codable, Sendable, Equatable, Error {
  /// The kind of object: "Status".
  public var kind: String? = "Status"
  /// The version of the API schema the object follows: "v1".
  public var apiVersion: String? = "v1"
  /// List metadata; it carries nothing for a Status.
  public var metadata: ListMeta? = ListMeta()
  /// The outcome: "Success" or "Failure".
  public var status: String?
  /// A human-readable description of the outcome.
  public var message: String?
  /// A CamelCase word saying why the request failed, such as "NotFound", "AlreadyExists", "Conflict" or
  /// "Invalid", for clients to act on; empty when no reason is known.
  public var reason: String?
  /// More about the failure: the object it concerns and, for an invalid object, one cause per problem. What
  /// appears depends on the reason.
  public var details: StatusDetails?
  /// The HTTP status code of the response, such as 404 or 422.
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

  /// A path the server does not serve (404), with empty details as the apiserver's router
  /// answers: clients tell it from a missing object by the empty name (kubectl debug reads
  /// it as "ephemeral containers are disabled").
  public static var routeNotFound: Status {
    Status(code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: StatusDetails())
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

/// The details of a Status: which object the request concerned and what went wrong with it.
public struct StatusDetails: Codable, Sendable, Equatable {
  /// The name of the object the request concerned, when there is one.
  public var name: String?
  /// The API group of the object's kind; empty for the core group.
  public var group: String?
  /// The kind of the object, or its resource name (such as "pods"), depending on the error.
  public var kind: String?
  /// The UID of the object, when known.
  public var uid: String?
  /// The individual problems behind the failure, such as one per invalid field.
  public var causes: [StatusCause]?
  /// How many seconds the client should wait before it retries, when the failure is temporary.
  public var retryAfterSeconds: Int32?

  public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause]? = nil) {
    self.name = name
    self.group = group?.isEmpty == true ? nil : group
    self.kind = kind
    self.causes = causes
  }
}

/// One problem behind a failed request, often one invalid field.
public struct StatusCause: Codable, Sendable, Equatable {
  /// A word for programs saying what the problem is, such as "FieldValueRequired" or "FieldValueInvalid".
  public var reason: String?
  /// A human-readable description of the problem.
  public var message: String?
  /// The field the problem is in, as a path such as "spec.containers[0].image"; empty when no one field is at
  /// fault.
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
