import ArgumentParser
import SkiffAPI

#if canImport(Glibc)
import Glibc
#endif

/// The kubeconfig entries that let a stock kubectl reach this cluster: cluster, user and
/// context all named `skiff` (as minikube names its own), merged into the user's kubeconfig
/// without touching anything else in it.
struct KubeconfigEntry: Sendable, Equatable {
  var name = "skiff"
  /// `https://127.0.0.1:6443`.
  var server: String
  var certificateAuthorityPEM: String
  var clientCertificatePEM: String
  var clientKeyPEM: String

  init(server: String, certificateAuthorityPEM: String, clientCertificatePEM: String, clientKeyPEM: String) {
    self.server = server
    self.certificateAuthorityPEM = certificateAuthorityPEM
    self.clientCertificatePEM = clientCertificatePEM
    self.clientKeyPEM = clientKeyPEM
  }

  /// A kubeconfig holding only this cluster, current (`skiff kubeconfig`).
  var standalone: JSONValue { merged(into: nil).config }

  /// `existing` with this cluster's entries added or replaced. The current context is set
  /// only when there was none, so a user's own current context is never switched under them.
  func merged(into existing: JSONValue?) -> (config: JSONValue, madeCurrent: Bool) {
    var config = existing ?? [:]
    if config["apiVersion"] == nil { config["apiVersion"] = "v1" }
    if config["kind"] == nil { config["kind"] = "Config" }
    let encoded = { (text: String) in JSONValue.string(base64(Array(text.utf8))) }
    config = Self.replacing(config, "clusters", name, [
      "cluster": ["certificate-authority-data": encoded(certificateAuthorityPEM), "server": .string(server)],
    ])
    config = Self.replacing(config, "contexts", name, ["context": ["cluster": .string(name), "user": .string(name)]])
    config = Self.replacing(config, "users", name, [
      "user": ["client-certificate-data": encoded(clientCertificatePEM), "client-key-data": encoded(clientKeyPEM)],
    ])
    let current = config["current-context"]?.stringValue ?? ""
    let madeCurrent = current.isEmpty
    if madeCurrent { config["current-context"] = .string(name) }
    if config["preferences"] == nil { config["preferences"] = [:] }
    return (config, madeCurrent)
  }

  /// `existing` without this cluster's entries (`skiff down --purge`); the current context is
  /// cleared if it was this one, as `minikube delete` does.
  func removed(from existing: JSONValue) -> JSONValue {
    var config = existing
    for list in ["clusters", "contexts", "users"] {
      guard let items = config[list]?.arrayValue else { continue }
      config[list] = .array(items.filter { $0["name"]?.stringValue != name })
    }
    if config["current-context"]?.stringValue == name { config["current-context"] = "" }
    return config
  }

  static func replacing(_ config: JSONValue, _ list: String, _ name: String, _ fields: JSONObject) -> JSONValue {
    var config = config
    var entry: JSONObject = ["name": .string(name)]
    for (key, value) in fields { entry[key] = value }
    var items = config[list]?.arrayValue ?? []
    if let i = items.firstIndex(where: { $0["name"]?.stringValue == name }) {
      items[i] = .object(entry)
    } else {
      items.append(.object(entry))
    }
    config[list] = .array(items)
    return config
  }
}

/// Reading and writing kubeconfig files as kubectl does: `$KUBECONFIG` (its first file when it
/// lists several) or `~/.kube/config`; written whole to a temporary file and renamed, mode 0600.
enum KubeconfigFile {
  /// A kubeconfig to write, and the user it belongs to when that is not the process's.
  struct Target: Equatable {
    var path: String
    /// `sudo skiff up`: the invoking user's uid and gid, so their kubectl can read the file.
    var owner: (uid: UInt32, gid: UInt32)?

    static func == (a: Target, b: Target) -> Bool { a.path == b.path && a.owner?.uid == b.owner?.uid && a.owner?.gid == b.owner?.gid }
  }

  static func defaultPath(environment: (String) -> String? = ProcessEnvironment.value) -> String {
    target(environment: environment, effectiveUID: 1, lookUp: { _ in nil }).path
  }

  /// `$KUBECONFIG`'s first file, or `~/.kube/config`. Under sudo (root, `SUDO_USER` a user
  /// other than root) `~` is the invoking user's home and the file is theirs: `sudo skiff up`
  /// then `kubectl get pod` as that user works, as with minikube's kubeconfig.
  static func target(
    environment: (String) -> String? = ProcessEnvironment.value, effectiveUID: UInt32 = geteuid(),
    lookUp: (String) -> (home: String, uid: UInt32, gid: UInt32)? = passwdEntry
  ) -> Target {
    if let list = environment("KUBECONFIG"), let first = list.split(separator: ":").first, !first.isEmpty {
      return Target(path: String(first))
    }
    if effectiveUID == 0, let user = environment("SUDO_USER"), !user.isEmpty, user != "root", let entry = lookUp(user) {
      return Target(path: entry.home + "/.kube/config", owner: (entry.uid, entry.gid))
    }
    return Target(path: (environment("HOME") ?? "/root") + "/.kube/config")
  }

