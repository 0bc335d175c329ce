public import GRPCCore

extension RPCError.Code {
  /// The code's name as grpc-go's `codes.Code.String()` prints it (`Unavailable`, `DeadlineExceeded`).
  public var goName: String {
    switch self {
    case .cancelled: return "Canceled"
    case .unknown: return "Unknown"
    case .invalidArgument: return "InvalidArgument"
    case .deadlineExceeded: return "DeadlineExceeded"
    case .notFound: return "NotFound"
    case .alreadyExists: return "AlreadyExists"
    case .permissionDenied: return "PermissionDenied"
    case .resourceExhausted: return "ResourceExhausted"
    case .failedPrecondition: return "FailedPrecondition"
    case .aborted: return "Aborted"
    case .outOfRange: return "OutOfRange"
    case .unimplemented: return "Unimplemented"
    case .internalError: return "Internal"
    case .unavailable: return "Unavailable"
    case .dataLoss: return "DataLoss"
    case .unauthenticated: return "Unauthenticated"
    default: return "Code(\(rawValue))"
    }
  }
}

extension RPCError {
  /// The error as grpc-go's `status.Error` prints it: `rpc error: code = Unavailable desc = ...`.
  public var goDescription: String {
    var desc = message
    if let cause {
      let causeText = String(describing: cause)
      if !causeText.isEmpty && !desc.contains(causeText) {
        desc += desc.isEmpty ? causeText : ": " + causeText
      }
    }
    return "rpc error: code = \(code.goName) desc = \(desc)"
  }
}

/// Any error as a gRPC Go program would print it.
func goErrorText(_ error: any Error) -> String {
  if let rpc = error as? RPCError { return rpc.goDescription }
  if let convertible = error as? any RPCErrorConvertible {
    return RPCError(convertible).goDescription
  }
  return String(describing: error)
}
