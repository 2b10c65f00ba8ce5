import CLinuxShims
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// A cell's process when the runner started it as process 1 of a PID namespace of its own (the runner's
/// ``Multiprocessing/ProcessContainer/Containment/pidNamespace``).
///
/// The kernel kills every process of the namespace when its first process ends, so nothing a cell starts can
/// outlive it, or the runner. Two duties come with the place:
/// - Process 1 ignores the signals it has no handler for, so a runner's `SIGTERM` at a timeout would do nothing:
///   it gets a handler that passes the signal on to the namespace, reports it, and ends the process.
/// - Whatever the demo leaves running when it returns is ended here, politely (`SIGTERM`, then `SIGKILL` after
///   the runner's grace), after `Multiprocessing` has joined its own children at exit, and the count is reported,
///   so that the report says "ended N leftover processes" as it does without a namespace.
///
/// Reports are lines on the descriptor the runner passed in ``CellMode/reportVariable``: `strays N` and
/// `signal N`.
enum NamespaceRoot {
    nonisolated(unsafe) private static var reportDescriptor: Int32 = -1
    nonisolated(unsafe) private static var graceMilliseconds = 500

    /// Whether this process is the first of its PID namespace.
    static var isFirstProcess: Bool { getpid() == 1 }

    /// Takes the duties above. Call before the demo runs: the exit hook must be installed before
    /// `Multiprocessing`'s, so that it runs after it.
    static func takeOver(reportDescriptor: Int32?, graceMilliseconds: Int) {
        if let reportDescriptor {
            _ = fcntl(reportDescriptor, F_SETFD, FD_CLOEXEC)
            self.reportDescriptor = reportDescriptor
        }
        self.graceMilliseconds = max(0, graceMilliseconds)
        _ = lx_end_on_termination_signals_as_first_process(reportDescriptor ?? -1)
        atexit { NamespaceRoot.endLeftovers() }
    }

    /// Ends every other process of the namespace, if there is any, and reports how many there were.
    private static func endLeftovers() {
        // No child at all (ECHILD) is the common case, and costs one system call.
        var information = siginfo_t()
        guard waitid(P_ALL, 0, &information, WEXITED | WNOHANG | WNOWAIT) == 0 else { return }
        let leftovers = livingOthers()
        guard leftovers > 0 else { return }

        kill(-1, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(graceMilliseconds))
        while clock.now < deadline {
            reapExited()
            if livingOthers() == 0 { break }
            usleep(2000)
        }
        kill(-1, SIGKILL)
        while waitpid(-1, nil, 0) > 0 || errno == EINTR {}
        report("strays \(leftovers)\n")
    }

    private static func reapExited() {
        while waitpid(-1, nil, WNOHANG) > 0 {}
    }

    /// The processes of the namespace other than this one that have not exited, from its `/proc`.
    private static func livingOthers() -> Int {
        ProcessTable.all().count { $0.id != 1 && !$0.isZombie }
    }

    private static func report(_ line: String) {
        guard reportDescriptor >= 0 else { return }
        var bytes = Array(line.utf8)
        _ = write(reportDescriptor, &bytes, bytes.count)
    }
}
