import Multiprocessing

/// How a cell's run ended, from the lesson's point of view.
public enum CellStatus: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The cell ran and ended as the lesson expects.
    case passed
    /// The cell ran to the end but not as the lesson expects (for example a non-zero exit code).
    case failed
    /// A signal killed the cell's process, and the lesson did not expect it.
    case crashed
    /// The cell ran past its timeout and its process tree was ended.
    case timedOut = "timed out"
    /// The lesson marks the cell `skip`.
    case skipped
    /// The cell could not be run at all (its process could not be started).
    case error

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
