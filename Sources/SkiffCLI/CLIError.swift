import SkiffAPI

/// A failure the CLI reports the way kubectl does: to stderr, exit code 1.
public struct CLIError: Error, CustomStringConvertible {
  public var message: String
  public var exitCode: Int32

  public init(_ message: String, exitCode: Int32 = 1) {
    self.message = message
    self.exitCode = exitCode
  }

  public var description: String { message }

  /// kubectl's rendering of a server Status: `Error from server (NotFound): pods "x" not
  /// found`; for Invalid, `The Deployment "x" is invalid: <field>: <cause>`. `context` is
  /// kubectl's `error when creating "f.yaml": ` prefix.
  public static func fromServer(_ response: APIResponse, context: String = "") -> CLIError {
    guard let json = response.json, json["kind"]?.stringValue == "Status" else {
      let body = String(decoding: response.body, as: UTF8.self)
      return CLIError("Error from server: \(context)\(body.isEmpty ? "HTTP \(response.status)" : body)")
    }
    let reason = json["reason"]?.stringValue ?? ""
    let message = json["message"]?.stringValue ?? ""
    if reason == "Invalid" {
      let details = json["details"]
      let kind = details?["kind"]?.stringValue ?? ""
      let name = details?["name"]?.stringValue ?? ""
      let causes = (details?["causes"]?.arrayValue ?? []).map { cause -> String in
        let field = cause["field"]?.stringValue ?? ""
        let text = cause["message"]?.stringValue ?? ""
        return field.isEmpty ? text : "\(field): \(text)"
      }
      let subject = kind.isEmpty || name.isEmpty ? "The request is invalid" : "The \(kindName(kind)) \"\(name)\" is invalid"
      if causes.count == 1 { return CLIError("\(context)\(subject): \(causes[0])") }
      if causes.isEmpty { return CLIError("\(context)\(subject): \(message)") }
      return CLIError("\(context)\(subject): \n" + causes.map { "* \($0)" }.joined(separator: "\n"))
    }
    if response.status == 401 { return CLIError("error: You must be logged in to the server (\(message))") }
    if reason.isEmpty { return CLIError("Error from server: \(context)\(message)") }
    return CLIError("Error from server (\(reason)): \(context)\(message)")
  }

  /// The server's own message (Go's `err.Error()` of a StatusError), for errors kubectl
  /// wraps in its own words (`failed to patch: <message>`).
  public static func serverMessage(_ response: APIResponse) -> String {
    if let message = response.json?["message"]?.stringValue, !message.isEmpty { return message }
    let body = String(decoding: response.body, as: UTF8.self)
    return body.isEmpty ? "HTTP \(response.status)" : body
  }

  /// Status details name a resource (`deployments`); kubectl's Invalid text names the Kind.
  static func kindName(_ resourceOrKind: String) -> String {
    APIRegistry.resource(named: resourceOrKind)?.resourceInfo.kind ?? resourceOrKind
  }
}
