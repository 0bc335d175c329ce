import ArgumentParser

/// `skiff completion bash|zsh|fish`: the shell completion script, as `kubectl completion`.
/// Resource arguments complete to the kinds' names, then to object names on the cluster.
struct Completion: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Output shell completion code for the specified shell (bash, zsh or fish).",
    discussion: """
        source <(skiff completion bash)          # this shell
        skiff completion bash > /etc/bash_completion.d/skiff
        skiff completion zsh > "${fpath[1]}/_skiff"
      """)

  @Argument(help: "bash, zsh or fish.", completion: .list(["bash", "zsh", "fish"]))
  var shell: String?

  func validate() throws {
    guard let shell else { throw CLIError("error: Shell not specified.\nSee 'skiff completion -h' for help and examples") }
    guard CompletionShell(rawValue: shell) != nil else {
      throw CLIError("error: Unsupported shell type \"\(shell)\".\nSee 'skiff completion -h' for help and examples")
    }
  }

  func run() throws {
    guard let shell, let kind = CompletionShell(rawValue: shell) else { return }
    Console.out(SkiffCommand.completionScript(for: kind))
  }
}
