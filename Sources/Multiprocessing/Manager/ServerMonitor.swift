#if canImport(Glibc)
import Glibc
#endif

/// The one lock every call on a manager's server runs under, with a condition variable that blocking methods
/// (a lock's `acquire`, a queue's `get`, an event's `wait`) sleep on. Every call broadcasts when it is done, so a
/// waiter re-checks after any change. At a stable heap address, as a pthread mutex must be.
final class ServerMonitor: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init")
    }

    /// Runs `body` under the lock, then wakes every waiter.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        precondition(pthread_mutex_lock(mutex) == 0, "pthread_mutex_lock")
        defer {
            pthread_cond_broadcast(condition)
            precondition(pthread_mutex_unlock(mutex) == 0, "pthread_mutex_unlock")
        }
        return try body()
    }

    /// With the lock held: waits until `ready()` or `timeout` (`nil`: no limit). Returns whether it became ready.
    func wait(timeout: Duration?, until ready: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while !ready() {
            guard let deadline else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let (seconds, attoseconds) = remaining.components
            var nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
            var wholeSeconds = Int(now.tv_sec) + Int(seconds)
            if nanoseconds >= 1_000_000_000 {
                nanoseconds -= 1_000_000_000
                wholeSeconds += 1
            }
            var until = timespec(tv_sec: wholeSeconds, tv_nsec: nanoseconds)
            pthread_cond_timedwait(condition, mutex, &until)
        }
        return true
    }
}
