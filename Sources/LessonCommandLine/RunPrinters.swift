import LessonRunner

/// Streams cells' output live for `lesson run`: a header per cell, its stdout and stderr as they arrive, and a
/// status line.
final class LiveRunPrinter: LessonRunObserver {
    let terminal: Terminal
    let errors: Terminal

    init(terminal: Terminal, errors: Terminal) {
        self.terminal = terminal
        self.errors = errors
    }

    func cellWillStart(_ cell: Cell, index: Int, of count: Int, in lesson: Lesson) {
        let title = "── \(cell.id) (\(index + 1)/\(count)) · \(cell.location) "
        terminal.write(terminal.styled(title + String(repeating: "─", count: max(3, 72 - title.count)), .bold) + "\n")
    }

    func cell(_ cell: Cell, printed bytes: ArraySlice<UInt8>, on stream: OutputStream) {
        (stream == .stdout ? terminal : errors).write(bytes)
    }

    func cellDidFinish(_ cell: Cell, result: CellResult, in lesson: Lesson) {
        let status = StatusLine.text(for: result)
        terminal.write(terminal.styled(StatusSymbol.symbol(for: result.status) + " " + status,
                                       StatusSymbol.color(for: result.status)) + "\n")
    }

    func printSummary(of runs: [LessonRunResult]) {
        terminal.write(RunSummary.text(of: runs) + "\n")
    }
}

/// Progress for `lesson render`: one line per cell that did not pass (every cell with --verbose), on stderr.
final class ProgressPrinter: LessonRunObserver {
    let terminal: Terminal
    let verbose: Bool

    init(terminal: Terminal, verbose: Bool) {
        self.terminal = terminal
        self.verbose = verbose
    }

    func cellDidFinish(_ cell: Cell, result: CellResult, in lesson: Lesson) {
        guard verbose || !result.status.isSuccess else { return }
        let line = "\(cell.location): \(cell.id): \(StatusLine.text(for: result))"
        terminal.write(terminal.styled(StatusSymbol.symbol(for: result.status) + " " + line,
                                       StatusSymbol.color(for: result.status)) + "\n")
    }

    func printSummary(of runs: [LessonRunResult]) {
        terminal.write(RunSummary.text(of: runs) + "\n")
    }
}

enum StatusSymbol {
    static func symbol(for status: CellStatus) -> String {
        switch status {
        case .passed: "✓"
        case .skipped: "–"
        case .timedOut: "⏱"
        case .stopped: "■"
        default: "✗"
        }
    }

    static func color(for status: CellStatus) -> Terminal.Color {
        switch status {
        case .passed: .green
        case .skipped: .dim
        case .timedOut: .yellow
        case .stopped: .yellow
        default: .red
        }
    }
}

/// `4 cells in 1 lesson: 3 passed, 1 failed (1.21 s)`.
enum RunSummary {
    static func text(of runs: [LessonRunResult]) -> String {
        let results = runs.flatMap(\.results)
        var counts: [CellStatus: Int] = [:]
        for result in results { counts[result.status, default: 0] += 1 }
        let parts = CellStatus.allCases.compactMap { status in counts[status].map { "\($0) \(status)" } }
        let duration = runs.reduce(Duration.zero) { $0 + $1.duration }
        let lessons = runs.count == 1 ? "1 lesson" : "\(runs.count) lessons"
        let cells = results.count == 1 ? "1 cell" : "\(results.count) cells"
        return "\(cells) in \(lessons): \(parts.isEmpty ? "nothing run" : parts.joined(separator: ", "))"
            + " (\(DurationFormat.short(duration)))"
    }
}
