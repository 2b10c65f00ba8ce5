import ArgumentParser
import LessonRunner
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// `--demos PATH`: the demo host whose demos the lessons name and whose processes run the cells.
struct DemoHostOptions: ParsableArguments {
    /// The environment variable that names the demo host when `--demos` does not.
    static let environmentVariable = "LESSON_DEMOS"
    /// The host's file name beside the `lesson` executable, where it is looked for last.
    static let defaultName = "lesson-demos"

    @Option(
        name: .customLong("demos"),
        help: ArgumentHelp(
            "The demo host that runs the cells (default: $LESSON_DEMOS, else lesson-demos beside lesson).",
            valueName: "PATH"))
    var path: String?

    /// The demo host, found and asked for its catalog once per process; a host that cannot be used is printed as
    /// an error and exits with 2.
    func host() throws -> DemoHostExecutable {
        if let known = ToolContext.host.withLock({ $0 }) { return known }
        let host = locate()
        do {
            _ = try host.catalog()
        } catch {
            Terminal.standardError.write("lesson: error: \(error)\n")
            throw ExitCode.usageOrLessonError
        }
        ToolContext.host.withLock { $0 = host }
        return host
    }

    /// The host `--demos`, `LESSON_DEMOS`, a `lesson` built with its demos, or `lesson-demos` beside `lesson`
    /// names, in that order.
    private func locate() -> DemoHostExecutable {
        if let path { return DemoHostExecutable(path: FilePath(path)) }
        if let variable = getenv(Self.environmentVariable).map({ String(cString: $0) }), !variable.isEmpty {
            return DemoHostExecutable(path: FilePath(variable))
        }
        let tool = CellExecutor.currentExecutable
        if let builtIn = ToolContext.builtIn.withLock({ $0 }) {
            return DemoHostExecutable(path: tool, catalog: builtIn.catalog)
        }
        return DemoHostExecutable(path: tool.removingLastComponent().appending(Self.defaultName))
    }
}
