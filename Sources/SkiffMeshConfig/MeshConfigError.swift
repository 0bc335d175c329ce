/// Why a snapshot or a config stream was refused, with the code that names the failure
/// and a message a user can act on. A NACK's `error_detail` is this description.
public struct MeshConfigError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Code: String, Sendable, Hashable {
    /// The bytes are not a snapshot (JSON or schema error).
    case malformed
    /// A snapshot that decodes but breaks a rule (duplicate names, dangling references,
    /// a regex that does not compile, ...).
    case invalid
    /// A snapshot meant for another proxy.
    case wrongProxy
  }

  public var code: Code
  /// Every problem found, one per line.
  public var problems: [String]

  public init(_ code: Code, _ problems: [String]) {
    self.code = code
    self.problems = problems
  }

  public init(_ code: Code, _ problem: String) {
    self.init(code, [problem])
  }

  public var description: String {
    problems.count == 1
      ? "\(code.rawValue) snapshot: \(problems[0])"
      : "\(code.rawValue) snapshot: \(problems.count) errors occurred:\n" + problems.map { "\t* \($0)" }.joined(separator: "\n")
  }
}
