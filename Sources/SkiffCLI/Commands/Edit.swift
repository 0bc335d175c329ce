import ArgumentParser
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// `skiff edit`: opens the object in `$KUBE_EDITOR` or `$EDITOR` (default `vi`) and, on
/// save, patches what changed (a strategic merge patch for built-in kinds, a JSON merge
/// patch for Istio's), as `kubectl edit` does. A file that does not parse, or that the
/// server rejects as invalid, is reopened with the errors as comments at the top; saving
/// it again unchanged gives up, keeping a copy of the file.
struct Edit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Edit a resource on the server.",
    discussion: """
        skiff edit vs/vs-istio-grpc-server -n grpc-sidecar
        KUBE_EDITOR="nano" skiff edit deploy istio-grpc-server-v1
        skiff edit svc/istio-grpc-server -o json
      """)

  @OptionGroup var cluster: ClusterOptions
  @OptionGroup var namespace: NamespaceOptions

  @Option(name: [.short, .customLong("filename")], help: "Files naming the resources to edit.")
  var files: [String] = []

  @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector of the objects to edit.")
  var selector: String?

  @Option(name: [.short, .long], help: "Format to edit in: yaml (default) or json.")
  var output = "yaml"

  @Flag(name: .customLong("output-patch"), help: "Print the patch sent for each edited object.")
  var outputPatch = false

  @Argument(help: "TYPE NAME or TYPE/NAME.", completion: .custom(ResourceCompletion.complete))
  var arguments: [String] = []

  func validate() throws {
    guard ["yaml", "json"].contains(output) else {
      throw CLIError("error: the edit mode doesn't support output format \"\(output)\", use yaml or json")
    }
  }

  func run() throws {
    let request = files.isEmpty
      ? try ResourceArguments(arguments, selector: selector, allowEmptySelector: true)
      : try ResourceArguments(files: files)
    let client = cluster.client
    let (targets, errors) = try request.fetch(client, namespace: namespace.effective)
    if let error = errors.first { throw CLIError(error) }
    if targets.isEmpty { throw CLIError("error: edit cancelled, no objects found") }
    var session = EditSession(
      targets: targets, client: client, namespace: namespace.namespace, json: output == "json", outputPatch: outputPatch,
      editor: Editor.fromEnvironment())
    try session.run()
  }
}

/// One `kubectl edit` session (kubectl `pkg/cmd/util/editor/editoptions.go`): the loop of
/// writing the file, launching the editor and patching what changed.
struct EditSession {
  let targets: [ResourceArguments.Target]
  let client: APIClient
  /// `-n` as given (edited objects must stay in it).
  let namespace: String?
  let json: Bool
  let outputPatch: Bool
  let editor: Editor

  /// Why the file is reopened: a line and, for invalid objects, one per cause.
  struct Reason {
    var head: String
    var other: [String] = []
  }

  /// What patching the edited objects gave.
  struct Results {
    var reasons: [Reason] = []
    var retryable = 0
    var notFound = 0
    var invalid = 0
    var file = ""
  }

  static let header = """
    # Please edit the object below. Lines beginning with a '#' will be ignored,
    # and an empty file will abort the edit. If an error occurs while saving this file will be
    # reopened with the relevant failures.
    #

    """

