import LessonRunner
import Synchronization

/// Progress of `check` and `accept` on stderr: on a terminal one line, rewritten as cells start,
/// `[N/M] lesson.md › cell-id`; otherwise a plain line per finished cell with its status.
final class CheckProgress: LessonRunObserver, Sendable {
    private let terminal: Terminal
    private let isTerminal: Bool
    private let total: Int
    private let state = Mutex((started: 0, finished: 0, lineShown: false))

    init(terminal: Terminal, total: Int) {
        self.terminal = terminal
        self.isTerminal = terminal.isTerminal
        self.total = total
    }

    func cellWillStart(_ cell: Cell, index: Int, of count: Int, in lesson: Lesson) {
        guard isTerminal else { return }
        state.withLock { state in
            state.started += 1
            let line = "[\(state.started)/\(total)] \(lesson.path) › \(cell.id)"
            terminal.write("\r\u{1B}[K" + String(line.prefix(terminal.columns - 1)))
            state.lineShown = true
        }
    }

    func cellDidFinish(_ cell: Cell, result: CellResult, in lesson: Lesson) {
        guard !isTerminal else { return }
        state.withLock { state in
            state.finished += 1
            terminal.write("[\(state.finished)/\(total)] \(lesson.path) › \(cell.id): \(result.status)\n")
        }
    }

    /// Clears the progress line, so the report that follows starts on a clean line.
    func finish() {
        state.withLock { state in
            if state.lineShown { terminal.write("\r\u{1B}[K") }
            state.lineShown = false
        }
    }
}
