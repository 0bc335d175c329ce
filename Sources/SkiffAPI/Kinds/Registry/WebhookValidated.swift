/// A kind a validating admission webhook checks after the API server's own validation
/// passed, as Istio's `validation.istio.io` checks networking.istio.io objects. Its
/// denials read `admission webhook "validation.istio.io" denied the request: ...`.
public protocol WebhookValidated: APIObject {
  /// The webhook's name as the denial quotes it.
  static var webhookName: String { get }

  /// Nil when the webhook allows the object; else its message
  /// (`configuration is invalid: total destination weight = 0`).
  func webhookDenial(old: Self?) -> String?
}

/// A webhook's refusal, as the API server reports it (400, no reason).
public struct AdmissionDenial: Error, Sendable, Equatable, CustomStringConvertible {
  public var webhook: String
  public var reason: String

  public init(webhook: String, reason: String) {
    self.webhook = webhook
    self.reason = reason
  }

  /// `admission webhook "validation.istio.io" denied the request: configuration is invalid: ...`
  public var message: String { "admission webhook \"\(webhook)\" denied the request: \(reason)" }
  public var description: String { message }
  public var status: Status { Status(code: 400, reason: "", message: message) }
}
