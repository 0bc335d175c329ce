import SkiffCLI

await SkiffCommand.runMain()
