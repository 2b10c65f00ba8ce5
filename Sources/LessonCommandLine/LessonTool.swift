import ArgumentParser
import LessonRunner
import Multiprocessing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The `lesson` command-line tool, built with a registry of demos.
///
/// A package builds its own `lesson` by calling this from its executable's `main.swift`:
///
/// ```swift
/// import Demos
/// import LessonCommandLine
/// import LessonRunner
///
/// LessonTool.main(demos: DemoRegistry.builtIn.merging(myDemos))
/// ```
///
/// It must be the first thing the executable does: the same executable is re-run to run each cell, and in such a
/// child this call runs the cell's demo and exits without reaching the command line. A demo's ``Process``es re-run
/// it too: it first registers every demo's functions and calls Multiprocessing's `bootstrap`, which in such a
/// child runs the requested function and exits (detected by `MULTIPROCESSING_CHILD`, distinct from a cell's
/// `LESSONRUNNER_CELL`, which the cell's child removes before its demo runs).
public enum LessonTool {
    /// Runs a cell's demo (in a child) or the command line (otherwise), and exits.
    ///
    /// Exit codes: 0 when everything passed, 1 when a cell failed, 2 for a usage or lesson error.
    public static func main(demos: DemoRegistry, arguments: [String]? = nil) -> Never {
        bootstrap(demos.functions)
        CellMode.runIfRequested(demos: demos)
        ToolContext.demos.withLock { $0 = demos }
        do {
            var command = try LessonCommand.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch {
            let code = LessonCommand.exitCode(for: error)
            if code == .validationFailure {
                // Usage errors share exit code 2 with lesson errors (ArgumentParser's default is 64).
                let message = LessonCommand.fullMessage(for: error)
                Terminal.standardError.write(message + "\n")
                exit(ExitCode.usageOrLessonError.rawValue)
            }
            LessonCommand.exit(withError: error)
        }
    }
}

extension ExitCode {
    /// A cell did not pass.
    static let cellFailed = ExitCode(1)
    /// The command line or a lesson is wrong.
    static let usageOrLessonError = ExitCode(2)

    /// Throws 128 + the signal's number, as shells report a death by that signal, when SIGINT or SIGTERM arrived.
    static func exitIfInterrupted() throws {
        if let signal = InterruptSignal.received {
            Terminal.standardError.write("lesson: interrupted by \(signal.name)\n")
            throw ExitCode(128 + signal.rawValue)
        }
    }
}

/// What `main(demos:)` hands to the subcommands, which ArgumentParser creates.
enum ToolContext {
    static let demos = Mutex(DemoRegistry())
    static var registry: DemoRegistry { demos.withLock { $0 } }
}
