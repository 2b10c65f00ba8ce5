/// How a child process ended: it exited with a code, or a signal killed it.
public enum TerminationStatus: Hashable, Sendable, CustomStringConvertible {
    /// The process called `exit` (or returned from `main`) with this code.
    case exited(Int32)
    /// The process was killed by this signal.
    case signaled(Signal)

    /// True for `exited(0)`.
    public var isSuccess: Bool { self == .exited(0) }

    /// The code Python's `multiprocessing` reports: the exit code, or the negated signal number.
    public var pythonExitCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): -signal.rawValue
        }
    }

    /// `exit 3` or `killed by SIGSEGV`.
    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "killed by \(signal.name)"
        }
    }

    /// Decodes a `wait` status word.
    public init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(Signal(rawValue: signal))
        }
    }
}
