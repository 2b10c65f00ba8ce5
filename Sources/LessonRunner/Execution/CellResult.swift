import Multiprocessing

/// How a cell's run ended, from the lesson's point of view.
public enum CellStatus: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The cell ended as the lesson expects (`expect=`) and printed what its `output` and `stderr` blocks say.
    case passed
    /// The cell ended as expected, but its output does not match the lesson's `output` or `stderr` block.
    case failed
    /// The cell ended in a way the lesson does not expect: an unexpected exit code, a crash (a signal), or a
    /// process that could not be started at all.
    case error
    /// The cell ran past its timeout, which the lesson does not expect, and its process tree was ended.
    case timedOut = "timed out"
    /// The lesson marks the cell `skip`.
    case skipped
    /// Someone stopped the run (Stop on a live page) and its process tree was ended.
    case stopped

    /// Whether the status counts as a success for the exit code of `lesson`.
    public var isSuccess: Bool { self == .passed || self == .skipped }

    public var description: String { rawValue }
}

/// What running one cell produced.
public struct CellResult: Sendable {
    /// The cell's id.
    public var cellID: String
    /// The verdict.
    public var status: CellStatus
    /// A sentence that explains a status other than passed or skipped, such as `exit 3, expected success`.
    public var detail: String?
    /// How the cell's process ended; nil when it was skipped or never started.
    public var termination: TerminationStatus?
    /// What the cell printed.
    public var output: CapturedOutput
    /// Wall time from spawn to the end of the teardown.
    public var duration: Duration
    /// Processes the cell left running (or that ran at its timeout) besides its own, which the runner ended.
    public var strayProcessesEnded: Int
    /// How the output differs from the lesson's `output` and `stderr` blocks (see ``OutputCheck``); empty when
    /// the output was not compared or matches.
    public var mismatches: [OutputMismatch] = []
    /// Whether the result was taken from a ``ResultCache`` instead of running the cell.
    public var isCached = false

    public init(
        cellID: String, status: CellStatus, detail: String? = nil, termination: TerminationStatus? = nil,
        output: CapturedOutput = CapturedOutput(), duration: Duration = .zero, strayProcessesEnded: Int = 0
    ) {
        self.cellID = cellID
        self.status = status
        self.detail = detail
        self.termination = termination
        self.output = output
        self.duration = duration
        self.strayProcessesEnded = strayProcessesEnded
    }

    /// A skipped cell's result.
    public static func skipped(_ cell: Cell) -> CellResult {
        CellResult(cellID: cell.id, status: .skipped, detail: "marked skip in the lesson")
    }
}
