import Multiprocessing

/// The one lock every call on a manager's server runs under, with a condition variable that blocking methods
/// (a lock's `acquire`, a queue's `get`, an event's `wait`) sleep on. Every call broadcasts when it is done, so a
/// waiter re-checks after any change.
final class ServerMonitor: Sendable {
    private let lock = _PthreadLock()

    /// Runs `body` under the lock, then wakes every waiter.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock {
            defer { lock.broadcast() }
            return try body()
        }
    }

    /// With the lock held: waits until `ready()` or `timeout` (`nil`: no limit). Returns whether it became ready.
    func wait(timeout: Duration?, until ready: () -> Bool) -> Bool {
        lock.wait(timeout: timeout, until: ready)
    }
}
