// skiff-init: the small single-threaded helper that becomes a container's process.
//   skiff-init sandbox SPEC   create a pod's shared namespaces
//   skiff-init run SPEC       start a container and stay as its shim (fd 3: start report)
//   skiff-init exec SPEC      run a process inside a running container (fd 3: start report)
import SkiffRuntime

#if canImport(Glibc)
import Glibc
#endif

import CSkiffSys

let arguments = CommandLine.arguments

// Whatever the daemon left open (its sockets, when a library opened them without
// close-on-exec) must not reach a container: keep stdio and the report descriptor only
// (and for exec fd 4, which may be the console socket; exec closes it when it is not).
skiff_close_from(arguments.count == 3 && arguments[1] == "exec" ? 5 : 4)

guard arguments.count == 3 else {
  let usage = "usage: skiff-init sandbox|run|exec SPEC.json\n(started by the skiff daemon; not meant to be run by hand)\n"
  _ = usage.withCString { write(2, $0, strlen($0)) }
  exit(2)
}
switch arguments[1] {
case "sandbox": exit(PodSandbox.create(specPath: arguments[2]))
case "run": exit(ContainerShim.run(specPath: arguments[2]))
case "exec": exit(ExecProcess.run(specPath: arguments[2]))
default:
  let text = "skiff-init: unknown mode \"\(arguments[1])\" (want sandbox, run or exec)\n"
  _ = text.withCString { write(2, $0, strlen($0)) }
  exit(2)
}
