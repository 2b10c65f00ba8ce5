import ArgumentParser
import LessonRunner
import Multiprocessing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The `lesson` command-line tool.
///
/// The tool runs each cell in a *demo host*, a small executable that holds the demos (see `DemoHost`). A package
/// with demos of its own builds its host, and runs `lesson` with it:
///
/// ```swift
/// // Sources/my-demos/main.swift
/// import DemoHosting
///
/// DemoHost.main(demos: myDemos)
/// ```
///
/// `lesson check Lessons --demos .build/release/my-demos` (or `LESSON_DEMOS=…`). Without either, ``main()`` looks for
/// `lesson-demos` beside its own executable.
///
/// The older way still works: a `lesson` built with its demos inside, ``main(demos:)``, is its own demo host.
public enum LessonTool {
    /// Runs the command line, with the cells in a demo host found by `--demos`, `LESSON_DEMOS` or beside this
    /// executable, and exits.
    ///
    /// Exit codes: 0 when everything passed, 1 when a cell failed, 2 for a usage or lesson error.
    public static func main(arguments: [String]? = nil) -> Never {
        runCommandLine(arguments)
    }

    /// Runs a cell's demo (in a child) or the command line (otherwise), and exits: this executable is the demo
    /// host of its own cells unless `--demos` or `LESSON_DEMOS` names another.
    ///
    /// It must be the first thing the executable does: the same executable is re-run to run each cell, and in such
    /// a child this call runs the cell's demo and exits without reaching the command line. A demo's ``Process``es
    /// re-run it too: it first registers every demo's functions and calls Multiprocessing's `bootstrap`, which in
    /// such a child runs the requested function and exits.
    public static func main(demos: DemoRegistry, arguments: [String]? = nil) -> Never {
        DemoHost.runIfRequested(demos: demos)
        ToolContext.builtIn.withLock { $0 = demos }
        runCommandLine(arguments)
    }

    private static func runCommandLine(_ arguments: [String]?) -> Never {
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

/// What `main(demos:)` hands to the subcommands, which ArgumentParser creates, and the demo host they share.
enum ToolContext {
    /// The demos built into this executable by ``LessonTool/main(demos:)``, if any.
    static let builtIn = Mutex<DemoRegistry?>(nil)
    /// The demo host, once a subcommand has found it.
    static let host = Mutex<DemoHostExecutable?>(nil)
}
