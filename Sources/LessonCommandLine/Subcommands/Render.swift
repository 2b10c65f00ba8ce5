import ArgumentParser
import LessonRunner
import SystemPackage

extension LessonCommand {
    /// `lesson render PATH… --format markdown [-o OUT]`: runs lessons and writes reports with their output.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run lessons and write reports with each cell's output under it.",
            discussion: """
                With one lesson and no -o the report goes to standard output. With -o OUT, one lesson's report is \
                written to the file OUT (or into OUT when it is a folder or ends in /); several lessons or a folder \
                are written into the folder OUT, keeping their paths below the folder named. Reports are written \
                atomically: a reader never sees half a file.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case markdown
        }

        @OptionGroup var lessons: LessonPathOptions

        @Option(help: "The report format.")
        var format: Format = .markdown

        @Option(name: [.short, .customLong("output")], help: "The report file, or a folder for several reports.")
        var output: String?

        @Flag(name: .shortAndLong, help: "Print each cell's status as it finishes.")
        var verbose = false

        func run() throws {
            let loaded = try lessons.loadLessons()
            let destination = try ReportDestination(output: output, lessons: loaded.map(\.file))
            let progress = ProgressPrinter(terminal: .standardError, verbose: verbose)
            var runs: [LessonRunResult] = []
            InterruptSignal.install()
            for (file, lesson) in loaded {
                let run = LessonExecution().run(lesson, observer: progress)
                runs.append(run)
                // An interrupted lesson's report would be partial: write none, keep the ones already written.
                try ExitCode.exitIfInterrupted()
                let report = MarkdownReport().render(run)
                do {
                    try destination.write(report, for: file)
                } catch {
                    Terminal.standardError.write("lesson: \(error)\n")
                    throw ExitCode.usageOrLessonError
                }
            }
            progress.printSummary(of: runs)
            if !runs.allSatisfy(\.succeeded) { throw ExitCode.cellFailed }
        }
    }
}
