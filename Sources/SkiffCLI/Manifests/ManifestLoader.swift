public import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// One object from a manifest file, with where it came from.
public struct Manifest {
  /// The file (`-` for stdin) as the user named it.
  public var source: String
  public var value: JSONValue
  public var sourceMap: SourceMap
  public var duplicateKeys: [YAMLDuplicateKey]
  /// Where the document starts in the file.
  public var startLine: Int

  /// `file.yaml:28:23` for a field path, falling back to its nearest located ancestor.
  public func location(of path: String) -> String {
    if let p = sourceMap.position(of: path) { return "\(source):\(p.line):\(p.column)" }
    return "\(source):\(startLine)"
  }
}

/// Reads `-f` arguments as kubectl does: files, directories (their .yaml, .yml and .json
/// files, sorted), and `-` for standard input; multi-document YAML; `kind: List` expanded.
public enum ManifestLoader {
  public static func load(_ paths: [String], recursive: Bool = false) throws(CLIError) -> [Manifest] {
    var manifests: [Manifest] = []
    for path in paths {
      for file in try files(path, recursive: recursive) {
        let text = try read(file)
        let documents: [YAMLDocument]
        do {
          documents = try YAML.parseStream(text)
        } catch {
          throw CLIError("error: error parsing \(file): \(error)")
        }
        for document in documents {
          if document.value["kind"]?.stringValue == "List", let items = document.value["items"]?.arrayValue {
            for item in items {
              manifests.append(Manifest(source: file, value: item, sourceMap: document.sourceMap, duplicateKeys: [], startLine: document.startLine))
            }
          } else {
            manifests.append(Manifest(
              source: file, value: document.value, sourceMap: document.sourceMap, duplicateKeys: document.duplicateKeys,
              startLine: document.startLine))
          }
        }
      }
    }
    return manifests
  }

  static func files(_ path: String, recursive: Bool) throws(CLIError) -> [String] {
    if path == "-" { return ["-"] }
    let kind = FileKind.of(path)
    guard kind != .missing else {
      throw CLIError("error: the path \"\(path)\" does not exist")
    }
    guard kind == .directory || (kind == .symlink && opendir(path).map { closedir($0); return true } == true) else { return [path] }
    var out: [String] = []
    guard let dir = opendir(path) else { throw CLIError("error: cannot read directory \"\(path)\"") }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { names.append(name) }
    }
    for name in names.sorted() {
      let full = path.hasSuffix("/") ? path + name : path + "/" + name
      if FileKind.of(full) == .directory {
        if recursive { out += try files(full, recursive: true) }
      } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") {
        out.append(full)
      }
    }
    if out.isEmpty { throw CLIError("error: no objects passed to apply (no .yaml, .yml or .json files in \(path))") }
    return out
  }

  static func read(_ file: String) throws(CLIError) -> String {
    let fd = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIError("error: open \(file): \(String(cString: strerror(errno)))") }
    defer { if fd != 0 { close(fd) } }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// Client-side checks of a manifest before anything is sent, as `kubectl apply --validate`
/// does: the kind must exist, every field must be known, no key may repeat, and the object
/// must pass Kubernetes validation. Every error of every document is collected, each with
/// its file, line and column.
public enum ManifestValidator {
  public struct Checked {
    public var manifest: Manifest
    public var info: ResourceInfo
    /// The object as it will be sent (namespace filled in).
    public var object: JSONValue
    public var namespace: String
    public var name: String
  }

  public static func check(_ manifests: [Manifest], namespace flag: String?, defaultNamespace: String) throws(CLIError) -> [Checked] {
    var problems: [String] = []
    var checked: [Checked] = []
    for manifest in manifests {
      let value = manifest.value
      let apiVersion = value["apiVersion"]?.stringValue ?? ""
      let name = value.value(at: ["metadata", "name"])?.stringValue ?? ""
      for duplicate in manifest.duplicateKeys {
        problems.append("error: \(manifest.source):\(duplicate.position.line):\(duplicate.position.column): strict decoding error: \(duplicate)")
      }
      let decoded: (any APIObject, unknownFields: [String])
      do {
        decoded = try APIRegistry.decodeObject(value)
      } catch {
        switch error {
        case .noKindMatch:
          problems.append("error: resource mapping not found for name: \"\(name)\" namespace: \"\(flag ?? "")\" from \"\(manifest.source)\": \(error)\nensure CRDs are installed first")
        case .invalid(let decodeError, _, _):
          problems.append("error: \(manifest.location(of: decodeError.path)): \(error)")
        default:
          problems.append("error: error validating \"\(manifest.source)\": error validating data: \(error)")
        }
        continue
      }
      var info = decoded.0.resourceInfo
      // Talk to the server in the manifest's own version (kubectl's REST mapping for its
      // GVK): the live object then compares equal field for field, apiVersion included.
      let manifestVersion = splitAPIVersion(apiVersion).version
      if info.servedVersions.contains(manifestVersion) { info.version = manifestVersion }
      if !decoded.unknownFields.isEmpty {
        for field in decoded.unknownFields {
          problems.append("error: \(manifest.location(of: field)): \(info.kind) in version \"\(splitAPIVersion(apiVersion).version)\" cannot be handled as a \(info.kind): strict decoding error: unknown field \"\(field)\"")
        }
        continue
      }
      var object = decoded.0
      var namespace = ""
      if info.namespaced {
        let given = object.metadata.namespace ?? ""
        if let flag, !given.isEmpty, given != flag {
          problems.append("error: the namespace from the provided object \"\(given)\" does not match the namespace \"\(flag)\". You must pass '--namespace=\(given)' to perform this operation.")
          continue
        }
        namespace = given.isEmpty ? (flag ?? defaultNamespace) : given
        object.metadata.namespace = namespace
      }
      let errors = object.defaulted().validationErrors(old: nil)
      if !errors.isEmpty {
        let subject = "The \(info.kind) \"\(object.metadata.name ?? "")\" is invalid"
        let lines = errors.map { "* \($0.field): \($0.message)  (\(manifest.location(of: $0.field)))" }
        problems.append("error: \(manifest.source): \(subject):\n" + lines.joined(separator: "\n"))
        continue
      }
      if let denial = object.defaulted().webhookDenial(old: nil) {
        problems.append("Error from server: error when creating \"\(manifest.source)\": \(denial.message)")
        continue
      }
      var json = value
      if info.namespaced { json.setValue(.string(namespace), at: ["metadata", "namespace"]) }
      checked.append(Checked(manifest: manifest, info: info, object: json, namespace: namespace, name: object.metadata.name ?? ""))
    }
    if !problems.isEmpty {
      throw CLIError(problems.joined(separator: "\n") + "\nerror: nothing was applied: fix the errors above and try again")
    }
    return checked
  }
}
