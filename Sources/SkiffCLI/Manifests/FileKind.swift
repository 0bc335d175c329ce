#if canImport(Glibc)
import Glibc
#endif

/// What a path is, found without `struct stat`: in this module that C type belongs to
/// whichever Clang module imported `sys/stat.h` first (Foundation's, when linked), which
/// member-import rules then make unusable here.
enum FileKind {
  case missing, symlink, directory, other

  static func of(_ path: String) -> FileKind {
    var buffer = [CChar](repeating: 0, count: 2)
    if readlink(path, &buffer, 1) >= 0 { return .symlink }
    if let dir = opendir(path) {
      closedir(dir)
      return .directory
    }
    return access(path, F_OK) == 0 ? .other : .missing
  }
}
