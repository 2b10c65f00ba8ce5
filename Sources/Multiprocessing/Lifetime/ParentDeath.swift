import CLinuxShims
#if canImport(Glibc)
import Glibc
#endif

/// Ties a child's life to its parent's.
public enum ParentDeath {
    /// Asks the kernel to send `signal` to this process when its parent dies (`PR_SET_PDEATHSIG`), then closes the
    /// race with a parent that died before the request: if the parent is no longer `expectedParent`, the signal
    /// is raised at once.
    ///
    /// Linux sends the signal when the *thread* that started this process exits, so a parent must keep the
    /// spawning thread alive for as long as the child should live (the cell runner waits on that thread).
    ///
    /// - Parameters:
    ///   - signal: What to receive, usually ``Signal/kill``.
    ///   - expectedParent: The parent's process id as the parent saw it; nil skips the check.
    ///
    /// The corresponding C function is `prctl(PR_SET_PDEATHSIG, …)`.
    public static func deliver(_ signal: Signal, expectedParent: Int32?) {
        _ = lx_set_parent_death_signal(signal.rawValue)
        if let expectedParent, getppid() != expectedParent {
            raise(signal.rawValue)
        }
    }
}
