/// A container runtime failure, naming the stage it happened in, as runc/youki do:
/// `mount /proc in container abc: EPERM`.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
  public var stage: String
  public var message: String

  public init(stage: String, _ message: String) {
    self.stage = stage
    self.message = message
  }

  public var description: String { "\(stage): \(message)" }

  /// What a user is shown: exec failures read as runc words them (`exec: "/bin/foo": stat
  /// /bin/foo: no such file or directory`), other failures name their stage.
  public var userMessage: String { stage == "exec" ? message : description }
}
