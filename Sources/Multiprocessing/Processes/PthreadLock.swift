#if canImport(Glibc)
import Glibc
#endif

/// A plain pthread mutex and condition variable at a stable, heap-allocated address (a pthread mutex must not
/// move). Used where the state must survive `fork` in a single-threaded process and where a thread must sleep
/// until another signals it; `Synchronization.Mutex` has no condition variable.
package final class _PthreadLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init")
    }

    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        precondition(pthread_mutex_lock(mutex) == 0, "pthread_mutex_lock")
        defer { precondition(pthread_mutex_unlock(mutex) == 0, "pthread_mutex_unlock") }
        return try body()
    }

    /// Runs `body` with the lock released (call it with the lock held); takes the lock again afterwards.
    package func unlocked<T>(_ body: () throws -> T) rethrows -> T {
        precondition(pthread_mutex_unlock(mutex) == 0, "pthread_mutex_unlock")
        defer { precondition(pthread_mutex_lock(mutex) == 0, "pthread_mutex_lock") }
        return try body()
    }

    /// Waits for a signal; call with the lock held.
    package func wait() {
        precondition(pthread_cond_wait(condition, mutex) == 0, "pthread_cond_wait")
    }

    /// Waits, with the lock held, until `ready()` or `timeout` (`nil`: no limit). Returns whether it became ready.
    package func wait(timeout: Duration?, until ready: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while !ready() {
            guard let deadline else {
                wait()
                continue
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            // pthread_cond_timedwait takes an absolute CLOCK_REALTIME time.
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            // Waits of more than a day are taken a day at a time (the loop goes on), so no sum overflows.
            let (seconds, attoseconds) = min(remaining, .seconds(86_400)).components
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

    /// Wakes every waiter.
    package func broadcast() {
        precondition(pthread_cond_broadcast(condition) == 0, "pthread_cond_broadcast")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }
}
