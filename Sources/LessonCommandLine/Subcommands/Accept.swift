import ArgumentParser
import LessonRunner
import SystemPackage

extension LessonCommand {
    /// `lesson accept PATH… [--cell ID]`: writes each cell's actual output into the lesson.
    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the cells' actual output into their lessons' output and stderr blocks.",
            discussion: """
                Runs the cells, then rewrites each lesson with the actual output in its `output` and `stderr` \
                blocks, creating them where missing. Only lines that no longer match change: matcher lines that \
                still match stay. Every other byte of the file stays as it was. A cell that ends with an error or \
                a timeout is not accepted. The write is atomic, and a lesson changed on disk while its cells ran \
                is left alone.
                """)

        @OptionGroup var options: CheckOptions

        func run() throws {
            let (lessons, cellIDs) = try options.load()
            let total = lessons.reduce(0) { sum, lesson in
                sum + lesson.cells.count { cellIDs?.contains($0.id) ?? true }
            }
            let progress = CheckProgress(terminal: .standardError, total: total)
            InterruptSignal.install()
            let runs = LessonBatch(execution: try options.lessons.execution(), jobs: options.jobs)
                .run(lessons, cellIDs: cellIDs, observer: progress)
            progress.finish()
            // An interrupted run has no output worth writing into the lessons.
            try ExitCode.exitIfInterrupted()

            var refused = false
            var writeFailed = false
            for run in runs {
                let acceptance = LessonAcceptance(run)
                for refusal in acceptance.refusals {
                    refused = true
                    Terminal.standardError.write(
                        "\(refusal.location): warning: \(refusal.cellID): not accepted: \(refusal.reason)\n")
                }
                guard acceptance.changesLesson else {
                    Terminal.standardOutput.write("\(run.lesson.path): unchanged\n")
                    continue
                }
                do {
                    try AtomicFile.write(
                        acceptance.source, to: FilePath(run.lesson.path), unlessChangedFrom: run.lesson.source)
                    Terminal.standardOutput.write(
                        "\(run.lesson.path): accepted \(acceptance.changedCells.joined(separator: ", "))\n")
                } catch {
                    writeFailed = true
                    Terminal.standardError.write("lesson: \(error)\n")
                }
            }
            if writeFailed { throw ExitCode.usageOrLessonError }
            if refused { throw ExitCode.cellFailed }
        }
    }
}