  mutating func run() throws {
    var results = Results()
    var original: [UInt8] = []
    var edited: [UInt8] = []
    var containsError = false
    while true {
      var buffer = Self.header
      for reason in results.reasons {
        buffer += reason.other.isEmpty ? "# \(Self.hashOnLineBreak(reason.head))\n" : "# \(Self.hashOnLineBreak(reason.head)):\n"
        for other in reason.other { buffer += "# * \(Self.hashOnLineBreak(other))\n" }
        buffer += "#\n"
      }
      if !containsError {
        buffer += try printed()
        original = Array(buffer.utf8)
      } else {
        buffer += String(decoding: Self.manualStrip(edited), as: UTF8.self)
      }
      let previous = edited
      let launched: Result<([UInt8], String), CLIError> = editor.launchTempFile(
        prefix: "skiff-edit-", suffix: json ? ".json" : ".yaml", contents: Array(buffer.utf8))
      guard case .success(let (saved, file)) = launched else {
        if case .failure(let error) = launched { throw Self.preserved(error, path: results.file) }
        return
      }
      edited = saved
      if containsError && Self.stripComments(previous) == Self.stripComments(edited) {
        throw Self.preserved(CLIError("error: Edit cancelled, no valid changes were saved."), path: file)
      }
      if !results.file.isEmpty { unlink(results.file) }
      if Self.stripComments(original) == Self.stripComments(edited) {
        unlink(file)
        Console.err("Edit cancelled, no changes made.\n")
        return
      }
      if !Self.hasLines(edited) {
        unlink(file)
        Console.err("Edit cancelled, saved file was empty.\n")
        return
      }
      results = Results(file: file)
      let parsed = Self.parse(edited)
      guard case .success(let objects) = parsed else {
        if case .failure(let error) = parsed {
          results.reasons.append(Reason(head: "The edited file had a syntax error: \(error.message)"))
        }
        containsError = true
        continue
      }
      containsError = false
      do {
        try patchAll(objects, results: &results)
      } catch let error as CLIError {
        throw Self.preserved(error, path: results.file)
      }
      if results.retryable > 0 {
        Console.err("You can run `skiff replace -f \(file)` to try this update again.\n")
        throw CLIError("", exitCode: 1)
      }
      if results.notFound > 0 {
        Console.err("The edits you made on deleted resources have been saved to \"\(file)\"\n")
        throw CLIError("", exitCode: 1)
      }
      if results.invalid == 0 {
        unlink(file)
        return
      }
      containsError = !results.reasons.isEmpty
    }
  }

  /// The objects as the editor shows them: one object, or a `List` of several.
  func printed() throws -> String {
    let document: JSONValue
    if targets.count == 1 {
      document = targets[0].object
    } else {
      document = ["apiVersion": "v1", "items": .array(targets.map(\.object)), "kind": "List", "metadata": [:]]
    }
    var cleaned = document
    cleaned.setValue(nil, at: ["metadata", "managedFields"])
    let sorted = cleaned.keysSortedRecursively
    if json { return sorted.prettyJSONString(indent: 4) + "\n" }
    do {
      return try YAML.emit(sorted)
    } catch {
      throw CLIError("error: \(error)")
    }
  }

  /// The edited file's objects (`List`s flattened), or the error kubectl reports as a
  /// syntax error.
  static func parse(_ bytes: [UInt8]) -> Result<[JSONValue], CLIError> {
    Result { () throws(CLIError) in try parseObjects(bytes) }
  }

  static func parseObjects(_ bytes: [UInt8]) throws(CLIError) -> [JSONValue] {
    let documents: [YAMLDocument]
    do {
      documents = try YAML.parseStream(bytes: bytes)
    } catch {
      throw CLIError("error converting YAML to JSON: \(error)")
    }
    var objects: [JSONValue] = []
    for document in documents where !document.value.isNull {
      let value = document.value
      if value["kind"]?.stringValue == "List", let items = value["items"]?.arrayValue {
        objects += items
        continue
      }
      guard value.objectValue != nil else {
        throw CLIError("error unmarshaling JSON: json: cannot unmarshal \(value.typeName) into Go value of type map[string]interface {}")
      }
      if (value["kind"]?.stringValue ?? "").isEmpty {
        throw CLIError("Object 'Kind' is missing in '\(value.jsonString())'")
      }
      objects.append(value)
    }
    return objects
  }

