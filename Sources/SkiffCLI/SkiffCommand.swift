public import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `skiff`: a kubectl-style command line for a single-node cluster, plus the verbs that
/// manage the cluster itself (`up`, `down`, `status`, `daemon`).
public struct SkiffCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "skiff",
    abstract: "Skiff: a single-node Kubernetes-compatible cluster with a built-in service mesh.",
    discussion: "Verbs and flags follow kubectl's: skiff get pods -n NAMESPACE, skiff apply -f FILE, ...",
    subcommands: [
      Up.self, Down.self, StatusCommand.self, DaemonCommand.self,
      Apply.self, Create.self, Get.self, Describe.self, Edit.self, Delete.self,
      Label.self, Annotate.self, Scale.self, Rollout.self, Events.self,
      Version.self, APIResources.self, Completion.self,
    ])

  public init() {}

  /// Runs the command line, printing errors as kubectl does (stderr, exit 1).
  public static func runMain() async -> Never {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      exit(0)
    } catch let error as CLIError {
      if !error.message.isEmpty { Console.err(error.message.hasSuffix("\n") ? error.message : error.message + "\n") }
      exit(error.exitCode)
    } catch let error as ClientError {
      Console.err(error.description + "\n")
      exit(1)
    } catch {
      let code = exitCode(for: error)
      if code == .failure {
        // A CLIError thrown from validate() arrives wrapped; its text is kubectl's already.
        let message = self.message(for: error)
        if !message.isEmpty { Console.err(message.hasSuffix("\n") ? message : message + "\n") }
        exit(1)
      }
      if code == .validationFailure {
        // Usage errors exit 1, as kubectl's do.
        var message = fullMessage(for: error)
        if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
        Console.err(message.hasSuffix("\n") ? message : message + "\n")
        exit(1)
      }
      exit(code.rawValue) { exitCode in
        let message = fullMessage(for: error)
        guard !message.isEmpty else { return }
        // Help, version and completion answers go to stdout (shells read completions there).
        if exitCode == 0 { Console.out(message + "\n") } else { Console.err(message + "\n") }
      }
    }
  }

  static func exit(_ code: Int32, _ before: (Int32) -> Void = { _ in }) -> Never {
    before(code)
    Glibc.exit(code)
  }
}
