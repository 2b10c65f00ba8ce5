import ArgumentParser
import LessonRunner
import SystemPackage

extension LessonCommand {
    /// `lesson check PATH…`: runs every cell and compares its output and exit with what the lesson declares.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every cell still prints what its lesson says, and ends as it says.",
            discussion: """
                Each cell's stdout is compared with its `output` block and its stderr with its `stderr` block \
                (an empty block: nothing may be printed; no block: not checked), using the matcher language \
                (`...`, ` (re)`, ` (glob)`, ` (num)`, `unordered`, `sanitize=`). Every mismatch is printed as a \
                diff under the FILE:LINE of the expected line. Exit status 0 only when every cell passed or was \
                skipped.

                The cache (--cache) is off by default; when on, a cell's result is reused while the demo host's binary, \
                the cell's demo, arguments and options are unchanged. Its folder defaults to \
                .build/lesson-cache.
                """)

        @OptionGroup var options: CheckOptions

        @Option(help: ArgumentHelp("Also write a JUnit XML report to FILE.", valueName: "FILE"))
        var junit: String?

        @Option(help: ArgumentHelp("Also write a JSON report to FILE.", valueName: "FILE"))
        var json: String?

        @Flag(help: "Reuse results of unchanged cells from the cache folder (off by default).")
        var cache = false

        @Option(help: ArgumentHelp(
            "The cache folder (implies --cache; default .build/lesson-cache).", valueName: "FOLDER"))
        var cacheFolder: String?

        func run() throws {
            let (lessons, cellIDs) = try options.load()
            var execution = try options.lessons.execution()
            if cache || cacheFolder != nil {
                let folder = cacheFolder.map { FilePath($0) } ?? ResultCache.defaultFolder
                do {
                    execution.cache = try ResultCache(
                        folder: folder, executor: execution.executor,
                        fingerprint: try options.lessons.host.host().catalog().fingerprint)
                } catch {
                    Terminal.standardError.write("lesson: cannot use the cache: \(error)\n")
                    throw ExitCode.usageOrLessonError
                }
            }
            let total = lessons.reduce(0) { sum, lesson in
                sum + lesson.cells.count { cellIDs?.contains($0.id) ?? true }
            }
            let progress = CheckProgress(terminal: .standardError, total: total)
            InterruptSignal.install()
            let runs = LessonBatch(execution: execution, jobs: options.jobs)
                .run(lessons, cellIDs: cellIDs, observer: progress)
            progress.finish()
            try ExitCode.exitIfInterrupted()

            CheckPrinter(terminal: .standardOutput).print(runs)
            do {
                if let junit { try AtomicFile.write(JUnitReport().render(runs), to: FilePath(junit)) }
                if let json { try AtomicFile.write(JSONReport().render(runs), to: FilePath(json)) }
            } catch {
                Terminal.standardError.write("lesson: \(error)\n")
                throw ExitCode.usageOrLessonError
            }
            if !runs.allSatisfy(\.succeeded) { throw ExitCode.cellFailed }
        }
    }
}

/// What `check` prints at the end: each cell that did not pass with its location and diffs, then the summary.
struct CheckPrinter {
    let terminal: Terminal

    func print(_ runs: [LessonRunResult]) {
        for run in runs {
            for result in run.results where !result.status.isSuccess {
                guard let cell = run.lesson.cell(id: result.cellID) else { continue }
                let symbol = terminal.styled(
                    StatusSymbol.symbol(for: result.status), StatusSymbol.color(for: result.status))
                let line = "\(cell.location): \(symbol) \(cell.id): " + StatusLine.text(for: result)
                terminal.write(line + "\n")
                for mismatch in result.mismatches {
                    terminal.write("\(mismatch.location): \(mismatch.summary)\n")
                    for diffLine in mismatch.diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                        terminal.write("    " + styled(diffLine) + "\n")
                    }
                }
            }
        }
        terminal.write(RunSummary.text(of: runs) + "\n")
    }

    private func styled(_ line: Substring) -> String {
        if line.hasPrefix("-") && !line.hasPrefix("---") { return terminal.styled(String(line), .red) }
        if line.hasPrefix("+") && !line.hasPrefix("+++") { return terminal.styled(String(line), .green) }
        return String(line)
    }
}
