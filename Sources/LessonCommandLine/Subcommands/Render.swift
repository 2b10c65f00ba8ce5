import ArgumentParser
import LessonRunner
import SystemPackage

extension LessonCommand {
    /// `lesson render PATH… --format markdown|html [-o OUT]`: runs lessons and writes reports with their output.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run lessons and write reports with each cell's output under it.",
            discussion: """
                With one lesson and no -o the report goes to standard output. With -o OUT, one lesson's report is \
                written to the file OUT (or into OUT when it is a folder or ends in /); several lessons or a folder \
                are written into the folder OUT, keeping their paths below the folder named. Reports are written \
                atomically: a reader never sees half a file.

                --format html writes one self-contained page per lesson (LESSON.html) and, in a folder, an \
                index.html linking them. Raw HTML in a lesson's Markdown goes through GFM's tag filter (<script>, \
                <style>, <iframe>… show as text) unless --allow-raw-html is given.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case markdown
            case html
        }

        @OptionGroup var lessons: LessonPathOptions

        @Option(help: "The report format.")
        var format: Format = .markdown

        @Option(name: [.short, .customLong("output")], help: "The report file, or a folder for several reports.")
        var output: String?

        @Option(help: "A mustache template for the HTML lesson page, replacing the built-in one.")
        var template: String?

        @Flag(help: "Let raw HTML in lessons through unfiltered, scripts included (HTML format).")
        var allowRawHTML = false

        @Flag(name: .shortAndLong, help: "Print each cell's status as it finishes.")
        var verbose = false

        func validate() throws {
            if format != .html && (template != nil || allowRawHTML) {
                throw ValidationError("--template and --allow-raw-html apply to --format html only")
            }
        }

        func run() throws {
            let htmlReport = format == .html ? try makeHTMLReport() : nil
            let loaded = try lessons.loadLessons()
            let execution = try lessons.execution()
            let destination = try ReportDestination(
                output: output, lessons: loaded.map(\.file), fileExtension: format == .html ? "html" : nil)
            let progress = ProgressPrinter(terminal: .standardError, verbose: verbose)
            var runs: [LessonRunResult] = []
            InterruptSignal.install()
            do {
                for (position, (file, lesson)) in loaded.enumerated() {
                    let run = execution.run(lesson, observer: progress)
                    runs.append(run)
                    // An interrupted lesson's report would be partial: write none, keep the ones already written.
                    if InterruptSignal.received != nil { break }
                    let report: [UInt8]
                    if let htmlReport {
                        report = htmlReport.render(
                            run, indexHref: destination.indexHref(for: file),
                            navigation: navigation(at: position, of: loaded, destination: destination))
                    } else {
                        report = MarkdownReport().render(run)
                    }
                    try destination.write(report, for: file)
                }
                try ExitCode.exitIfInterrupted()
                if format == .html, destination.hasIndex {
                    let hrefs = loaded.map { destination.reportRelativePath(for: $0.file) }
                    try destination.writeIndex(HTMLIndex().render(runs, hrefs: hrefs))
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                Terminal.standardError.write("lesson: \(error)\n")
                throw ExitCode.usageOrLessonError
            }
            progress.printSummary(of: runs)
            if !runs.allSatisfy(\.succeeded) { throw ExitCode.cellFailed }
        }

        /// The links from the page of the lesson at `position` to the lessons rendered before and after it.
        private func navigation(
            at position: Int, of loaded: [(file: LessonFile, lesson: Lesson)], destination: ReportDestination
        ) -> LessonNavigation {
            func link(_ index: Int) -> LessonNavigation.Link? {
                guard loaded.indices.contains(index),
                    let href = destination.reportHref(for: loaded[index].file, from: loaded[position].file)
                else { return nil }
                return LessonNavigation.Link(href: href, title: loaded[index].lesson.title ?? loaded[index].lesson.path)
            }
            return LessonNavigation(previous: link(position - 1), next: link(position + 1))
        }

        private func makeHTMLReport() throws -> HTMLReport {
            var report = HTMLReport(rawHTML: allowRawHTML ? .allowed : .filtered)
            if let template {
                do {
                    report.template = try ReportTemplate(path: template)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            return report
        }
    }
}