  /// `visitToPatch`: each edited object against its original (by uid).
  func patchAll(_ objects: [JSONValue], results: inout Results) throws {
    for edited in objects {
      let uid = edited.metadataString("uid") ?? ""
      guard let original = targets.first(where: { ($0.object.metadataString("uid") ?? "") == uid }) else {
        throw CLIError("error: no original object found for \(edited.jsonString())")
      }
      if let namespace, original.info.namespaced, let editedNamespace = edited.metadataString("namespace"), editedNamespace != namespace {
        throw CLIError(
          "error: the namespace from the provided object \"\(editedNamespace)\" does not match the namespace \"\(namespace)\". You must pass '--namespace=\(editedNamespace)' to perform this operation.")
      }
      var before = original.object
      before.setValue(nil, at: ["metadata", "managedFields"])
      if before == edited {
        Console.out("\(original.displayName) skipped\n")
        continue
      }
      let patchType: PatchType
      let patch: JSONValue
      if let keys = MergeKeys.for(object: before) {
        patchType = .strategicMerge
        do {
          patch = try StrategicMergePatch.create(from: before, to: edited, keys: keys)
        } catch {
          throw CLIError("error: \(error)")
        }
      } else {
        patchType = .merge
        patch = MergePatch.create(from: before, to: edited)
      }
      if patch["apiVersion"] != nil || patch["kind"] != nil || patch["metadata"]?["name"] != nil || patch["managedFields"] != nil {
        throw CLIError("error: At least one of apiVersion, kind and name was changed")
      }
      if outputPatch { Console.out("Patch: \(patch.jsonString())\n") }
      let response = try client.request(
        "PATCH", ResourcePaths.object(original.info, namespace: original.namespace, name: original.name),
        query: [("fieldManager", "kubectl-edit"), ("fieldValidation", "Strict")],
        headers: [("Content-Type", patchType.rawValue)], body: patch.jsonBytes())
      printWarnings(response)
      if response.status == 200 {
        Console.out("\(original.displayName) edited\n")
        continue
      }
      Console.err(Self.addError(response, target: original, results: &results) + "\n")
    }
  }

  /// `editResults.addError`: invalid objects are reopened with their causes, missing
  /// ones saved, anything else offered to `replace`.
  static func addError(_ response: APIResponse, target: ResourceArguments.Target, results: inout Results) -> String {
    let resource = target.info.group.isEmpty ? target.info.plural : "\(target.info.plural).\(target.info.group)"
    let status = response.json ?? [:]
    switch status.string("reason") {
    case "Invalid":
      results.invalid += 1
      var reason = Reason(head: "\(resource) \"\(target.name)\" was not valid")
      for cause in status["details"]?.array("causes") ?? [] {
        reason.other.append("\(cause.string("field")): \(cause.string("message"))")
      }
      results.reasons.append(reason)
      return "error: \(resource) \"\(target.name)\" is invalid"
    case "NotFound":
      results.notFound += 1
      return "error: \(resource) \"\(target.name)\" could not be found on the server"
    default:
      results.retryable += 1
      let message = status.string("message").isEmpty ? String(decoding: response.body, as: UTF8.self) : status.string("message")
      return "error: \(resource) \"\(target.name)\" could not be patched: \(message)"
    }
  }

  /// `preservedFile`: tells where the edits were kept, then fails with `error`.
  static func preserved(_ error: CLIError, path: String) -> CLIError {
    if !path.isEmpty && access(path, F_OK) == 0 {
      Console.err("A copy of your changes has been stored to \"\(path)\"\n")
    }
    return error
  }

  /// `cmdutil.StripComments`: the YAML as JSON (comments and layout gone), or the text
  /// without comment lines when it does not parse.
  static func stripComments(_ bytes: [UInt8]) -> StrippedContent {
    if let documents = try? YAML.parseStream(bytes: bytes) {
      return .documents(documents.map(\.value).filter { !$0.isNull })
    }
    return .text(manualStrip(bytes))
  }

  enum StrippedContent: Equatable {
    case documents([JSONValue])
    case text([UInt8])
  }

