import CLinuxShims

/// A meeting point for a fixed number of processes, as Python's `multiprocessing.Barrier`: each ``wait(timeout:)``
/// returns once `parties` processes have called it.
///
/// ```swift
/// let barrier = try Barrier(parties: 3)
/// // in each of three processes:
/// let index = try barrier.wait(timeout: .seconds(5))   // 0, 1 or 2: a different one in each
/// ```
///
/// Layout, in shared memory with no name: a robust mutex, then the count of arrived parties, a generation word
/// (the futex the parties sleep on; the last to arrive advances it and wakes them), the broken word and the number
/// of parties. A party that times out breaks the barrier for every party (Python's `BrokenBarrierError`); a process
/// that dies inside ``wait(timeout:)`` cannot hold the mutex across it, so it freezes nobody who has a timeout.
public final class Barrier: Codable, Sendable {
    let mapping: SharedMemoryMapping
    private let mutex: RobustMutex
    private static let size = RobustMutex.reservedSize + 16
    private var arrived: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize) }
    private var generation: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 4) }
    private var broken: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 8) }
    private var partiesWord: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 12) }

    /// A barrier for `parties` processes (at least 1).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when `parties` is not in 1...Int32.max (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(parties: Int) throws(MultiprocessingError) {
        guard parties >= 1 && parties <= Int(Int32.max) else {
            throw MultiprocessingError(.invalidArgument, "a barrier needs 1...\(Int32.max) parties, not \(parties)")
        }
        mapping = try SharedMemoryMapping(size: Self.size, name: "multiprocessing-Barrier")
        mutex = RobustMutex.initialize(at: mapping.base, recursive: false)
        lx_atomic_store_u32(mapping.word(at: RobustMutex.reservedSize + 12), UInt32(parties))
    }

    /// The number of processes that must call ``wait(timeout:)``.
    public var parties: Int { Int(lx_atomic_load_u32(partiesWord)) }

    /// The number of processes waiting right now.
    public var waiting: Int { Int(lx_atomic_load_u32(arrived)) }

    /// Whether the barrier is broken.
    public var isBroken: Bool { lx_atomic_load_u32(broken) != 0 }

    /// Waits until `parties` processes have called this (up to `timeout`; `nil`: no limit).
    ///
    /// - Returns: a different index in `0..<parties` for each of the parties that passed together.
    /// - Throws: ``MultiprocessingError/Code/brokenBarrier`` when the barrier is or becomes broken: this party or
    ///   another timed out, or ``abort()`` was called.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Int {
        let deadline = Deadline(timeout)
        mutex.lockRecovering()
        if lx_atomic_load_u32(broken) != 0 {
            mutex.unlock()
            throw MultiprocessingError(.brokenBarrier, "the barrier is broken")
        }
        let observed = lx_atomic_load_u32(generation)
        let index = Int(lx_atomic_add_u32(arrived, 1)) - 1
        if index + 1 == parties {
            lx_atomic_store_u32(arrived, 0)
            _ = lx_atomic_add_u32(generation, 1)
            _ = lx_futex_wake(generation, Int32.max)
            mutex.unlock()
            return index
        }
        mutex.unlock()
        while true {
            if lx_atomic_load_u32(generation) != observed {
                if lx_atomic_load_u32(broken) == observed &+ 1 {
                    throw MultiprocessingError(
                        .brokenBarrier, "the barrier was broken while waiting (a timeout, or abort())")
                }
                return index
            }
            if deadline.hasPassed {
                // Break it for everyone, unless the last party arrived meanwhile; the loop then says which.
                mutex.lockRecovering()
                if lx_atomic_load_u32(generation) == observed { breakLocked() }
                mutex.unlock()
                continue
            }
            _ = lx_futex_wait(generation, observed, deadline.remainingNanoseconds)
        }
    }

    /// Breaks the barrier: every waiting and later ``wait(timeout:)`` throws
    /// ``MultiprocessingError/Code/brokenBarrier`` until ``reset()``.
    public func abort() {
        mutex.lockRecovering()
        breakLocked()
        mutex.unlock()
    }

    /// Makes a broken barrier usable again (no process should be waiting on it).
    public func reset() {
        mutex.lockRecovering()
        lx_atomic_store_u32(arrived, 0)
        lx_atomic_store_u32(broken, 0)
        mutex.unlock()
    }

    /// With the mutex held: marks the current generation broken (the broken word holds the generation that broke,
    /// plus one, so a party of an earlier generation that wakes late still sees that it passed), ends the
    /// generation and wakes its waiters.
    private func breakLocked() {
        let current = lx_atomic_load_u32(generation)
        lx_atomic_store_u32(broken, current &+ 1 == 0 ? 1 : current &+ 1)
        lx_atomic_store_u32(arrived, 0)
        _ = lx_atomic_add_u32(generation, 1)
        _ = lx_futex_wake(generation, Int32.max)
    }

    /// Passes the barrier to a child: only as (part of) a ``Process``'s arguments.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "Barrier"))
    }

    /// Maps a barrier passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: Self.size, what: "Barrier")
        mutex = RobustMutex(address: mapping.base)
    }
}
