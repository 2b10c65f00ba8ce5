import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// The child side of running a cell: the demo host executed with the cell's demo named in its environment.
///
/// The runner starts the child with ``demoVariable`` set to the demo's name and the demo's arguments as the
/// process arguments. ``DemoHost/main(demos:)`` (and `LessonTool.main(demos:)`) call ``runIfRequested(demos:)``
/// first thing, so a child never reaches anything else. Both variables are removed from the environment before
/// the demo runs, so a demo that starts the same executable again does not run itself once more.
public enum CellMode {
    /// Names the demo to run. Set by the runner (`CellExecutor`) only.
    public static let demoVariable = "LESSONRUNNER_CELL"
    /// The runner's process id, so the child can die with it.
    public static let parentVariable = "LESSONRUNNER_PARENT"
    /// The descriptor on which a cell that is the first process of its PID namespace reports what its exit
    /// status cannot say: the leftover processes it ended, and the signal that ended it (see `NamespaceRoot`).
    public static let reportVariable = "LESSONRUNNER_REPORT"
    /// How many milliseconds leftover processes get between `SIGTERM` and `SIGKILL`.
    public static let graceVariable = "LESSONRUNNER_GRACE_MS"
    /// Set by the cell's process for its descendants: the demo the process tree runs, whose functions a `spawn`
    /// child looks up first.
    public static let runningDemoVariable = "LESSONRUNNER_RUNNING_DEMO"

    /// Runs the requested demo and exits when this process is a cell's child; returns at once otherwise.
    ///
    /// In the child, stdout is line-buffered (so stdout and stderr interleave as the demo wrote them), the process
    /// dies with its runner, and the exit code is the demo's; an error the demo throws is printed to stderr and
    /// gives exit code 1. An unknown demo gives exit code 127.
    public static func runIfRequested(demos: DemoRegistry) {
        guard let demoName = environmentValue(demoVariable) else { return }
        let parent = environmentValue(parentVariable).flatMap { Int32($0) }
        let report = environmentValue(reportVariable).flatMap { Int32($0) }
        let grace = environmentValue(graceVariable).flatMap { Int($0) } ?? 500
        for name in [demoVariable, parentVariable, reportVariable, graceVariable] { unsetenv(name) }
        run(demoName, arguments: Array(CommandLine.arguments.dropFirst()), demos: demos, parent: parent,
            report: report, graceMilliseconds: grace)
    }

    /// Runs the demo named `demoName` with `arguments` as a cell's process and exits with its exit code.
    ///
    /// - Parameters:
    ///   - parent: The runner's process id, for a process that is not the first of its namespace.
    ///   - report: The descriptor for the reports of a namespace's first process (see `NamespaceRoot`).
    static func run(
        _ demoName: String, arguments: [String], demos: DemoRegistry, parent: Int32?, report: Int32?,
        graceMilliseconds: Int
    ) -> Never {
        if NamespaceRoot.isFirstProcess {
            // Started in a namespace of its own, which dies with the runner (the spawn set the parent-death signal).
            NamespaceRoot.takeOver(reportDescriptor: report, graceMilliseconds: graceMilliseconds)
        } else {
            if let report { close(report) }
            ParentDeath.deliver(.kill, expectedParent: parent)
        }
        StandardStreams.lineBufferOutput()

        guard let demo = demos[demoName] else {
            StandardStreams.writeError("lesson: no demo named '\(demoName)' is registered in this demo host\n")
            exit(127)
        }
        setenv(runningDemoVariable, demoName, 1)
        let code: Int32
        do {
            code = try demo.body(arguments)
        } catch {
            StandardStreams.writeError("error: \(error)\n")
            code = 1
        }
        StandardStreams.flush()
        exit(code)
    }

    private static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
