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
      Apply.self, Create.self, Get.self, Delete.self, Logs.self, Exec.self,
      Version.self, APIResources.self,
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
      exit(exitCode(for: error).rawValue) { exitCode in
        let message = fullMessage(for: error)
        if !message.isEmpty { Console.err(message + "\n") }
      }
    }
  }

  static func exit(_ code: Int32, _ before: (Int32) -> Void = { _ in }) -> Never {
    before(code)
    Glibc.exit(code)
  }
}
