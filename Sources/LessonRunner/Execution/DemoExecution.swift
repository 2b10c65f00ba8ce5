import Multiprocessing

/// The facts of one demo run, before they are judged against a cell's expectation.
public struct DemoExecution: Sendable {
    /// What the demo printed.
    public var output: CapturedOutput
    /// How the child ended; nil when it could not be started.
    public var termination: TerminationStatus?
    /// Whether the run hit its timeout and was ended by the runner.
    public var timedOut: Bool
    /// The timeout the run had.
    public var timeout: Duration
    /// Wall time from spawn to the end of the teardown.
    public var duration: Duration
    /// Processes besides the child that the runner had to end.
    public var strayProcessesEnded: Int
    /// Why the child could not be started, when it could not.
    public var launchFailure: String?
    /// The child's process id (long reaped by the time you read it), or nil when it could not be started.
    public var processID: Int32?
    /// The signal that interrupted the runner while the cell ran (see ``InterruptSignal``), if one did.
    public var interruption: Signal?
    /// Whether a ``CellStop`` ended the run.
    public var stopped: Bool = false

    /// The verdict for a cell that expects `expectation`.
    public func judged(cellID: String, expectation: ExitExpectation) -> CellResult {
        var result = CellResult(
            cellID: cellID, status: .passed, termination: termination, output: output, duration: duration,
            strayProcessesEnded: strayProcessesEnded)
        if let launchFailure {
            result.status = .error
            result.detail = launchFailure
        } else if let interruption {
            result.status = .error
            result.detail = "interrupted by \(interruption.name); the cell's processes were stopped"
        } else if stopped {
            result.status = .stopped
            result.detail = "stopped after \(DurationFormat.short(duration)); the cell's processes were ended"
        } else if timedOut {
            if expectation == .timeout {
                result.detail = "stopped at its \(DurationFormat.short(timeout)) timeout, as expected"
            } else {
                result.status = .timedOut
                result.detail = "ran past its \(DurationFormat.short(timeout)) timeout and was stopped"
            }
        } else if expectation == .timeout {
            let ending = termination.map { "\($0)" } ?? "ended"
            result.status = .error
            result.detail = "\(ending) before its \(DurationFormat.short(timeout)) timeout, expected timeout"
        } else if let termination, !expectation.isMet(by: termination) {
            switch termination {
            case .signaled(let signal):
                result.status = .error
                result.detail = "killed by \(signal.name), expected \(expectation)"
            case .exited(let code):
                result.status = .error
                result.detail = "exit \(code), expected \(expectation)"
            }
        }
        return result
    }
}
