import CLinuxShims

/// A condition variable shared between processes, as Python's `multiprocessing.Condition`: wait, holding its lock,
/// until another process notifies.
///
/// ```swift
/// let condition = try Condition()
/// try condition.withLock {
///     while !ready() { try condition.wait() }
/// }
/// // elsewhere, in another process:
/// try condition.withLock { makeReady(); condition.notifyAll() }
/// ```
///
/// The lock is a ``Lock`` (Python's default is an `RLock`; pass a lock to share one between conditions). Waiting is
/// a futex on a sequence word in shared memory that every notify advances: a waiter reads the sequence while it
/// holds the lock, so a notify that follows cannot be missed. As with any condition variable, check the predicate in
/// a loop, or use ``wait(for:timeout:)``.
public final class Condition: Codable, Sendable {
    /// The condition's lock, which ``wait(timeout:)`` releases while it waits.
    public let lock: Lock
    let mapping: SharedMemoryMapping
    private var sequence: UnsafeMutablePointer<UInt32> { mapping.word(at: 0) }
    private var sleepers: UnsafeMutablePointer<UInt32> { mapping.word(at: 4) }

    /// A condition on `lock`, or on a new ``Lock``.
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(lock: Lock? = nil) throws(MultiprocessingError) {
        if let lock {
            self.lock = lock
        } else {
            self.lock = try Lock()
        }
        mapping = try SharedMemoryMapping(size: 8, name: "multiprocessing-Condition")
    }

    /// Acquires the condition's lock (see ``Lock/acquire(block:timeout:)``).
    @discardableResult
    public func acquire(block: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try lock.acquire(block: block, timeout: timeout)
    }

    /// Releases the condition's lock.
    public func release() throws(MultiprocessingError) { try lock.release() }

    /// Runs `body` holding the condition's lock.
    public func withLock<Result>(_ body: () throws -> Result) throws -> Result { try lock.withLock(body) }

    /// Releases the lock, waits for a notify (up to `timeout`; `nil`: no limit), and acquires the lock again.
    /// Call it holding the lock.
    ///
    /// - Returns: false when the timeout passed without a notify.
    /// - Throws: ``MultiprocessingError/Code/invalidState`` when the caller does not hold the lock;
    ///   ``MultiprocessingError/Code/ownerDied`` when a process died holding the lock while this one waited (the
    ///   caller then does not hold it).
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        let deadline = Deadline(timeout)
        let observed = lx_atomic_load_u32(sequence)
        try lock.release()
        _ = lx_atomic_add_u32(sleepers, 1)
        var notified = true
        while lx_atomic_load_u32(sequence) == observed {
            if deadline.hasPassed {
                notified = false
                break
            }
            _ = lx_futex_wait(sequence, observed, deadline.remainingNanoseconds)
        }
        _ = lx_atomic_sub_u32(sleepers, 1)
        try lock.acquire()
        return notified
    }

    /// Waits, as ``wait(timeout:)``, until `predicate` (checked holding the lock) is true, or the timeout passes.
    ///
    /// - Returns: the predicate's last value.
    @discardableResult
    public func wait(for predicate: () throws -> Bool, timeout: Duration? = nil) throws -> Bool {
        let deadline = Deadline(timeout)
        while true {
            if try predicate() { return true }
            if deadline.hasPassed { return false }
            let remaining = deadline.remainingNanoseconds
            try wait(timeout: remaining < 0 ? nil : .nanoseconds(remaining))
        }
    }

    /// Wakes up to `count` processes waiting on the condition (none when `count` is not positive, as Python's).
    /// Call it holding the lock.
    public func notify(_ count: Int = 1) {
        guard count > 0 else { return }
        _ = lx_atomic_add_u32(sequence, 1)
        if lx_atomic_load_u32(sleepers) > 0 { _ = lx_futex_wake(sequence, Int32(clamping: count)) }
    }

    /// Wakes every process waiting on the condition. Call it holding the lock.
    public func notifyAll() { notify(Int(Int32.max)) }

    /// Passes the condition (and its lock) to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(lock)
        try container.encode(mapping.encodeDescriptor(encoder, "Condition"))
    }

    /// Maps a condition passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        lock = try container.decode(Lock.self)
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: 8, what: "Condition")
    }
}
