import Workloads

#if canImport(Glibc)
import Glibc
#endif

exit(await HealthProbeProgram.main(arguments: Array(CommandLine.arguments.dropFirst())))
