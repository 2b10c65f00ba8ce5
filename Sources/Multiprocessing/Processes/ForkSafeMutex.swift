#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a plain pthread mutex, for state that a forked child goes on using.
///
/// `Synchronization.Mutex` is not fit for that on Linux: it is a priority-inheritance futex whose lock word holds
/// the owner's thread id, which the standard library caches per thread. `fork` copies that cache into the child,
/// so the child locks with its parent's thread id, and the kernel refuses the unlock once the lock is contended
/// (`Fatal error: Call to unlock Mutex on a thread which hasn't acquired the lock`): a child started with `fork`
/// could not start children of its own. A default pthread mutex records no owner that `fork` would make stale.
///
/// The mutex lives at a heap-allocated, stable address because a pthread mutex must not move. As with any lock,
/// fork only while no other thread holds it.
package final class ForkSafeMutex<Value: ~Copyable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let value: UnsafeMutablePointer<Value>

    /// A mutex guarding `initialValue`.
    package init(_ initialValue: consuming sending Value) {
        mutex = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        value = .allocate(capacity: 1)
        value.initialize(to: initialValue)
    }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        precondition(pthread_mutex_lock(mutex) == 0, "pthread_mutex_lock")
        defer { precondition(pthread_mutex_unlock(mutex) == 0, "pthread_mutex_unlock") }
        return try body(&value.pointee)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
}
