import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// A forked process that ignores SIGTERM and sleeps until it is killed: what the runner's teardown must end.
public enum SigtermIgnoringProcess {
    /// Forks the process and returns its pid once it ignores SIGTERM (so a SIGTERM sent right after cannot catch
    /// it before it is ready), or nil when `fork` fails.
    ///
    /// - Parameters:
    ///   - newSession: Whether the process calls `setsid` first, leaving its parent's process group.
    ///   - doubleFork: Whether the process forks once more and exits, as a daemon does, so that the process that
    ///     stays is an orphan (the returned pid is then the one that exited).
    public static func start(newSession: Bool = false, doubleFork: Bool = false) -> pid_t? {
        var ready: [Int32] = [-1, -1]
        guard pipe(&ready) == 0 else { return nil }
        StandardStreams.flush()
        let pid = fork()
        if pid == 0 {
            // In the new process: only async-signal-safe calls from here on.
            close(ready[0])
            if newSession { setsid() }
            if doubleFork, fork() != 0 { _exit(0) }  // The orphan goes on; its parent leaves.
            signal(SIGTERM, SIG_IGN)
            var byte: UInt8 = 1
            _ = write(ready[1], &byte, 1)
            close(ready[1])
            while true { pause() }
        }
        close(ready[1])
        if pid > 0 {
            var byte: UInt8 = 0
            while read(ready[0], &byte, 1) < 0 && errno == EINTR {}
            // A daemon's parent waits for the middle process, so that only the orphan is left.
            if doubleFork { while waitpid(pid, nil, 0) < 0 && errno == EINTR {} }
        }
        close(ready[0])
        return pid > 0 ? pid : nil
    }
}
