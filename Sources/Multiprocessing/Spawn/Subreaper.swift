#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// This process as a child subreaper: orphaned descendants of its children are reparented to it rather than to
/// init, so that they can still be found, signalled and reaped.
///
/// ```swift
/// try Subreaper.enable()
/// // … children whose own children outlive them …
/// Subreaper.reapAdoptedZombies()
/// ```
///
/// Adopted orphans are children of this process that nothing else waits for. ``ProcessContainer`` ends and reaps
/// the ones it can attribute to itself; ``reapAdoptedZombies()`` reaps every other one once it has exited.
public enum Subreaper {
    /// Makes this process a child subreaper. Calling it again does nothing more.
    ///
    /// The setting is process-wide and is not inherited by children; this API never turns it off.
    ///
    /// The corresponding C function is `prctl` with `PR_SET_CHILD_SUBREAPER`.
    public static func enable() throws(SpawnError) {
        if isEnabled { return }
        if lx_set_child_subreaper(1) != 0 {
            throw SpawnError(.subreaperFailed, "cannot become a child subreaper", underlyingError: _currentErrno())
        }
    }

    /// Whether this process is a child subreaper.
    ///
    /// The corresponding C function is `prctl` with `PR_GET_CHILD_SUBREAPER`.
    public static var isEnabled: Bool {
        lx_is_child_subreaper() == 1
    }

    /// Reaps every zombie child of this process that was not spawned through ``ChildProcess`` (or whose
    /// ``ChildProcess`` has already reaped it), and returns how many it reaped.
    ///
    /// These are adopted orphans that have exited. A zombie's environment can no longer be read, so no
    /// container token is checked: any such zombie is reaped. Children that other code in this process spawned
    /// without ``ChildProcess`` and waits for by pid would be reaped too; do not mix that with this sweeper.
    /// It never calls `waitpid(-1)`, so threads waiting for their own children are not disturbed.
    ///
    /// The corresponding C function is `waitpid` with `WNOHANG`, on each such pid.
    @discardableResult
    public static func reapAdoptedZombies() -> Int {
        ChildRegistry.sweep()
    }
}
