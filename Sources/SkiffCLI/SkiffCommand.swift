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
      Apply.self, Create.self, Get.self, Describe.self, Edit.self, Delete.self, Logs.self, Exec.self,
      Label.self, Annotate.self, Scale.self, Rollout.self, Events.self,
      ProxyStatus.self, ProxyConfig.self, Version.self, APIResources.self, KubeconfigCommand.self, Completion.self,
    ])

  public init() {}

  /// Runs the command line, printing errors as kubectl does (stderr, exit 1).
  public static func runMain() async -> Never {
    do {
      var command = try parseAsRoot(GoBoolFlags.rewrite(Array(CommandLine.arguments.dropFirst())))
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

/// kubectl's boolean flags take `--flag=true|false` (Go's pflag); ArgumentParser's take
/// `--flag` and, when they can be turned off, `--no-flag`.
enum GoBoolFlags {
  /// Flags that default to true and are turned off with `--no-<name>`.
  static let invertible: Set<String> = ["watch", "show-events", "wait"]
  /// Flags that default to false.
  static let plain: Set<String> = [
    "overwrite", "all", "list", "all-namespaces", "no-headers", "output-patch", "ignore-not-found", "recursive",
    "control-plane-only", "purge",
  ]

  static func rewrite(_ arguments: [String]) -> [String] {
    var out: [String] = []
    for (index, argument) in arguments.enumerated() {
      if argument == "--" {
        out.append(contentsOf: arguments[index...])
        return out
      }
      guard argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") else {
        out.append(argument)
        continue
      }
      let name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<eq])
      let value = argument[argument.index(after: eq)...].lowercased()
      guard value == "true" || value == "false", invertible.contains(name) || plain.contains(name) else {
        out.append(argument)
        continue
      }
      if value == "true" {
        out.append("--\(name)")
      } else if invertible.contains(name) {
        out.append("--no-\(name)")
      }
    }
    return out
  }
}
