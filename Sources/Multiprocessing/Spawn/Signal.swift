#if canImport(Glibc)
import Glibc
#endif

/// A POSIX signal number with a readable name.
///
/// ```swift
/// try child.send(.terminate)
/// Signal(name: "SIGKILL") == .kill   // true
/// Signal(name: "segv") == .segmentationFault   // true
/// ```
public struct Signal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The signal number, as the C API takes it.
    public var rawValue: Int32

    /// Wraps a signal number.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// `SIGHUP`.
    public static let hangup = Signal(rawValue: SIGHUP)
    /// `SIGINT`, sent by Control-C.
    public static let interrupt = Signal(rawValue: SIGINT)
    /// `SIGQUIT`.
    public static let quit = Signal(rawValue: SIGQUIT)
    /// `SIGILL`, what a Swift runtime trap (`fatalError`, a failed precondition) raises.
    public static let illegalInstruction = Signal(rawValue: SIGILL)
    /// `SIGTRAP`.
    public static let trap = Signal(rawValue: SIGTRAP)
    /// `SIGABRT`.
    public static let abort = Signal(rawValue: SIGABRT)
    /// `SIGBUS`.
    public static let busError = Signal(rawValue: SIGBUS)
    /// `SIGFPE`.
    public static let floatingPointException = Signal(rawValue: SIGFPE)
    /// `SIGKILL`, which cannot be caught or ignored.
    public static let kill = Signal(rawValue: SIGKILL)
    /// `SIGUSR1`.
    public static let user1 = Signal(rawValue: SIGUSR1)
    /// `SIGSEGV`.
    public static let segmentationFault = Signal(rawValue: SIGSEGV)
    /// `SIGUSR2`.
    public static let user2 = Signal(rawValue: SIGUSR2)
    /// `SIGPIPE`, raised by a write to a pipe nobody reads.
    public static let brokenPipe = Signal(rawValue: SIGPIPE)
    /// `SIGALRM`.
    public static let alarm = Signal(rawValue: SIGALRM)
    /// `SIGTERM`, the polite request to stop.
    public static let terminate = Signal(rawValue: SIGTERM)
    /// `SIGCHLD`.
    public static let childStatusChanged = Signal(rawValue: SIGCHLD)
    /// `SIGCONT`.
    public static let `continue` = Signal(rawValue: SIGCONT)
    /// `SIGSTOP`, which cannot be caught or ignored.
    public static let stop = Signal(rawValue: SIGSTOP)

    private static let names: [(String, Int32)] = [
        ("SIGHUP", SIGHUP), ("SIGINT", SIGINT), ("SIGQUIT", SIGQUIT), ("SIGILL", SIGILL), ("SIGTRAP", SIGTRAP),
        ("SIGABRT", SIGABRT), ("SIGBUS", SIGBUS), ("SIGFPE", SIGFPE), ("SIGKILL", SIGKILL), ("SIGUSR1", SIGUSR1),
        ("SIGSEGV", SIGSEGV), ("SIGUSR2", SIGUSR2), ("SIGPIPE", SIGPIPE), ("SIGALRM", SIGALRM), ("SIGTERM", SIGTERM),
        ("SIGCHLD", SIGCHLD), ("SIGCONT", SIGCONT), ("SIGSTOP", SIGSTOP), ("SIGTSTP", SIGTSTP), ("SIGTTIN", SIGTTIN),
        ("SIGTTOU", SIGTTOU), ("SIGURG", SIGURG), ("SIGXCPU", SIGXCPU), ("SIGXFSZ", SIGXFSZ),
        ("SIGVTALRM", SIGVTALRM), ("SIGPROF", SIGPROF), ("SIGWINCH", SIGWINCH), ("SIGIO", SIGIO),
        ("SIGPWR", SIGPWR), ("SIGSYS", SIGSYS),
    ]

    /// Looks a signal up by name: `SIGTERM`, `TERM` and `term` all name ``terminate``; a decimal number is accepted
    /// too.
    public init?(name: String) {
        if let number = Int32(name), number > 0, number < 65 {
            self.init(rawValue: number)
            return
        }
        var upper = name.uppercased()
        if !upper.hasPrefix("SIG") { upper = "SIG" + upper }
        guard let entry = Self.names.first(where: { $0.0 == upper }) else { return nil }
        self.init(rawValue: entry.1)
    }

    /// The conventional name, such as `SIGTERM`, or `signal 42` for a number without one.
    public var name: String {
        Self.names.first(where: { $0.1 == rawValue })?.0 ?? "signal \(rawValue)"
    }

    public var description: String { name }
}