  /// `cmdutil.ManualStrip`: drops lines starting with `#` (not `#!`).
  static func manualStrip(_ bytes: [UInt8]) -> [UInt8] {
    let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
    var out: [UInt8] = []
    for (i, line) in lines.enumerated() {
      let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
      if trimmed.first == UInt8(ascii: "#") && !(trimmed.dropFirst().first == UInt8(ascii: "!")) { continue }
      out += line
      if i < lines.count - 1 { out.append(0x0a) }
    }
    return out
  }

  /// `hasLines`: some line is neither blank nor a comment.
  static func hasLines(_ bytes: [UInt8]) -> Bool {
    for line in bytes.split(separator: 0x0a) {
      let text = String(decoding: line, as: UTF8.self).trimmingWhitespace
      if !text.isEmpty && !text.hasPrefix("#") { return true }
    }
    return false
  }

  /// `hashOnLineBreak`: multi-line messages stay comments.
  static func hashOnLineBreak(_ text: String) -> String {
    var out = ""
    let chars = Array(text)
    for (i, c) in chars.enumerated() {
      if c == "\n" && i + 1 < chars.count && chars[i + 1] != "#" { out += "\n# " } else { out.append(c) }
    }
    return out
  }
}

/// The editor kubectl starts (`$KUBE_EDITOR`, then `$EDITOR`, else `vi`): a bare command,
/// words split on spaces, or a shell command line when it has quotes or backslashes.
struct Editor {
  var args: [String]
  var shell: Bool

  static func fromEnvironment() -> Editor {
    let editor = ProcessEnvironment.value("KUBE_EDITOR") ?? ProcessEnvironment.value("EDITOR") ?? "vi"
    if !editor.contains(" ") { return Editor(args: [editor], shell: false) }
    if !editor.contains(where: { $0 == "\"" || $0 == "'" || $0 == "\\" }) {
      return Editor(args: editor.split(separator: " ", omittingEmptySubsequences: false).map(String.init), shell: false)
    }
    let shell = ProcessEnvironment.value("SHELL") ?? "/bin/bash"
    return Editor(args: [shell, "-c", editor], shell: true)
  }

  /// Writes `contents` to a new temporary file, edits it, and returns what was saved.
  func launchTempFile(prefix: String, suffix: String, contents: [UInt8]) -> Result<([UInt8], String), CLIError> {
    Result { () throws(CLIError) in try writeAndLaunch(prefix: prefix, suffix: suffix, contents: contents) }
  }

  func writeAndLaunch(prefix: String, suffix: String, contents: [UInt8]) throws(CLIError) -> ([UInt8], String) {
    let directory = ProcessEnvironment.value("TMPDIR") ?? "/tmp"
    var template = Array("\(directory)/\(prefix)XXXXXX\(suffix)".utf8CString)
    let fd = mkstemps(&template, Int32(suffix.utf8.count))
    guard fd >= 0 else { throw CLIError("error: open temporary file in \(directory): \(String(cString: strerror(errno)))") }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var offset = 0
    while offset < contents.count {
      let n = contents[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n <= 0 {
        close(fd)
        unlink(path)
        throw CLIError("error: write \(path): \(String(cString: strerror(errno)))")
      }
      offset += n
    }
    close(fd)
    try launch(path)
    let text = try String(readingFile: path)
    return (Array(text.utf8), path)
  }

  /// Runs the editor on `path` with the terminal, and waits for it.
  func launch(_ path: String) throws(CLIError) {
    var argv = args
    if shell { argv[argv.count - 1] += " \"\(path)\"" } else { argv.append(path) }
    let described = args.joined(separator: " ")
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, argv[0], nil, nil, &cArgs, environ)
    guard rc == 0 else { throw CLIError("error: unable to launch the editor \"\(described)\"") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED and WEXITSTATUS: exited normally with 0.
    guard status & 0x7f == 0 && (status >> 8) & 0xff == 0 else {
      throw CLIError("error: there was a problem with the editor \"\(described)\"")
    }
  }
}
