#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// A process-shared, robust pthread mutex at a fixed place in shared memory (it must not move: the kernel and
/// glibc keep its address in the holder's robust list).
///
/// Robust means that when its holder dies, the kernel hands it to the next acquirer with `EOWNERDEAD`. The mutex
/// is then made consistent at once (`pthread_mutex_consistent`), so it never becomes unusable; what the caller does
/// about the dead owner is its choice: ``acquire(block:timeout:what:)`` reports it as
/// ``MultiprocessingError/Code/ownerDied`` (and does not keep the lock), ``lockRecovering()`` carries on.
struct RobustMutex: @unchecked Sendable {
    /// The bytes reserved for a mutex in every layout (`pthread_mutex_t` is 40 on x86_64 Linux).
    static let reservedSize = 64

    let address: UnsafeMutableRawPointer

    /// Initialises a new mutex at `address` (zeroed shared memory of ``reservedSize`` bytes).
    static func initialize(at address: UnsafeMutableRawPointer, recursive: Bool) -> RobustMutex {
        precondition(lx_shared_mutex_size() <= reservedSize, "pthread_mutex_t is larger than expected")
        let result = lx_robust_mutex_init(address, recursive ? 1 : 0)
        precondition(result == 0, "cannot initialise a process-shared mutex: \(result)")
        return RobustMutex(address: address)
    }

    /// Takes the mutex, waiting as `block` and `timeout` say. Returns false when it was not free in time.
    ///
    /// - Throws: ``MultiprocessingError/Code/ownerDied`` when the previous holder died holding it: the mutex has
    ///   been made consistent and released, and the caller does not hold it.
    @inline(__always)
    func acquire(block: Bool, timeout: Duration?, what: String) throws(MultiprocessingError) -> Bool {
        let result: Int32
        if !block {
            result = lx_robust_mutex_trylock(address)
        } else if let timeout {
            result = lx_robust_mutex_timedlock(address, timeout.saturatingNanoseconds)
        } else {
            result = lx_robust_mutex_lock(address)
        }
        if result == 0 { return true }
        return try handle(result, what: what)
    }

    private func handle(_ result: Int32, what: String) throws(MultiprocessingError) -> Bool {
        switch result {
        case EBUSY, ETIMEDOUT:
            return false
        case EOWNERDEAD:
            _ = lx_robust_mutex_unlock(address)
            throw MultiprocessingError(
                .ownerDied, "a process died holding the \(what); it is free again, but what it guarded may be "
                    + "half-updated")
        case EDEADLK:
            throw MultiprocessingError(.invalidState, "this thread already holds the \(what)")
        default:
            throw MultiprocessingError(.systemCallFailed, "cannot acquire the \(what)",
                                       underlyingError: Errno(rawValue: result))
        }
    }

    /// Takes the mutex and waits as long as it takes; a dead previous holder is not an error (the structures it
    /// guards, such as a ``Queue``'s ring, tolerate it).
    @inline(__always)
    func lockRecovering() {
        let result = lx_robust_mutex_lock(address)
        precondition(result == 0 || result == EOWNERDEAD, "cannot lock a process-shared mutex: \(result)")
    }

    /// Releases the mutex; false when this thread does not hold it.
    @inline(__always)
    @discardableResult
    func unlock() -> Bool {
        lx_robust_mutex_unlock(address) == 0
    }
}
