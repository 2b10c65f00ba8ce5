import Multiprocessing

/// How a cell is run, from the attributes in its info string.
///
/// ````markdown
/// ```swift demo=pool-map id=map timeout=10s args="--processes 4" expect=exit:3
/// ```
/// ````
public struct CellOptions: Hashable, Sendable {
    /// The time a cell gets when its info string names none.
    public static let defaultTimeout: Duration = .seconds(30)

    /// How long the cell may run before its process tree is ended (`timeout=500ms`, `timeout=10s`).
    public var timeout: Duration
    /// Arguments for the demo (`args="--samples 1000 'two words'"`), split as a shell would.
    public var arguments: [String]
    /// Whether the cell is shown but not run (`skip`, `skip=true`).
    public var skip: Bool
    /// How the cell's process must end to pass (`expect=success`, `expect=exit:3`, `expect=signal:SIGSEGV`,
    /// `expect=crash`, `expect=timeout`).
    public var expectation: ExitExpectation

    public init(
        timeout: Duration = CellOptions.defaultTimeout, arguments: [String] = [], skip: Bool = false,
        expectation: ExitExpectation = .success
    ) {
        self.timeout = timeout
        self.arguments = arguments
        self.skip = skip
        self.expectation = expectation
    }
}

/// How a cell's process is expected to end.
public enum ExitExpectation: Hashable, Sendable, CustomStringConvertible {
    /// Exit code 0 (`expect=success`, the default).
    case success
    /// Any non-zero exit code (`expect=failure`).
    case failure
    /// This exit code (`expect=exit:3`).
    case exitCode(Int32)
    /// Killed by this signal (`expect=signal:SIGABRT`, `expect=signal:6`).
    case signal(Signal)
    /// Killed by any signal (`expect=crash`): a runtime trap raises SIGILL on x86-64 and SIGTRAP on arm64.
    case crash
    /// Still running at its timeout, so the runner ends it (`expect=timeout`): for lessons that show a timeout.
    case timeout

    /// Whether a process that ended so (before its timeout) meets the expectation.
    public func isMet(by status: TerminationStatus) -> Bool {
        switch (self, status) {
        case (.success, .exited(0)): true
        case (.failure, .exited(let code)): code != 0
        case (.exitCode(let expected), .exited(let code)): expected == code
        case (.signal(let expected), .signaled(let signal)): expected == signal
        case (.crash, .signaled): true
        default: false
        }
    }

    /// The attribute value that declares it: `success`, `failure`, `exit:3`, `signal:SIGABRT`.
    public var description: String {
        switch self {
        case .success: "success"
        case .failure: "failure"
        case .exitCode(let code): "exit:\(code)"
        case .signal(let signal): "signal:\(signal.name)"
        case .crash: "crash"
        case .timeout: "timeout"
        }
    }
}
