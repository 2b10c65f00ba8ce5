#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage

/// The children spawned through ``ChildProcess`` that have not been reaped yet.
///
/// Every reap this module does happens under this lock, and a pid that one thread reaps cannot be reused by a
/// child another thread registers before the first thread has removed it. A spawn does not hold the lock while the
/// child starts (a clone into new namespaces and an `exec` take a while, and other threads spawn and reap
/// meanwhile): it counts itself in ``spawnsInFlight`` first, and the sweeper reaps no unregistered zombie while a
/// spawn is in flight, so it never steals the status of a child that is not registered yet.
enum ChildRegistry {
    static let children = ForkSafeMutex<Set<Int32>>([])
    /// Spawns started and not yet registered.
    private static let spawnsInFlight = Atomic<Int>(0)

    /// Starts a child with `start` and registers the pid that `pid` finds in what it returned (`nil`: no child
    /// was started), without holding the lock meanwhile.
    static func spawn<Started>(_ start: () -> Started, registering pid: (Started) -> Int32?) -> Started {
        spawnsInFlight.add(1, ordering: .sequentiallyConsistent)
        let started = start()
        children.withLock { children in
            if let id = pid(started) { children.insert(id) }
            spawnsInFlight.subtract(1, ordering: .sequentiallyConsistent)
        }
        return started
    }

    /// A copy of the registered pids.
    static func snapshot() -> Set<Int32> {
        children.withLock { $0 }
    }

    /// Reaps the registered child `id` if it has exited, and unregisters it: its wait status, or `nil` while it
    /// runs. `ECHILD` (someone else reaped it) unregisters it too.
    static func reap(_ id: Int32) -> Result<Int32?, Errno> {
        children.withLock { children in
            let result = _waitpidNoHang(id)
            switch result {
            case .success(.some), .failure(.noChildProcess):
                children.remove(id)
            default:
                break
            }
            return result
        }
    }

    /// Blocks until the registered child `id` has exited, then reaps and unregisters it.
    static func reapBlocking(_ id: Int32) -> Result<Int32, Errno> {
        if case .failure(let error) = _waitForExitWithoutReaping(id) {
            if error == .noChildProcess { children.withLock { _ = $0.remove(id) } }
            return .failure(error)
        }
        while true {
            switch reap(id) {
            case .success(.some(let status)): return .success(status)
            case .success(nil): _sleep(.milliseconds(1))  // Not expected after waitid reported the exit.
            case .failure(let error): return .failure(error)
            }
        }
    }

    /// Reaps `id` if it is, right now, a zombie child of this process that is not registered and (when given)
    /// started at `startTime`. Returns whether it reaped.
    @discardableResult
    static func reapAdoptedZombie(_ id: Int32, startTime: UInt64? = nil) -> Bool {
        let me = getpid()
        return children.withLock { children in
            guard spawnsInFlight.load(ordering: .sequentiallyConsistent) == 0,
                  !children.contains(id), let stat = ProcessTable.stat(of: id), stat.parent == me, stat.isZombie,
                  startTime == nil || stat.startTime == startTime
            else { return false }
            if case .success(.some) = _waitpidNoHang(id) { return true }
            return false
        }
    }

    /// Reaps every zombie child of this process that is not registered. Returns how many it reaped.
    @discardableResult
    static func sweep() -> Int {
        let me = getpid()
        let zombies = ProcessTable.all().filter { $0.parent == me && $0.isZombie }
        var reaped = 0
        for zombie in zombies where reapAdoptedZombie(zombie.id, startTime: zombie.startTime) {
            reaped += 1
        }
        return reaped
    }
}