  /// The user's home, uid and gid from the password database; nil when the user or their
  /// home directory does not exist (system users' `/nonexistent`).
  static func passwdEntry(_ user: String) -> (home: String, uid: UInt32, gid: UInt32)? {
    guard let entry = getpwnam(user), let home = entry.pointee.pw_dir else { return nil }
    let path = String(cString: home)
    guard access(path, F_OK) == 0 else { return nil }
    return (path, entry.pointee.pw_uid, entry.pointee.pw_gid)
  }

  /// The file's content, nil when it does not exist.
  static func read(_ path: String) throws(CLIError) -> JSONValue? {
    guard access(path, F_OK) == 0 else { return nil }
    let text = try String(readingFile: path)
    if text.allSatisfy({ $0 == " " || $0 == "\n" }) { return nil }
    do {
      let documents = try YAML.parseStream(text)
      return documents.first?.value
    } catch {
      throw CLIError("error: \(path) is not a kubeconfig Skiff can read (\(error)); fix or move it, then run skiff up again")
    }
  }

  static func write(_ config: JSONValue, to path: String, owner: (uid: UInt32, gid: UInt32)? = nil) throws(CLIError) {
    let text: String
    do {
      text = try YAML.emit(config)
    } catch {
      throw CLIError("error: could not write \(path): \(error)")
    }
    if let slash = path.lastIndex(of: "/") {
      let directory = String(path[..<slash])
      if !directory.isEmpty {
        let existed = access(directory, F_OK) == 0
        try DaemonProcess.makeDirectories(directory)
        if !existed, let owner { chown(directory, owner.uid, owner.gid) }
      }
    }
    let temporary = path + ".skiff.tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw CLIError("error: could not write \(temporary): \(String(cString: strerror(errno)))") }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    fchmod(fd, 0o600)
    if let owner { fchown(fd, owner.uid, owner.gid) }
    close(fd)
    guard written == bytes.count, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw CLIError("error: could not write \(path): \(String(cString: strerror(errno)))")
    }
  }
}

/// This cluster's kubeconfig entries, from its `pki` directory and API address.
enum ClusterKubeconfig {
  static func server(_ cluster: ClusterOptions) -> String? {
    guard let text = try? String(readingFile: cluster.runDirectory + "/api-address") else { return nil }
    let line = text.split(separator: "\n").first.map(String.init) ?? ""
    return line.isEmpty ? nil : line
  }

  static func entry(_ cluster: ClusterOptions) throws(CLIError) -> KubeconfigEntry {
    guard let server = server(cluster) else {
      throw CLIError("error: the cluster's HTTPS address is unknown (\(cluster.runDirectory)/api-address): is Skiff running? Start it with: skiff up")
    }
    let pki = cluster.dataDirectory + "/pki"
    return KubeconfigEntry(
      server: server, certificateAuthorityPEM: try String(readingFile: pki + "/ca.crt"),
      clientCertificatePEM: try String(readingFile: pki + "/admin.crt"), clientKeyPEM: try String(readingFile: pki + "/admin.key"))
  }

  /// Merges the entries into the user's kubeconfig; returns what to tell the user.
  static func writeEntries(_ cluster: ClusterOptions) throws(CLIError) -> String {
    let entry = try entry(cluster)
    let target = KubeconfigFile.target()
    let path = target.path
    let (config, madeCurrent) = entry.merged(into: try KubeconfigFile.read(path))
    try KubeconfigFile.write(config, to: path, owner: target.owner)
    if madeCurrent || config["current-context"]?.stringValue == entry.name {
      return "✓ kubectl: context \"skiff\" in \(path) is the current context\n"
    }
    return "✓ kubectl: context \"skiff\" added to \(path); switch to it with: kubectl config use-context skiff\n"
  }

  /// Removes the entries when they belong to this cluster (same CA); returns the file's path
  /// when something was removed.
  static func removeEntries(_ cluster: ClusterOptions) -> String? {
    let target = KubeconfigFile.target()
    let path = target.path
    guard let ca = try? String(readingFile: cluster.dataDirectory + "/pki/ca.crt"),
      let config = try? KubeconfigFile.read(path)
    else { return nil }
    let ours = config["clusters"]?.arrayValue?.first { $0["name"]?.stringValue == "skiff" }
    guard ours?.value(at: ["cluster", "certificate-authority-data"])?.stringValue == base64(Array(ca.utf8)) else { return nil }
    let entry = KubeconfigEntry(server: "", certificateAuthorityPEM: ca, clientCertificatePEM: "", clientKeyPEM: "")
    guard (try? KubeconfigFile.write(entry.removed(from: config), to: path, owner: target.owner)) != nil else { return nil }
    return path
  }
}

/// `skiff kubeconfig`: prints a kubeconfig for this cluster alone (as `kind get kubeconfig`).
struct KubeconfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kubeconfig",
    abstract: "Print a kubeconfig for this cluster (skiff up also merges it into ~/.kube/config).")

  @OptionGroup var cluster: ClusterOptions

  func run() throws {
    let entry = try ClusterKubeconfig.entry(cluster)
    do {
      Console.out(try YAML.emit(entry.standalone))
    } catch {
      throw CLIError("error: \(error)")
    }
  }
}
