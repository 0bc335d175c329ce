import Workloads

#if canImport(Glibc)
import Glibc
#endif

exit(await GreeterClientProgram.main(program: CommandLine.arguments[0], arguments: Array(CommandLine.arguments.dropFirst())))
