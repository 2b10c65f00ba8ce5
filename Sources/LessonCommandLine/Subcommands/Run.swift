import ArgumentParser
import LessonRunner

extension LessonCommand {
    /// `lesson run FILE [--cell ID]… [-- ARGS…]`: runs cells with their output streamed live.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a lesson's cells, streaming their output live.",
            discussion: """
                Runs every cell, or only those named with --cell, each in its own child process. Arguments after \
                -- replace the cells' args= (for example: lesson run intro.md --cell pi -- --samples 1000).
                """)

        @Argument(help: "The lesson file.")
        var path: String

        @Option(name: .customLong("cell"), help: "Run only the cell with this id (repeatable).")
        var cellIDs: [String] = []

        @Argument(parsing: .postTerminator, help: "Arguments passed to the demo instead of its args=.")
        var demoArguments: [String] = []

        @OptionGroup var host: DemoHostOptions

        func run() throws {
            let (_, lesson) = try LessonPathOptions.load([path], host: host)[0]
            let execution = LessonExecution(executor: try host.host().executor())
            let selection = try CellSelection.resolve(ids: cellIDs, in: lesson)
            let printer = LiveRunPrinter(terminal: .standardOutput, errors: .standardError)
            InterruptSignal.install()
            let run = execution.run(
                lesson, cellIDs: selection, arguments: demoArguments.isEmpty ? nil : demoArguments,
                observer: printer)
            printer.printSummary(of: [run])
            try ExitCode.exitIfInterrupted()
            if !run.succeeded { throw ExitCode.cellFailed }
        }
    }
}
